from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.models import User
from portal.notifications.selectors import notifications_for_user, unread_count
from portal.notifications.services import notifications_mark_read

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notifications_for_user(user, unread_only=unread_only), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": unread_count(user), "unread_only": unread_only},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark it read and follow its link (only the user's own: another's id is a 404)."""
    user = _user(request)
    notification = notifications_for_user(user).filter(pk=notification_id).first()
    if notification is None:
        return render(request, "notifications/list.html", {"page": None, "unread": unread_count(user)}, status=404)
    notifications_mark_read(user=user, ids=[notification.pk])
    return redirect(notification.url or "notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=_user(request))
    return redirect("notifications:list")
