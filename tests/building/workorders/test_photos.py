"""Uploaded photos at the edge: images only, no decompression bombs, upright, resized, size-limited."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from building.workorders.photos import MAX_SIDE, PhotoError, photo_prepare
from building.workorders.services import WorkOrderError, work_order_submit
from portal.models import User
from tests.building.workorders.conftest import jpeg


def png_bomb(side: int = 30_000) -> bytes:
    """A real PNG bomb: a ~100 KB file that would inflate to a 900-megapixel bitmap."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" * (1 + side // 8)  # filter byte + one bit per pixel
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row * 500) for _ in range(side // 500)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_the_bomb_is_small_and_refused_with_a_clear_message() -> None:
    bomb = png_bomb()
    assert len(bomb) < 300_000
    with pytest.raises(PhotoError) as err:
        photo_prepare(BytesIO(bomb))
    assert "too many pixels" in str(err.value)


def test_a_non_image_is_refused() -> None:
    with pytest.raises(PhotoError) as err:
        photo_prepare(BytesIO(b"%PDF-1.4 not a photo at all"))
    assert "not a photo" in str(err.value)
    gif = BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(PhotoError, match="JPEG or PNG"):
        photo_prepare(BytesIO(gif.getvalue()))


def test_too_many_bytes_is_refused() -> None:
    with pytest.raises(PhotoError, match="too large"):
        photo_prepare(BytesIO(b"\xff" * 100), size=11 * 1024 * 1024)


def test_turned_upright_and_resized() -> None:
    # 4000x3000 taken with the phone on its side (EXIF orientation 6: rotate 90° clockwise)
    prepared = photo_prepare(jpeg(4000, 3000, exif_orientation=6))
    assert (prepared.width, prepared.height) == (MAX_SIDE * 3 // 4, MAX_SIDE)
    stored = Image.open(BytesIO(prepared.content.read()))
    assert stored.format == "JPEG" and stored.size == (1200, 1600)
    assert not stored.getexif()  # no EXIF (location) kept


@pytest.mark.django_db
def test_the_request_is_not_saved_with_a_bad_photo(li_ming: User, companies: object) -> None:
    from building.workorders.models import WorkOrder

    bad = SimpleUploadedFile("bomb.png", png_bomb(), content_type="image/png")
    with pytest.raises(WorkOrderError) as err:
        work_order_submit(requester=li_ming, category="plumbing", location="3楼", description="漏水", photos=[jpeg(), bad])
    assert err.value.status == 400 and "too many pixels" in str(err.value)
    assert not WorkOrder.objects.exists()  # no half-write
    with pytest.raises(WorkOrderError, match="At most 6"):
        work_order_submit(requester=li_ming, category="plumbing", location="3楼", description="漏水", photos=[jpeg()] * 7)


def test_the_refusals_are_in_chinese_for_the_catalogue() -> None:
    """The lead merges locale/pending/workorders.json into the catalogue (make messages)."""
    import json
    from pathlib import Path

    from django.conf import settings

    pending = json.loads(Path(settings.BASE_DIR, "locale/pending/workorders.json").read_text(encoding="utf-8"))
    assert pending["The image is too large to open safely (too many pixels); please take a normal photo."] == (
        "图片像素过多，无法安全打开，请上传正常拍摄的照片。"
    )
    assert "JPEG" in pending["This file is not a photo (JPEG or PNG) or it is damaged."]


def _files(root: object) -> list[str]:
    from pathlib import Path

    return sorted(str(p.relative_to(root)) for p in Path(str(root)).rglob("*") if p.is_file())  # type: ignore[arg-type]


@pytest.mark.django_db
def test_no_photo_is_left_on_disk_when_the_request_rolls_back(
    li_ming: User, companies: object, settings: object, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from building.workorders.models import WorkOrder, WorkOrderPhoto
    from building.workorders.services import orders

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    monkeypatch.setattr(orders, "order_notify", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("broker down")))
    with pytest.raises(RuntimeError, match="broker down"):  # after the photos were written, inside the transaction
        work_order_submit(requester=li_ming, category="plumbing", location="3楼", description="漏水", photos=[jpeg(), jpeg()])
    assert not WorkOrder.objects.exists() and not WorkOrderPhoto.objects.exists()
    assert _files(tmp_path) == []
    monkeypatch.undo()
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    kept = work_order_submit(requester=li_ming, category="plumbing", location="3楼", description="漏水", photos=[jpeg()])
    assert [p.image.name for p in kept.photos.all()] == _files(tmp_path)  # a committed request keeps its photo


@pytest.mark.django_db
def test_no_photo_is_left_on_disk_when_the_completion_rolls_back(
    li_ming: User, zhao_contractor: User, companies: object, settings: object, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from building.workorders import services as sv
    from building.workorders.models import WorkOrder, WorkOrderPhoto
    from building.workorders.services import orders

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    order = work_order_submit(requester=li_ming, category="plumbing", location="3楼", description="漏水")
    sv.work_order_accept(order_id=order.pk, actor=zhao_contractor)
    sv.work_order_start(order_id=order.pk, actor=zhao_contractor)
    monkeypatch.setattr(orders, "_event", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError, match="disk full"):
        sv.work_order_complete(order_id=order.pk, actor=zhao_contractor, photos=[jpeg(), jpeg()], cost_fen=0)
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.IN_PROGRESS
    assert not WorkOrderPhoto.objects.exists() and _files(tmp_path) == []
