"""Writes on work orders, one service per transition (`work_order_<verb>`).

States: submitted -> accepted -> in_progress -> done -> confirmed; rejected (back to the
dispatcher), waiting (completion clock paused), reopened (from done/confirmed within 7 days, the
clock resumes on the same order), cancelled (by the requester before acceptance).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from building.models import Space
from building.workorders.categories import Category, Priority
from building.workorders.models import ClockPause, Company, WorkOrder, WorkOrderEvent, WorkOrderPhoto
from building.workorders.notify import order_notify
from building.workorders.photos import MAX_PHOTOS, Photo, PhotoError, photo_prepare, photo_written, photos_removed_on_rollback
from building.workorders.selectors import company_of, contract_for, is_dispatcher, site_of
from building.workorders.services.clocks import completion_due, due_after
from building.workorders.services.errors import WorkOrderError
from core.audit import audit_log
from portal.models import User

S = WorkOrder.Status
REOPEN_WINDOW = timedelta(days=7)
DESCRIPTION_MAX = 2000


def clean(value: str, limit: int) -> str:
    """Text from people, as stored: no NUL (PostgreSQL refuses it), trimmed, bounded."""
    return value.replace("\x00", "").strip()[:limit]


def _locked(order_id: int) -> WorkOrder:
    order = (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("site", "company", "contract", "requester")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise WorkOrderError(_("No such work order."), status=404)
    return order


def _event(order: WorkOrder, action: str, actor: User | None, at: datetime, text: str = "") -> None:
    WorkOrderEvent.objects.create(order=order, at=at, actor=actor, action=action, status=order.status, text=text[:1000])
    audit_log(action=f"workorders.order.{action}", actor=actor or "system", target=order, data={"status": order.status})


def _require(order: WorkOrder, allowed: Sequence[str], verb: str) -> None:
    if order.status not in allowed:
        raise WorkOrderError(
            _("This order is %(status)s: you cannot %(verb)s it now.") % {"status": order.get_status_display(), "verb": verb},
            status=409,
        )


def _require_contractor(order: WorkOrder, actor: User) -> None:
    company = company_of(actor)
    if company is None or company.pk != order.company_id:
        raise WorkOrderError(_("Only the contractor assigned to this order can do that."), status=403)


def _require_requester(order: WorkOrder, actor: User) -> None:
    if actor.pk != order.requester_id:
        raise WorkOrderError(_("Only the person who reported the fault can do that."), status=403)


def _prepare(uploads: Sequence[IO[bytes]]) -> list[Photo]:
    """Decode and check the photos before any transaction opens (the slow part, and the refusals)."""
    if len(uploads) > MAX_PHOTOS:
        raise WorkOrderError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, status=400)
    try:
        return [photo_prepare(upload, size=getattr(upload, "size", None)) for upload in uploads]
    except PhotoError as exc:
        raise WorkOrderError(str(exc), status=400) from exc


def _save_photos(order: WorkOrder, prepared: Sequence[Photo], kind: str, actor: User, at: datetime) -> None:
    if len(prepared) + order.photos.filter(kind=kind).count() > MAX_PHOTOS:
        raise WorkOrderError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, status=400)
    for photo in prepared:
        row = WorkOrderPhoto(order=order, kind=kind, width=photo.width, height=photo.height, uploaded_by=actor, uploaded_at=at)
        row.image.save(f"{order.number}-{kind}.jpg", photo.content, save=False)
        photo_written(row.image.storage, str(row.image.name))  # deleted again if the transaction rolls back
        row.save()


def _route(order: WorkOrder, at: datetime, company: Company | None = None) -> None:
    """To the company contracted for the category (or the one the dispatcher chose); the response clock starts."""
    if company is None:
        for candidate in Company.objects.filter(site=order.site).order_by("code"):
            contract = contract_for(company=candidate, on=at)
            if contract is not None and order.category in contract.categories:
                company = candidate
                break
    order.company = company
    order.contract = contract_for(company=company, on=at) if company else None
    order.routed_at = at
    order.response_due = due_after(order, at, "response")


def work_order_submit(
    *,
    requester: User,
    category: str,
    description: str,
    space_code: str | None = None,
    location: str = "",
    priority: str = Priority.NORMAL,
    photos: Sequence[IO[bytes]] = (),
    alarm_id: int | None = None,
    at: datetime | None = None,
) -> WorkOrder:
    at = at or timezone.now()
    description, location = clean(description, 10_000), clean(location, 200)
    space_code = clean(space_code or "", 40) or None
    if category not in Category.values:
        raise WorkOrderError(_("Choose a category from the list."), status=400)
    if priority not in Priority.values:
        raise WorkOrderError(_("Unknown priority."), status=400)
    if not description:
        raise WorkOrderError(_("Describe the fault."), status=400)
    if len(description) > DESCRIPTION_MAX:
        raise WorkOrderError(_("The description is too long (at most %(n)d characters).") % {"n": DESCRIPTION_MAX}, status=400)
    prepared = _prepare(photos)
    space = None
    if space_code:
        space = Space.objects.filter(site_id=site_of(requester), code=space_code).first()
        if space is None:
            raise WorkOrderError(_("No such room or place on your site."), status=400)
    elif not location:
        raise WorkOrderError(_("Say where the fault is: choose a room or type the place."), status=400)
    if requester.site_id is None:
        raise WorkOrderError(_("Your account is not attached to a site."), status=400)
    with photos_removed_on_rollback(), transaction.atomic(durable=True):
        return work_order_submit_in_transaction(
            requester=requester,
            category=category,
            description=description,
            space=space,
            location=location,
            priority=priority,
            photos=prepared,
            alarm_id=alarm_id,
            at=at,
        )


def work_order_submit_in_transaction(
    *,
    requester: User,
    category: str,
    description: str,
    space: Space | None,
    location: str,
    priority: str,
    photos: Sequence[Photo],
    alarm_id: int | None,
    at: datetime,
) -> WorkOrder:
    """The order's creation as one step of the caller's transaction (work_order_submit, work_order_from_alarm)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("work_order_submit_in_transaction runs inside the caller's transaction; call work_order_submit")
    order = WorkOrder(
        site_id=site_of(requester),
        number=uuid.uuid4().hex[:20],
        requester=requester,
        category=category,
        priority=priority,
        space=space,
        location=location,
        description=description,
        created_at=at,
        alarm_id=alarm_id,
    )
    _route(order, at)
    order.save()
    order.number = f"BX{timezone.localtime(at):%y%m%d}{order.pk:05d}"
    order.save(update_fields=["number"])
    _save_photos(order, photos, WorkOrderPhoto.Kind.BEFORE, requester, at)
    _event(order, "submit", requester, at, description)
    order_notify(order, "submit", actor=requester, requester=False)
    return order


