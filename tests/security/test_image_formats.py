"""Issue 9 item 6: accepted image formats. Devices: JPEG (the MQTT contract). Uploads: JPEG and
PNG. GIF and WebP are refused with a clear message wherever an image enters."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from building.models import Site
from canteen.models import Merchant
from devices.simulator import SimDevice
from portal.models import User
from security.faces import engine
from security.services.faces import face_consent_give
from security.services.zones import access_zone_ensure
from security.uploads import image_format
from tests.security.faces_helpers import ENROL_A, photo


def _as(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(photo(ENROL_A))).convert("RGB").save(out, format=fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def images() -> dict[str, bytes]:
    return {fmt: _as(fmt) for fmt in ("GIF", "WEBP", "PNG", "JPEG")}


def test_magic_bytes_name_the_format(images: dict[str, bytes]) -> None:
    assert {fmt: image_format(data) for fmt, data in images.items()} == {
        "GIF": "GIF",
        "WEBP": "WEBP",
        "PNG": "PNG",
        "JPEG": "JPEG",
    }
    assert image_format(b"hello") is None


@pytest.mark.django_db
def test_the_face_upload_refuses_gif_and_webp_with_a_message(client: Client, li_ming: User, images: dict[str, bytes]) -> None:
    face_consent_give(user=li_ming)
    client.force_login(li_ming)
    for fmt in ("GIF", "WEBP"):
        upload = SimpleUploadedFile(f"me.{fmt.lower()}", images[fmt], "image/jpeg")  # the name and type lie
        response = client.post("/access/face/photo/", {"photo": upload})
        assert response.status_code == 400 and "JPEG" in response.content.decode() and fmt in response.content.decode()


def test_the_engine_decodes_jpeg_and_png_only(images: dict[str, bytes]) -> None:
    policy = engine.Policy()
    assert engine.analyse(images["GIF"], policy).status == engine.BAD_IMAGE
    assert engine.analyse(images["WEBP"], policy).status == engine.BAD_IMAGE
    assert engine.analyse(images["PNG"], policy).status == engine.OK


@pytest.mark.django_db(transaction=True)
def test_gates_and_pos_refuse_gif_and_webp_with_an_error_cmd(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, images: dict[str, bytes]
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    Merchant.objects.create(site=site, code="canteen", name="一食堂", kind="canteen")
    gate, pos = connect_device(site, "gate"), connect_device(site, "pos")
    for fmt in ("GIF", "WEBP"):
        image = base64.b64encode(images[fmt]).decode()
        event_id = gate.send("face", {"image": image, "direction": "in", "liveness": None})
        cmd = gate.wait_command(re=event_id, timeout=10)
        assert cmd["type"] == "error" and "JPEG" in str(cmd["data"]), cmd
        event_id = pos.send("face_pay", {"image": image, "amount_fen": 100, "merchant": "canteen", "order_ref": f"o-{fmt}"})
        cmd = pos.wait_command(re=event_id, timeout=10)
        assert cmd["type"] == "error" and "JPEG" in str(cmd["data"]), cmd
