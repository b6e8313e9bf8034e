"""Portal pages: face enrolment with consent, visitor invitations, the access log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from portal.models import User
from security.export import access_log_xlsx
from security.faces.conf import face_setting
from security.forms import AccessLogFilterForm, FacePhotoForm, VisitorForm
from security.monitoring.permissions import PANEL_PERMISSION
from security.qr import qr_svg
from security.selectors import (
    AccessFilter,
    access_daily_counts,
    access_log_filter,
    face_enrolment_of,
    visitor_passes_for_user,
    zones_for_host,
)
from security.services.credentials import (
    VisitorPassError,
    staff_qr_renew,
    visitor_pass_create,
    visitor_pass_max_span,
    visitor_pass_revoke,
)
from security.services.faces import PURPOSE, FaceEnrolError, face_consent_give, face_consent_withdraw, face_enrol
from security.uploads import InMemoryOnlyUploadHandler

LOG_SORTS = {"at": "at", "gate": "gate__device_id", "person": "person_name", "decision": "decision", "method": "method"}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _face_page(request: HttpRequest, *, form: FacePhotoForm | None = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    context = {
        "state": face_enrolment_of(user=user, reader=user),
        "purpose": PURPOSE,
        "retention_days": face_setting("FACE_RETENTION_DAYS"),
        "form": form or FacePhotoForm(),
    }
    return render(request, "security/face.html", context, status=status)


@login_required
def face_page(request: HttpRequest) -> HttpResponse:
    return _face_page(request)


@login_required
@require_POST
def face_consent(request: HttpRequest) -> HttpResponse:
    if request.POST.get("agree") != "yes":
        messages.error(request, _("Tick the box to give your consent."))
        return _face_page(request, status=400)
    face_consent_give(user=_user(request))
    messages.success(request, _("Thank you. You can now enrol a photo."))
    return redirect("security:face")


@csrf_exempt  # only so the upload handlers can be swapped before the body is read; csrf_protect below
@login_required
@require_POST
def face_upload(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [InMemoryOnlyUploadHandler(request)]
    return _face_upload(request)


@csrf_protect
def _face_upload(request: HttpRequest) -> HttpResponse:
    form = FacePhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _face_page(request, form=form, status=400)
    try:
        face_enrol(user=_user(request), image=form.cleaned_data["photo"], actor=_user(request))
    except FaceEnrolError as exc:
        form.add_error("photo", exc.message)
        return _face_page(request, form=form, status=400)
    messages.success(request, _("Your face is enrolled. The photo has been discarded."))
    return redirect("security:face")


@login_required
@require_POST
def face_withdraw(request: HttpRequest) -> HttpResponse:
    deleted = face_consent_withdraw(user=_user(request), actor=_user(request))
    text = _("Consent withdrawn; %(n)d face encodings deleted. Use your card or QR code at the gates.")
    messages.success(request, text % {"n": deleted})
    return redirect("security:face")


@login_required
def my_qr(request: HttpRequest) -> HttpResponse:
    """The non-face path for staff: a personal QR code for the gates (shown once when issued)."""
    user = _user(request)
    svg = code = None
    if request.method == "POST":
        code = staff_qr_renew(user=user).code
        svg = qr_svg(code)
    active = user.access_credentials.filter(is_active=True).order_by("kind", "-created_at")
    return render(request, "security/my_qr.html", {"svg": svg, "code": code, "credentials": active})


def visitor_pass_error_text(reason: str) -> str:
    """A person reads a sentence, never a reason code."""
    texts = {
        "not_allowed": _("You are not allowed to do this with visitor passes."),
        "no_name": _("Enter the visitor's name."),
        "bad_times": _("The pass must end after it starts."),
        "ends_in_past": _("The pass would already be over. Choose a later end."),
        "zone_not_allowed": _("You can invite visitors only into areas you may enter yourself."),
    }
    return texts.get(reason, _("The pass could not be issued."))


@login_required
@permission_required("security.invite_visitors", raise_exception=True)
def visitor_invite(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qr = svg = None
    max_hours = int(visitor_pass_max_span(user).total_seconds() // 3600)
    if request.method == "POST":
        form = VisitorForm(request.POST, zones=zones_for_host(user))
        if form.is_valid():
            try:
                issued = visitor_pass_create(host=user, **form.cleaned_data)
            except VisitorPassError as exc:
                if exc.reason == "too_long":
                    form.add_error("valid_until", _("A pass can be valid for at most %(hours)d hours.") % {"hours": max_hours})
                else:
                    form.add_error(None, visitor_pass_error_text(exc.reason))
            else:
                qr = issued.qr
                svg = qr_svg(qr)
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = VisitorForm(initial={"valid_from": now, "valid_until": now + timedelta(hours=4)}, zones=zones_for_host(user))
    status = 400 if request.method == "POST" and qr is None else 200
    passes = visitor_passes_for_user(user).filter(host=user, valid_until__gte=timezone.now()).order_by("valid_from")
    context = {"form": form, "qr": qr, "svg": svg, "passes": passes[:50], "max_hours": max_hours}
    return render(request, "security/visitor.html", context, status=status)


@login_required
@permission_required(PANEL_PERMISSION, raise_exception=True)
def visitor_list(request: HttpRequest) -> HttpResponse:
    """The guards' list: every pass of the site valid today or later."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    passes = visitor_passes_for_user(_user(request)).filter(valid_until__gte=today).order_by("valid_from")
    return render(request, "security/visitor_list.html", {"passes": passes[:500]})


