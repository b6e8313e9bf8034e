from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portal.models import User
from security.models import FaceConsent, FaceEncoding
from tests.security.faces_helpers import ENROL_A, FACES, NO_FACE, OTHER_A, photo

pytestmark = pytest.mark.django_db


def test_face_enroll_records_consent_and_prints_json(li_ming: User) -> None:
    out = io.StringIO()
    call_command("face_enroll", "li_ming", str(FACES / ENROL_A), str(FACES / OTHER_A), "--consent", stdout=out)
    report = json.loads(out.getvalue())
    assert report["user"] == "li_ming" and report["encodings"] == 2
    assert [q["faces"] for q in report["quality"]] == [1, 1] and report["quality"][0]["face_px"] > 100
    assert FaceConsent.objects.get(user=li_ming).channel == "operator"


def test_face_enroll_refuses_without_consent_and_names_bad_photos(li_ming: User) -> None:
    with pytest.raises(CommandError, match="consent"):
        call_command("face_enroll", "li_ming", str(FACES / ENROL_A), stdout=io.StringIO())
    with pytest.raises(CommandError, match="未检测到人脸"):
        call_command("face_enroll", "li_ming", str(FACES / NO_FACE), "--consent", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no user"):
        call_command("face_enroll", "nobody", str(FACES / ENROL_A), "--consent", stdout=io.StringIO())
    assert not FaceEncoding.objects.exists()


def test_face_import_from_a_zip_reports_enrolled_and_rejected(li_ming: User, zhang_li: User, tmp_path: Path) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"{li_ming.employee_no}.jpg", photo(ENROL_A))
        z.writestr(f"{zhang_li.employee_no}.jpg", photo(NO_FACE))
        z.writestr("E99999.jpg", photo(OTHER_A))
    out, err = io.StringIO(), io.StringIO()
    call_command("face_import", str(archive), "--consent-collected", stdout=out, stderr=err)
    report = json.loads(out.getvalue())
    assert [r["user"] for r in report["enrolled"]] == ["li_ming"]
    assert sorted(r["reason"] for r in report["rejected"]) == ["no_face", "unknown_employee"]
    assert FaceEncoding.objects.filter(user=li_ming).count() == 1
    assert "3/3" in err.getvalue()  # the progress bar went to stderr


def test_face_import_of_a_folder(li_ming: User, tmp_path: Path) -> None:
    (tmp_path / f"{li_ming.employee_no}.jpg").write_bytes(photo(OTHER_A))
    out = io.StringIO()
    call_command("face_import", str(tmp_path), "--consent-collected", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue())["enrolled"][0]["encodings"] == 1
