"""What a locked-out sign-in gets (django-axes AXES_LOCKOUT_CALLABLE): the page, or JSON for the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_STATUS = 429


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        message = _("Too many failed sign-ins. Wait 15 minutes or ask the administrator to unlock you.")
        return JsonResponse({"detail": message}, status=LOCKED_STATUS)
    return render(request, "portal/locked_out.html", status=LOCKED_STATUS)
