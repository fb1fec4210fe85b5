"""Who is calling the API.

Three ways in, tried in this order:

1. `Authorization: Bearer ih_…` — a personal API token (accounts.ApiToken). A malformed, unknown,
   expired or revoked token is a 401 even on a read: a client that sends credentials wants to know they
   do not work rather than silently see the public view. A read-scope token gets 403 on any write.
2. The Django session cookie (the signed-in browser, the Swagger UI). Unsafe methods need the
   `X-CSRFToken` header, because a cookie is sent by any site the user visits.
3. Nobody — allowed on reads only (`READ_AUTH`): the caller sees what `visible_to(AnonymousUser)`
   allows, exactly like the public portal.

Rate limits (core/ratelimit.py): unsafe methods count per token or per signed-in user (`api_write`),
anonymous reads per client address (`api_anonymous`); over the limit the answer is 429 `rate_limited`.

Handlers read the caller with `api_user(request)`; it is never None (AnonymousUser on anonymous reads).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from innohub.core.api.errors import CsrfFailed, NotAuthenticated
from innohub.core.errors import Forbidden
from innohub.core.ratelimit import check_rate, ip_key

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """Personal API token in the Authorization header."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise NotAuthenticated(_("Use the header “Authorization: Bearer <token>”."), code="invalid_token")
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from innohub.accounts.tokens import find_active_token

        api_token = find_active_token(token)
        if api_token is None:
            raise NotAuthenticated(
                _("The API token is not valid, has expired or was revoked."), code="invalid_token"
            )
        if api_token.scope != api_token.Scope.WRITE and request.method not in SAFE_METHODS:
            raise Forbidden(
                _("This API token may only read. Create a token with the “write” scope to change data."),
                code="insufficient_scope",
            )
        if request.method not in SAFE_METHODS:
            check_rate("api_write", f"token:{api_token.pk}")
        user = api_token.user
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; CSRF-checked on unsafe methods."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (
            self.csrf
            and request.method not in SAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfFailed()
        if request.method not in SAFE_METHODS:
            check_rate("api_write", f"user:{user.pk}")
        return user


class SessionOnlyAuth(SessionAuth):
    """Session auth that refuses API tokens: a leaked token must not be able to mint or revoke tokens."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            raise Forbidden(
                _("Manage API tokens from a signed-in browser session, not with an API token."),
                code="session_required",
            )
        return super().__call__(request)


class AnonymousRead:
    """Let anonymous callers read public data; anything else falls through to a 401."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.method in SAFE_METHODS:
            check_rate("api_anonymous", ip_key(request))
            return AnonymousUser()
        return None


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
session_only_auth = SessionOnlyAuth(csrf=True)

#: the default for every operation: a token or a session
WRITE_AUTH: list[Any] = [token_auth, session_auth]
#: reads: a token, a session, or nobody
READ_AUTH: list[Any] = [token_auth, session_auth, AnonymousRead()]
#: API token management
SESSION_ONLY: list[Any] = [session_only_auth]


def api_user(request: HttpRequest) -> Any:
    """The caller as a user object (AnonymousUser for anonymous reads)."""
    auth = getattr(request, "auth", None)
    return auth if auth is not None else AnonymousUser()


def require_authenticated(request: HttpRequest) -> Any:
    user = api_user(request)
    if not user.is_authenticated:
        raise NotAuthenticated()
    return user
