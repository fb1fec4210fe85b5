"""/api/v1/accounts: who am I, and my personal API tokens.

Tokens are managed from a signed-in session only (`SESSION_ONLY`): a token that leaks cannot mint a
longer-lived or wider one, nor revoke the owner's other tokens. Reading `/me` works with a token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from innohub.accounts.access import scope_for
from innohub.accounts.models import ApiToken, Membership
from innohub.accounts.tokens import create_api_token, revoke_api_token
from innohub.core.api.auth import SESSION_ONLY, WRITE_AUTH, api_user
from innohub.core.api.errors import errors
from innohub.core.errors import NotFound
from innohub.core.ratelimit import check_rate

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    center: str = Field(..., description="Center slug.")
    center_name: str
    role: str = Field(..., description="Role code.")
    role_name: str
    permissions: list[str]


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    preferred_language: str
    is_platform_admin: bool
    auth: Literal["session", "token"]
    token_scope: str | None = Field(None, description="Scope of the token used for this call, if any.")
    memberships: list[MembershipOut]


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str = Field(..., description="First characters of the token, to recognise it.")
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The raw token. It is shown only in this response; store it now.")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    scope: Literal["read", "write"] = "read"
    expires_at: datetime | None = Field(None, description="Optional expiry (ISO 8601); none means no expiry.")


@router.get("/me", response={200: MeOut, **errors(401)}, auth=WRITE_AUTH, summary="The calling user")
def me(request: HttpRequest) -> dict:
    user = api_user(request)
    memberships = (
        Membership.objects.filter(user=user, center__is_active=True)
        .select_related("center", "role")
        .order_by("center__path", "role__code")
    )
    token = getattr(request, "api_token", None)
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "is_platform_admin": scope_for(user).is_platform_admin,
        "auth": "token" if token is not None else "session",
        "token_scope": token.scope if token is not None else None,
        "memberships": [
            {
                "center": m.center.slug,
                "center_name": m.center.name,
                "role": m.role.code,
                "role_name": m.role.name,
                "permissions": sorted(m.role.permissions or []),
            }
            for m in memberships
        ],
    }


@router.get(
    "/tokens", response={200: list[TokenOut], **errors(401, 403)}, auth=SESSION_ONLY, summary="My API tokens"
)
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=api_user(request)).order_by("-created_at", "-pk"))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **errors(401, 403, 422, 429)},
    auth=SESSION_ONLY,
    summary="Create an API token (the raw token is returned once)",
    description="Limited per user (INNOHUB_RATE_LIMITS['api_token_create']); over it: 429 `rate_limited`.",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[ApiToken]:
    user = api_user(request)
    check_rate("api_token_create", f"user:{user.pk}")
    token, raw = create_api_token(
        user, actor=user, name=payload.name, scope=payload.scope, expires_at=payload.expires_at
    )
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=SESSION_ONLY,
    summary="Revoke one of my API tokens",
)
def delete_token(request: HttpRequest, token_id: int) -> Status[None]:
    user = api_user(request)
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound()
    revoke_api_token(token, actor=user)
    return Status(204, None)
