"""The back office by category (rooms, vehicles, laundry, lockers) and the parcel front desk."""

from __future__ import annotations

import contextlib
import functools
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.booking import selectors
from portal.booking.categories import CATEGORIES, OFFICE, categories_for, category_of_kind, manages_kind
from portal.booking.errors import BookingError
from portal.booking.models import Approver
from portal.booking.services import booking_approve, booking_reject, room_feed_reset, trip_record
from portal.booking.services.lockers import parcel_register
from portal.models import User

ECHARTS = "vendor/echarts/echarts.common.min.js"


@functools.cache
def echarts_available() -> bool:
    """The chart library comes with the UI system (portal/static/vendor); without it, the table."""
    return bool(finders.find(ECHARTS))


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _office_categories(user: User) -> list[str]:
    """The categories of the caller's pages: those they manage; vehicles for approvers too (their queue)."""
    keys = [c.key for c in categories_for(user)]
    if "vehicles" not in keys and Approver.objects.filter(user=user).exists():
        keys.insert(1 if "rooms" in keys else 0, "vehicles")
    return keys


def _office_user(request: HttpRequest) -> User:
    """Managers of a category (the site manager: all), and approvers (department heads, the vehicle office)."""
    user = _user(request)
    if not (user.has_perm(OFFICE) or _office_categories(user)):
        raise PermissionDenied
    return user


def _tabs(keys: list[str]) -> list[tuple[str, object]]:
    return [(k, CATEGORIES[k].label) for k in keys if k != "lockers"]


@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    keys = _office_categories(_office_user(request))
    return render(request, "booking/office_home.html", {"categories": _tabs(keys), "lockers": "lockers" in keys})


@login_required
def office(request: HttpRequest, category: str) -> HttpResponse:
    user = _office_user(request)
    if category not in CATEGORIES:
        raise Http404
    keys = _office_categories(user)
    if category not in keys:
        raise PermissionDenied  # another category's page
    if category == "lockers":
        return redirect("booking:front_desk")
    title, kinds = CATEGORIES[category].label, CATEGORIES[category].kinds
    manages = user.has_perm(CATEGORIES[category].permission)  # else an approver: their own queue only
    today = timezone.localdate()
    week = today - timedelta(days=today.weekday())
    with contextlib.suppress(ValueError):  # a mistyped week shows this week
        week = selectors.week_of(request.GET.get("week")) or week
    rows = selectors.utilisation(user, kinds=list(kinds), week_start=week) if manages else []
    chart = {"names": [r["resource"].name for r in rows], "percent": [r["percent"] for r in rows]}
    echarts = echarts_available()
    return render(
        request,
        "booking/office.html",
        {
            "category": category,
            "title": title,
            "queue": selectors.office_queue(user, kinds=list(kinds)) if manages else selectors.approvals_for_user(user),
            "upcoming": selectors.office_upcoming(user, kinds=list(kinds))[:30] if manages else [],
            "utilisation": rows,
            "chart": chart,
            "echarts": echarts,
            "chart_height": 60 + 36 * len(rows),
            "week": week,
            "prev": week - timedelta(days=7),
            "next": week + timedelta(days=7),
            "categories": _tabs(keys),
            "lockers": "lockers" in keys,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, booking_id: int) -> HttpResponse:
    user = _office_user(request)
    booking = selectors.booking_for_approver(user, booking_id)
    if booking is None:
        raise Http404
    reason = request.POST.get("reason", "").strip()[:200]
    try:
        if request.POST.get("decision") == "approve":
            booking_approve(booking=booking, actor=user, reason=reason)
            messages.success(request, _("Approved."))
        else:
            booking_reject(booking=booking, actor=user, reason=reason)
            messages.success(request, _("Rejected; the requester is notified."))
    except BookingError as error:
        messages.error(request, error.message)
    return redirect("booking:office", category_of_kind(booking.resource.kind).key)


@login_required
@permission_required("booking.manage_rooms", raise_exception=True)
@require_POST
def room_feed_reset_view(request: HttpRequest, resource_id: int) -> HttpResponse:
    user = _user(request)
    resource = selectors.resource_for_user(user, resource_id)
    if resource is None or not manages_kind(user, resource.kind):
        raise Http404
    room_feed_reset(resource=resource, actor=user)
    messages.success(request, _("A new calendar address was made; the old one no longer works."))
    return redirect("booking:resource_calendar", resource.pk)


class TripForm(forms.Form):
    odometer_start_km = forms.IntegerField(min_value=0)
    odometer_end_km = forms.IntegerField(min_value=0)
    cost_fen = forms.IntegerField(min_value=0, required=False)


@login_required
@require_POST
def trip(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The vehicle office records a returned vehicle's odometer and cost."""
    user = _office_user(request)
    booking = selectors.booking_for_approver(user, booking_id)
    if booking is None:
        raise Http404
    form = TripForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give both odometer readings in km."))
    else:
        try:
            trip_record(booking=booking, actor=user, **form.cleaned_data)
            messages.success(request, _("Trip recorded."))
        except BookingError as error:
            messages.error(request, error.message)
    return redirect("booking:office", "vehicles")


class ParcelForm(forms.Form):
    recipient = forms.CharField(label=gettext_lazy("Recipient (username or employee number)"), max_length=150)
    locker = forms.ChoiceField(label=gettext_lazy("Locker"))
    carrier = forms.CharField(label=gettext_lazy("Carrier"), max_length=50, required=False)
    tracking_no = forms.CharField(label=gettext_lazy("Tracking number"), max_length=50, required=False)


@login_required
@permission_required("booking.register_parcel", raise_exception=True)
def front_desk(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    lockers = list(selectors.lockers_for_desk(user))
    form = ParcelForm(request.POST or None)
    locker_field = form.fields["locker"]
    assert isinstance(locker_field, forms.ChoiceField)
    locker_field.choices = [(d.device_id, d.name or d.device_id) for d in lockers]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient = selectors.person_for_desk(user, data["recipient"])
        locker = next((d for d in lockers if d.device_id == data["locker"]), None)
        if recipient is None:
            form.add_error("recipient", _("No such person."))
        elif locker is not None:
            try:
                parcel = parcel_register(
                    recipient=recipient, locker=locker, actor=user, carrier=data["carrier"], tracking_no=data["tracking_no"]
                )
            except BookingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Compartment %(c)s opened for the parcel of %(who)s.") % {"c": parcel.compartment.code, "who": recipient},
                )
                return redirect("booking:front_desk")
    return render(request, "booking/front_desk.html", {"form": form, "parcels": selectors.desk_parcels(user)[:100]})


@login_required
@permission_required(CATEGORIES["lockers"].permission, raise_exception=True)
def lockers_utilisation(request: HttpRequest) -> HttpResponse:
    """The lockers category's week: compartment-hours held by parcels per locker, and the parcels
    registered, picked up and gone overdue (the front desk and the site manager)."""
    user = _user(request)
    today = timezone.localdate()
    week = today - timedelta(days=today.weekday())
    with contextlib.suppress(ValueError):  # a mistyped week shows this week
        week = selectors.week_of(request.GET.get("week")) or week
    rows = selectors.locker_utilisation_for_user(user, week_start=week)
    keys = _office_categories(user)
    return render(
        request,
        "booking/lockers_utilisation.html",
        {
            "rows": rows,
            "chart": {"names": [r.name for r in rows], "percent": [r.percent for r in rows]},
            "echarts": echarts_available(),
            "chart_height": 60 + 36 * len(rows),
            "week": week,
            "prev": week - timedelta(days=7),
            "next": week + timedelta(days=7),
            "categories": _tabs(keys),
        },
    )
