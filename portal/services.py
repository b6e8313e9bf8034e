"""Writes for people: users and departments."""

from __future__ import annotations

from django.contrib.auth.models import Group

from building.models import Site
from core.audit import audit_log
from core.roles import ADMIN, MANAGER
from portal.models import Department, User


def department_ensure(*, site: Site, code: str, name: str, parent: Department | None = None) -> Department:
    dept, _ = Department.objects.get_or_create(site=site, code=code, defaults={"name": name, "parent": parent})
    return dept


def user_ensure(
    *,
    username: str,
    password: str,
    site: Site,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    employee_no: str | None = None,
    department: Department | None = None,
    phone: str = "",
    reset_password: bool = False,
) -> User:
    """Create the user or bring it back to the given state (idempotent; used by seed_demo).

    The password is set only for a new user, one without a usable password, or on request:
    hashing it costs ~0.5 s per user (and checking it costs the same), which every `make run`
    paid for every demo user. Nothing extra is stored to compare against.
    """
    user, created = User.objects.get_or_create(username=username)
    user.site = site
    user.first_name, user.last_name = first_name, last_name
    user.employee_no, user.department, user.phone = employee_no, department, phone
    user.is_active = True
    user.is_staff = bool({ADMIN, MANAGER} & set(roles))  # back office (Django admin) access
    user.is_superuser = ADMIN in roles
    if created or reset_password or not user.has_usable_password():
        user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    if created:
        audit_log(action="portal.user.create", actor="seed", target=user, data={"roles": roles})
    return user
