"""The booking pages' rows built in Python: my bookings' lists ({% upcoming_rows %}, {% past_rows %})
and the calendar's days ({% calendar_days %}). As template loops they were most of those pages'
time (per row ~20 template nodes, two URL reversals, three date formats, three translations); here
a row is one string format. The HTML is the same, byte for byte, as the loops gave (docs/benchmarks.md).

Kept per process, and only what is the same for everyone: the translated words per language and
each URL's text around its id per URLconf and script prefix. The rows themselves (a person's
bookings) are built on every request."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from functools import lru_cache
from html import escape as _escape
from typing import Any, NamedTuple

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language, gettext

from core.money import format_fen
from portal.booking.models.bookings import Stage, Status
from portal.booking.selectors import BookingRow

register = template.Library()

_ID = 2147483647  # reversed in place of a booking's id, then replaced by each row's


@lru_cache(maxsize=64)
def _around_id(url_name: str, urlconf: str | None, prefix: str) -> tuple[str, str]:
    """The escaped text of url_name's URL before and after its one integer argument."""
    head, found, tail = reverse(url_name, args=[_ID], urlconf=urlconf).partition(str(_ID))
    assert found, url_name
    return escape(head), escape(tail)


def _url(url_name: str) -> tuple[str, str]:
    return _around_id(url_name, get_urlconf(), get_script_prefix())


class _Words(NamedTuple):
    status: dict[str, str]
    stage: dict[str, str]
    checked_in: str
    refunded: str
    check_in: str
    cancel_confirm: str
    cancel: str
    no_upcoming: str
    reason: str
    ask_again: str


@lru_cache(maxsize=16)
def _words(language: str | None) -> _Words:
    return _Words(
        status={str(value): escape(label) for value, label in Status.choices},
        stage={str(value): escape(label) for value, label in Stage.choices},
        checked_in=escape(gettext("checked in")),
        refunded=escape(gettext("refunded")),
        check_in=escape(gettext("Check in")),
        cancel_confirm=escape(gettext("Cancel this booking?")),
        cancel=escape(gettext("Cancel")),
        no_upcoming=escape(gettext("No upcoming bookings.")),
        reason=escape(gettext("Reason")),
        ask_again=escape(gettext("Ask again")),
    )


def _csrf_field(context: template.Context) -> str:
    """What {% csrf_token %} writes: the request's one token serves every form of the page."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 -- the csrf context processor's "no token"
        return ""
    return str(format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token))


# Per row, the standard library's html.escape: what django's escape() does, without its check
# for lazy arguments (~200 values a page); the rows' values are plain strings from the database.


def _minutes(value: datetime, zone: tzinfo) -> str:
    """|date:"Y-m-d H:i" in the current zone."""
    t = value.astimezone(zone)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def _hours(value: datetime) -> str:
    """|time:"H:i" of a value already in the zone."""
    return f"{value.hour:02d}:{value.minute:02d}"


_UPCOMING = (
    '\n  <li id="booking-{pk}" data-status="{status}">\n    <strong>{resource}</strong> · {title}<br>\n'
    '    <time datetime="{iso}">{start}</time>–{end}\n    <em>{label}</em>{extra}\n    {fee}\n'
    '    <div class="actions">\n      {check_in}\n      <form method="post" action="{cancel_url}" class="inline" '
    'data-confirm="{confirm}" data-danger>{csrf}<button type="submit" class="link">{cancel}</button></form>\n'
    "    </div>\n  </li>\n  "
)
_CHECK_IN = (
    '\n      <form method="post" action="{url}" class="inline">{csrf}<button type="submit">{label}</button></form>\n      '
)


@register.simple_tag(takes_context=True)
def upcoming_rows(context: template.Context, bookings: Sequence[BookingRow]) -> SafeString:
    """My bookings' upcoming list (selectors.booking_rows_for_user): one <li> per booking, or the empty line."""
    words = _words(get_language())
    if not bookings:
        return SafeString(f'\n  <li class="empty">{words.no_upcoming}</li>\n  ')
    csrf, zone = _csrf_field(context), get_current_timezone()
    cancel_head, cancel_tail = _url("booking:cancel")
    check_head, check_tail = _url("booking:check_in")
    rows = []
    for b in bookings:
        status = b.status
        extra = f" · {words.stage.get(b.stage, _escape(b.stage))}" if b.stage else ""
        if b.checked_in_at:
            extra += f" · {words.checked_in}"
        fee = ""
        if b.fee_fen:
            fee = f" · {_escape(format_fen(b.fee_fen))}" + (f" ({words.refunded})" if b.refunded else "")
        check_in = ""
        if b.resource_kind == "room" and status == "confirmed" and not b.checked_in_at:
            check_in = _CHECK_IN.format(url=f"{check_head}{b.pk}{check_tail}", csrf=csrf, label=words.check_in)
        start = b.start.astimezone(zone)
        rows.append(
            _UPCOMING.format(
                pk=b.pk,
                status=_escape(status),
                resource=_escape(b.resource_name),
                title=_escape(b.title),
                iso=start.isoformat(),
                start=_minutes(start, zone),
                end=_hours(b.end.astimezone(zone)),
                label=words.status.get(status, _escape(status)),
                extra=extra,
                fee=fee,
                check_in=check_in,
                cancel_url=f"{cancel_head}{b.pk}{cancel_tail}",
                confirm=words.cancel_confirm,
                csrf=csrf,
                cancel=words.cancel,
            )
        )
    return SafeString("".join(rows))


