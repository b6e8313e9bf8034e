from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise with the switcher (the language cookie).

    Django's own middleware follows the browser's Accept-Language, which would show English to
    staff whose phone or PC happens to be set to English; the agency's interface is Chinese first.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# A NUL character is never part of anything this site stores or looks up, and PostgreSQL refuses
# it in any text (psycopg raises ValueError before the query is sent), which would be a 500.
NUL_ENCODED = ("%00", "\x00")
NUL_REFUSED = "A string literal cannot contain NUL (0x00) characters."


def _has_nul(text: str) -> bool:
    return any(mark in text for mark in NUL_ENCODED) or "%00" in text.upper()


class NulRefusingMiddleware:
    """400 for a NUL in the path, query string, cookies or a form-encoded body, before anything
    reads them; and 400, not 500, when one still reaches the database (JSON or multipart text)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self._carries_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or _has_nul(request.META.get("QUERY_STRING", "")):
            return True
        if any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items()):
            return True
        if request.content_type == "application/x-www-form-urlencoded":
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
            if 0 < declared <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return b"%00" in request.body.upper()
        return False

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if isinstance(exception, ValueError) and NUL_REFUSED in str(exception):
            return self._refuse(request)
        return None

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponseBase:
        from django.views.defaults import bad_request

        if request.path.startswith("/api/"):
            return JsonResponse({"detail": gettext("The request contains a NUL character, which is not allowed.")}, status=400)
        return bad_request(request, BadRequest("NUL character"))
