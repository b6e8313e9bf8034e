"""Dynamic QR pay codes: HMAC over (user, 30-second counter, nonce), valid for at most two windows.

A screenshot therefore stops working within a minute, and each code pays once (PayCodeUse).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.crypto import salted_hmac

from portal.models import User

PREFIX = "SOPAY"
WINDOW_S = 30
WINDOWS_ACCEPTED = 2  # the current window and the one before: 30..60 s of validity


class PayCodeError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PayCode:
    code: str
    expires_at: datetime


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


def paycode_resolve(*, code: str, at: datetime | None = None) -> ResolvedCode:
    """The user a code belongs to, or PayCodeError(bad_code | code_expired | unknown_user)."""
    at = at or timezone.now()
    parts = code.strip().split(".")
    if len(parts) != 5 or parts[0] != PREFIX or not parts[1].isdigit() or not parts[2].isdigit():
        raise PayCodeError("bad_code")
    user_id, counter = int(parts[1]), int(parts[2])
    if not hmac.compare_digest(_mac(user_id, counter, parts[3]), parts[4]):
        raise PayCodeError("bad_code")
    now = _counter(at)
    if not now - WINDOWS_ACCEPTED < counter <= now:
        raise PayCodeError("code_expired")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise PayCodeError("unknown_user")
    return ResolvedCode(user, hashlib.sha256(code.strip().encode()).hexdigest())
