"""GB/T 19095-2019 (生活垃圾分类标志): four classes; the recyclables split into what bins sort."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext_lazy as _

Category = Literal["paper", "plastic", "metal", "glass", "textile", "hazardous", "kitchen", "other"]

RECYCLABLE = ("paper", "plastic", "metal", "glass", "textile")  # 可回收物
CATEGORIES: tuple[str, ...] = (*RECYCLABLE, "hazardous", "kitchen", "other")  # + 有害垃圾, 厨余垃圾, 其他垃圾

LABELS = {
    "paper": _("paper"),
    "plastic": _("plastic"),
    "metal": _("metal"),
    "glass": _("glass"),
    "textile": _("textile"),
    "hazardous": _("hazardous waste"),
    "kitchen": _("kitchen waste"),
    "other": _("other waste"),
}

# Points per kilogram when a site has no RateTable row for the category (settings can override).
DEFAULT_RATES = {
    "paper": 10,
    "plastic": 20,
    "metal": 20,
    "glass": 5,
    "textile": 10,
    "hazardous": 50,
    "kitchen": 2,
    "other": 0,
}

# The national plan's goal (《"十四五"城镇生活垃圾分类和处理设施发展规划》 sets 80% for public
# institutions): recyclables / all weight, shown against this on the reports.
NATIONAL_GOAL_PERCENT = 80


def category_label(code: str) -> str:
    return str(LABELS.get(code, code))
