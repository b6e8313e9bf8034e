"""Enrolment with consent in the portal, rejections with clear messages, and privacy."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from building.models import Site
from core.models import AuditLog
from devices import dispatch
from portal.models import User
from security.faces.crypto import encoding_decrypt
from security.models import AccessZone, FaceConsent, FaceEncoding
from security.services.faces import face_consent_give, face_encodings_purge, face_enrol
from tests.factories import device_factory
from tests.security.faces_helpers import CAT, ENROL_A, GATE_A, NO_FACE, OTHER_A, TWO_FACES, photo

pytestmark = pytest.mark.django_db


def _upload(client: Client, name: str) -> Any:
    return client.post("/access/face/photo/", {"photo": SimpleUploadedFile(name, photo(name), "image/jpeg")})


def test_portal_enrolment_needs_separate_consent_then_takes_a_photo(client: Client, li_ming: User) -> None:
    client.force_login(li_ming)
    page = client.get("/access/face/")
    assert page.status_code == 200 and b'data-testid="face-consent-form"' in page.content
    assert b'capture="user"' not in page.content  # no upload before consent
    assert _upload(client, ENROL_A).status_code == 400
    assert client.post("/access/face/consent/", {}).status_code == 400  # the box must be ticked
    assert client.post("/access/face/consent/", {"agree": "yes"}).status_code == 302
    consent = FaceConsent.objects.get(user=li_ming, withdrawn_at__isnull=True)
    assert consent.channel == "portal" and consent.retention_days > 0 and consent.version and "人脸特征" in consent.purpose

    page = client.get("/access/face/")
    assert b'accept="image/*" capture="user"' in page.content
    assert _upload(client, ENROL_A).status_code == 302
    row = FaceEncoding.objects.get(user=li_ming)
    assert encoding_decrypt(bytes(row.ciphertext)).shape == (128,)
    assert b'data-encodings="1"' in client.get("/access/face/").content
    assert AuditLog.objects.filter(action="security.face.read", actor=li_ming).exists()
    assert AuditLog.objects.filter(action="security.face.enrol", target_id=str(li_ming.pk)).exists()


def test_the_photo_never_touches_the_disk(client: Client, li_ming: User, settings: Any, tmp_path: Any) -> None:
    # Django spills uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to FILE_UPLOAD_TEMP_DIR; a missing
    # directory makes that fail, so the enrolment below succeeds only if it stayed in memory.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "does-not-exist")
    face_consent_give(user=li_ming)
    client.force_login(li_ming)
    assert _upload(client, ENROL_A).status_code == 302
    assert FaceEncoding.objects.filter(user=li_ming).count() == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (NO_FACE, "未检测到人脸"),
        (CAT, "未检测到人脸"),
        (TWO_FACES, "多张人脸"),
    ],
)
def test_photos_without_exactly_one_face_are_rejected_with_a_clear_message(
    client: Client, li_ming: User, name: str, message: str
) -> None:
    face_consent_give(user=li_ming)
    client.force_login(li_ming)
    response = _upload(client, name)
    assert response.status_code == 400 and message in response.content.decode()
    assert not FaceEncoding.objects.filter(user=li_ming).exists()


def test_a_file_that_is_not_an_image_is_rejected(client: Client, li_ming: User) -> None:
    face_consent_give(user=li_ming)
    client.force_login(li_ming)
    response = client.post("/access/face/photo/", {"photo": SimpleUploadedFile("x.jpg", b"%PDF-1.4 nonsense")})
    assert response.status_code == 400 and "无法读取该文件" in response.content.decode()


def test_withdrawal_in_the_portal_deletes_the_encodings(client: Client, li_ming: User) -> None:
    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    face_enrol(user=li_ming, image=photo(OTHER_A), actor=li_ming)
    client.force_login(li_ming)
    assert client.post("/access/face/withdraw/").status_code == 302
    assert FaceEncoding.objects.filter(user=li_ming).count() == 0
    assert FaceConsent.objects.get(user=li_ming).withdrawn_at is not None


def test_no_image_bytes_are_stored_anywhere(client: Client, li_ming: User, site: Site) -> None:
    """Enrol in the portal and pass a gate (dispatch, as the bridge calls it); then read every
    column of every table that could hold bytes or text and look for any piece of the photos."""
    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    client.force_login(li_ming)
    client.post("/access/face/consent/", {"agree": "yes"})
    assert _upload(client, ENROL_A).status_code == 302
    gate = device_factory(site=site, kind="gate").device
    frame_b64 = base64.b64encode(photo(GATE_A)).decode()
    body = {"id": uuid.uuid4().hex, "ts": timezone.now().isoformat(), "type": "face", "data": {"image": frame_b64}}
    outcome = dispatch.handle(f"so/{site.code}/{gate.device_id}/event", json.dumps(body).encode(), timezone.now())
    assert outcome.reply_type == "access"

    needles_bytes = [photo(n)[200:232] for n in (ENROL_A, GATE_A)] + [b"\xff\xd8\xff"]
    needles_text = [base64.b64encode(photo(n)[300:348]).decode() for n in (ENROL_A, GATE_A)] + ["/9j/"]
    scanned = 0
    with connection.cursor() as cursor:
        for model in apps.get_models():
            columns = [f.column for f in model._meta.concrete_fields if f.get_internal_type() in
                       ("BinaryField", "TextField", "CharField", "JSONField")]
            if not columns:
                continue
            names = ", ".join(connection.ops.quote_name(str(c)) for c in columns)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    scanned += 1
                    if isinstance(value, bytes | memoryview):
                        assert not any(n in bytes(value) for n in needles_bytes), model
                    elif isinstance(value, str):
                        assert not any(n in value for n in needles_text), model
    assert scanned > 50
    assert FaceEncoding.objects.count() == 1  # the encoding is there, encrypted: 128 float32 would be 512 bytes raw
    assert len(bytes(FaceEncoding.objects.get().ciphertext)) > 512


def test_retention_purge_deletes_encodings_of_people_who_left(li_ming: User) -> None:
    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    now = timezone.now()
    assert face_encodings_purge(now=now) == {"marked_inactive": 0, "deleted": 0}
    li_ming.is_active = False
    li_ming.save()
    assert face_encodings_purge(now=now) == {"marked_inactive": 1, "deleted": 0}
    assert face_encodings_purge(now=now + timedelta(days=31)) == {"marked_inactive": 0, "deleted": 1}
    assert not FaceEncoding.objects.filter(user=li_ming).exists()