def work_order_accept(*, order_id: int, actor: User, at: datetime | None = None) -> WorkOrder:
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        _require_contractor(order, actor)
        _require(order, [S.SUBMITTED], pgettext("work order action", "accept"))
        order.status, order.accepted_at = S.ACCEPTED, at
        order.late_response = order.response_due is not None and at > order.response_due
        order.save()
        order.completion_due = completion_due(order)
        order.save(update_fields=["completion_due"])
        _event(order, "accept", actor, at)
        order_notify(order, "accept", actor=actor)
        return order


def work_order_reject(*, order_id: int, actor: User, reason: str, at: datetime | None = None) -> WorkOrder:
    at, reason = at or timezone.now(), clean(reason, 500)
    if not reason:
        raise WorkOrderError(_("Say why the order is rejected."), status=400)
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        _require_contractor(order, actor)
        _require(order, [S.SUBMITTED, S.ACCEPTED], pgettext("work order action", "reject"))
        order.status, order.reject_reason = S.REJECTED, reason
        order.save()
        _event(order, "reject", actor, at, reason)
        order_notify(order, "reject", actor=actor, dispatcher=True, body=reason)
        return order


def work_order_start(*, order_id: int, actor: User, at: datetime | None = None) -> WorkOrder:
    """Start work (also resumes after waiting for parts, and after a reopen)."""
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        _require_contractor(order, actor)
        _require(order, [S.ACCEPTED, S.WAITING, S.REOPENED], pgettext("work order action", "start"))
        order.pauses.filter(reason="waiting", ended_at__isnull=True).update(ended_at=at)
        order.status = S.IN_PROGRESS
        order.started_at = order.started_at or at
        order.completion_due = completion_due(order)
        order.save()
        _event(order, "start", actor, at)
        order_notify(order, "start", actor=actor)
        return order


def work_order_pause(*, order_id: int, actor: User, reason: str = "", at: datetime | None = None) -> WorkOrder:
    """Waiting for parts: the completion clock stops until work starts again."""
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        _require_contractor(order, actor)
        _require(order, [S.IN_PROGRESS], pgettext("work order action", "pause"))
        ClockPause.objects.create(order=order, reason="waiting", started_at=at)
        order.status, order.completion_due = S.WAITING, None
        order.save()
        _event(order, "pause", actor, at, clean(reason, 500))
        order_notify(order, "pause", actor=actor, body=clean(reason, 500))
        return order


