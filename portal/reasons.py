"""Service error reasons -> sentences for people. A page never shows the code itself."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext as _

Reasons = Mapping[str, str | Promise]


def humane(table: Reasons, reason: str) -> str:
    """The sentence for `reason`, or a general one (an unmapped code is a bug to fix in the table, not text to show)."""
    found = table.get(reason)
    if found is None:
        return _("Something went wrong. Please try again; if it happens again, tell the office.")
    return str(found)
