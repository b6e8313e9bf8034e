"""The one error the booking engine raises: a reason code for programs, a sentence for people."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

# reason -> HTTP status the API answers with
STATUS = {
    "invalid": 400,
    "conflict": 409,
    "quota": 409,
    "state": 409,
    "late_check_in": 409,
    "insufficient_funds": 402,
    "not_allowed": 403,
}


@dataclass
class Clash:
    start: datetime
    end: datetime

    def text(self) -> str:
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        if start.date() == end.date():
            return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"


@dataclass
class BookingError(Exception):
    reason: str
    message: str
    field: str | None = None  # the input field at fault (400)
    clashes: list[Clash] = dc_field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(f"{self.reason}: {self.message}")

    @property
    def status(self) -> int:
        return STATUS.get(self.reason, 400)

    @classmethod
    def conflict(cls, clashes: list[Clash]) -> BookingError:
        times = ", ".join(c.text() for c in clashes[:10])
        more = len(clashes) - 10
        if more > 0:
            times += " " + _("and %(n)d more") % {"n": more}
        return cls("conflict", _("Already booked at %(times)s.") % {"times": times}, clashes=clashes)


def invalid(field_name: str, message: str) -> BookingError:
    return BookingError("invalid", message, field=field_name)
