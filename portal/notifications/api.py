from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.models import User
from portal.notifications.models import Notification
from portal.notifications.selectors import notifications_for_user, unread_count
from portal.notifications.services import notifications_mark_read


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class MarkRead(serializers.Serializer[dict[str, Any]]):
    # max_value: a bigger id is no row of ours, and overflows the database integer (a 500; found by schemathesis)
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=500, required=False)


class NotificationList(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Notifications", {"unread": serializers.IntegerField(), "results": NotificationSerializer(many=True)}
        )
    )
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        rows = notifications_for_user(request.user, unread_only=request.query_params.get("unread") == "1")[:100]
        return Response({"unread": unread_count(request.user), "results": NotificationSerializer(rows, many=True).data})


class NotificationMarkRead(APIView):
    @extend_schema(request=MarkRead, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        body = MarkRead(data=request.data)
        body.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, ids=body.validated_data.get("ids"))
        return Response({"marked": marked})
