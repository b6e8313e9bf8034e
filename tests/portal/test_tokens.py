"""Bearer tokens: issued for a password, counted by the lockout, revocable, scoped like a session."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.models import ApiToken
from tests.factories import PASSWORD


def _token(client: Client, username: str, password: str = PASSWORD) -> tuple[int, dict[str, str]]:
    response = client.post("/api/auth/token/", {"username": username, "password": password}, content_type="application/json")
    return response.status_code, response.json()


def test_a_token_for_a_password_authenticates_api_requests(db, li_ming, client: Client) -> None:
    code, body = _token(client, "li_ming")
    assert code == 201 and len(body["token"]) >= 40
    stored = ApiToken.objects.get(user=li_ming)
    assert body["token"] not in stored.key_sha256 and stored.hint == body["token"][-4:]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert api.get("/api/notifications/").status_code == 200
    assert Client().get("/api/notifications/").status_code == 401  # no session, no token
    assert Client(HTTP_AUTHORIZATION="Bearer not-a-token").get("/api/notifications/").status_code == 401


def test_a_wrong_password_is_a_400_in_chinese_and_counts_toward_the_lockout(db, li_ming, client: Client, settings) -> None:
    settings.LOGIN_DELAY_AFTER = 1000  # the hard lock alone; the delay: test_the_token_endpoint_has_the_login_delay
    code, body = _token(client, "li_ming", "wrong")
    assert code == 400 and body["detail"] == "用户名或密码错误。"
    for _ in range(12):
        code, body = _token(client, "li_ming", "wrong")
    assert code == 429 and "15" in body["detail"]
    code, _body = _token(client, "li_ming")  # even the right password, while locked
    assert code == 429


def test_a_revoked_token_is_refused(db, li_ming, client: Client) -> None:
    _code, body = _token(client, "li_ming")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert api.post("/api/auth/token/revoke/").status_code == 200
    assert api.get("/api/notifications/").status_code == 401
    assert ApiToken.objects.get(user=li_ming).revoked_at is not None


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer \u4e2d"])
def test_a_malformed_authorization_header_is_a_401_not_a_500(db, header: str) -> None:
    assert Client(HTTP_AUTHORIZATION=header).get("/api/notifications/").status_code == 401


def test_the_schema_documents_bearer_auth(db, wang_manager) -> None:
    client = Client()
    client.force_login(wang_manager)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "/api/auth/token/" in schema["paths"]


def test_the_token_endpoint_has_the_login_delay(db, li_ming, client: Client) -> None:
    """Issue 9 item 4: from the 3rd failure of a (user name, address) pair, a growing wait."""
    for _ in range(3):
        assert _token(client, "li_ming", "wrong")[0] == 400
    response = client.post("/api/auth/token/", {"username": "li_ming", "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 429 and response["Retry-After"] == "5" and "5" in response.json()["detail"]
