"""REST API of visitor invitations and parcels."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from devices.models import Device
from portal.booking import selectors
from portal.booking.api import ACTION_ERRORS, CanBook, HasPerm, Reason, _reason, error_response, not_found
from portal.booking.errors import BookingError
from portal.booking.models import Invitation, Parcel
from portal.booking.services.lockers import parcel_register
from portal.booking.services.visitors import invitation_cancel, invitation_create
from portal.models import User


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class CanRegisterParcel(HasPerm):
    perm = "booking.register_parcel"


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    class Meta:
        model = Invitation
        fields = ["id", "visitor_name", "visitor_phone", "start", "end", "plate", "parking", "arrived_at", "cancelled_at"]


class InvitationRequest(serializers.Serializer[dict[str, Any]]):
    visitor_name = serializers.CharField(max_length=100)
    visitor_phone = serializers.CharField(max_length=20)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    plate = serializers.CharField(max_length=16, required=False, allow_blank=True)


class InvitationListCreate(APIView):
    permission_classes = [CanBook]

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(InvitationSerializer(selectors.invitations_for_user(_user(request))[:100], many=True).data)

    @extend_schema(
        request=InvitationRequest,
        responses={
            201: inline_serializer("InvitationCreated", {"invitation": InvitationSerializer(), "qr": serializers.CharField()}),
            **ACTION_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        body = InvitationRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = invitation_create(host=_user(request), **body.validated_data)
        except BookingError as error:
            return error_response(error)
        return Response(
            {"invitation": InvitationSerializer(result.invitation).data, "qr": result.qr}, status=status.HTTP_201_CREATED
        )


class InvitationCancel(APIView):
    """The host (or the site manager) calls the visit off: the pass stops opening gates, the
    parking space is free again. Twice answers 200 with it unchanged; someone else's is a 404."""

    permission_classes = [CanBook]

    @extend_schema(request=Reason, responses={200: InvitationSerializer, **ACTION_ERRORS})
    def post(self, request: Request, invitation_id: int) -> Response:
        user = _user(request)
        invitation = selectors.invitation_for_user(user, invitation_id)
        if invitation is None:
            return not_found()
        try:
            invitation = invitation_cancel(invitation=invitation, actor=user, reason=_reason(request))
        except BookingError as error:
            return error_response(error)
        return Response(InvitationSerializer(invitation).data)


class ParcelSerializer(serializers.ModelSerializer[Parcel]):
    locker = serializers.CharField(source="compartment.locker.device_id", read_only=True)
    compartment = serializers.CharField(source="compartment.code", read_only=True)

    class Meta:
        model = Parcel
        fields = ["id", "locker", "compartment", "code", "state", "overdue", "carrier", "registered_at", "picked_up_at"]


class DeskParcelSerializer(ParcelSerializer):
    """The front desk's answer: no pickup code (the recipient's alone; the desk page withholds it too)."""

    class Meta(ParcelSerializer.Meta):
        fields = [f for f in ParcelSerializer.Meta.fields if f != "code"]


class ParcelRequest(serializers.Serializer[dict[str, Any]]):
    recipient = serializers.CharField(max_length=150, help_text="username or employee number")
    locker = serializers.CharField(max_length=64, help_text="the locker's device id")
    carrier = serializers.CharField(max_length=50, required=False, allow_blank=True)
    tracking_no = serializers.CharField(max_length=50, required=False, allow_blank=True)


class ParcelListCreate(APIView):
    def get_permissions(self) -> list[Any]:
        return [CanRegisterParcel()] if self.request.method == "POST" else [CanBook()]

    @extend_schema(responses=ParcelSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ParcelSerializer(selectors.parcels_for_user(_user(request))[:100], many=True).data)

    @extend_schema(request=ParcelRequest, responses={201: DeskParcelSerializer, **ACTION_ERRORS})
    def post(self, request: Request) -> Response:
        actor = _user(request)
        body = ParcelRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        recipient = selectors.person_for_desk(actor, data["recipient"])
        if recipient is None:
            return Response({"recipient": [_("No such person.")], "detail": _("No such person.")}, status=400)
        locker = Device.objects.filter(
            site_id=actor.site_id or 0, kind="locker", device_id=data["locker"], is_active=True
        ).first()
        if locker is None:
            return Response({"locker": [_("No such locker.")], "detail": _("No such locker.")}, status=400)
        try:
            parcel = parcel_register(
                recipient=recipient,
                locker=locker,
                actor=actor,
                carrier=data.get("carrier", ""),
                tracking_no=data.get("tracking_no", ""),
            )
        except BookingError as error:
            return error_response(error)
        return Response(DeskParcelSerializer(parcel).data, status=status.HTTP_201_CREATED)
