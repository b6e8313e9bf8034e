"""Who hears about what happened to an order (in the site's language, via notification_send)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from building.workorders.models import WorkOrder
from building.workorders.selectors import dispatchers
from core.i18n import site_text
from portal.models import User
from portal.notifications.services import notification_send

HEADLINES = {
    "submit": _("New repair %(number)s"),
    "accept": _("Repair %(number)s was accepted"),
    "start": _("Work on repair %(number)s has started"),
    "pause": _("Repair %(number)s is waiting for parts"),
    "complete": _("Repair %(number)s is done: please confirm and rate"),
    "confirm": _("Repair %(number)s was confirmed"),
    "autoconfirm": _("Repair %(number)s was closed without a rating"),
    "reopen": _("Repair %(number)s was reopened"),
    "reject": _("Repair %(number)s was rejected by the contractor"),
    "reassign": _("Repair %(number)s was reassigned"),
    "cancel": _("Repair %(number)s was cancelled"),
    "comment": _("New comment on repair %(number)s"),
    "breach_response": _("Repair %(number)s missed its response deadline"),
    "breach_completion": _("Repair %(number)s missed its completion deadline"),
}
UPDATED = _("Repair %(number)s was updated")


def order_notify(
    order: WorkOrder,
    action: str,
    *,
    actor: User | None,
    requester: bool = True,
    contractor: bool = True,
    dispatcher: bool = False,
    extra: Iterable[User] = (),
    body: str = "",
    dedupe_key: str | None = None,
) -> None:
    people: dict[int, User] = {}
    if requester:
        people[order.requester_id] = order.requester
    if contractor and order.company_id:
        for member in order.company.members.select_related("user"):  # type: ignore[union-attr]
            people[member.user_id] = member.user
    if dispatcher or not order.company_id:
        people.update({u.pk: u for u in dispatchers(order.site_id)})
    people.update({u.pk: u for u in extra})
    if actor is not None:
        people.pop(actor.pk, None)
    title = site_text(HEADLINES.get(action, UPDATED), number=order.number)  # stored: the site's language
    url = reverse("workorders:detail", args=[order.pk])
    for user in people.values():
        notification_send(
            user=user,
            kind=f"workorders.{action}"[:40],
            title=title,
            body=body,
            url=url,
            target=order,
            dedupe_key=f"{dedupe_key}:{user.pk}" if dedupe_key else None,
        )
