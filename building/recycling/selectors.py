"""Reads: a person's drops and redemptions, the shop, held drops, and the managers' figures.

Every read is scoped to the caller's site (a user without a site, the platform admin, sees all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from building.recycling.categories import CATEGORIES, NATIONAL_GOAL_PERCENT, RECYCLABLE, category_label
from building.recycling.models import Drop, Good, Redemption
from portal.models import Department, User


def _site_scoped(qs: QuerySet[Any], user: User) -> QuerySet[Any]:
    return qs.filter(site_id=user.site_id) if user.site_id is not None else qs


def drops_of(user: User, limit: int = 50) -> QuerySet[Drop]:
    return Drop.objects.filter(user=user).select_related("device")[:limit]


def redemptions_of(user: User, limit: int = 30) -> QuerySet[Redemption]:
    return Redemption.objects.filter(user=user).select_related("good", "charge__merchant")[:limit]


def goods_for_user(user: User) -> QuerySet[Good]:
    return _site_scoped(Good.objects.filter(is_active=True), user)


def held_drops_for(user: User) -> QuerySet[Drop]:
    return _site_scoped(Drop.objects.filter(status=Drop.Status.HELD), user).select_related("user", "device")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    end = _months_before(start, -1)
    return (timezone.make_aware(datetime.combine(start, time.min)), timezone.make_aware(datetime.combine(end, time.min)))


def _rate(recyclable_g: int, total_g: int) -> float | None:
    return round(recyclable_g * 100 / total_g, 1) if total_g else None


@dataclass
class Report:
    month: date
    total_g: int = 0
    recyclable_g: int = 0
    categories: list[dict[str, Any]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)  # the leaderboard order
    months: list[dict[str, Any]] = field(default_factory=list)
    goal_percent: int = NATIONAL_GOAL_PERCENT

    @property
    def rate(self) -> float | None:
        return _rate(self.recyclable_g, self.total_g)

    @property
    def goal_label(self) -> str:
        return f"{self.goal_percent}%"

    @property
    def meets_goal(self) -> bool:
        return self.rate is not None and self.rate >= self.goal_percent


RECYCLABLE_Q = Q(category__in=RECYCLABLE)


def recycling_report(*, user: User, month: date, months_back: int = 12) -> Report:
    """What is settled counts: unidentified, too light and capped drops were still recycled; a held
    drop counts once approved, and one a manager rejected does not (the reading was not believed)."""
    start, end = month_bounds(month)
    drops = _site_scoped(Drop.objects.all(), user).exclude(status=Drop.Status.HELD).exclude(reason="rejected_by_review")
    in_month = drops.filter(dropped_at__gte=start, dropped_at__lt=end)
    report = Report(month=month.replace(day=1))
    per_category = {r["category"]: r for r in in_month.values("category").annotate(g=Sum("weight_g"), n=Count("id"))}
    for code in CATEGORIES:
        row = per_category.get(code, {})
        grams = int(row.get("g") or 0)
        report.total_g += grams
        report.recyclable_g += grams if code in RECYCLABLE else 0
        report.categories.append(
            {
                "category": code,
                "label": category_label(code),
                "weight_g": grams,
                "drops": row.get("n", 0),
                "recyclable": code in RECYCLABLE,
            }
        )
    members = dict(
        _site_scoped(Department.objects.all(), user)
        .annotate(n=Count("members", filter=Q(members__is_active=True)))
        .values_list("pk", "n")
    )
    names = dict(_site_scoped(Department.objects.all(), user).values_list("pk", "name"))
    rows = in_month.values("department").annotate(
        g=Sum("weight_g"), r=Sum("weight_g", filter=RECYCLABLE_Q), n=Count("id"), p=Sum("points")
    )
    for row in rows:
        dept, grams, recyclable = row["department"], int(row["g"] or 0), int(row["r"] or 0)
        people = members.get(dept, 0)
        report.departments.append(
            {
                "department": names.get(dept, "") if dept else "",
                "weight_g": grams,
                "recyclable_g": recyclable,
                "rate": _rate(recyclable, grams),
                "drops": row["n"],
                "points": int(row["p"] or 0),
                "members": people,
                "recyclable_g_per_person": recyclable // people if people else None,
            }
        )
    # The leaderboard: recyclables per person (fair to small departments), then the rate.
    report.departments.sort(key=lambda d: (d["department"] == "", -(d["recyclable_g_per_person"] or 0), -(d["rate"] or 0)))
    first, _ = month_bounds(_months_before(month, months_back - 1))
    for row in (
        drops.filter(dropped_at__gte=first, dropped_at__lt=end)
        .annotate(m=TruncMonth("dropped_at"))
        .values("m")
        .annotate(g=Sum("weight_g"), r=Sum("weight_g", filter=RECYCLABLE_Q))
        .order_by("m")
    ):
        grams, recyclable = int(row["g"] or 0), int(row["r"] or 0)
        report.months.append({"month": row["m"], "weight_g": grams, "recyclable_g": recyclable, "rate": _rate(recyclable, grams)})
    return report


def _months_before(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)
