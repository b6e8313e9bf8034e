"""Portal pages: face enrolment with consent, visitor invitations, the access log."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from portal.models import User
from security.export import access_log_xlsx
from security.faces.conf import face_setting
from security.forms import AccessLogFilterForm, FacePhotoForm, VisitorForm
from security.qr import qr_svg
from security.selectors import AccessFilter, access_daily_counts, access_log_filter, face_enrolment_of
from security.services.credentials import staff_qr_renew, visitor_pass_create
from security.services.faces import PURPOSE, FaceEnrolError, face_consent_give, face_consent_withdraw, face_enrol
from security.uploads import InMemoryOnlyUploadHandler


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


@login_required
def visitor_invite(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qr = svg = None
    if request.method == "POST":
        form = VisitorForm(request.POST, site_id=user.site_id)
        if form.is_valid():
            issued = visitor_pass_create(host=user, **form.cleaned_data)
            qr = issued.qr
            svg = qr_svg(qr)
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = VisitorForm(initial={"valid_from": now, "valid_until": now + timedelta(hours=4)}, site_id=user.site_id)
    status = 400 if request.method == "POST" and qr is None else 200
    return render(request, "security/visitor.html", {"form": form, "qr": qr, "svg": svg}, status=status)


@permission_required("security.view_panel")
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
    return render(request, "security/access_log.html", {"form": form, "rows": logs[:200], "counts": counts})
