"""The official calendar from the `chinesecalendar` package into WorkCalendarDay rows.

Only days that differ from the plain rule (weekday = work, weekend = off) are stored: holidays on
weekdays, weekend days inside a holiday, make-up working weekends. Rows already present are left
alone, so an edit in the admin survives a re-seed."""

from __future__ import annotations

from datetime import date
from typing import Any

from chinese_calendar import constants

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def official_days() -> list[tuple[date, bool, str]]:
    rows = []
    for day, name in sorted(constants.holidays.items()):
        rows.append((day, False, NAMES_ZH.get(str(name), str(name))))
    for day, name in sorted(constants.workdays.items()):
        rows.append((day, True, f"{NAMES_ZH.get(str(name), str(name))}调休上班"))
    return sorted(rows)


def calendar_seed(model: Any) -> int:
    """Insert the package's days not yet in `model` (WorkCalendarDay or its migration state)."""
    present = set(model.objects.values_list("date", flat=True))
    new = [model(date=d, is_workday=w, note=n) for d, w, n in official_days() if d not in present]
    model.objects.bulk_create(new, batch_size=500)
    return len(new)


def known_years() -> tuple[int, int]:
    days = [*constants.holidays, *constants.workdays]
    return min(days).year, max(days).year
