"""The cashier screen's "pay part with points" checkout: adapt the request, call one service."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from building.recycling.services.points import RedeemError, SaleError, checkout_with_points
from canteen.models import MerchantKind
from canteen.selectors import merchant_for_user


class CanOperatePos(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("canteen.operate_pos"))


class LineSerializer(serializers.Serializer[dict[str, Any]]):
    barcode = serializers.CharField(max_length=32)
    qty = serializers.IntegerField(min_value=1, max_value=999)


class PointsCheckoutSerializer(serializers.Serializer[dict[str, Any]]):
    merchant = serializers.SlugField(max_length=40)
    code = serializers.CharField(max_length=100, help_text="the payer's dynamic QR pay code")
    lines = LineSerializer(many=True, allow_empty=False)
    order_ref = serializers.CharField(max_length=64, help_text="idempotency key of the sale")
    points = serializers.IntegerField(min_value=0, max_value=10_000_000, help_text="points the payer wants to use")


PointsCheckoutResponse = inline_serializer(
    "PointsCheckoutResponse",
    {
        # Plain text, not a second enum of the same choices as canteen's (drf-spectacular W001).
        "status": serializers.CharField(help_text="paid | declined"),
        "reason": serializers.CharField(),
        "balance_fen": serializers.IntegerField(),
        "order_ref": serializers.CharField(),
        "charge_id": serializers.IntegerField(allow_null=True),
        "wallet_fen": serializers.IntegerField(allow_null=True),
        "points_used": serializers.IntegerField(),
        "points_fen": serializers.IntegerField(),
    },
)


class PointsCheckout(APIView):
    permission_classes = [CanOperatePos]

    @extend_schema(
        request=PointsCheckoutSerializer,
        responses={201: PointsCheckoutResponse, 402: PointsCheckoutResponse, 400: None, 404: None, 409: None},
        description="A supermarket cart paid partly with recycling points (at most half, 100 points = ¥1 by "
        "default) and the rest from the wallet, in one transaction. Once per order_ref: a retry answers the original.",
    )
    def post(self, request: Request) -> Response:
        form = PointsCheckoutSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        merchant = merchant_for_user(user=request.user, code=data["merchant"], kind=MerchantKind.SUPERMARKET)
        if merchant is None:
            return Response({"detail": f"no supermarket {data['merchant']!r}"}, status=status.HTTP_404_NOT_FOUND)
        try:
            done = checkout_with_points(
                merchant=merchant,
                lines=[(line["barcode"], line["qty"]) for line in data["lines"]],
                order_ref=data["order_ref"],
                points=data["points"],
                pay_code=data["code"],
            )
        except SaleError as exc:
            code = status.HTTP_409_CONFLICT if exc.reason == "out_of_stock" else status.HTTP_400_BAD_REQUEST
            return Response({"detail": str(exc), "reason": exc.reason}, status=code)
        except RedeemError as exc:
            return Response({"detail": str(exc), "reason": exc.reason}, status=status.HTTP_400_BAD_REQUEST)
        charge = done.result.charge
        body = {
            **done.result.as_reply(),
            "order_ref": data["order_ref"],
            "charge_id": charge.pk if charge else None,
            "wallet_fen": charge.amount_fen if charge else None,
            "points_used": done.points,
            "points_fen": done.value_fen,
        }
        return Response(body, status=status.HTTP_201_CREATED if done.result.paid else status.HTTP_402_PAYMENT_REQUIRED)
