"""Uploaded photos, checked at the edge: real JPEG/PNG images, not bombs, turned upright, resized.

Pillow decodes only after the header's size passed our own pixel limit, so a decompression bomb
(a small file that inflates to gigabytes) is refused before any memory is spent on it."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from io import BytesIO
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from security.uploads import UPLOAD_IMAGE_FORMATS, image_format_refused

MAX_PHOTOS = 6
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo passes; more is refused undecoded
MAX_SIDE = 1600  # stored size: enough to see a leak, small on a phone


logger = logging.getLogger(__name__)


class PhotoError(ValueError):
    pass


# The files written by the block of `photos_removed_on_rollback` running in this context.
_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("workorder_photos_written", default=None)


@contextmanager
def photos_removed_on_rollback() -> Iterator[None]:
    """Put around a transaction that stores photos: when the block fails (so the transaction rolled
    back, or failed to commit), the files it wrote are deleted; a database rollback leaves files on
    disk by itself. A file is written inside the transaction, so a committed row always has one."""
    written: list[tuple[Storage, str]] = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        for storage, name in written:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("could not remove the photo %s of a rolled-back work order change", name)
        raise
    finally:
        _written.reset(token)


def photo_written(storage: Storage, name: str) -> None:
    """Called right after a photo's file is written: removed again if the transaction rolls back."""
    written = _written.get()
    if written is None:
        raise RuntimeError("work-order photos are stored inside photos_removed_on_rollback()")
    written.append((storage, name))


@dataclass(frozen=True)
class Photo:
    content: ContentFile[bytes]
    width: int
    height: int


def photo_prepare(upload: IO[bytes], *, size: int | None = None) -> Photo:
    """A JPEG ready for storage from an uploaded file, or PhotoError with a sentence for people."""
    if size is not None and size > MAX_BYTES:
        raise PhotoError(_("The photo is too large (at most %(mb)d MB).") % {"mb": MAX_BYTES // 1024 // 1024})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(_("The photo is too large (at most %(mb)d MB).") % {"mb": MAX_BYTES // 1024 // 1024})
    refused = image_format_refused(data[:16], UPLOAD_IMAGE_FORMATS)  # the platform's one list of formats
    if refused not in (None, "unknown"):
        raise PhotoError(_("Only JPEG or PNG photos can be uploaded."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data)) as probe:
                fmt, (width, height) = probe.format, probe.size
                if fmt not in UPLOAD_IMAGE_FORMATS:
                    raise PhotoError(_("Only JPEG or PNG photos can be uploaded."))
                if width * height > MAX_PIXELS:
                    raise PhotoError(_("The image is too large to open safely (too many pixels); please take a normal photo."))
                probe.verify()
            with Image.open(BytesIO(data)) as img:
                img.load()
                upright = ImageOps.exif_transpose(img) or img
                upright = upright.convert("RGB")
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoError(_("The image is too large to open safely (too many pixels); please take a normal photo.")) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise PhotoError(_("This file is not a photo (JPEG or PNG) or it is damaged.")) from exc
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = BytesIO()
    upright.save(out, "JPEG", quality=85, optimize=True)  # re-encoded: no EXIF (GPS) kept
    return Photo(ContentFile(out.getvalue(), name="photo.jpg"), upright.width, upright.height)
