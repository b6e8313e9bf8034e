"""The acceptance contract of the API and the contractor permission matrix on API and pages:
another company's order is 404 (never 403), a transition out of state is 409 with a reason."""

from __future__ import annotations

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from building.workorders.models import Company, WorkOrder
from portal.models import User
from tests.building.workorders.conftest import jpeg
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def zh(msgid: str) -> str:
    """What the pages and the API say (Chinese first), whether or not the catalogue has it yet."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def bearer(username: str) -> Client:
    response = Client().post("/api/auth/token/", {"username": username, "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 201
    return Client(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")


def session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_contract_end_to_end_with_tokens(li_ming: User, zhao_contractor: User, companies: object, room: object) -> None:
    staff, worker = bearer("li_ming"), bearer("zhao_contractor")
    categories = staff.get("/api/repairs/categories/").json()
    assert {"code": "plumbing", "name": zh("Plumbing")} in categories
    assert all(set(c) == {"code", "name"} for c in categories)

    created = staff.post(
        "/api/repairs/", {"category": "plumbing", "space": "r301", "description": "水管爆了"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) >= {"id", "number", "status"} and body["status"] == "submitted"
    oid = body["id"]
    with_photo = staff.post(
        "/api/repairs/", {"category": "electrical", "location": "大厅", "description": "灯不亮", "photos": [jpeg(), jpeg()]}
    )
    assert with_photo.status_code == 201 and WorkOrder.objects.get(pk=with_photo.json()["id"]).photos.count() == 2

    listed = worker.get("/api/work-orders/").json()
    assert {o["id"] for o in listed} == {oid, with_photo.json()["id"]}
    assert worker.get(f"/api/work-orders/{oid}/").json()["space"]["code"] == "r301"

    conflict = worker.post(f"/api/work-orders/{oid}/start/")
    assert conflict.status_code == 409 and conflict.json()["detail"]
    assert worker.post(f"/api/work-orders/{oid}/accept/").json()["status"] == "accepted"
    assert worker.post(f"/api/work-orders/{oid}/start/").json()["status"] == "in_progress"
    no_photo = worker.post(f"/api/work-orders/{oid}/complete/", {"cost_fen": "1200"})
    assert no_photo.status_code == 400 and no_photo.json()["detail"]
    done = worker.post(f"/api/work-orders/{oid}/complete/", {"photo": jpeg(), "cost_fen": "1200"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert worker.post(f"/api/work-orders/{oid}/confirm/", {"rating": 5}, content_type="application/json").status_code == 403
    bad = staff.post(f"/api/work-orders/{oid}/confirm/", {"rating": 9}, content_type="application/json")
    assert bad.status_code == 400
    ok = staff.post(f"/api/work-orders/{oid}/confirm/", {"rating": 5, "comment": "很快"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    assert staff.post(f"/api/work-orders/{oid}/reopen/").json()["status"] == "reopened"
    assert WorkOrder.objects.get(pk=oid).reopen_count == 1


def test_bad_input_is_a_400_with_a_sentence(li_ming: User, companies: object) -> None:
    staff = session(li_ming)
    for payload in (
        {"category": "nope", "location": "x", "description": "y"},
        {"category": "plumbing", "description": "y"},
        {"category": "plumbing", "space": "no-such-room", "description": "y"},
    ):
        response = staff.post("/api/repairs/", payload, content_type="application/json")
        assert response.status_code == 400 and response.json()["detail"], payload
    not_image = SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")
    text = staff.post("/api/repairs/", {"category": "plumbing", "location": "x", "description": "y", "photos": [not_image]})
    assert text.status_code == 400 and text.json()["detail"] == zh("This file is not a photo (JPEG or PNG) or it is damaged.")
    assert Client().get("/api/work-orders/").status_code == 401


def test_permission_matrix_api_and_pages(
    li_ming: User,
    zhang_li: User,
    zhao_contractor: User,
    sun_contractor: User,
    wang_manager: User,
    companies: tuple[Company, Company],
) -> None:
    staff = session(li_ming)
    oid = staff.post(
        "/api/repairs/", {"category": "plumbing", "location": "x", "description": "y"}, content_type="application/json"
    ).json()["id"]
    a, b, other_staff, manager = session(zhao_contractor), session(sun_contractor), session(zhang_li), session(wang_manager)

    # who sees the order (API detail, API list, the page): A's contractor, the requester, the dispatcher
    for client, sees in ((a, True), (staff, True), (manager, True), (b, False), (other_staff, False)):
        assert client.get(f"/api/work-orders/{oid}/").status_code == (200 if sees else 404)
        assert (oid in {o["id"] for o in client.get("/api/work-orders/").json()}) is sees
        assert client.get(f"/repairs/{oid}/").status_code == (200 if sees else 404)
    # another company's contractor cannot act on it either, and learns nothing (404, not 403)
    for verb in ("accept", "start", "complete", "confirm", "reopen"):
        assert b.post(f"/api/work-orders/{oid}/{verb}/").status_code == 404
        assert b.post(f"/repairs/{oid}/{verb}/").status_code == 404
    # seen but not theirs to do: 403 with a sentence
    forbidden = staff.post(f"/api/work-orders/{oid}/accept/")
    assert forbidden.status_code == 403 and forbidden.json()["detail"]
    assert manager.post(f"/api/work-orders/{oid}/reassign/", {"company": "b"}, content_type="application/json").status_code == 200
    assert a.get(f"/api/work-orders/{oid}/").status_code == 404  # now B's
    assert b.post(f"/api/work-orders/{oid}/accept/").status_code == 200
    # pages by role
    assert b.get("/repairs/queue/").status_code == 200 and a.get("/repairs/board/").status_code == 403
    assert staff.get("/repairs/queue/").status_code == 403 and manager.get("/repairs/board/").status_code == 200
    assert staff.get("/repairs/evaluations/").status_code == 403 and manager.get("/repairs/evaluations/").status_code == 200


def test_photos_are_scoped_like_their_order(
    li_ming: User, zhao_contractor: User, sun_contractor: User, companies: object
) -> None:
    staff = session(li_ming)
    oid = staff.post("/api/repairs/", {"category": "plumbing", "location": "x", "description": "y", "photos": [jpeg()]}).json()[
        "id"
    ]
    url = staff.get(f"/api/work-orders/{oid}/").json()["photos"][0]["url"]
    response = session(zhao_contractor).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert session(sun_contractor).get(url).status_code == 404


def test_every_endpoint_is_in_the_openapi_schema(wang_manager: User) -> None:
    schema = yaml.safe_load(session(wang_manager).get("/api/schema/").content)
    paths = schema["paths"]
    assert "/api/repairs/" in paths and "/api/repairs/categories/" in paths
    assert "/api/work-orders/" in paths and "/api/work-orders/{order_id}/" in paths
    for verb in ("accept", "start", "complete", "confirm", "reopen"):
        assert "post" in paths[f"/api/work-orders/{{order_id}}/{verb}/"]


def test_another_sites_dispatcher_sees_nothing(li_ming: User, companies: object) -> None:
    from tests.factories import SiteFactory, persona

    far = persona("manager", "far_manager", "远", "经理", site=SiteFactory())
    oid = (
        session(li_ming)
        .post("/api/repairs/", {"category": "plumbing", "location": "x", "description": "y"}, content_type="application/json")
        .json()["id"]
    )
    client = session(far)
    assert client.get(f"/api/work-orders/{oid}/").status_code == 404
    assert client.get("/api/work-orders/").json() == []
    assert client.post(f"/api/work-orders/{oid}/reassign/", {"company": "b"}, content_type="application/json").status_code == 404
