"""Text written for everyone in the site's language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext


def site_text(message: str | Promise, /, **params: object) -> str:
    """`message` (marked with gettext_lazy or gettext_noop) in the site's language, formatted
    with `params`. For stored text everyone reads, such as alarm titles: it is written in
    settings.LANGUAGE_CODE (Chinese), not in the language of whoever happened to trigger it.
    Lazy params (a translated label) are resolved in that language too."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) if isinstance(message, Promise) else gettext(message)
        if not params:
            return text
        return text % {name: str(value) if isinstance(value, Promise) else value for name, value in params.items()}
