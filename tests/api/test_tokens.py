"""Personal API tokens: hashed, shown once, revocable, expiring, scoped; session auth needs CSRF."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from innohub.accounts.models import ApiToken
from innohub.accounts.tokens import authenticate_token, create_api_token, revoke_api_token
from innohub.core.errors import Forbidden
from tests.api.utils import assert_error, make_org, send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/directory/organisations"
TOKENS = "/api/v1/accounts/tokens"


def _bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_creation_returns_the_raw_token_once_and_stores_only_its_hash(session_client):
    user = UserFactory()
    client = session_client(user)
    response = send(client, "post", TOKENS, {"name": "CI export", "scope": "read"})
    assert response.status_code == 201, response.content
    raw = response.json()["token"]
    assert raw.startswith("ih_") and len(raw) > 40
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert raw not in stored
    assert raw.startswith(token.key_prefix) and len(token.key_prefix) < 12
    listed = client.get(TOKENS).json()
    assert [t["name"] for t in listed] == ["CI export"]
    assert "token" not in listed[0] and listed[0]["is_active"] is True


def test_token_authenticates_and_records_use_at_most_once_a_minute(network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    token, raw = create_api_token(staff, actor=staff, name="t", scope="read")
    response = _bearer(raw).get("/api/v1/accounts/me")
    assert response.status_code == 200
    assert response.json()["email"] == staff.email and response.json()["auth"] == "token"
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    _bearer(raw).get("/api/v1/accounts/me")
    token.refresh_from_db()
    assert token.last_used_at == first_use, "a second call within a minute must not write"
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    assert authenticate_token(raw) == staff
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_revoked_expired_unknown_and_malformed_tokens_get_401(network):
    user = UserFactory()
    make_org(network["hanoi"], "Công ty Mở")
    revoked, revoked_raw = create_api_token(user, actor=user, name="old")
    revoke_api_token(revoked, actor=user)
    expired, expired_raw = create_api_token(user, actor=user, name="short")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for raw in (revoked_raw, expired_raw, "ih_" + "x" * 43):
        # even on a public read: credentials that do not work are reported, not ignored
        assert_error(_bearer(raw).get(ORGS), 401, "invalid_token")
    assert_error(Client(HTTP_AUTHORIZATION="Token abc").get(ORGS), 401, "invalid_token")
    response = Client(HTTP_AUTHORIZATION="Bearer nope").get(ORGS)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_of_a_deactivated_user_is_refused(network):
    user = UserFactory()
    _token, raw = create_api_token(user, actor=user, name="t")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_error(_bearer(raw).get("/api/v1/accounts/me"), 401, "invalid_token")


def test_read_scope_token_reads_but_cannot_write(network, make_member, token_client):
    staff = make_member(network["hanoi"], "center_staff")
    make_org(network["hanoi"], "Công ty Đọc")
    reader = token_client(staff, scope="read")
    assert reader.get(ORGS).status_code == 200
    body = {"center": "ha-noi", "kind": "startup", "name_vi": "Không được tạo"}
    assert_error(send(reader, "post", ORGS, body), 403, "insufficient_scope")
    writer = token_client(staff, scope="write")
    assert send(writer, "post", ORGS, body).status_code == 201


def test_tokens_are_managed_from_a_session_only(token_client, session_client):
    user = UserFactory()
    client = token_client(user)
    assert_error(client.get(TOKENS), 403, "session_required")
    assert_error(send(client, "post", TOKENS, {"name": "wider"}), 403, "session_required")
    assert_error(Client().get(TOKENS), 401, "not_authenticated")


def test_revoking_through_the_api_and_only_your_own_tokens(session_client):
    owner, other = UserFactory(), UserFactory()
    token, raw = create_api_token(owner, actor=owner, name="mine")
    assert_error(session_client(other).delete(f"{TOKENS}/{token.pk}"), 404, "not_found")
    with pytest.raises(Forbidden):
        revoke_api_token(token, actor=other)
    client = session_client(owner)
    assert client.delete(f"{TOKENS}/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_error(_bearer(raw).get("/api/v1/accounts/me"), 401, "invalid_token")
    assert_error(client.delete(f"{TOKENS}/{token.pk}"), 409, "invalid_state")


def test_token_creation_validates_its_input(session_client):
    client = session_client(UserFactory())
    body = assert_error(send(client, "post", TOKENS, {"name": "", "scope": "admin"}), 422, "validation_error")
    assert set(body["fields"]) == {"name", "scope"}
    past = (timezone.now() - timedelta(days=1)).isoformat()
    body = assert_error(
        send(client, "post", TOKENS, {"name": "x", "expires_at": past}), 422, "validation_error"
    )
    assert set(body["fields"]) == {"expires_at"}


def test_session_writes_need_the_csrf_header(network, make_member, session_client):
    staff = make_member(network["hanoi"], "center_staff")
    client = session_client(staff, enforce_csrf=True)
    body = {"center": "ha-noi", "kind": "startup", "name_vi": "Công ty CSRF"}
    assert_error(send(client, "post", ORGS, body), 403, "csrf_failed")
    assert client.get(ORGS).status_code == 200, "reads need no CSRF token"
    csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    if csrf is None:
        client.get("/api/v1/docs")  # the docs page sets the CSRF cookie for Swagger UI
        csrf = client.cookies["csrftoken"].value
    response = send(client, "post", ORGS, body, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201, response.content
