"""Roles are Django groups. This module keeps the role names and the mechanism; each app says what
each role may do in it (DomainConfig.permissions, core/registry.py).

`roles_sync()` makes the groups match the contributed matrix exactly (run after every migrate and
by seed_demo), so a permission is granted in the app's AppConfig and nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import Permission

# No model imports at module level: every app's apps.py imports the role names.

STAFF = "staff"
CONTRACTOR = "contractor"
SECURITY = "security"
CASHIER = "cashier"
MANAGER = "manager"
ADMIN = "admin"
ROLES = (STAFF, CONTRACTOR, SECURITY, CASHIER, MANAGER, ADMIN)



def role_permissions() -> dict[str, set[str]]:
    """role -> {"app_label.codename"}, merged from what every installed app contributes."""
    from core.registry import role_permissions as contributed

    merged: dict[str, set[str]] = {role: set() for role in ROLES}
    for role, perms in contributed().items():
        merged.setdefault(role, set()).update(perms)
    return merged


def _permissions_for(role: str) -> list[Permission]:
    from django.contrib.auth.models import Permission
    if role == ADMIN:
        return list(Permission.objects.all())
    perms = []
    for dotted in sorted(role_permissions()[role]):
        app_label, codename = dotted.split(".")
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return perms


def roles_sync() -> dict[str, int]:
    """Create the role groups and set each one's permissions to exactly the matrix."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group

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
