"""/accounts/me: the caller, their memberships and roles."""

from __future__ import annotations

import pytest

from tests.api.utils import assert_error

pytestmark = pytest.mark.django_db


def test_me_lists_memberships_with_roles(network, make_member, session_client):
    user = make_member(network["hanoi"], "center_staff")
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, center=network["haiphong"], role_code="reviewer")
    body = session_client(user).get("/api/v1/accounts/me").json()
    assert body["email"] == user.email and body["auth"] == "session" and body["token_scope"] is None
    assert body["is_platform_admin"] is False
    roles = {(m["center"], m["role"]) for m in body["memberships"]}
    assert roles == {("ha-noi", "center_staff"), ("hai-phong", "reviewer")}
    staff = next(m for m in body["memberships"] if m["role"] == "center_staff")
    assert "directory.change" in staff["permissions"]


def test_me_needs_authentication(anon):
    assert_error(anon.get("/api/v1/accounts/me"), 401, "not_authenticated")
