"""The monitoring panel's parking section: free / total per car park and floor, cars held now.

The panel renders a section without its own renderer as a list of lines, so the lines are
sentences already (translated here); live `parking.*` events reach the panel's socket."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from building.models import Site
from building.parking.messages import barrier_reason
from building.parking.selectors import held_passages, lots_state


def parking_section(site: Site, at: datetime) -> list[str]:
    lines = []
    for lot in lots_state(site=site, at=at):
        lines.append(_("%(name)s: %(free)d free of %(total)d, %(unknown)d unknown") % lot)
        for floor in lot["floors"]:
            if floor["floor"]:
                lines.append("· " + _("%(floor)s: %(free)d free of %(total)d") % floor)
    for passage in held_passages(site=site, at=at)[:10]:
        when = timezone.localtime(passage.at).strftime("%H:%M:%S")
        lines.append(
            _("Held %(time)s %(plate)s at %(camera)s (%(reason)s)")
            % {
                "time": when,
                "plate": passage.matched or passage.normalised or "?",
                "camera": passage.camera.name or passage.camera.device_id if passage.camera else "",
                "reason": barrier_reason(passage.reason),  # a sentence, never a code
            }
        )
    return lines
