"""One error format for every failure: {"code", "message", "fields"}, translated per Accept-Language."""

from __future__ import annotations

import pytest

from tests.api.utils import assert_error, make_org, send

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/directory/organisations"


def test_404_for_a_missing_record(anon):
    assert_error(anon.get(f"{ORGS}/khong-ton-tai"), 404, "not_found")
    assert_error(anon.get(f"{ORGS}/3f2b8c1e-0000-4000-8000-000000000000"), 404, "not_found")


def test_422_names_each_invalid_field_in_the_request_language(network, make_member, token_client):
    client = token_client(make_member(network["hanoi"], "center_staff"))
    payload = {"kind": "spaceship", "founded_year": "soon", "email": "not-an-email"}
    body = assert_error(
        send(client, "post", ORGS, payload, HTTP_ACCEPT_LANGUAGE="en"), 422, "validation_error"
    )
    assert set(body["fields"]) == {"center", "name_vi", "kind", "founded_year", "email"}
    assert body["fields"]["name_vi"] == ["This field is required."]
    assert body["fields"]["email"] == ["Enter a valid email address."]
    assert "startup" in body["fields"]["kind"][0], "the allowed choices are listed"
    vi = assert_error(send(client, "post", ORGS, payload, HTTP_ACCEPT_LANGUAGE="vi"), 422, "validation_error")
    assert vi["fields"]["name_vi"] == ["Trường này là bắt buộc."]


def test_422_from_a_service_keeps_its_field_messages(network, make_member, token_client):
    client = token_client(make_member(network["hanoi"], "center_staff"))
    payload = {"center": "ha-noi", "kind": "startup", "name_vi": "Công ty MST", "tax_code": "0100109107"}
    body = assert_error(send(client, "post", ORGS, payload), 422, "validation_error")
    assert list(body["fields"]) == ["tax_code"]
    payload.update(tax_code="", province="99", sectors=["ZZ"])
    body = assert_error(send(client, "post", ORGS, payload), 422, "validation_error")
    assert set(body["fields"]) == {"province", "sectors"}
    assert "ZZ" in body["fields"]["sectors"][0]


def test_400_for_a_body_that_is_not_json(network, make_member, token_client):
    client = token_client(make_member(network["hanoi"], "center_staff"))
    response = client.post(ORGS, data="{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")


def test_409_when_the_version_is_stale(network, make_member, token_client):
    org = make_org(network["hanoi"], "Công ty Phiên bản")
    client = token_client(make_member(network["hanoi"], "center_staff"))
    assert send(client, "patch", f"{ORGS}/{org.slug}", {"version": 1, "short_name": "A"}).status_code == 200
    body = assert_error(
        send(
            client,
            "patch",
            f"{ORGS}/{org.slug}",
            {"version": 1, "short_name": "B"},
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        409,
        "conflict",
    )
    assert "changed by someone else" in body["message"]
    org.refresh_from_db()
    assert org.short_name == "A", "nothing is written on a conflict"


def test_403_when_the_caller_may_see_but_not_change(network, make_member, token_client):
    org = make_org(network["hanoi"], "Công ty Hà Nội")
    other_center = token_client(make_member(network["haiphong"], "center_staff"))
    assert other_center.get(f"{ORGS}/{org.slug}").status_code == 200
    assert_error(
        send(other_center, "patch", f"{ORGS}/{org.slug}", {"version": 1, "short_name": "X"}), 403, "forbidden"
    )
    assert_error(other_center.delete(f"{ORGS}/{org.slug}"), 403, "forbidden")


def test_401_for_anonymous_writes(network, anon):
    org = make_org(network["hanoi"], "Công ty Ẩn danh")
    assert_error(send(anon, "post", ORGS, {"name_vi": "x"}), 401, "not_authenticated")
    assert_error(anon.delete(f"{ORGS}/{org.slug}"), 401, "not_authenticated")


def test_500_is_a_bare_server_error_without_traceback(network, anon, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("innohub.directory.api.organisations_for", broken)
    response = anon.get(ORGS)
    body = assert_error(response, 500, "server_error")
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert body["fields"] == {}
