"""Grab one frame from a camera with OpenCV. Pure I/O: no database here."""

from __future__ import annotations

import cv2


class SnapshotError(RuntimeError):
    pass


def grab_jpeg(source: str, *, timeout_ms: int = 3000, quality: int = 85) -> bytes:
    """One JPEG from `source` (rtsp://, http:// MJPEG, or a video file), or SnapshotError.

    The timeouts matter: an unreachable RTSP camera would otherwise hold a worker for the
    FFmpeg default of 30 s. The URL is kept out of the error: it may carry credentials.
    """
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, timeout_ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, timeout_ms]
    capture = cv2.VideoCapture(source, cv2.CAP_FFMPEG, params)
    try:
        if not capture.isOpened():
            raise SnapshotError("the stream could not be opened")
        ok, frame = capture.read()
        if not ok or frame is None:
            raise SnapshotError("the stream gave no frame")
        ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise SnapshotError("the frame could not be encoded")
        return bytes(encoded.tobytes())
    finally:
        capture.release()
