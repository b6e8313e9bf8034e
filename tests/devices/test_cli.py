import json

import pytest
from django.core.management import CommandError, call_command

from devices.credentials import token_matches
from devices.models import Device


def test_device_add_prints_credentials_once_and_stores_only_hashes(site, capsys) -> None:
    call_command("device_add", "--site", site.code, "--kind", "pos", "--id", "pos-1")
    out = json.loads(capsys.readouterr().out)
    assert out["device"] == "pos-1" and out["kind"] == "pos" and out["site"] == site.code
    assert out["username"] == f"dev-{site.code}-pos-1" and out["topic_prefix"] == f"so/{site.code}/pos-1"
    device = Device.objects.get(device_id="pos-1")
    assert out["password"] not in (device.secret_sha256, device.mosquitto_hash)
    assert token_matches(out["password"], device.secret_sha256)
    assert device.mosquitto_hash.startswith("$7$101$")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "nowhere", "--kind", "gate", "--id", "g1"], "no site"),
        (["--kind", "gate", "--id", "g 1"], "device id must match"),
        (["--kind", "gate", "--id", "g1", "--space", "nope"], "no space"),
    ],
)
def test_device_add_errors_are_clear(site, args: list[str], message: str) -> None:
    if "--site" not in args:
        args = ["--site", site.code, *args]
    with pytest.raises(CommandError, match=message):
        call_command("device_add", *args)


def test_device_add_twice_is_refused(site) -> None:
    call_command("device_add", "--site", site.code, "--kind", "gate", "--id", "g1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="already exists"):
        call_command("device_add", "--site", site.code, "--kind", "gate", "--id", "g1")


def test_a_site_code_unsafe_for_topics_is_refused(db) -> None:
    from building.models import Site
    from devices.services import DeviceError, device_create

    unsafe = Site.objects.create(code="a+b", name="bad")  # bypasses form validation on purpose
    with pytest.raises(DeviceError, match="site code"):
        device_create(site=unsafe, kind="gate", device_id="g1")


def test_deactivating_a_device_revokes_it_in_the_generated_files(site, tmp_path, settings) -> None:
    from devices.services import device_create, device_deactivate, mqtt_auth_files_write

    new = device_create(site=site, kind="gate", device_id="g1")
    mqtt_auth_files_write(tmp_path)
    assert new.device.mqtt_username in (tmp_path / "passwd").read_text()
    device_deactivate(device=new.device, actor="test")
    assert mqtt_auth_files_write(tmp_path)["changed"] is True
    assert new.device.mqtt_username not in (tmp_path / "passwd").read_text()
    assert new.device.mqtt_username not in (tmp_path / "acl").read_text()
