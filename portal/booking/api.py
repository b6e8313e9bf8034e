"""REST API of bookings (same permission rules as the pages): adapt the request, call one service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.booking import selectors
from portal.booking.errors import BookingError
from portal.booking.ical import calendar_ics
from portal.booking.models import Booking, FeedToken, Resource, ResourceKind
from portal.booking.services import (
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_reject,
    booking_resubmit,
    feed_token_reset,
    series_cancel,
    series_create,
    trip_record,
)
from portal.models import User


class HasPerm(BasePermission):
    perm = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(self.perm))


class CanBook(HasPerm):
    perm = "booking.book_resource"


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


def _reason(request: Request) -> str:
    data = request.data if isinstance(request.data, dict) else {}
    return str(data.get("reason", ""))[:200]


def error_response(error: BookingError) -> Response:
    body: dict[str, Any] = {"detail": error.message, "reason": error.reason}
    if error.field:
        body[error.field] = [error.message]
    if error.clashes:
        body["clashes"] = [{"start": c.start.isoformat(), "end": c.end.isoformat()} for c in error.clashes]
    return Response(body, status=error.status)


def not_found() -> Response:
    return Response({"detail": _("No such booking.")}, status=status.HTTP_404_NOT_FOUND)


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    floor = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = [
            "id",
            "kind",
            "name",
            "capacity",
            "equipment",
            "floor",
            "seats",
            "plate",
            "opens_at",
            "closes_at",
            "slot_minutes",
            "price_fen",
        ]

    def get_floor(self, obj: Resource) -> str | None:
        return str(obj.space.floor) if obj.space_id and obj.space else None


class BookingSerializer(serializers.ModelSerializer[Booking]):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    kind = serializers.CharField(source="resource.kind", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "resource",
            "resource_name",
            "kind",
            "title",
            "start",
            "end",
            "status",
            "stage",
            "series",
            "plate",
            "checked_in_at",
            "fee_fen",
            "refunded",
            "reason",
        ]


class BookingRequest(serializers.Serializer[dict[str, Any]]):
    resource = serializers.IntegerField(min_value=1)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    title = serializers.CharField(max_length=200)
    recurrence = serializers.CharField(max_length=300, required=False, help_text="RRULE, e.g. FREQ=WEEKLY;COUNT=12")
    on_conflict = serializers.ChoiceField(
        choices=["refuse", "skip"], default="refuse", help_text="a series with clashing dates: refuse all, or skip those dates"
    )
    plate = serializers.CharField(max_length=16, required=False, help_text="visitor parking: the car's plate")


BookingCreated = inline_serializer(
    "BookingCreated",
    {
        "id": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=["confirmed", "pending"]),
        "series": serializers.IntegerField(allow_null=True),
        "occurrences": serializers.ListField(child=serializers.IntegerField()),
        "skipped": serializers.ListField(child=serializers.DateTimeField()),
        "booking": BookingSerializer(),
    },
)
Problem = inline_serializer(
    "BookingProblem", {"detail": serializers.CharField(), "reason": serializers.CharField(required=False)}
)
# A 400 names the field at fault ({"<field>": ["..."], "detail": ...}): core.openapi documents it
# for every write; the GETs that validate a query parameter say so themselves.
Invalid = OpenApiResponse(OpenApiTypes.OBJECT, description="the fields at fault, each with its messages")
ACTION_ERRORS = {402: Problem, 403: Problem, 404: Problem, 409: Problem}


class ResourceList(APIView):
    permission_classes = [CanBook]

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=[k.value for k in ResourceKind])],
        responses={200: ResourceSerializer(many=True), 400: Invalid},
    )
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in ResourceKind.values:
            return Response({"kind": [_("Unknown kind.")], "detail": _("Unknown kind.")}, status=400)
        rows = selectors.resources_for_user(_user(request), kind=kind)
        return Response(ResourceSerializer(rows, many=True).data)


SlotSchema = inline_serializer(
    "Slot",
    {
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
        "free": serializers.BooleanField(),
        "mine": serializers.BooleanField(),
    },
    many=True,
)


class ResourceSlots(APIView):
    """A day of one resource in its fixed slots (or half hours) within its opening hours."""

    permission_classes = [CanBook]

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE)],
        responses={200: SlotSchema, 400: Invalid, 404: Problem},
    )
    def get(self, request: Request, resource_id: int) -> Response:
        user = _user(request)
        resource = selectors.resource_for_user(user, resource_id)
        if resource is None:
            return Response({"detail": _("No such resource.")}, status=404)
        try:
            day = (
                date.fromisoformat(request.query_params.get("date", ""))
                if request.query_params.get("date")
                else timezone.localdate()
            )
            selectors.week_of(day.isoformat())  # a day the calendar arithmetic can hold
        except ValueError:
            return Response({"date": [_("Give a date as YYYY-MM-DD.")], "detail": _("Give a date as YYYY-MM-DD.")}, status=400)
        slots = selectors.day_slots(resource, day, user=user)
        return Response([{"start": s.start, "end": s.end, "free": s.free, "mine": s.mine} for s in slots])


class ApprovalQueue(APIView):
    """Vehicle requests waiting for the caller's decision (department head or vehicle office)."""

    permission_classes = [CanBook]

    @extend_schema(responses=BookingSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(BookingSerializer(selectors.approvals_for_user(_user(request)), many=True).data)


class BookingListCreate(APIView):
    permission_classes = [CanBook]

    @extend_schema(responses=BookingSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(BookingSerializer(selectors.bookings_for_user(_user(request))[:100], many=True).data)

    @extend_schema(request=BookingRequest, responses={201: BookingCreated, **ACTION_ERRORS})
    def post(self, request: Request) -> Response:
        user = _user(request)
        body = BookingRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        resource = selectors.resource_for_user(user, data["resource"])
        if resource is None:
            return Response({"resource": [_("No such resource.")], "detail": _("No such resource.")}, status=400)
        args = {
            "user": user,
            "resource": resource,
            "start": data["start"],
            "end": data["end"],
            "title": data["title"],
            "plate": data.get("plate"),
        }
        try:
            if data.get("recurrence"):
                result = series_create(**args, rrule=data["recurrence"], on_conflict=data["on_conflict"])
                first, ids, skipped = result.bookings[0], [b.pk for b in result.bookings], [c.start for c in result.skipped]
                series_id: int | None = result.series.pk
            else:
                first = booking_create(**args)
                ids, skipped, series_id = [first.pk], [], None
        except BookingError as error:
            return error_response(error)
        return Response(
            {
                "id": first.pk,
                "status": first.status,
                "series": series_id,
                "occurrences": ids,
                "skipped": [s.isoformat() for s in skipped],
                "booking": BookingSerializer(first).data,
            },
            status=status.HTTP_201_CREATED,
        )


class BookingDetail(APIView):
    permission_classes = [CanBook]

    @extend_schema(responses={200: BookingSerializer, 404: Problem})
    def get(self, request: Request, booking_id: int) -> Response:
        booking = selectors.booking_for_user(_user(request), booking_id)
        return Response(BookingSerializer(booking).data) if booking else not_found()


class _BookingAction(APIView):
    permission_classes = [CanBook]

    def act(self, request: Request, booking: Booking) -> Booking:
        raise NotImplementedError

    def lookup(self, user: User, booking_id: int) -> Booking | None:
        return selectors.booking_for_user(user, booking_id)

    def post(self, request: Request, booking_id: int) -> Response:
        booking = self.lookup(_user(request), booking_id)
        if booking is None:
            return not_found()
        try:
            booking = self.act(request, booking)
        except BookingError as error:
            return error_response(error)
        return Response(BookingSerializer(booking).data)


Reason = inline_serializer("Reason", {"reason": serializers.CharField(required=False)})


class BookingCancel(_BookingAction):
    @extend_schema(request=Reason, responses={200: BookingSerializer, **ACTION_ERRORS})
    def post(self, request: Request, booking_id: int) -> Response:
        return super().post(request, booking_id)

    def act(self, request: Request, booking: Booking) -> Booking:
        return booking_cancel(booking=booking, actor=_user(request), reason=_reason(request)[:200])


class BookingCheckIn(_BookingAction):
    @extend_schema(request=None, responses={200: BookingSerializer, **ACTION_ERRORS})
    def post(self, request: Request, booking_id: int) -> Response:
        return super().post(request, booking_id)

    def act(self, request: Request, booking: Booking) -> Booking:
        return booking_check_in(booking=booking, actor=_user(request))


class BookingApprove(_BookingAction):
    @extend_schema(request=Reason, responses={200: BookingSerializer, **ACTION_ERRORS})
    def post(self, request: Request, booking_id: int) -> Response:
        return super().post(request, booking_id)

    def lookup(self, user: User, booking_id: int) -> Booking | None:
        return selectors.booking_for_approver(user, booking_id)

    def act(self, request: Request, booking: Booking) -> Booking:
        return booking_approve(booking=booking, actor=_user(request), reason=_reason(request)[:200])


class BookingReject(_BookingAction):
    @extend_schema(request=Reason, responses={200: BookingSerializer, **ACTION_ERRORS})
    def post(self, request: Request, booking_id: int) -> Response:
        return super().post(request, booking_id)

    def lookup(self, user: User, booking_id: int) -> Booking | None:
        return selectors.booking_for_approver(user, booking_id)

    def act(self, request: Request, booking: Booking) -> Booking:
        return booking_reject(booking=booking, actor=_user(request), reason=_reason(request))


class BookingResubmit(_BookingAction):
    @extend_schema(request=None, responses={200: BookingSerializer, **ACTION_ERRORS})
    def post(self, request: Request, booking_id: int) -> Response:
        return super().post(request, booking_id)

    def act(self, request: Request, booking: Booking) -> Booking:
        return booking_resubmit(booking=booking, actor=_user(request))


class TripRequest(serializers.Serializer[dict[str, Any]]):
    odometer_start_km = serializers.IntegerField(min_value=0)
    odometer_end_km = serializers.IntegerField(min_value=0)
    cost_fen = serializers.IntegerField(min_value=0, required=False)


class TripCreate(APIView):
    permission_classes = [CanBook]

    @extend_schema(
        request=TripRequest,
        responses={
            201: inline_serializer("TripRecorded", {"id": serializers.IntegerField(), "cost_fen": serializers.IntegerField()}),
            **ACTION_ERRORS,
        },
    )
    def post(self, request: Request, booking_id: int) -> Response:
        user = _user(request)
        booking = selectors.booking_for_approver(user, booking_id)
        if booking is None:
            return not_found()
        body = TripRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            trip = trip_record(booking=booking, actor=user, **body.validated_data)
        except BookingError as error:
            return error_response(error)
        return Response({"id": trip.pk, "cost_fen": trip.cost_fen}, status=status.HTTP_201_CREATED)


class SeriesCancelRequest(serializers.Serializer[dict[str, Any]]):
    date_from = serializers.DateField()
    date_to = serializers.DateField()


class SeriesCancel(APIView):
    permission_classes = [CanBook]

    @extend_schema(
        request=SeriesCancelRequest,
        responses={200: inline_serializer("SeriesCancelled", {"cancelled": serializers.IntegerField()}), **ACTION_ERRORS},
    )
    def post(self, request: Request, series_id: int) -> Response:
        user = _user(request)
        series = selectors.series_for_user(user, series_id)
        if series is None:
            return Response({"detail": _("No such series.")}, status=404)
        body = SeriesCancelRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            n = series_cancel(series=series, actor=user, **body.validated_data)
        except BookingError as error:
            return error_response(error)
        return Response({"cancelled": n})


class CalendarFeed(APIView):
    permission_classes = [CanBook]

    @extend_schema(responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="iCal (RFC 5545)")})
    def get(self, request: Request) -> HttpResponse:
        user = _user(request)
        body = calendar_ics(selectors.bookings_for_user(user), name=str(user), now=timezone.now())
        return HttpResponse(body, content_type="text/calendar; charset=utf-8")


class FeedReset(APIView):
    permission_classes = [CanBook]

    @extend_schema(request=None, responses=inline_serializer("FeedUrl", {"url": serializers.CharField()}))
    def post(self, request: Request) -> Response:
        feed = feed_token_reset(user=_user(request))
        return Response({"url": request.build_absolute_uri(reverse("booking:feed", args=[feed.token]))})

    @extend_schema(responses=inline_serializer("FeedUrlNow", {"url": serializers.CharField(allow_null=True)}))
    def get(self, request: Request) -> Response:
        feed = FeedToken.objects.filter(user=_user(request)).first()
        return Response({"url": request.build_absolute_uri(reverse("booking:feed", args=[feed.token])) if feed else None})
