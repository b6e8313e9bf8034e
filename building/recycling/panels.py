"""The monitoring panel's "recycling bins" section: one line per bin with its fill level."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy

from building.models import Site
from building.recycling.conf import setting
from building.recycling.models import RecyclingBin
from core.i18n import site_text


def bins_section(site: Site, at: datetime) -> list[str]:
    full = float(setting("FULL_PERCENT"))
    full_text = site_text(gettext_lazy("full"))  # the panel's language: the site's
    lines = []
    for bin_ in RecyclingBin.objects.filter(site=site).select_related("device").order_by("device__device_id"):
        level = "—" if bin_.fill_percent is None else f"{bin_.fill_percent:.0f}%"
        flag = f" · {full_text}" if bin_.fill_percent is not None and bin_.fill_percent >= full else ""
        lines.append(f"{bin_}: {level}{flag}")
    return lines