@login_required
@require_POST
def visitor_revoke(request: HttpRequest, pass_id: int) -> HttpResponse:
    user = _user(request)
    visitor_pass = get_object_or_404(visitor_passes_for_user(user), pk=pass_id)  # another's pass: 404
    try:
        visitor_pass_revoke(visitor_pass=visitor_pass, actor=user)
    except VisitorPassError as exc:
        messages.error(request, visitor_pass_error_text(exc.reason))
    else:
        messages.success(request, _("The pass for %(name)s is revoked.") % {"name": visitor_pass.visitor_name})
    target = request.POST.get("next", "")
    return redirect("security:visitor_list" if target == "list" else "security:visitor_invite")


@login_required
@permission_required(PANEL_PERMISSION, raise_exception=True)  # a logged-in guard without it: a 403 page, not the login form
def access_log(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AccessLogFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "security/access_log.html", {"form": form, "rows": [], "counts": []}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    if user.site is None:
        return HttpResponse(_("Your account has no site."), status=400)
    logs = access_log_filter(site=user.site, f=AccessFilter(**{k: v for k, v in data.items() if v}))
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            access_log_xlsx(logs[:50_000]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="access-log.xlsx"'
        return response
    today = timezone.localdate()
    counts = access_daily_counts(site=user.site, since=today - timedelta(days=6), until=today)
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") in LOG_SORTS:
        logs = logs.order_by(("-" if sort.startswith("-") else "") + LOG_SORTS[sort.lstrip("-")], "-id")
    rows = Paginator(logs, 50).get_page(request.GET.get("page"))
    return render(
        request, "security/access_log.html", {"form": form, "rows": rows, "counts": counts, "chart": _daily_chart(counts)}
    )


def _daily_chart(counts: list[dict[str, Any]]) -> dict[str, Any]:
    """The daily counts summed over gates, as the stacked-bar spec of portal/static/portal/charts.js."""
    days = sorted({c["day"] for c in counts})
    opened = [sum(c["open"] for c in counts if c["day"] == d) for d in days]
    denied = [sum(c["deny"] for c in counts if c["day"] == d) for d in days]
    series = [
        {"name": _("Opened"), "data": opened, "color": "#1b6e3a"},
        {"name": _("Denied"), "data": denied, "color": "#b3261e"},
    ]
    return {"categories": [d[5:] for d in days], "series": series}
