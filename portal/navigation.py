"""Role navigation: each person's work, first on the home page. Shown by permission, not by title."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ROLE_TITLES = {
    "staff": _("Staff"),
    "contractor": _("Contractor"),
    "security": _("Security guard"),
    "cashier": _("Cashier"),
    "manager": _("Manager"),
    "admin": _("Administrator"),
}


@dataclass(frozen=True)
class WorkItem:
    key: str
    title: str | Promise
    description: str | Promise
    icon: str
    url_name: str | None  # None: announced, not built yet
    permission: str | None = None  # shown to whoever has it …
    role: str | None = None  # … or to members of this role group
    fragment: str = ""


WORK = (
    # Cashier: till, sales, refunds, reconciliation
    WorkItem("till", _("Till"), _("Charge a pay code or a face"), "till", "canteen:till", "canteen.operate_pos"),
    WorkItem("sales", _("Sales"), _("Today's sales and pickups"), "chart", "canteen:sales", "canteen.view_reports"),
    WorkItem(
        "refunds", _("Refunds"), _("Refunds of the day"), "refund", "canteen:sales", "canteen.refund_charge", fragment="refunds"
    ),
    WorkItem(
        "reconciliation",
        _("Reconciliation"),
        _("Sales, ledger and Alipay"),
        "scale",
        "canteen:reconciliation",
        "canteen.view_reports",
    ),
    # Guard: panel, patrol scan, alarm history
    WorkItem("panel", _("Monitoring panel"), _("Live alarms and devices"), "shield", "monitoring:panel", "security.view_panel"),
    WorkItem(
        "patrol_scan", _("Patrol scan"), _("Record a checkpoint"), "patrol", "monitoring:patrol_scan", "monitoring.scan_patrol"
    ),
    WorkItem(
        "alarms", _("Alarm history"), _("Every alarm, filtered"), "alarm", "monitoring:alarm_history", "security.view_panel"
    ),
    WorkItem("access_log", _("Access log"), _("Who passed which gate"), "door", "security:access_log", "security.manage_access"),
    # Manager: reports, devices, people, approvals
    WorkItem(
        "patrol_report",
        _("Patrol report"),
        _("Rounds per guard and route"),
        "chart",
        "monitoring:patrol_report",
        "monitoring.view_patrol_report",
    ),
    WorkItem(
        "devices",
        _("Devices"),
        _("Gates, tills, detectors"),
        "device",
        "admin:devices_device_changelist",
        "devices.change_device",
    ),
    WorkItem("people", _("People"), _("Staff and departments"), "users", "admin:portal_user_changelist", "portal.view_user"),
    WorkItem(
        "approvals", _("Approvals"), _("Requests waiting for you"), "check", "booking:office_home", "booking.manage_bookings"
    ),
    # Contractor: the queue of the company's work orders (building.workorders)
    WorkItem(
        "work_orders", _("Work orders"), _("Repairs assigned to you"), "wrench", "workorders:queue", "workorders.work_workorder"
    ),
)


@dataclass(frozen=True)
class WorkLink:
    key: str
    title: str | Promise
    description: str | Promise
    icon: str
    url: str | None


def _url(item: WorkItem) -> str | None:
    if item.url_name is None:
        return None
    try:
        url = reverse(item.url_name)
    except NoReverseMatch:  # a page of a domain not installed
        return None
    return f"{url}#{item.fragment}" if item.fragment else url


def work_for(user: object) -> list[WorkLink]:
    """The work items this user may do, in the order above (cheap: Django caches perms per request)."""
    has_perm = getattr(user, "has_perm", None)
    if has_perm is None or not getattr(user, "is_authenticated", False):
        return []
    groups: set[str] | None = None
    links = []
    for item in WORK:
        if item.role is not None:
            if groups is None:
                groups = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
            if item.role not in groups:
                continue
        elif item.permission is not None and not has_perm(item.permission):
            continue
        links.append(WorkLink(item.key, item.title, item.description, item.icon, _url(item)))
    return links
