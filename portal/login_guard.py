"""Progressive delay before django-axes' hard lock, per (username, client address) pair.

Policy (docs/security.md): failures are counted per pair only, so one person's typos never
lock a colleague at the same address, and nobody can lock an account from elsewhere.
- failures 1..LOGIN_DELAY_AFTER-1 (default 1..2): no wait;
- from LOGIN_DELAY_AFTER (3) on: the next try must wait LOGIN_DELAY_BASE_S * 2^(n-3) seconds
  (5, 10, 20, 40, 60, 60 ...; capped at LOGIN_DELAY_MAX_S) after the last failure; a try
  before that gets 429 with the remaining seconds and is NOT checked or counted;
- at AXES_FAILURE_LIMIT (10): axes locks the pair for AXES_COOLOFF_TIME (15 minutes).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum


def login_wait_seconds(*, username: str, ip_address: str, at: datetime) -> int:
    """Seconds this pair must still wait before its next try (0: it may try now)."""
    if not username:
        return 0
    cooloff: timedelta = settings.AXES_COOLOFF_TIME
    totals = AccessAttempt.objects.filter(username=username, ip_address=ip_address, attempt_time__gte=at - cooloff).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    failures, last = totals["failures"] or 0, totals["last"]
    after = int(getattr(settings, "LOGIN_DELAY_AFTER", 3))
    if last is None or failures < after or failures >= settings.AXES_FAILURE_LIMIT:
        return 0  # at the limit axes answers with its own lockout page
    base = float(getattr(settings, "LOGIN_DELAY_BASE_S", 5))
    delay = min(base * 2 ** (failures - after), float(getattr(settings, "LOGIN_DELAY_MAX_S", 60)))
    remaining = (last + timedelta(seconds=delay) - at).total_seconds()
    return max(0, math.ceil(remaining))
