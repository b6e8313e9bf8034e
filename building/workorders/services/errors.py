from __future__ import annotations


class WorkOrderError(Exception):
    """A refused write, with a sentence for people and the HTTP status it maps to
    (400 bad input, 403 not yours to do, 404 not found, 409 not allowed in the current state)."""

    def __init__(self, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.status = status