_PAST = '\n  <li id="booking-{pk}" data-status="{status}">{resource} · {start} · <em>{label}</em>\n    {rejected}\n  </li>\n  '
_REJECTED = (
    '<small>{reason}: {text}</small>\n      <form method="post" action="{url}" class="inline">{csrf}'
    '<button type="submit" class="link">{label}</button></form>'
)


@register.simple_tag(takes_context=True)
def past_rows(context: template.Context, bookings: Iterable[BookingRow]) -> SafeString:
    """My bookings' earlier list; a rejected one with its reason offers to ask again."""
    words = _words(get_language())
    csrf, zone = _csrf_field(context), get_current_timezone()
    head, tail = _url("booking:resubmit")
    rows = []
    for b in bookings:
        rejected = ""
        if b.reason and b.status == "rejected":
            url = f"{head}{b.pk}{tail}"
            rejected = _REJECTED.format(reason=words.reason, text=_escape(b.reason), url=url, csrf=csrf, label=words.ask_again)
        label = words.status.get(b.status, _escape(b.status))
        name, start = _escape(b.resource_name), _minutes(b.start, zone)
        rows.append(_PAST.format(pk=b.pk, status=_escape(b.status), resource=name, start=start, label=label, rejected=rejected))
    return SafeString("".join(rows))


_NO_ENTRY = '<li class="empty">—</li>'


@register.simple_tag
def calendar_days(days: Iterable[dict[str, Any]]) -> SafeString:
    """The calendar's week: per day its heading and its entries (selectors.CalendarEntry), or a dash."""
    out = []
    for day in days:
        entries = "".join(
            f'<li data-status="{_escape(e.status)}"><time>{_escape(e.times)}</time> {_escape(e.label)}</li>'
            for e in day["bookings"]
        )
        heading = _escape(formats.date_format(day["day"], "m-d D"))
        out.append(f"\n  <li><h2>{heading}</h2>\n    <ul>{entries or _NO_ENTRY}</ul>\n  </li>\n  ")
    return SafeString("".join(out))


def _forget(**kwargs: Any) -> None:
    """Tests override settings (URLconf, languages): nothing kept outlives them."""
    _around_id.cache_clear()
    _words.cache_clear()


setting_changed.connect(_forget, dispatch_uid="booking-rows")
