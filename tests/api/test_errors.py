"""One error format for every failure: {"code", "message", "fields"}, translated per Accept-Language."""

from __future__ import annotations

import re

import pytest

from tests.api.utils import assert_error, make_org, send
from tests.factories import UserFactory

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


# --- every failure, not only the handlers' own: wrong method, unknown path, bad input, oversized body ---


@pytest.fixture
def schema(anon):
    return anon.get("/api/v1/openapi.json").json()


def _concrete(path: str) -> str:
    """An address of the operation, with every path parameter filled in."""
    return re.sub(r"\{[^}]+\}", "1", path)


def test_a_wrong_method_answers_405_in_the_error_format_with_allow(anon):
    response = anon.put("/api/v1/centers", HTTP_ACCEPT_LANGUAGE="en")
    body = assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, POST"
    assert "GET, POST" in body["message"]


def test_every_path_answers_an_unsupported_method_with_json(schema, anon):
    """Each path of the document refuses a method it does not have, in the error format, with Allow."""
    checked = 0
    for path, methods in schema["paths"].items():
        unsupported = next(m for m in ("put", "patch", "delete", "post", "get") if m not in methods)
        response = anon.generic(unsupported.upper(), _concrete(path), HTTP_ACCEPT_LANGUAGE="en")
        assert_error(response, 405, "method_not_allowed")
        assert set(response["Allow"].split(", ")) == {m.upper() for m in methods}, path
        checked += 1
    assert checked == len(schema["paths"]) > 20


@pytest.mark.parametrize(
    "path",
    ["/api/v1/", "/api/v1/nothing-here", "/api/v1/centers/", "/api/v1/centers/a/b/c", "/api/v1/directory"],
)
def test_unknown_paths_under_the_api_answer_404_json(anon, path):
    for method in ("get", "post", "delete"):
        assert_error(getattr(anon, method)(path), 404, "not_found")


def test_every_body_that_is_not_an_object_is_a_422(schema, session_client):
    """Each operation with a request body refuses JSON that is not an object before anything else.

    (ninja's schemas would otherwise read `"x"` as an empty object and fill in the defaults.)"""
    client = session_client(UserFactory(is_superuser=True))
    checked = 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if "application/json" not in operation.get("requestBody", {}).get("content", {}):
                continue  # no body, or a multipart upload
            response = send(client, method, _concrete(path), "not an object", HTTP_ACCEPT_LANGUAGE="en")
            body = assert_error(response, 422, "validation_error")
            assert body["fields"] == {"__all__": ["Send a JSON object."]}, (method, path)
            checked += 1
    assert checked >= 14
    claim = send(client, "post", "/api/v1/directory/organisations/1/claim", [1], HTTP_ACCEPT_LANGUAGE="en")
    assert_error(claim, 422, "validation_error")


def test_every_integer_query_parameter_is_validated(schema, session_client):
    client = session_client(UserFactory(is_superuser=True))
    checked = 0
    for path, methods in schema["paths"].items():
        operation = methods.get("get")
        if operation is None or "{" in path:
            continue
        for param in operation.get("parameters", []):
            if param["in"] == "query" and param["schema"].get("type") == "integer":
                response = client.get(path, {param["name"]: "abc"}, HTTP_ACCEPT_LANGUAGE="en")
                body = assert_error(response, 422, "validation_error")
                assert body["fields"] == {param["name"]: ["Enter a whole number."]}, (path, body)
                checked += 1
    assert checked >= 5


def test_a_path_parameter_of_the_wrong_type_is_a_422(session_client):
    client = session_client(UserFactory())
    body = assert_error(client.delete("/api/v1/accounts/tokens/abc"), 422, "validation_error")
    assert list(body["fields"]) == ["token_id"]


def test_a_pydantic_error_raised_by_a_handler_is_a_422(network, anon, monkeypatch):
    from innohub.centers.schemas import CenterIn

    def validate_here(*args, **kwargs):
        CenterIn.model_validate({"slug": "Không hợp lệ", "kind": "spaceship"})

    monkeypatch.setattr("innohub.centers.api._get_center", validate_here)
    body = assert_error(
        anon.get("/api/v1/centers/ha-noi", HTTP_ACCEPT_LANGUAGE="en"), 422, "validation_error"
    )
    assert set(body["fields"]) == {"slug", "kind", "name_vi"}
    assert body["fields"]["name_vi"] == ["This field is required."]


def test_an_answer_that_fails_its_own_schema_is_a_500_not_the_callers_fault(anon, monkeypatch):
    monkeypatch.setattr("innohub.taxonomy.selectors.countries", lambda: [{"iso2": "VN"}])
    response = anon.get("/api/v1/taxonomy/countries")
    body = assert_error(response, 500, "server_error")
    assert body["fields"] == {} and "iso3" not in response.content.decode()


def test_an_oversized_body_is_a_413(network, make_member, token_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = token_client(make_member(network["hanoi"], "center_staff"))
    payload = {"center": "ha-noi", "kind": "startup", "name_vi": "x" * 5000}
    assert_error(send(client, "post", ORGS, payload), 413, "too_large")


def test_multipart_without_a_boundary_is_a_400_not_a_500(session_client):
    """Found by tests/fuzz: the CSRF check of a session write reads request.POST, which raised
    MultiPartParserError for `Content-Type: multipart/form-data` without a boundary."""
    client = session_client(UserFactory(), enforce_csrf=True)
    client.cookies["csrftoken"] = "x" * 32
    response = client.post(
        "/api/v1/accounts/tokens",
        data=b'{"name": "x"}',
        content_type="multipart/form-data",
        HTTP_X_CSRFTOKEN="x" * 32,
    )
    assert_error(response, 400, "bad_request")


def test_every_status_the_api_layer_can_answer_is_documented(schema):
    """Found by tests/fuzz: a read token on a write (403), an unreadable body (400) and a path
    parameter of the wrong type (422) were answered by operations that did not document them."""
    from innohub.core.api.errors import infrastructure_statuses

    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            documented = {int(status) for status in operation["responses"]}
            missing = infrastructure_statuses(method, operation) - documented
            assert not missing, (method, path, missing)
    claim = schema["paths"]["/api/v1/directory/organisations/{key}/claim"]["post"]["responses"]
    assert {"400", "403", "422"} <= set(claim)
    relation = schema["paths"]["/api/v1/directory/relations/{relation_id}"]["delete"]["responses"]
    assert "422" in relation and "400" in relation
    assert "401" in schema["paths"]["/api/v1/taxonomy/countries"]["get"]["responses"]


def test_a_nul_character_in_text_is_a_422_not_a_500(network, make_member, token_client, session_client):
    """Found by tests/fuzz on PostgreSQL, which cannot store NUL: psycopg raised a ValueError (a 500)."""
    client = session_client(UserFactory())
    body = assert_error(
        send(client, "post", "/api/v1/accounts/tokens", {"name": "a\x00b"}), 422, "validation_error"
    )
    assert list(body["fields"]) == ["__all__"]
    assert_error(client.get("/api/v1/directory/organisations", {"q": "a\x00"}), 422, "validation_error")
    assert_error(client.get("/api/v1/centers/ha\x00noi"), 422, "validation_error")
