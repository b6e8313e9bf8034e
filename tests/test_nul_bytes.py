"""A NUL character anywhere in a request is a clear 400, never a 500 (PostgreSQL refuses NUL in
text; SQLite would store it): path, query string, cookie, form body, and JSON that reaches a query."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.models import User

pytestmark = pytest.mark.django_db


def test_nul_in_query_string_cookie_and_form_body_is_a_chinese_400_page(li_ming: User) -> None:
    client = Client()
    client.force_login(li_ming)
    page = client.get("/booking/mine/?q=%00x")
    assert page.status_code == 400 and "无法读取" in page.content.decode()
    assert Client().get("/accounts/login/?next=/%00").status_code == 400
    cookie = Client()
    cookie.cookies["sessionid"] = "abc\x00def"
    assert cookie.get("/").status_code == 400
    form = client.post("/parking/pay/", "plate=%E4%BA%ACA%0012345", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400
    assert client.get("/booking/mine/").status_code == 200  # and nothing else is affected


def test_nul_in_an_api_request_is_a_json_400(li_ming: User) -> None:
    client = Client()
    client.force_login(li_ming)
    answer = client.get("/api/booking/resources/?kind=room%00")
    assert answer.status_code == 400 and "NUL" in answer.json()["detail"]


def test_a_nul_that_still_reaches_postgresql_is_a_400_not_a_500() -> None:
    """Multipart text and JSON are not scanned up front; psycopg's refusal becomes the same 400."""
    from django.test import RequestFactory

    from core.middleware import NUL_REFUSED, NulRefusingMiddleware

    middleware = NulRefusingMiddleware(lambda request: None)
    page = middleware.process_exception(RequestFactory().post("/parking/pay/"), ValueError(NUL_REFUSED))
    api = middleware.process_exception(RequestFactory().post("/api/booking/bookings/"), ValueError(NUL_REFUSED))
    other = middleware.process_exception(RequestFactory().get("/"), ValueError("something else"))
    assert page is not None and page.status_code == 400
    assert api is not None and api.status_code == 400 and api["Content-Type"] == "application/json"
    assert other is None  # any other error stays a real 500, logged
