"""What every page's layout needs: the tab bar, the active tab, the strings of ui.js."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.signals import setting_changed
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tab:
    key: str
    title: str | Promise
    icon: str
    url_name: str

    @property
    def url(self) -> str:
        # Every page asks 12 times (two tab bars and the active tab): reverse once per URLconf and prefix.
        return reverse_once(self.url_name)


def reverse_once(url_name: str) -> str:
    """reverse() of an argument-less URL name, once per URLconf and script prefix (the tab bar's
    and the tiles' links, a dozen and more a page)."""
    return _reverse_cached(url_name, get_urlconf(), get_script_prefix())


@cache
def _reverse_cached(url_name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(url_name, urlconf=urlconf)


def _forget(setting: str = "", **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":  # the key's urlconf is None outside a request: it would outlive the override
        _reverse_cached.cache_clear()


setting_changed.connect(_forget, dispatch_uid="portal-reverse-once")


# WeChat / H5 convention: four tabs, 首页 / 服务 / 消息 / 我的.
TABS = (
    Tab("home", _("Home"), "home", "home"),
    Tab("services", _("Services"), "grid", "services"),
    Tab("messages", _("Messages"), "message", "notifications:list"),
    Tab("me", _("Me"), "user", "me"),
)


def active_tab(path: str) -> str:
    """The tab a page belongs to: the four tab pages themselves, else every service page -> 服务."""
    for tab in TABS:
        if path == tab.url or (tab.key == "messages" and path.startswith(tab.url)):
            return tab.key
    return "services"


UI_STRINGS = {"ok": _("OK"), "cancel": _("Cancel"), "confirm_title": _("Please confirm")}


def ui(request: HttpRequest) -> dict[str, object]:
    return {
        "nav_tabs": TABS,
        "nav_active": active_tab(request.path),
        "ui_strings": UI_STRINGS,
    }
