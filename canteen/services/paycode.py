"""Dynamic QR pay codes: HMAC over (user, 30-second counter, nonce), valid for at most two windows.

A screenshot therefore stops working within a minute, and each code pays once (PayCodeUse).

Grammar (core/codes.py): `SOPAY.<user id>.<counter>.<nonce>.<mac>`, ASCII only; user id and
counter are decimal without leading zeros (at most 19 and 12 digits), nonce is 8 and mac 20
lowercase hex digits. Only this one spelling is accepted, and PayCodeUse stores the digest of
the canonical form, so no respelling (０, ٣, 007) can pay a second time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.codes import CodeError, compile_ascii, match
from portal.models import User

PREFIX = "SOPAY"
WINDOW_S = 30
WINDOWS_ACCEPTED = 2  # the current window and the one before: 30..60 s of validity
MAX_LENGTH = 80
_GRAMMAR = compile_ascii(
    rf"{PREFIX}\.(?P<user>[1-9][0-9]{{0,18}})\.(?P<counter>[1-9][0-9]{{0,11}})\.(?P<nonce>[0-9a-f]{{8}})\.(?P<mac>[0-9a-f]{{20}})"
)


class PayCodeError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PayCode:
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class CanonicalCode:
    user_id: int
    counter: int
    nonce: str
    mac: str

    @property
    def text(self) -> str:
        return f"{PREFIX}.{self.user_id}.{self.counter}.{self.nonce}.{self.mac}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ResolvedCode:
    user: User
    digest: str  # what PayCodeUse stores so the code pays once


def _counter(at: datetime) -> int:
    return int(at.timestamp()) // WINDOW_S


def _mac(user_id: int, counter: int, nonce: str) -> str:
    return salted_hmac("canteen.paycode", f"{user_id}:{counter}:{nonce}", algorithm="sha256").hexdigest()[:20]


def paycode_issue(*, user: User, at: datetime | None = None) -> PayCode:
    """A new code on every call (random nonce), so a second purchase right after the first works."""
    at = at or timezone.now()
    counter = _counter(at)
    nonce = secrets.token_hex(4)
    expires = datetime.fromtimestamp((counter + WINDOWS_ACCEPTED) * WINDOW_S, tz=at.tzinfo)
    return PayCode(f"{PREFIX}.{user.pk}.{counter}.{nonce}.{_mac(user.pk, counter, nonce)}", expires)


def paycode_parse(code: str) -> CanonicalCode:
    """The canonical pay code, or PayCodeError("bad_code") for any other spelling."""
    try:
        found = match(_GRAMMAR, code, max_length=MAX_LENGTH)
    except CodeError as exc:
        raise PayCodeError("bad_code") from exc
    return CanonicalCode(int(found["user"]), int(found["counter"]), found["nonce"], found["mac"])


def paycode_resolve(*, code: str, at: datetime | None = None) -> ResolvedCode:
    """The user a code belongs to, or PayCodeError(bad_code | code_expired | unknown_user)."""
    at = at or timezone.now()
    canonical = paycode_parse(code)
    if not hmac.compare_digest(_mac(canonical.user_id, canonical.counter, canonical.nonce), canonical.mac):
        raise PayCodeError("bad_code")
    now = _counter(at)
    if not now - WINDOWS_ACCEPTED < canonical.counter <= now:
        raise PayCodeError("code_expired")
    user = User.objects.filter(pk=canonical.user_id, is_active=True).first()
    if user is None:
        raise PayCodeError("unknown_user")
    return ResolvedCode(user, canonical.digest)
