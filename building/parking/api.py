"""The car park's HTTP API: adapt the request, call one service or selector."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from building.parking.messages import message_for
from building.parking.plates import PlateError
from building.parking.selectors import lots_state
from building.parking.visitors import VisitorError, visitor_invite


class CanUseParking(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("parking.use_parking"))


LotSerializer = inline_serializer(
    "ParkingLot",
    many=True,
    fields={
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "total": serializers.IntegerField(),
        "free": serializers.IntegerField(),
        "occupied": serializers.IntegerField(),
        "unknown": serializers.IntegerField(help_text="spaces whose sensor is silent: neither free nor taken"),
    },
)


class LotList(APIView):
    permission_classes = [CanUseParking]

    @extend_schema(responses={200: LotSerializer}, description="Each car park of my site with its free spaces now.")
    def get(self, request: Request) -> Response:
        site = getattr(request.user, "site", None)
        if site is None:
            return Response([])
        keys = ("code", "name", "total", "free", "occupied", "unknown")
        return Response([{k: lot[k] for k in keys} for lot in lots_state(site=site)])


class ParkingVisitorPassRequestSerializer(serializers.Serializer[dict[str, Any]]):
    plate = serializers.CharField(max_length=20)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


VisitorPassResponse = inline_serializer(
    "ParkingVisitorPass",
    {
        "booking": serializers.IntegerField(),
        "plate": serializers.CharField(),
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
    },
)


class VisitorPassCreate(APIView):
    permission_classes = [CanUseParking]

    @extend_schema(
        request=ParkingVisitorPassRequestSerializer,
        responses={201: VisitorPassResponse, 400: None},
        description="Invite a visitor's car: books visitor parking for the (normalised) plate in the window.",
    )
    def post(self, request: Request) -> Response:
        form = ParkingVisitorPassRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            booking = visitor_invite(
                host=request.user,  # type: ignore[arg-type]
                plate=data["plate"],
                start=timezone.localtime(data["start"]),
                end=timezone.localtime(data["end"]),
            )
        except PlateError as exc:
            return Response({"error": message_for(exc.code), "reason": exc.code}, status=status.HTTP_400_BAD_REQUEST)
        except VisitorError as exc:  # the booking engine's own sentence when it has one
            return Response(
                {"error": exc.detail or message_for(exc.reason), "reason": exc.reason}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(
            {"booking": booking.booking_id, "plate": booking.plate, "start": booking.start, "end": booking.end},
            status=status.HTTP_201_CREATED,
        )
