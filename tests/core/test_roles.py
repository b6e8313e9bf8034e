"""The permission matrix, checked person by person."""

import pytest

from core.roles import ROLES, role_permissions, roles_sync

CHECKS = [
    "portal.use_portal",
    "security.view_panel",
    "devices.view_device",
    "devices.add_device",
    "core.view_auditlog",
    "building.change_space",
]
EXPECTED = {
    "li_ming": {"portal.use_portal"},
    "zhao_contractor": {"portal.use_portal"},
    "chen_guard": {"portal.use_portal", "security.view_panel", "devices.view_device"},
    "liu_cashier": {"portal.use_portal", "devices.view_device"},
    "wang_manager": set(CHECKS),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_permission_matrix(persona: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    granted = {perm for perm in CHECKS if user.has_perm(perm)}
    assert granted == EXPECTED[persona]


def test_roles_sync_is_exact_and_idempotent(db) -> None:
    from django.contrib.auth.models import Group, Permission

    first = roles_sync()
    staff = Group.objects.get(name="staff")
    staff.permissions.add(Permission.objects.get(codename="add_device"))  # drift
    assert roles_sync() == first
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    assert {f"{p.content_type.app_label}.{p.codename}" for p in staff.permissions.all()} == role_permissions()["staff"]
    assert first["admin"] == Permission.objects.count()
