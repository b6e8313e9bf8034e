"""Stored text everyone reads (alarm titles) is written in the site's language, whoever triggered it."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from core.i18n import site_text


def test_site_text_is_in_the_sites_language_whoever_asks() -> None:
    with translation.override("en"):
        assert site_text(gettext_noop("Device offline: %(device)s"), device="一号门") == "设备离线：一号门"
        label = gettext_lazy("smoke")  # a lazy parameter is resolved in the site's language too
        title = site_text(gettext_lazy("Fire alarm (%(kind)s): %(device)s"), kind=label, device="3F")
        assert title == "火警（烟感）：3F"
        assert translation.get_language() == "en"  # the caller's language is left alone
