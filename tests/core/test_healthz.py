from django.test import Client

from devices.bridge_status import bridge_report


def test_healthz_reports_every_part(client: Client, db) -> None:
    bridge_report(connected=True)
    body = client.get("/healthz").json()
    assert body["database"] == "ok" and body["channel_layer"] == "ok" and body["bridge"] == "ok"
    assert set(body) == {"status", "database", "channel_layer", "broker", "bridge"}


def test_healthz_says_when_the_bridge_is_down(client: Client, db) -> None:
    bridge_report(connected=False)
    response = client.get("/healthz")
    assert response.status_code == 200  # the web part still serves
    assert response.json()["bridge"] == "disconnected" and response.json()["status"] == "degraded"
