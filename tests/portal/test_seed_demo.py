import json

from django.core.management import call_command

from portal.models import User
from security.models import AccessZone


def test_seed_demo_is_idempotent_and_prints_json(db, capsys) -> None:
    call_command("seed_demo", "--password", "pw-1")
    first = json.loads(capsys.readouterr().out)
    call_command("seed_demo", "--password", "pw-1")
    second = json.loads(capsys.readouterr().out)
    assert first == second
    assert set(first["users"]) == {"admin", "manager", "staff", "staff2", "contractor", "guard", "cashier"}
    assert User.objects.filter(username__in=first["users"]).count() == 7
    assert User.objects.get(username="staff").check_password("pw-1")
    assert User.objects.get(username="guard").has_perm("security.view_panel")
    assert User.objects.get(username="admin").is_superuser
    zone = AccessZone.objects.get(site__code="demo", code="main")
    assert zone.open_to_all_staff
