import json

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from core.client_ip import client_ip
from core.limits import bounded
from portal.login_guard import login_wait_seconds
from portal.models import User
from portal.navigation import ROLE_TITLES, work_for
from portal.privacy_export import personal_data_export
from portal.selectors import portal_services_for


def _tiles(user: object) -> dict[str, list[object]]:
    """Work first: the role's pages (portal.navigation), then the apps' work and admin tiles;
    the services everyone uses after. Each key shown once."""
    work: list[object] = list(work_for(user))
    seen = {getattr(w, "key", "") for w in work}
    services: list[object] = []
    for tile in portal_services_for(user):
        if tile.key in seen:
            continue
        seen.add(tile.key)
        (services if tile.group == "services" else work).append(tile)
    return {"work": work, "services": services}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", _tiles(request.user))


@login_required
def services(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/services.html", _tiles(request.user))


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """我的: the person's profile, their pages and the download of their data."""
    names = request.user.groups.values_list("name", flat=True)
    return render(request, "portal/me.html", {"person": request.user, "roles": [ROLE_TITLES.get(n, n) for n in names]})


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; the SVG is the one favicon."""
    return HttpResponseRedirect(static("portal/favicon.svg"))


@login_required
@require_POST
def my_data(request: HttpRequest) -> HttpResponse:
    """The PIPL art. 45 copy, as a JSON file (audited in the service)."""
    user = request.user
    assert isinstance(user, User)
    export = personal_data_export(user=user)
    body = json.dumps(export, ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"personal-data-{user.username}-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@method_decorator(bounded(scope="login", max_body=16 * 1024, rate_setting="LOGIN_RATE_PER_MINUTE"), name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's login with the progressive delay of portal/login_guard.py in front of it, and a
    per-address rate (password spraying over many accounts from one address)."""

    template_name = "portal/login.html"

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150]
        wait = login_wait_seconds(username=username, ip_address=client_ip(request), at=timezone.now())
        if wait:
            form = self.get_form_class()(request, data=None, initial={"username": username})
            message = _("Too many failed attempts. Please wait %(seconds)d seconds before trying again.") % {"seconds": wait}
            context = self.get_context_data(form=form, wait_message=message)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)
