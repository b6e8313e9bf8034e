"""REST API of repairs and work orders (token or session auth; the same scoping as the pages).

Another company's order is 404 for a contractor (ids do not leak); a transition the order's state
does not allow is 409 with a sentence; a transition that is not the caller's to make is 403."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from building.workorders import services
from building.workorders.categories import Category, Priority
from building.workorders.models import WorkOrder
from building.workorders.selectors import order_for_user, orders_for_user
from building.workorders.serializers import WorkOrderSerializer
from portal.models import User

PARSERS = [JSONParser, MultiPartParser, FormParser]
Status = inline_serializer(
    "WorkOrderStatus", {"id": serializers.IntegerField(), "number": serializers.CharField(), "status": serializers.CharField()}
)
Error = inline_serializer("WorkOrderError", {"detail": serializers.CharField()})


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


def _error(exc: services.WorkOrderError) -> Response:
    return Response({"detail": str(exc)}, status=exc.status)


def _status(order: WorkOrder, code: int = 200) -> Response:
    return Response({"id": order.pk, "number": order.number, "status": order.status}, status=code)


class CategoryList(APIView):
    @extend_schema(
        responses=inline_serializer(
            "RepairCategory", {"code": serializers.CharField(), "name": serializers.CharField()}, many=True
        )
    )
    def get(self, request: Request) -> Response:
        return Response([{"code": c.value, "name": str(c.label)} for c in Category])


class RepairIn(serializers.Serializer[dict[str, Any]]):
    category = serializers.ChoiceField(choices=Category.choices)
    space = serializers.CharField(required=False, allow_blank=True, max_length=40)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(max_length=2000)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=Priority.NORMAL)
    photos = serializers.ListField(child=serializers.ImageField(), required=False, max_length=6)


class RepairCreate(APIView):
    parser_classes = PARSERS

    @extend_schema(request={"application/json": RepairIn, "multipart/form-data": RepairIn}, responses={201: Status, 400: Error})
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        files = request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else []
        try:
            order = services.work_order_submit(
                requester=_user(request),
                category=str(data.get("category", "")),
                space_code=str(data.get("space") or "") or None,
                location=str(data.get("location") or ""),
                description=str(data.get("description", "")),
                priority=str(data.get("priority") or Priority.NORMAL),
                photos=files,
            )
        except services.WorkOrderError as exc:
            return _error(exc)
        return _status(order, status.HTTP_201_CREATED)


class WorkOrderList(APIView):
    @extend_schema(
        responses={200: WorkOrderSerializer(many=True), 400: Error},
        parameters=[OpenApiParameter("status", str, enum=WorkOrder.Status.values, description="only orders in this status")],
    )
    def get(self, request: Request) -> Response:
        rows = orders_for_user(_user(request)).prefetch_related("photos")
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in WorkOrder.Status.values:
                return Response({"detail": _("Unknown status.")}, status=400)
            rows = rows.filter(status=wanted)
        return Response(WorkOrderSerializer(rows[:200], many=True).data)


def _order(request: Request, order_id: int) -> WorkOrder:
    order = order_for_user(user=_user(request), order_id=order_id)
    if order is None:
        raise Http404
    return order


class WorkOrderDetail(APIView):
    @extend_schema(responses={200: WorkOrderSerializer, 404: Error})
    def get(self, request: Request, order_id: int) -> Response:
        return Response(WorkOrderSerializer(_order(request, order_id)).data)


class ActionIn(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True)
    rating = serializers.IntegerField(required=False, min_value=1, max_value=5)
    cost_fen = serializers.IntegerField(required=False, min_value=0)
    photo = serializers.ImageField(required=False)
    company = serializers.CharField(required=False)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _run(verb: str, request: Request, order: WorkOrder) -> WorkOrder:
    user, oid = _user(request), order.pk
    data = request.data if isinstance(request.data, dict) else {}
    text = str(data.get("reason") or data.get("comment") or "")
    if verb == "accept":
        return services.work_order_accept(order_id=oid, actor=user)
    if verb == "start":
        return services.work_order_start(order_id=oid, actor=user)
    if verb == "pause":
        return services.work_order_pause(order_id=oid, actor=user, reason=text)
    if verb == "reject":
        return services.work_order_reject(order_id=oid, actor=user, reason=text)
    if verb == "complete":
        cost = _int(data.get("cost_fen"))
        if cost is None:
            raise services.WorkOrderError(_("Enter the cost of materials in fen (0 if none)."), status=400)
        photos = request.FILES.getlist("photo") + request.FILES.getlist("photos")
        return services.work_order_complete(
            order_id=oid, actor=user, photos=photos, cost_fen=cost, note=str(data.get("note") or "")
        )
    if verb == "confirm":
        rating = _int(data.get("rating"))
        return services.work_order_confirm(order_id=oid, actor=user, rating=rating or 0, comment=str(data.get("comment") or ""))
    if verb == "reopen":
        return services.work_order_reopen(order_id=oid, actor=user, reason=text)
    if verb == "cancel":
        return services.work_order_cancel(order_id=oid, actor=user)
    if verb == "comment":
        return services.work_order_comment(order_id=oid, actor=user, text=text)
    if verb == "reassign":
        return services.work_order_reassign(order_id=oid, actor=user, company_code=str(data.get("company") or ""))
    raise Http404


VERBS = ("accept", "start", "pause", "reject", "complete", "confirm", "reopen", "cancel", "comment", "reassign")


def action_view(verb: str) -> type[APIView]:
    """One view class per transition, so each has its own operation in the OpenAPI schema."""

    @extend_schema(
        operation_id=f"work_order_{verb}",
        request={"application/json": ActionIn, "multipart/form-data": ActionIn},
        responses={200: Status, 400: Error, 403: Error, 404: Error, 409: Error},
    )
    def post(self: APIView, request: Request, order_id: int) -> Response:
        order = _order(request, order_id)
        try:
            return _status(_run(verb, request, order))
        except services.WorkOrderError as exc:
            return _error(exc)

    return type(f"WorkOrder{verb.title()}", (APIView,), {"parser_classes": PARSERS, "post": post})
