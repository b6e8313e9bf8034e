"""Face photos are kept in memory only: Django would spill an upload above 2.5 MB (a typical
phone photo) to a temporary file on disk, which is a copy of the image we must not make."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler, SkipFile

MAX_UPLOAD_BYTES = 8_000_000


class InMemoryOnlyUploadHandler(MemoryFileUploadHandler):
    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None) -> None:
        self.activated = True  # whatever the size: never the temporary-file handler

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            raise SkipFile  # dropped, never buffered; the form then reports the missing photo
        return super().receive_data_chunk(raw_data, start)
