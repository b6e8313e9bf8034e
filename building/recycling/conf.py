"""The app's settings: `RECYCLING = {...}` in Django settings overrides these defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from building.recycling.categories import DEFAULT_RATES

DEFAULTS: dict[str, Any] = {
    "DEFAULT_RATES": DEFAULT_RATES,  # points per kg where a site has no rate table row
    "MIN_WEIGHT_G": 20,  # below: nothing awarded (a wrapper, a mis-trigger of the scale)
    "HOLD_ABOVE_G": 20_000,  # above: a person looks before points are given
    "MIN_CONFIDENCE": 0.5,  # the bin's category recognition; below: held for review
    "DAILY_CAP_POINTS": 200,  # per person per day (Asia/Shanghai), over all bins
    "POINTS_PER_YUAN": 100,  # at the supermarket: 100 points = ¥1
    "MAX_SHARE_PERCENT": 50,  # points pay at most this part of a purchase
    "FULL_PERCENT": 90,  # fill level that raises the `full` alarm
    "EMPTIED_PERCENT": 30,  # fill level at or below which the alarm closes (the bin was emptied)
    "FUTURE_SKEW_S": 300,  # a drop stamped further in the future than this is stamped on arrival
    "MAX_REPLAY_DAYS": 30,  # and one older than this too (a bin whose clock was reset to 1970)
}


def setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "RECYCLING", {})}[name]
