"""Staff pages (my vehicles, my parking and fees, free spaces, invite a visitor) and the guard's
barrier page. Each view adapts the form and calls one service."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from building.parking import payments, selectors
from building.parking.barrier import BarrierError, barrier_open_manual
from building.parking.messages import barrier_reason, message_for
from building.parking.models import Vehicle
from building.parking.plates import PlateError
from building.parking.services import VehicleError, session_pay, vehicle_register, vehicle_remove
from building.parking.visitors import VisitorError, visitor_invite
from canteen.ledger import LedgerError
from core.client_ip import client_network
from core.limits import bounded, rate_exceeded
from devices.models import Device
from portal.models import User

use_parking = permission_required("parking.use_parking", raise_exception=True)
open_barrier = permission_required("parking.open_barrier", raise_exception=True)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _vehicle_message(exc: VehicleError) -> str:
    return message_for(exc.detail if exc.reason == "invalid" and exc.detail else exc.reason)


@login_required
@use_parking
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    sessions = selectors.sessions_of(user, limit=30)
    context = {
        "lots": selectors.lots_state(site=user.site) if user.site else [],
        "vehicles": selectors.vehicles_of(user),
        "sessions": [(s, barrier_reason(s.kind)) for s in sessions],
        "charges": selectors.charges_of(user),
        "now": timezone.localtime(),
    }
    return render(request, "parking/home.html", context)


@login_required
@use_parking
def lots_json(request: HttpRequest) -> JsonResponse:
    """The live counts the parking page polls (a sensor change shows within the poll interval)."""
    user = _user(request)
    return JsonResponse({"lots": selectors.lots_state(site=user.site) if user.site else []})


@login_required
@use_parking
@require_POST
def vehicle_add(request: HttpRequest) -> HttpResponse:
    try:
        vehicle = vehicle_register(
            user=_user(request), plate=request.POST.get("plate", ""), label=request.POST.get("label", ""), kind=Vehicle.Kind.STAFF
        )
    except VehicleError as exc:
        messages.error(request, _vehicle_message(exc))
    else:
        messages.success(request, _("Registered %(plate)s.") % {"plate": vehicle.plate})
    return redirect("parking:home")


@login_required
@use_parking
@require_POST
def vehicle_remove_view(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    try:
        vehicle_remove(user=_user(request), vehicle_id=vehicle_id)
    except VehicleError as exc:
        messages.error(request, message_for(exc.reason))
    else:
        messages.success(request, _("The vehicle was removed."))
    return redirect("parking:home")


@login_required
@use_parking
@require_POST
def session_pay_view(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = session_pay(user=_user(request), session_id=session_id)
    except (VehicleError, LedgerError) as exc:
        messages.error(request, message_for(exc.reason))
    else:
        messages.success(
            request,
            _("Paid. The car can leave within %(minutes)d minutes at no further cost.")
            % {"minutes": session.lot.tariff.grace_minutes},
        )
    return redirect("parking:home")


def _when(value: str) -> datetime | None:
    parsed = parse_datetime(value or "")
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@login_required
@use_parking
@require_POST
def visitor_invite_view(request: HttpRequest) -> HttpResponse:
    start, end = _when(request.POST.get("start", "")), _when(request.POST.get("end", ""))
    if start is None or end is None:
        messages.error(request, _("Give the start and end of the visit."))
        return redirect("parking:home")
    try:
        booking = visitor_invite(host=_user(request), plate=request.POST.get("plate", ""), start=start, end=end)
    except PlateError as exc:
        messages.error(request, message_for(exc.code))
    except VisitorError as exc:
        messages.error(request, exc.detail or message_for(exc.reason))
    else:
        messages.success(request, _("Visitor parking booked for %(plate)s.") % {"plate": booking.plate})
    return redirect("parking:home")


@login_required
@open_barrier
def guard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    held = list(selectors.held_passages(site=user.site)) if user.site else []
    context = {
        "held": [(p, barrier_reason(p.reason)) for p in held],
        "cameras": Device.objects.filter(site=user.site, kind="plate_camera", is_active=True).order_by("device_id"),
        "lots": selectors.lots_state(site=user.site) if user.site else [],
    }
    return render(request, "parking/guard.html", context)


@login_required
@open_barrier
@require_POST
def guard_open(request: HttpRequest) -> HttpResponse:
    try:
        camera_id = int(request.POST.get("camera", ""))
        passage_raw = request.POST.get("passage", "")
        passage_id = int(passage_raw) if passage_raw else None
    except ValueError:
        messages.error(request, message_for("not_found"))
        return redirect("parking:guard")
    try:
        barrier_open_manual(
            actor=_user(request),
            camera_id=camera_id,
            passage_id=passage_id,
            reason=request.POST.get("reason", ""),
            at=timezone.now(),
        )
    except BarrierError as exc:
        messages.error(request, message_for(exc.reason))
    else:
        messages.success(request, _("The barrier was told to open."))
    return redirect("parking:guard")


# --- A visitor pays their own fee (no account): the plate form and the ticket page ---


def _pay_rate_exceeded(request: HttpRequest) -> bool:
    """Plate look-ups and orders per address (an IPv6 /64) and minute (PARKING_PAY_RATE_PER_MINUTE,
    10): trying plates to see who is parked is as slow as walking up to the barrier."""
    limit = int(getattr(settings, "PARKING_PAY_RATE_PER_MINUTE", 10) or 0)
    return bool(limit) and bool(rate_exceeded(scope="parking-pay", key=client_network(request), limit=limit, window_s=60))


@bounded(scope="parking-pay-body", max_body=2048)
def pay(request: HttpRequest) -> HttpResponse:
    """`/parking/pay/`: enter the plate, get to the ticket (a car with a fee to pay only)."""
    plate = ""
    if request.method == "POST":
        if _pay_rate_exceeded(request):
            messages.error(request, _("Too many attempts. Please wait a minute and try again."))
            return render(request, "parking/pay.html", {"plate": plate}, status=429)
        plate = request.POST.get("plate", "")[:20]
        found = payments.ticket_for_plate(plate=plate)
        if found is not None:
            return redirect("parking:pay_ticket", ticket=found.ticket)
        messages.error(request, _("No parked car with a fee to pay has this plate. Check the plate, or ask the guard."))
    return render(request, "parking/pay.html", {"plate": plate})


@bounded(scope="parking-pay-body", max_body=2048)
def pay_ticket(request: HttpRequest, ticket: str) -> HttpResponse:
    """`/parking/pay/<ticket>/`: what a paper ticket shows, and the Alipay button while a fee is due."""
    if request.method == "POST":
        if _pay_rate_exceeded(request):
            messages.error(request, _("Too many attempts. Please wait a minute and try again."))
            return redirect("parking:pay_ticket", ticket=ticket)
        back = request.build_absolute_uri(reverse("parking:pay_ticket", args=[ticket]))
        try:
            start = payments.visitor_fee_order_create(ticket=ticket, return_url=back)
        except payments.PayError as exc:
            messages.error(request, message_for(exc.reason))
            return redirect("parking:pay_ticket", ticket=ticket)
        return redirect(start.pay_url)
    found = payments.ticket_lookup(ticket=ticket)
    if found is None:
        raise Http404
    context = {"t": found, "now": timezone.localtime()}
    return render(request, "parking/pay_ticket.html", context)
