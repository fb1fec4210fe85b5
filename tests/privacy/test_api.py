"""/api/v1/privacy: my consents (read, give, withdraw), a copy of my data, deleting my account."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from innohub.accounts.models import User
from innohub.accounts.tokens import create_api_token
from innohub.privacy.models import Consent, DataRequest
from tests.api.utils import assert_error, send
from tests.privacy.conftest import PASSWORD

pytestmark = pytest.mark.django_db

BASE = "/api/v1/privacy"


@pytest.fixture
def token_api(subject):
    _token, raw = create_api_token(subject, actor=subject, name="api", scope="write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_my_consents(token_api):
    response = token_api.get(f"{BASE}/consents")
    assert response.status_code == 200
    items = {item["purpose"]: item for item in response.json()}
    assert items["account"]["required"] and items["account"]["granted"]
    assert items["directory_profile"]["granted"] and not items["communications"]["granted"]
    assert items["account"]["granted_text_version"] == items["account"]["text_version"]


def test_give_and_withdraw_through_the_api(token_api, subject):
    response = send(token_api, "put", f"{BASE}/consents/communications", {"granted": True})
    assert response.status_code == 200 and response.json()["granted"] is True
    consent = Consent.objects.get(user=subject, purpose__code="communications")
    assert consent.source == "api" and consent.granted
    response = send(token_api, "put", f"{BASE}/consents/communications", {"granted": False})
    assert response.status_code == 200 and response.json()["withdrawn_at"] is not None


def test_withdrawing_the_required_purpose_is_a_409_with_the_reason(token_api):
    response = send(
        token_api, "put", f"{BASE}/consents/account", {"granted": False}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = assert_error(response, 409, "consent_required")
    assert "account must be closed" in body["message"]
    assert_error(send(token_api, "put", f"{BASE}/consents/nope", {"granted": True}), 404, "not_found")
    assert_error(
        send(token_api, "put", f"{BASE}/consents/account", {"granted": "maybe"}), 422, "validation_error"
    )


def test_anonymous_and_read_tokens_are_refused(subject):
    assert_error(Client().get(f"{BASE}/consents"), 401, "not_authenticated")
    _token, raw = create_api_token(subject, actor=subject, name="ro", scope="read")
    read_only = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert read_only.get(f"{BASE}/consents").status_code == 200
    assert_error(send(read_only, "post", f"{BASE}/exports", {}), 403, "insufficient_scope")


def test_export_request_and_status(token_api, subject, other_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(token_api, "post", f"{BASE}/exports", {})
    assert response.status_code == 202
    body = response.json()
    assert body["kind"] == "export" and body["progress_id"]
    status = token_api.get(f"{BASE}/exports/{body['id']}")
    assert status.status_code == 200
    done = status.json()
    assert done["status"] == "done" and done["percent"] == 100
    assert done["download_url"] == reverse("workspace:privacy-export-download", kwargs={"uuid": body["id"]})

    # someone else's request is a 404, like a missing one
    _token, raw = create_api_token(other_user, actor=other_user, name="x", scope="write")
    intruder = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert_error(intruder.get(f"{BASE}/exports/{body['id']}"), 404, "not_found")
    assert_error(token_api.get(f"{BASE}/exports/not-a-uuid"), 404, "not_found")


def test_erasure_needs_a_session_and_the_password(token_api, subject):
    assert_error(send(token_api, "post", f"{BASE}/erasure", {"password": PASSWORD}), 403, "session_required")
    session = Client()
    session.force_login(subject)
    wrong = send(session, "post", f"{BASE}/erasure", {"password": "wrong"})
    assert_error(wrong, 422, "validation_error")
    assert "password" in wrong.json()["fields"]
    assert User.objects.get(pk=subject.pk).is_active

    response = send(session, "post", f"{BASE}/erasure", {"password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert body["erased"] is True and body["request"]["status"] == "done" and body["blockers"] == []
    kept = {item["what"]: item["why"] for item in body["kept"]}
    assert any("audit" in what for what in kept) and all(kept.values())
    assert not User.objects.get(pk=subject.pk).is_active
    assert DataRequest.objects.get(user_id=subject.pk, kind="erasure").status == "done"
    assert_error(session.get(f"{BASE}/consents"), 401, "not_authenticated")


def test_blocked_erasure_is_a_202_naming_the_obstacle(hanoi, make_member):
    lonely = make_member(hanoi, "center_admin")
    session = Client()
    session.force_login(lonely)
    response = send(
        session, "post", f"{BASE}/erasure", {"password": "Pass-word-123"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["erased"] is False and body["request"]["status"] == "pending"
    assert "only administrator" in body["blockers"][0]
    assert User.objects.get(pk=lonely.pk).is_active


def test_privacy_operations_are_in_the_openapi_document():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/privacy/consents",
        "/api/v1/privacy/consents/{code}",
        "/api/v1/privacy/exports",
        "/api/v1/privacy/exports/{request_id}",
        "/api/v1/privacy/erasure",
    } <= set(paths)
