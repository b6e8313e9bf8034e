"""Pages of bookings, visitors and parcels (phone first): adapt the request, call one service."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.booking import selectors
from portal.booking.errors import BookingError
from portal.booking.ical import calendar_ics
from portal.booking.models import Booking, FeedToken, Resource, ResourceKind
from portal.booking.rules import TZ, local
from portal.booking.services import booking_cancel, booking_check_in, booking_create, booking_resubmit, feed_token_reset
from portal.booking.services.visitors import invitation_cancel, invitation_create
from portal.models import User
from security.qr import qr_svg

BOOK = "booking.book_resource"
MINE_UPCOMING, MINE_PAST = 30, 15  # a phone screen; the calendar and the API show the rest


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _day(request: HttpRequest) -> date:
    """The day asked for, within five years of today (else today: no overflow near year 9999)."""
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return today
    return day if abs((day - today).days) <= 5 * 366 else today


def _resource(request: HttpRequest, resource_id: int) -> Resource:
    resource = selectors.resource_for_user(_user(request), resource_id)
    if resource is None:
        raise Http404
    return resource


@login_required
@permission_required(BOOK, raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    rows = selectors.resources_for_user(_user(request))
    kinds = [(kind, [r for r in rows if r.kind == kind.value]) for kind in ResourceKind]
    return render(request, "booking/home.html", {"kinds": [k for k in kinds if k[1]], "today": timezone.localdate()})


class BookForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"))
    start = forms.TimeField(label=gettext_lazy("From"))
    end = forms.TimeField(label=gettext_lazy("Until"))
    end_day = forms.DateField(label=gettext_lazy("Until (day)"), required=False)
    title = forms.CharField(label=gettext_lazy("Purpose"), max_length=200, required=False)
    plate = forms.CharField(label=gettext_lazy("Plate"), max_length=16, required=False)


@login_required
@permission_required(BOOK, raise_exception=True)
def resource_day(request: HttpRequest, resource_id: int, form: BookForm | None = None) -> HttpResponse:
    resource = _resource(request, resource_id)
    day = _day(request)
    slots = selectors.day_slots(resource, day, user=_user(request))
    return render(
        request,
        "booking/resource.html",
        {
            "resource": resource,
            "day": day,
            "prev": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "slots": slots,
            "form": form or BookForm(initial={"day": day}),
            "multi_day": resource.kind == ResourceKind.VEHICLE,
            "starts": [s for s in slots if s.free],
            "ends": [s for s in slots if s.free],
        },
    )


@login_required
@permission_required(BOOK, raise_exception=True)
@require_POST
def book(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = _resource(request, resource_id)
    form = BookForm(request.POST)
    if not form.is_valid():
        return resource_day(request, resource_id, form)
    data = form.cleaned_data
    start = datetime.combine(data["day"], data["start"], tzinfo=TZ)
    end = datetime.combine(data["end_day"] or data["day"], data["end"], tzinfo=TZ)
    if end <= start and not data["end_day"] and data["end"] == datetime.min.time():
        end += timedelta(days=1)  # "until 00:00": midnight
    try:
        booking = booking_create(
            user=_user(request),
            resource=resource,
            start=start,
            end=end,
            title=data["title"] or resource.name,
            plate=data["plate"] or None,
        )
    except BookingError as error:
        form.add_error(None, error.message)
        return resource_day(request, resource_id, form)
    if booking.status == "pending":
        messages.success(request, _("Requested: %(what)s. You will be notified when it is approved.") % {"what": resource.name})
    else:
        messages.success(
            request, _("Booked: %(what)s, %(when)s.") % {"what": resource.name, "when": f"{local(start):%m-%d %H:%M}"}
        )
    return redirect("booking:mine")


def _feed_url(request: HttpRequest, user: User) -> str | None:
    from django.urls import reverse

    feed = FeedToken.objects.filter(user=user).first()
    return request.build_absolute_uri(reverse("booking:feed", args=[feed.token])) if feed else None


@login_required
@permission_required(BOOK, raise_exception=True)
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    upcoming, past = selectors.booking_rows_for_user(user, now=now, upcoming=MINE_UPCOMING, earlier=MINE_PAST)
    return render(
        request, "booking/mine.html", {"upcoming": upcoming, "past": past, "now": now, "feed_url": _feed_url(request, user)}
    )


def _act(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    user = _user(request)
    booking = selectors.booking_for_user(user, booking_id)
    if booking is None:
        raise Http404
    try:
        if action == "cancel":
            booking_cancel(booking=booking, actor=user)
            messages.success(request, _("Cancelled. The slot is free again."))
        elif action == "check_in":
            booking_check_in(booking=booking, actor=user)
            messages.success(request, _("Checked in."))
        else:
            booking_resubmit(booking=booking, actor=user)
            messages.success(request, _("Submitted again for approval."))
    except BookingError as error:
        messages.error(request, error.message)
    return redirect("booking:mine")


@login_required
@permission_required(BOOK, raise_exception=True)
@require_POST
def cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _act(request, booking_id, "cancel")


@login_required
@permission_required(BOOK, raise_exception=True)
@require_POST
def check_in(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _act(request, booking_id, "check_in")


@login_required
@permission_required(BOOK, raise_exception=True)
@require_POST
def resubmit(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _act(request, booking_id, "resubmit")


@login_required
@permission_required(BOOK, raise_exception=True)
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    feed_token_reset(user=_user(request))
    messages.success(request, _("A new calendar address was made; the old one no longer works."))
    return redirect("booking:mine")


def _week(request: HttpRequest) -> date:
    day = _day(request)
    return day - timedelta(days=day.weekday())


@login_required
@permission_required(BOOK, raise_exception=True)
def resource_calendar_view(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = _resource(request, resource_id)
    week = _week(request)
    return render(
        request,
        "booking/calendar.html",
        {
            "title": resource.name,
            "days": selectors.resource_calendar(resource, start=week),
            "week": week,
            "prev": week - timedelta(days=7),
            "next": week + timedelta(days=7),
            "resource": resource,
        },
    )


@login_required
@permission_required(BOOK, raise_exception=True)
def my_calendar(request: HttpRequest) -> HttpResponse:
    week = _week(request)
    return render(
        request,
        "booking/calendar.html",
        {
            "title": _("My calendar"),
            "days": selectors.person_calendar(_user(request), start=week),
            "week": week,
            "prev": week - timedelta(days=7),
            "next": week + timedelta(days=7),
            "resource": None,
        },
    )


def _ics(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


def person_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret URL is the credential (calendar apps cannot log in); reset it to revoke."""
    feed = FeedToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    return _ics(calendar_ics(selectors.bookings_for_user(feed.user), name=str(feed.user), now=timezone.now()))


