"""The only module that calls face_recognition. It runs inside the face process pool.

No Django here: the pool's forkserver preloads this module (and with it dlib's models) once,
and every worker is forked from it. Pure bytes in, plain picklable values out.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000  # a bigger "photo" is a decompression bomb, not a face
FORMATS = ("JPEG", "PNG")  # what may be decoded at all (security/uploads.py checks earlier)

# Status codes shared with security.faces.api.FaceMatch.reason
OK = "ok"
NO_FACE = "no_face"
MULTIPLE_FACES = "multiple_faces"
BAD_IMAGE = "bad_image"
TOO_SMALL = "too_small"
BLURRED = "blurred"


@dataclass(frozen=True)
class Policy:
    """Size policy: detect on a downscaled frame, encode the face on a larger one."""

    detect_max_side: int = 640  # HOG at upsample 0 on <= 640 px finds faces >= ~80 px
    encode_max_side: int = 1280  # phone photos are decoded (JPEG draft) to about this size
    min_face_px: int = 60  # smaller boxes encode poorly
    blur_min: float = 0.0  # 0: no blur check (gates); enrolment sets it
    upsample_retry: bool = True  # nothing at upsample 0: try once at upsample 1 (small faces)


@dataclass(frozen=True)
class Analysis:
    status: str
    encoding: bytes | None = None  # 128 float32, little-endian
    quality: dict[str, Any] = field(default_factory=dict)
    compute_ms: float = 0.0


def _fr() -> Any:
    import face_recognition  # ~0.8 s: loaded once per pool (forkserver preload), never in the web process

    return face_recognition


def warm() -> bool:
    _fr()
    return True


def _decode(image: bytes, max_side: int) -> Image.Image:
    im: Image.Image = Image.open(io.BytesIO(image), formats=FORMATS)  # reads the header only
    if im.width * im.height > MAX_PIXELS:
        raise ValueError("too many pixels")
    im.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced DCT scale, much faster
    im = ImageOps.exif_transpose(im)  # phone cameras rotate through EXIF
    im = im.convert("RGB")
    if max(im.size) > max_side:
        im.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    return im


def _sharpness(crop: np.ndarray) -> float:
    """Variance of the Laplacian of the face, at a fixed 128 px, so it compares across sizes."""
    gray = np.asarray(Image.fromarray(crop).convert("L").resize((128, 128), Image.Resampling.BILINEAR), dtype=np.float32)
    lap = 4 * gray[1:-1, 1:-1] - gray[:-2, 1:-1] - gray[2:, 1:-1] - gray[1:-1, :-2] - gray[1:-1, 2:]
    return float(lap.var())


def analyse(image: bytes, policy: Policy) -> Analysis:
    started = time.perf_counter()
    fr = _fr()
    try:
        big = _decode(image, policy.encode_max_side)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return Analysis(BAD_IMAGE)
    scale = min(1.0, policy.detect_max_side / max(big.size))
    small = big if scale == 1.0 else big.resize((round(big.width * scale), round(big.height * scale)), Image.Resampling.BILINEAR)
    small_px = np.asarray(small)
    boxes = fr.face_locations(small_px, number_of_times_to_upsample=0, model="hog")
    if not boxes and policy.upsample_retry:
        boxes = fr.face_locations(small_px, number_of_times_to_upsample=1, model="hog")
    # back to the coordinates of the encoding image
    boxes = [tuple(round(v / scale) for v in box) for box in boxes]
    sizes = [min(bottom - top, right - left) for top, right, bottom, left in boxes]
    quality: dict[str, Any] = {"faces": len(boxes), "width": big.width, "height": big.height}
    if not boxes:
        return Analysis(NO_FACE, quality=quality, compute_ms=_ms(started))
    big_enough = [b for b, s in zip(boxes, sizes, strict=True) if s >= policy.min_face_px]
    if len(big_enough) > 1:
        return Analysis(MULTIPLE_FACES, quality=quality, compute_ms=_ms(started))
    if not big_enough:
        quality["face_px"] = max(sizes)
        return Analysis(TOO_SMALL, quality=quality, compute_ms=_ms(started))
    box = big_enough[0]
    top, right, bottom, left = box
    quality["face_px"] = min(bottom - top, right - left)
    pixels = np.asarray(big)
    if policy.blur_min > 0:
        quality["sharpness"] = round(_sharpness(pixels[max(top, 0) : bottom, max(left, 0) : right]), 1)
        if quality["sharpness"] < policy.blur_min:
            return Analysis(BLURRED, quality=quality, compute_ms=_ms(started))
    encoding = fr.face_encodings(pixels, known_face_locations=[box], num_jitters=1, model="small")[0]
    return Analysis(OK, np.asarray(encoding, dtype="<f4").tobytes(), quality, _ms(started))


def plain(image: bytes) -> int:
    """The naive call the benchmark compares with: full frame, library defaults."""
    fr = _fr()
    pixels = np.asarray(Image.open(io.BytesIO(image)).convert("RGB"))
    boxes = fr.face_locations(pixels)
    return len(fr.face_encodings(pixels, known_face_locations=boxes))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
