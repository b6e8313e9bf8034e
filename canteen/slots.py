"""Takeaway pickup slots: only inside the kitchen's opening hours, never at 02:00."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from canteen.models import MealPeriod, Merchant, MerchantKind

SLOT = timedelta(minutes=30)
LEAD = timedelta(minutes=30)  # the kitchen needs this long
DEFAULT_HOURS = ((time(11, 0), time(13, 30)), (time(17, 0), time(19, 30)))


def opening_hours(merchant: Merchant) -> list[tuple[time, time]]:
    """The window's own meal periods, else its site's canteen periods (same kitchen), else lunch and dinner."""
    periods = list(MealPeriod.objects.filter(merchant=merchant).values_list("starts", "ends"))
    if not periods:
        periods = list(
            MealPeriod.objects.filter(merchant__site_id=merchant.site_id, merchant__kind=MerchantKind.CANTEEN).values_list(
                "starts", "ends"
            )
        )
    return sorted(periods) or list(DEFAULT_HOURS)


def takeaway_slots(merchant: Merchant, *, now: datetime | None = None, limit: int = 12, days: int = 2) -> list[datetime]:
    """The next pickup slot starts (aware, site zone) that fit inside the opening hours."""
    local = timezone.localtime(now or timezone.now())
    earliest = local + LEAD
    zone = local.tzinfo
    slots: list[datetime] = []
    for offset in range(days):
        day: date = local.date() + timedelta(days=offset)
        for starts, ends in opening_hours(merchant):
            slot = datetime.combine(day, starts, tzinfo=zone)
            close = datetime.combine(day, ends, tzinfo=zone)
            while slot + SLOT <= close:
                if slot >= earliest:
                    slots.append(slot)
                    if len(slots) >= limit:
                        return slots
                slot += SLOT
    return slots
