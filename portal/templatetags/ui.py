"""Template tags of the UI system: {% icon %}, {% sort_header %}, |tile_icon, and the layout's
pieces rendered once and kept (see "Rendered once" below). See docs/ui.md."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any, NamedTuple

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf
from django.utils.autoreload import file_changed
from django.utils.html import conditional_escape, format_html, json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info

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
    # Escaped before the lookup: a safe and a plain string of the same text must not share an entry.
    return _icon_html(name, conditional_escape(label), conditional_escape(cls))


@lru_cache(maxsize=1024)
def _icon_html(name: str, label: SafeString, cls: SafeString) -> SafeString:
    # A function of its arguments only (the sprite's URL is fixed per process): kept, not rebuilt ~20 times a page.
    href = f"{_sprite_url()}#{name}"
    classes = mark_safe(f"icon {cls}".strip())  # noqa: S308 - cls is escaped
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


# Rendered once: pieces every page draws the same way for everyone who shares what they depend on
# (the language, the URLconf and script prefix, the active tab, the tiles' own text). Each is a
# function of exactly those values, which are its cache key: nothing of a person goes in but what
# the key holds, so one person's entry can never be another's page. The tiles a person may see are
# chosen per request (their permissions, portal/views.py) and then looked up by their content.


@register.simple_tag
def static_url(path: str) -> str:
    """{% static %} once per process: the manifest's hashed names do not change while it runs."""
    return _static_cached(path)


@lru_cache(maxsize=256)
def _static_cached(path: str) -> str:
    return static(path)


@register.simple_tag(takes_context=True)
def nav_links(context: template.Context, variant: str) -> SafeString:
    """The four tabs' links of base.html: "top" (the top bar's) or "bar" (the bottom tab bar's)."""
    if "nav_tabs" not in context:  # a page rendered without the request context processors (500)
        return SafeString("")
    return _nav_links(variant, str(context.get("nav_active", "")), get_language(), get_urlconf(), get_script_prefix())


@lru_cache(maxsize=256)
def _nav_links(variant: str, active: str, language: str, urlconf: str | None, prefix: str) -> SafeString:
    from portal.context_processors import TABS  # the context processors import nothing of the tags

    links = []
    for tab in TABS:
        current = SafeString(' aria-current="page"') if tab.key == active else ""
        if variant == "bar":
            row = '<a href="{}" data-tab="{}"{}>{}<span>{}</span></a>'
            links.append(format_html(row, tab.url, tab.key, current, icon(tab.icon), tab.title))
        else:
            links.append(format_html('<a href="{}"{}>{}{}</a>', tab.url, current, icon(tab.icon), tab.title))
    return SafeString("".join(links))


@register.simple_tag
def language_options() -> SafeString:
    """The <option>s of the language switch, the current language selected."""
    return _language_options(get_language(), tuple(code for code, _name in settings.LANGUAGES))


@lru_cache(maxsize=64)
def _language_options(current: str, codes: tuple[str, ...]) -> SafeString:
    row = '\n            <option value="{}"{}>{}</option>\n          '
    options = []
    for code in codes:
        info = get_language_info(code)
        selected = SafeString(" selected") if info["code"] == current else ""
        options.append(format_html(row, info["code"], selected, info["name_local"]))
    return SafeString("".join(options))


@register.simple_tag
def ui_strings_script() -> SafeString:
    """The strings of ui.js (portal/context_processors.py: UI_STRINGS) as a JSON <script>."""
    return _ui_strings_script(get_language())


@lru_cache(maxsize=64)
def _ui_strings_script(language: str) -> SafeString:
    from portal.context_processors import UI_STRINGS

    return json_script({k: str(v) for k, v in UI_STRINGS.items()}, "ui-strings")


class TileItem(NamedTuple):
    """What ui/tiles.html and ui/service_list.html read of a tile: the whole of their cache key."""

    key: str
    url: str | None
    title: str
    description: str
    icon: str


def _items(tiles: Iterable[Any]) -> tuple[TileItem, ...]:
    return tuple(
        TileItem(str(t.key), str(t.url) if t.url else None, str(t.title), str(t.description), tile_icon(t)) for t in tiles
    )


@register.simple_tag
def tile_grid(tiles: Iterable[Any], work: bool = False, testid: str = "") -> SafeString:
    """ui/tiles.html for these tiles, rendered once per content and language (the home page)."""
    return _rendered("ui/tiles.html", get_language(), _items(tiles), bool(work), str(testid))


@register.simple_tag
def service_list(tiles: Iterable[Any]) -> SafeString:
    """ui/service_list.html: the rows of the services page."""
    return _rendered("ui/service_list.html", get_language(), _items(tiles), False, "")


@lru_cache(maxsize=512)
def _rendered(name: str, language: str, items: tuple[TileItem, ...], work: bool, testid: str) -> SafeString:
    return SafeString(get_template(name).render({"tiles": items, "work": work, "testid": testid}))


def _forget(**kwargs: Any) -> None:
    """Tests override settings (static storage, languages, URLconf), `make dev` reloads edited
    templates without a restart: nothing kept outlives either."""
    for cached in (_static_cached, _nav_links, _language_options, _ui_strings_script, _rendered, _icon_html):
        cached.cache_clear()
    _sprite_url.cache_clear()


setting_changed.connect(_forget, dispatch_uid="portal-ui-rendered-once")
file_changed.connect(_forget, dispatch_uid="portal-ui-rendered-once")  # returns None: Django still decides on a restart
