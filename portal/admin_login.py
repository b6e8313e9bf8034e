"""The admin's own login (/admin/login/) with the portal login's progressive delay in front of it.

The same guard as portal.views.LoginView (portal/login_guard.py): after LOGIN_DELAY_AFTER failures
of a (username, address) pair, a try before the wait is over gets 429 with the remaining seconds
and is neither checked nor counted; django-axes' hard lock follows at AXES_FAILURE_LIMIT."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.client_ip import client_ip
from portal.login_guard import login_wait_seconds


def admin_login(request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
    if request.method == "POST":
        username = str(request.POST.get("username", ""))[:150]
        wait = login_wait_seconds(username=username, ip_address=client_ip(request), at=timezone.now())
        if wait:
            return _wait_page(request, username=username, seconds=wait)
    return admin.site.login(request, extra_context)


def _wait_page(request: HttpRequest, *, username: str, seconds: int) -> HttpResponse:
    wanted = str(request.POST.get(REDIRECT_FIELD_NAME, ""))
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    context = {
        **admin.site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
        "form": AdminAuthenticationForm(request, initial={"username": username}),
        REDIRECT_FIELD_NAME: wanted if safe else reverse("admin:index"),
        "wait_message": _("Too many failed attempts. Please wait %(seconds)d seconds before trying again.")
        % {"seconds": seconds},
    }
    response = TemplateResponse(request, "portal/admin_login_wait.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
