"""The OpenAPI schema, the self-hosted Swagger UI, and who may list devices."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from portal.models import User
from tests.factories import device_factory

SIDECAR = "/static/drf_spectacular_sidecar/"
THIRD_PARTY_HOSTS = ("cdn", "jsdelivr", "unpkg", "googleapis", "cloudflare", "bootcdn")


class _AssetRefs(HTMLParser):
    """Collects the URLs a page makes the browser fetch: script src, link href, img src."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.refs.append((tag, value))


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)  # Client.login() passes no request, which django-axes refuses
    return client


@pytest.fixture
def manager_client(wang_manager: User) -> Client:
    return _client_for(wang_manager)


def test_schema_is_openapi_3_yaml_with_the_device_list(manager_client: Client) -> None:
    response = manager_client.get(reverse("schema"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    doc = yaml.safe_load(response.content)
    assert str(doc["openapi"]).startswith("3.")
    assert "/api/devices/" in doc["paths"]
    assert "get" in doc["paths"]["/api/devices/"]


def test_schema_is_also_served_as_json(manager_client: Client) -> None:
    response = manager_client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "smartoffice API"
    device = doc["components"]["schemas"]["Device"]["properties"]
    assert {"device_id", "online", "topic_prefix"} <= device.keys()
    assert not {"secret_sha256", "mosquitto_hash", "mqtt_username"} & device.keys()


def test_swagger_ui_uses_only_self_hosted_assets(manager_client: Client) -> None:
    response = manager_client.get(reverse("swagger-ui"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    lowered = page.lower()
    for host in THIRD_PARTY_HOSTS:
        assert host not in lowered, f"Swagger UI page mentions {host!r}"

    parser = _AssetRefs()
    parser.feed(page)
    refs = parser.refs
    kinds = {tag for tag, _ in refs}
    assert {"script", "link"} <= kinds, refs
    for tag, url in refs:
        assert not url.startswith(("http://", "https://", "//")), f"<{tag}> loads {url} from another host"
        assert url.startswith(SIDECAR), f"<{tag}> loads {url}, not a drf_spectacular_sidecar asset"
    assert any(url.endswith("swagger-ui-bundle.js") for _, url in refs)
    assert any(url.endswith("swagger-ui.css") for _, url in refs)

    # WhiteNoise (with finders in tests) serves every one of them.
    anonymous = Client()
    for _, url in refs:
        asset = anonymous.get(url)
        try:
            assert asset.status_code == 200, url
            assert len(asset.getvalue()) > 0, url
        finally:
            asset.close()


def test_device_list_is_forbidden_to_anonymous(db: None) -> None:
    response = Client().get(reverse("api-device-list"))
    assert response.status_code == 401  # not signed in: 401 with how to authenticate
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_device_list_is_forbidden_to_staff(li_ming: User) -> None:
    response = _client_for(li_ming).get(reverse("api-device-list"))
    assert response.status_code == 403


def test_device_list_is_open_to_a_manager(wang_manager: User, manager_client: Client) -> None:
    assert wang_manager.site is not None
    new = device_factory(site=wang_manager.site, kind="gate", device_id="gate-east")
    response = manager_client.get(reverse("api-device-list"))
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    [row] = [d for d in body if d["device_id"] == "gate-east"]
    assert row["site"] == wang_manager.site.code
    assert row["kind"] == "gate"
    assert row["topic_prefix"] == f"so/{wang_manager.site.code}/gate-east"
    assert new.password not in response.content.decode()
    assert not {"secret_sha256", "mosquitto_hash", "mqtt_username"} & row.keys()
