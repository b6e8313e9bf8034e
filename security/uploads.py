"""Face photos are kept in memory only: Django would spill an upload above 2.5 MB (a typical
phone photo) to a temporary file on disk, which is a copy of the image we must not make."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler, SkipFile

MAX_UPLOAD_BYTES = 8_000_000

# Accepted image formats (docs/faces.md), checked on the first bytes wherever an image enters:
# devices send JPEG (the MQTT contract); people upload JPEG or PNG (phones, screenshots).
# GIF, WebP, HEIC, BMP, TIFF, SVG ... are refused with a clear message, and the face engine
# refuses anything but JPEG and PNG again after decoding the header.
DEVICE_IMAGE_FORMATS = ("JPEG",)
UPLOAD_IMAGE_FORMATS = ("JPEG", "PNG")
_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def image_format(data: bytes) -> str | None:
    """The format named by the first bytes (JPEG, PNG, GIF, WEBP, BMP, TIFF, HEIF), else None."""
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        return "HEIF"
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def image_format_refused(data: bytes, allowed: tuple[str, ...]) -> str | None:
    """None if `data` is one of `allowed`, else the found format (or "unknown") for the message."""
    found = image_format(data)
    return None if found in allowed else (found or "unknown")


class InMemoryOnlyUploadHandler(MemoryFileUploadHandler):
    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None) -> None:
        self.activated = True  # whatever the size: never the temporary-file handler

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            raise SkipFile  # dropped, never buffered; the form then reports the missing photo
        return super().receive_data_chunk(raw_data, start)
