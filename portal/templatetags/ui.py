"""Template tags of the UI system: {% icon %}, {% sort_header %}, |tile_icon. See docs/ui.md."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from portal.icons import FALLBACK, icon_for, icon_names

register = template.Library()
logger = logging.getLogger(__name__)


@cache
def _sprite_url() -> str:
    # ~20 icons a page: one static() lookup per process, not per icon (it showed in the home page's profile).
    return static("portal/icons.svg")


@register.simple_tag
def icon(name: str, label: str = "", cls: str = "") -> SafeString:
    """<svg> using the sprite's symbol. Decorative (aria-hidden) unless a label is given."""
    if name not in icon_names():
        logger.warning("unknown icon %r", name)
        name = FALLBACK
    href = f"{_sprite_url()}#{name}"
    classes = f"icon {cls}".strip()
    if label:
        return format_html('<svg class="{}" role="img" aria-label="{}"><use href="{}"></use></svg>', classes, label, href)
    return format_html('<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', classes, href)


@register.filter
def tile_icon(tile: Any) -> str:
    """The icon name of a home tile (registry Tile or the older PortalService)."""
    return icon_for(str(getattr(tile, "icon", "")), str(getattr(tile, "key", "")))


@register.inclusion_tag("ui/sort_header.html", takes_context=True)
def sort_header(context: dict[str, Any], field: str, label: str, numeric: bool = False) -> dict[str, Any]:
    """A <th> whose link sorts by `field` (ascending, then descending); keeps the other GET params."""
    request = context["request"]
    current = request.GET.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    params["sort"] = f"-{field}" if current == field else field
    state = "ascending" if current == field else "descending" if current == f"-{field}" else ""
    return {"href": "?" + params.urlencode(), "label": label, "state": state, "numeric": numeric}


@register.filter
def split(value: str, sep: str = ",") -> list[str]:
    """ "a,b,c"|split:"," -> a list (e.g. translated step labels joined in the template)."""
    return str(value).split(sep)
