"""Phone-first pages: report a fault, follow it, confirm and rate; the contractor's queue.

Each view adapts the form and calls one service; error reasons are shown as sentences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from building.models import Space
from building.workorders import services
from building.workorders.categories import Category
from building.workorders.models import Company, WorkOrder, WorkOrderPhoto
from building.workorders.photos import MAX_PHOTOS
from building.workorders.selectors import company_of, company_queue, is_dispatcher, order_for_user, orders_for_user, site_of
from portal.models import User
from security.qr import qr_svg

S = WorkOrder.Status
# What happened, as people read it in the order's history (never the action code).
ACTION_LABELS = {
    "submit": pgettext_lazy("work order history", "reported"),
    "accept": pgettext_lazy("work order history", "accepted"),
    "reject": pgettext_lazy("work order history", "rejected"),
    "start": pgettext_lazy("work order history", "started work"),
    "pause": pgettext_lazy("work order history", "waiting for parts"),
    "complete": pgettext_lazy("work order history", "completed"),
    "confirm": pgettext_lazy("work order history", "confirmed and rated"),
    "autoconfirm": pgettext_lazy("work order history", "closed without a rating"),
    "reopen": pgettext_lazy("work order history", "reopened"),
    "cancel": pgettext_lazy("work order history", "cancelled"),
    "comment": pgettext_lazy("work order history", "commented"),
    "reassign": pgettext_lazy("work order history", "reassigned"),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if company_of(user) is not None and not user.has_perm("workorders.request_repair"):
        return redirect("workorders:queue")
    rows = orders_for_user(user).filter(requester=user).order_by("-created_at", "-pk")
    return render(request, "workorders/my.html", {"orders": Paginator(rows, 20).get_page(request.GET.get("page"))})


def _spaces(user: User) -> list[Space]:
    return list(
        Space.objects.filter(site_id=site_of(user))
        .select_related("floor__building")
        .order_by("floor__building", "floor__level", "code")
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("workorders.request_repair", raise_exception=True)
def order_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = {"category": "", "space": request.GET.get("space", ""), "location": "", "description": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        photos = request.FILES.getlist("photos")
        try:
            order = services.work_order_submit(
                requester=user,
                category=form["category"],
                space_code=form["space"] or None,
                location=form["location"],
                description=form["description"],
                photos=photos,
            )
        except services.WorkOrderError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Reported: your order number is %(number)s.") % {"number": order.number})
            return redirect("workorders:detail", order.pk)
    context = {"form": form, "categories": Category.choices, "spaces": _spaces(user), "max_photos": MAX_PHOTOS}
    return render(request, "workorders/new.html", context)


def _actions(order: WorkOrder, user: User) -> list[str]:
    """Which buttons to show; the services decide again on POST."""
    found = []
    mine = order.requester_id == user.pk
    contractor = order.company_id is not None and (company := company_of(user)) is not None and company.pk == order.company_id
    if mine and order.status in (S.SUBMITTED, S.REJECTED):
        found.append("cancel")
    if mine and order.status == S.DONE:
        found.append("confirm")
    if (
        mine
        and order.status in (S.DONE, S.CONFIRMED)
        and order.done_at
        and timezone.now() - order.done_at < services.orders.REOPEN_WINDOW
    ):
        found.append("reopen")
    if contractor:
        found += {
            S.SUBMITTED: ["accept", "reject"],
            S.ACCEPTED: ["start", "reject"],
            S.IN_PROGRESS: ["pause", "complete"],
            S.WAITING: ["start"],
            S.REOPENED: ["start"],
        }.get(S(order.status), [])
    if is_dispatcher(user) and order.status in (S.SUBMITTED, S.REJECTED, S.ACCEPTED):
        found.append("reassign")
    return found


@require_GET
@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    user = _user(request)
    order = order_for_user(user=user, order_id=order_id)
    if order is None:
        raise Http404(_("No such work order."))
    context = {
        "order": order,
        "actions": _actions(order, user),
        "photos": order.photos.all(),
        "events": [(e, ACTION_LABELS.get(e.action, "")) for e in order.events.select_related("actor")],
        "companies": Company.objects.filter(site_id=order.site_id) if is_dispatcher(user) else [],
    }
    return render(request, "workorders/detail.html", context)


def _yuan_to_fen(text: str) -> int | None:
    try:
        value = round(float(text.strip() or "x") * 100)
    except ValueError:
        return None
    return value if value >= 0 else None


@require_POST
@login_required
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    user = _user(request)
    order = order_for_user(user=user, order_id=order_id)
    if order is None:
        raise Http404(_("No such work order."))
    post, oid = request.POST, order.pk
    text = post.get("text", "")
    try:
        if action == "accept":
            services.work_order_accept(order_id=oid, actor=user)
        elif action == "reject":
            services.work_order_reject(order_id=oid, actor=user, reason=text)
        elif action == "start":
            services.work_order_start(order_id=oid, actor=user)
        elif action == "pause":
            services.work_order_pause(order_id=oid, actor=user, reason=text)
        elif action == "complete":
            cost = _yuan_to_fen(post.get("cost_yuan", ""))
            if cost is None:
                raise services.WorkOrderError(_("Enter the cost of materials in yuan (0 if none)."), status=400)
            services.work_order_complete(
                order_id=oid, actor=user, photos=request.FILES.getlist("photo"), cost_fen=cost, note=text
            )
        elif action == "confirm":
            rating = int(post.get("rating") or 0) if (post.get("rating") or "0").isdigit() else 0
            services.work_order_confirm(order_id=oid, actor=user, rating=rating, comment=text)
        elif action == "reopen":
            services.work_order_reopen(order_id=oid, actor=user, reason=text)
        elif action == "cancel":
            services.work_order_cancel(order_id=oid, actor=user)
        elif action == "comment":
            services.work_order_comment(order_id=oid, actor=user, text=text)
        elif action == "reassign":
            services.work_order_reassign(order_id=oid, actor=user, company_code=post.get("company", ""))
        else:
            raise Http404
    except services.WorkOrderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("workorders:detail", oid)


@require_GET
@login_required
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    row = WorkOrderPhoto.objects.filter(pk=photo_id).first()
    if row is None or order_for_user(user=_user(request), order_id=row.order_id) is None:
        raise Http404(_("No such photo."))
    with row.image.open("rb") as image:  # at most 1600 px JPEG: small enough to read at once
        response = HttpResponse(image.read(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@login_required
@permission_required("workorders.work_workorder", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    company = company_of(_user(request))
    rows = company_queue(company) if company else WorkOrder.objects.none()
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "workorders/queue.html", {"company": company, "orders": page, "now": timezone.now()})


@require_GET
@login_required
@permission_required("workorders.dispatch_workorder", raise_exception=True)
def space_qr(request: HttpRequest, space_code: str) -> HttpResponse:
    """The QR code to print for a room: it opens the report form with the room filled in."""
    space = Space.objects.filter(site_id=site_of(_user(request)), code=space_code).first()
    if space is None:
        raise Http404(_("No such room or place on your site."))
    url = request.build_absolute_uri(reverse("workorders:new") + f"?space={space.code}")
    return HttpResponse(str(qr_svg(url)), content_type="image/svg+xml")


@require_GET
@login_required
@permission_required("workorders.dispatch_workorder", raise_exception=True)
def space_qr_sheet(request: HttpRequest) -> HttpResponse:
    """A printable sheet: one QR code per room, each opening the report form for that room."""
    base = request.build_absolute_uri(reverse("workorders:new"))
    codes = [(space, qr_svg(f"{base}?space={space.code}")) for space in _spaces(_user(request))]
    return render(request, "workorders/qr_sheet.html", {"codes": codes})