def work_order_complete(
    *, order_id: int, actor: User, photos: Sequence[IO[bytes]], cost_fen: int, note: str = "", at: datetime | None = None
) -> WorkOrder:
    at = at or timezone.now()
    if not photos:
        raise WorkOrderError(_("Add at least one photo of the finished work."), status=400)
    if not isinstance(cost_fen, int) or cost_fen < 0 or cost_fen > 100_000_000:
        raise WorkOrderError(_("Enter the cost of materials in yuan (0 if none)."), status=400)
    prepared = _prepare(photos)
    with photos_removed_on_rollback(), transaction.atomic(durable=True):
        order = _locked(order_id)
        _require_contractor(order, actor)
        _require(order, [S.IN_PROGRESS], pgettext("work order action", "complete"))
        _save_photos(order, prepared, WorkOrderPhoto.Kind.AFTER, actor, at)
        order.late_completion = order.late_completion or (order.completion_due is not None and at > order.completion_due)
        ClockPause.objects.create(order=order, reason="done", started_at=at)
        order.status, order.done_at, order.cost_fen, order.completion_due = S.DONE, at, cost_fen, None
        order.save()
        _event(order, "complete", actor, at, clean(note, 500))
        order_notify(order, "complete", actor=actor)
        return order


def work_order_confirm(*, order_id: int, actor: User, rating: int, comment: str = "", at: datetime | None = None) -> WorkOrder:
    at = at or timezone.now()
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise WorkOrderError(_("Rate the work from 1 to 5 stars."), status=400)
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        _require_requester(order, actor)
        _require(order, [S.DONE], pgettext("work order action", "confirm"))
        order.status, order.confirmed_at, order.rating, order.rating_comment = S.CONFIRMED, at, rating, clean(comment, 500)
        order.save()
        _event(order, "confirm", actor, at, order.rating_comment)
        order_notify(order, "confirm", actor=actor)
        return order


def work_order_autoconfirm(*, order_id: int, at: datetime | None = None) -> WorkOrder | None:
    """Done and not confirmed for 3 days: closed as confirmed without a rating (idempotent)."""
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        if order.status != S.DONE or order.done_at is None or at - order.done_at < timedelta(days=3):
            return None
        order.status, order.confirmed_at = S.CONFIRMED, at
        order.save()
        _event(order, "autoconfirm", None, at)
        order_notify(order, "autoconfirm", actor=None)
        return order


def work_order_reopen(*, order_id: int, actor: User, reason: str = "", at: datetime | None = None) -> WorkOrder:
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        _require_requester(order, actor)
        _require(order, [S.DONE, S.CONFIRMED], pgettext("work order action", "reopen"))
        if order.done_at is None or at - order.done_at > REOPEN_WINDOW:
            raise WorkOrderError(
                _("An order can be reopened within 7 days of its completion; please report a new fault."), status=409
            )
        order.pauses.filter(reason="done", ended_at__isnull=True).update(ended_at=at)
        order.status, order.reopen_count = S.REOPENED, order.reopen_count + 1
        order.confirmed_at, order.rating, order.rating_comment = None, None, ""
        order.completion_due = completion_due(order)
        order.save()
        _event(order, "reopen", actor, at, clean(reason, 500))
        order_notify(order, "reopen", actor=actor, body=clean(reason, 500))
        return order


def work_order_cancel(*, order_id: int, actor: User, at: datetime | None = None) -> WorkOrder:
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        _require_requester(order, actor)
        _require(order, [S.SUBMITTED, S.REJECTED], pgettext("work order action", "cancel"))
        order.status = S.CANCELLED
        order.save()
        _event(order, "cancel", actor, at)
        order_notify(order, "cancel", actor=actor)
        return order


def work_order_comment(*, order_id: int, actor: User, text: str, at: datetime | None = None) -> WorkOrder:
    at, text = at or timezone.now(), clean(text, 10_000)
    if not text or len(text) > 1000:
        raise WorkOrderError(_("Write a comment of at most 1000 characters."), status=400)
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        _event(order, "comment", actor, at, text)
        order_notify(order, "comment", actor=actor, body=text)
        return order


def work_order_reassign(*, order_id: int, actor: User, company_code: str, at: datetime | None = None) -> WorkOrder:
    """A dispatcher sends the order to another company; its response clock starts again."""
    at = at or timezone.now()
    if not is_dispatcher(actor):
        raise WorkOrderError(_("Only a dispatcher can reassign orders."), status=403)
    with transaction.atomic(durable=True):
        order = _locked(order_id)
        _require(order, [S.SUBMITTED, S.REJECTED, S.ACCEPTED], pgettext("work order action", "reassign"))
        company = Company.objects.filter(site=order.site, code=clean(company_code, 40)).first()
        if company is None:
            raise WorkOrderError(_("No such contractor company."), status=400)
        _route(order, at, company)
        order.status, order.accepted_at, order.completion_due, order.reject_reason = S.SUBMITTED, None, None, ""
        order.save()
        _event(order, "reassign", actor, at, company.name)
        order_notify(order, "reassign", actor=actor)
        return order
