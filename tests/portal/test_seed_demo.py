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
    people = {"admin", "manager", "staff", "staff2", "contractor", "contractor2", "guard", "cashier", "vehicle_office"}
    people |= {"rooms_office", "laundry_office", "front_desk"}  # booking category managers
    assert set(first["users"]) == people
    assert User.objects.filter(username__in=first["users"]).count() == len(people)
    assert User.objects.get(username="staff").check_password("pw-1")
    assert User.objects.get(username="guard").has_perm("security.view_panel")
    assert User.objects.get(username="admin").is_superuser
    zone = AccessZone.objects.get(site__code="demo", code="main")
    assert zone.open_to_all_staff


def test_a_second_seed_does_not_rehash_existing_passwords(db, capsys) -> None:
    call_command("seed_demo", "--password", "pw-1")
    hashed = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo", "--password", "pw-2")  # a restart: nothing to hash (this cost ~3.7 s per start)
    assert dict(User.objects.values_list("username", "password")) == hashed
    capsys.readouterr()
    assert User.objects.get(username="staff").check_password("pw-1")
