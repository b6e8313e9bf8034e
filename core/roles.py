"""Roles are Django groups; this matrix is the single definition of what each may do.

`roles_sync()` makes the groups match the matrix exactly (run after every migrate and by
seed_demo), so a permission is granted by editing ROLE_PERMISSIONS and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission

STAFF = "staff"
CONTRACTOR = "contractor"
SECURITY = "security"
CASHIER = "cashier"
MANAGER = "manager"
ADMIN = "admin"
ROLES = (STAFF, CONTRACTOR, SECURITY, CASHIER, MANAGER, ADMIN)

_PORTAL = {"portal.use_portal"}
ROLE_PERMISSIONS: dict[str, set[str]] = {
    STAFF: _PORTAL,
    CONTRACTOR: _PORTAL | {"building.view_space"},
    SECURITY: _PORTAL
    | {"security.view_panel", "devices.view_device", "building.view_space"}
    | {"monitoring.acknowledge_alarm", "monitoring.resolve_alarm", "monitoring.scan_patrol", "monitoring.view_patrol_report"},
    CASHIER: _PORTAL | {"devices.view_device", "canteen.operate_pos", "canteen.refund_charge", "canteen.view_reports"},
    MANAGER: _PORTAL
    | {
        "canteen.operate_pos",
        "canteen.refund_charge",
        "canteen.view_reports",
        "security.view_panel",
        "security.manage_access",
        "monitoring.acknowledge_alarm",
        "monitoring.resolve_alarm",
        "monitoring.view_patrol_report",
        "devices.view_device",
        "devices.add_device",
        "devices.change_device",
        "building.view_space",
        "building.add_space",
        "building.change_space",
        "building.view_building",
        "core.view_auditlog",
        "portal.view_user",
        "portal.view_department",
    },
    ADMIN: set(),  # every permission; see _permissions_for
}


def _permissions_for(role: str) -> list[Permission]:
    if role == ADMIN:
        return list(Permission.objects.all())
    perms = []
    for dotted in sorted(ROLE_PERMISSIONS[role]):
        app_label, codename = dotted.split(".")
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return perms


def roles_sync() -> dict[str, int]:
    """Create the role groups and set each one's permissions to exactly the matrix."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():  # post_migrate order must not leave any missing
        create_permissions(app_config, verbosity=0)
    counts = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        perms = _permissions_for(role)
        group.permissions.set(perms)
        counts[role] = len(perms)
    return counts


def roles_sync_on_migrate(**kwargs: Any) -> None:
    roles_sync()
