"""Drops: one per bin event, points credited once through the ledger, held drops reviewed.

`drop_record` runs inside the MQTT dispatcher's transaction (one per message or batch), so it
opens a nested block, not a durable one; `drop_review` is a top-level service of the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from building.recycling.categories import LABELS
from building.recycling.conf import setting
from building.recycling.identify import person_identify
from building.recycling.models import Drop, Rate, RecyclingBin
from canteen import ledger
from canteen.models import AccountKind
from core.audit import audit_log
from core.i18n import site_text
from core.realtime import publish_on_commit, user_group
from devices.models import Device
from portal.models import User
from portal.notifications.services import notification_send

AWARD_KIND = "recycling_award"


class ReviewError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DropInput:
    event_id: str
    method: str  # face | card | qr
    category: str
    weight_g: int
    at: datetime  # the bin's own timestamp (envelope ts): replays are credited when they happened
    confidence: float | None = None
    code: str = ""
    analysis: Any = None  # identify.face_prepare's result, computed before the transaction


@dataclass(frozen=True)
class DropAnswer:
    awarded: int
    total: int
    reason: str

    def as_reply(self) -> dict[str, Any]:
        return {"awarded": self.awarded, "total": self.total, "reason": self.reason}


def award_key(drop: Drop) -> str:
    return f"recycling:{drop.device_id}:{drop.event_id}"


def rate_for(*, site_id: int, category: str) -> int:
    """Points per kg: the site's rate table, else the configured default."""
    row = Rate.objects.filter(site_id=site_id, category=category).values_list("points_per_kg", flat=True).first()
    if row is not None:
        return int(row)
    return int(setting("DEFAULT_RATES").get(category, 0))


def bin_of(device: Device) -> RecyclingBin:
    found = RecyclingBin.objects.filter(device=device).first()
    if found is not None:
        return found
    return RecyclingBin.objects.get_or_create(device=device, defaults={"site_id": device.site_id})[0]


def _points_total(user: User) -> int:
    return ledger.user_accounts(user).points.balance_fen


def _day_bounds(at: datetime) -> tuple[datetime, datetime]:
    day = timezone.localdate(at)
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _award(drop: Drop) -> int:
    """Credit `drop` within the day's cap; returns the person's points total. Caller's transaction.

    The person's points account is locked first, so two bins crediting one person at once cannot
    both fit under the cap (the lock serialises them; the sum below then sees the other's row).
    """
    assert drop.user is not None
    account = ledger.user_accounts(drop.user).points
    locked = ledger.accounts_lock([account])
    earned = drop.weight_g * rate_for(site_id=drop.site_id, category=drop.category) // 1000
    start, end = _day_bounds(drop.dropped_at)
    used = (
        Drop.objects.filter(user=drop.user, status=Drop.Status.AWARDED, dropped_at__gte=start, dropped_at__lt=end)
        .exclude(pk=drop.pk)
        .aggregate(s=Sum("points"))["s"]
        or 0
    )
    points = max(0, min(earned, int(setting("DAILY_CAP_POINTS")) - used))
    drop.status, drop.points = Drop.Status.AWARDED, points
    drop.reason = "ok" if points == earned and earned > 0 else ("no_points_for_category" if earned == 0 else "daily_cap")
    if points > 0:
        posted = ledger.transaction_post(
            kind=AWARD_KIND,
            key=award_key(drop),
            legs=[(account, points), (ledger.system_account(AccountKind.POINTS_ISSUANCE), -points)],
            user=drop.user,
            description="垃圾分类积分",  # statements are shown in Chinese
            data={"drop": drop.pk, "category": drop.category, "weight_g": drop.weight_g},
            at=drop.dropped_at,
            locked=locked,
        )
        drop.transaction = posted.transaction
    drop.save(update_fields=["status", "points", "reason", "transaction"])
    return locked[account.pk].balance_fen


def _decide(drop: Drop, bin_: RecyclingBin, who_reason: str) -> tuple[str, str]:
    if drop.user is None:
        return Drop.Status.REJECTED, who_reason or "unknown_person"
    if not bin_.accepts(drop.category):
        return Drop.Status.REJECTED, "wrong_compartment"
    if drop.weight_g < int(setting("MIN_WEIGHT_G")):
        return Drop.Status.TOO_LIGHT, "too_light"
    if drop.weight_g > int(setting("HOLD_ABOVE_G")):
        return Drop.Status.HELD, "held_for_review"
    if drop.confidence is not None and drop.confidence < float(setting("MIN_CONFIDENCE")):
        return Drop.Status.HELD, "held_for_review"
    return Drop.Status.AWARDED, ""


