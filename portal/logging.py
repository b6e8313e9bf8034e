"""Logging filters. A permission failure is routine: one line, not a traceback."""

from __future__ import annotations

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """Django logs a 403 with the PermissionDenied traceback attached; keep the one line only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