def room_feed(request: HttpRequest, token: str) -> HttpResponse:
    resource = Resource.objects.filter(feed_token=token).first()
    if resource is None:
        raise Http404
    rows = Booking.objects.filter(resource=resource).select_related("resource")
    return _ics(calendar_ics(rows, name=resource.name, now=timezone.now()))


class InvitationForm(forms.Form):
    visitor_name = forms.CharField(label=gettext_lazy("Visitor's name"), max_length=100)
    visitor_phone = forms.CharField(label=gettext_lazy("Visitor's phone"), max_length=20)
    day = forms.DateField(label=gettext_lazy("Day"))
    start = forms.TimeField(label=gettext_lazy("From"))
    end = forms.TimeField(label=gettext_lazy("Until"))
    plate = forms.CharField(label=gettext_lazy("Car plate (optional)"), max_length=16, required=False)


@login_required
@permission_required(BOOK, raise_exception=True)
def invitations(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = InvitationForm(request.POST or None, initial={"day": timezone.localdate()})
    qr = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = invitation_create(
                host=user,
                visitor_name=data["visitor_name"],
                visitor_phone=data["visitor_phone"],
                start=datetime.combine(data["day"], data["start"], tzinfo=TZ),
                end=datetime.combine(data["day"], data["end"], tzinfo=TZ),
                plate=data["plate"] or None,
            )
        except BookingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Invitation made. Send the visitor this pass."))
            qr = qr_svg(result.qr)
            form = InvitationForm(initial={"day": timezone.localdate()})
    return render(
        request,
        "booking/invitations.html",
        {"form": form, "qr": qr, "invitations": selectors.invitations_for_user(user)[:50], "now": timezone.now()},
    )


@login_required
@permission_required(BOOK, raise_exception=True)
@require_POST
def invitation_cancel_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    user = _user(request)
    invitation = selectors.invitation_for_user(user, invitation_id)
    if invitation is None:
        raise Http404
    try:
        invitation_cancel(invitation=invitation, actor=user)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation cancelled. The pass no longer opens the gates."))
    return redirect("booking:invitations")


@login_required
@permission_required(BOOK, raise_exception=True)
def parcels(request: HttpRequest) -> HttpResponse:
    return render(request, "booking/parcels.html", {"parcels": selectors.parcels_for_user(_user(request))[:50]})