def _publish(drop: Drop, total: int) -> None:
    if drop.user_id is not None:
        event = {"type": "recycling.drop", "id": drop.pk, "status": drop.status, "points": drop.points, "total": total}
        publish_on_commit(user_group(drop.user_id), event)


def drop_record(*, device: Device, drop: DropInput, received_at: datetime | None = None) -> DropAnswer:
    """Record a bin's drop once per (bin, event id) and answer what it earned."""
    received_at = received_at or timezone.now()
    # The bin's own clock decides the day (offline buffers replay later) unless it cannot be right.
    earliest = received_at - timedelta(days=int(setting("MAX_REPLAY_DAYS")))
    latest = received_at + timedelta(seconds=int(setting("FUTURE_SKEW_S")))
    at = drop.at if earliest <= drop.at <= latest else received_at
    with transaction.atomic():
        existing = Drop.objects.filter(device=device, event_id=drop.event_id).select_related("user").first()
        if existing is not None:  # the dispatcher dedupes too; this holds even after its rows are purged
            total = _points_total(existing.user) if existing.user else 0
            return DropAnswer(existing.points, total, existing.reason)
        bin_ = bin_of(device)
        who = person_identify(method=drop.method, site=device.site, at=at, code=drop.code, analysis=drop.analysis)
        row = Drop(
            site_id=device.site_id,
            device=device,
            event_id=drop.event_id,
            user=who.user,
            department_id=who.user.department_id if who.user else None,
            method=drop.method,
            category=drop.category,
            weight_g=drop.weight_g,
            confidence=drop.confidence,
            dropped_at=at,
            received_at=received_at,
        )
        row.status, row.reason = _decide(row, bin_, who.reason)
        row.save()
        awarded = row.status == Drop.Status.AWARDED
        total = _award(row) if awarded else (_points_total(row.user) if row.user else 0)
        if row.status == Drop.Status.HELD:
            audit_log(action="recycling.drop.hold", actor=str(device), target=row, data={"weight_g": row.weight_g})
        _publish(row, total)
    return DropAnswer(row.points, total, row.reason)


def _notify_review(drop: Drop) -> None:
    """Tell the person how the review of their held drop ended (stored in the site's language)."""
    if drop.user is None:
        return
    values = {"category": LABELS.get(drop.category, drop.category), "kg": f"{drop.weight_g / 1000:.1f}", "points": drop.points}
    if drop.status == Drop.Status.AWARDED:
        title = site_text(gettext_lazy("Your recycling drop was approved"))
        body = site_text(gettext_lazy("%(category)s, %(kg)s kg: %(points)d points credited."), **values)
    else:
        title = site_text(gettext_lazy("Your recycling drop was not approved"))
        body = site_text(gettext_lazy("%(category)s, %(kg)s kg: no points credited."), **values)
    notification_send(user=drop.user, kind="recycling.review", title=title, body=body, url="/recycling/", target=drop)


def drop_review(*, drop_id: int, actor: User, approve: bool, note: str = "", at: datetime | None = None) -> Drop:
    """A manager's decision on a held drop: approve credits it once (within that day's cap)."""
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        drop = Drop.objects.select_for_update(of=("self",)).select_related("user").filter(pk=drop_id).first()
        if drop is None or (actor.site_id is not None and drop.site_id != actor.site_id):
            raise ReviewError("not_found")
        if drop.status != Drop.Status.HELD:
            raise ReviewError("not_held")
        drop.reviewed_by, drop.reviewed_at, drop.review_note = actor, at, note.strip()[:200]
        drop.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
        if approve:
            total = _award(drop)
        else:
            drop.status, drop.reason = Drop.Status.REJECTED, "rejected_by_review"
            drop.save(update_fields=["status", "reason"])
            total = _points_total(drop.user) if drop.user else 0
        _notify_review(drop)
        audit_log(
            action=f"recycling.drop.{'approve' if approve else 'reject'}",
            actor=actor,
            target=drop,
            data={"points": drop.points, "note": drop.review_note},
        )
        _publish(drop, total)
    return drop
