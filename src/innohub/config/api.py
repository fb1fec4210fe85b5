"""The /api/v1 root: one NinjaAPI, one Router per app, one error format.

OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs (Swagger UI served from this
server's static files — ninja is in INSTALLED_APPS for that — so the docs work offline).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.operation import Operation

from innohub.core.api import cache as anonymous_cache
from innohub.core.api.auth import WRITE_AUTH, AnonymousRead
from innohub.core.api.errors import error_response, install_error_handlers
from innohub.core.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

CACHE_SECONDS = anonymous_cache.ttl()

DESCRIPTION = f"""
Ecosystem directory, centers and taxonomies of an InnoHub instance.

## Authentication
* **Personal API token** — `Authorization: Bearer ih_…`. Create one while signed in
  (`POST /api/v1/accounts/tokens`, browser session only); the raw token is shown once and only its
  SHA-256 hash is stored. Scope `read` may only call GET; scope `write` may also change data.
  Tokens can expire and be revoked (`DELETE /api/v1/accounts/tokens/{{id}}`); a revoked, expired or
  unknown token is refused with 401 even on reads.
* **Browser session** — the signed-in cookie; POST/PATCH/DELETE need the `X-CSRFToken` header.
* **Anonymous** — GET endpoints of the directory, centers and taxonomies answer anonymous callers with
  exactly what the public portal shows. Everything else needs one of the above.

## Errors
Every error has the same body: `{{"code": "…", "message": "…", "fields": {{"field": ["…"]}}}}`.
`message` and field messages follow `Accept-Language` (vi, en, ko). Codes include
`validation_error` (422), `not_authenticated`/`invalid_token` (401), `forbidden`/`insufficient_scope`/
`csrf_failed`/`session_required` (403), `not_found` (404), `conflict`/`invalid_state`/`protected` (409),
`duplicate` (400), `server_error` (500). A record you may not see is the same 404 as a missing one.

## Pagination
Lists take `page` (from 1) and `page_size` (default {DEFAULT_PAGE_SIZE}, capped at {MAX_PAGE_SIZE}) and
answer `{{"items": [...], "count": N, "page": p, "pages": P, "next": url|null, "previous": url|null}}`.
`next`/`previous` keep your filters. Small reference lists (provinces, sectors, …) are returned whole.

## Filters
`/directory/organisations` and `/directory/people` take the same filters as the directory pages:
`q`, `kind`, `sector`, `province`, `stage`, `center`, `tag`, `visibility`, `founded_from`, `founded_to`.
Multi-valued filters accept repeated parameters or comma-separated values (`kind=startup,investor`).
Province filters accept the pre-2025 codes too.

## Caching
Anonymous GET answers are cached for up to {CACHE_SECONDS} seconds and dropped as soon as this server
sees a change to the directory, centers or taxonomies. Authenticated calls are never cached.

## Concurrency
PATCH bodies carry the `version` you read; if someone changed the record since, the answer is 409
`conflict` and nothing is written.
"""


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Around every operation: answer in the caller's language, and serve anonymous reads from the
    short-lived cache (core/api/cache.py).

    The language comes from the language cookie, then Accept-Language, then Vietnamese. LocaleMiddleware
    cannot do it for /api/v1/: with `i18n_patterns(prefix_default_language=False)` it gives every
    unprefixed path the default language, whatever the client asks for.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        translation.activate(translation.get_language_from_request(request, check_path=False))
        language = translation.get_language()
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        key, hit = anonymous_cache.cached_response(request, language)
        if hit is not None:
            return hit
        response = view(request, *args, **kwargs)
        anonymous_cache.store(key, response)
        return response

    return wrapper


class InnoHubAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # View names are unique across the routers (pinned by tests/api/test_openapi.py).
        return operation.view_func.__name__

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Mark operations open to anonymous callers with an empty security requirement (OpenAPI's
        way of saying "authentication optional")."""
        schema = super().get_openapi_schema(*args, **kwargs)
        anonymous = {
            self.get_openapi_operation_id(op)
            for bound in self._get_bound_routers()
            for path_view in bound.path_operations.values()
            for op in path_view.operations
            if any(isinstance(cb, AnonymousRead) for cb in (op.auth_callbacks or []))
        }
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                if isinstance(operation, dict) and operation.get("operationId") in anonymous:
                    operation.setdefault("security", []).append({})
        return schema

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        # Unknown paths under /api/v1/ answer in the API's error format rather than Django's HTML 404.
        return [*super()._get_urls(), re_path(r"^.*$", csrf_exempt(api_view(self._unknown_path)))]

    def _unknown_path(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from django.utils.translation import gettext_lazy as _

        return error_response(self, request, 404, "not_found", _("There is no API endpoint at this address."))


api = InnoHubAPI(
    title="InnoHub API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=WRITE_AUTH,
    # validatorUrl None: Swagger UI would otherwise fetch a badge from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True, "tryItOutEnabled": False}),
)
install_error_handlers(api)
api.add_decorator(api_view, mode="view")

api.add_router("/accounts", "innohub.accounts.api.router")
api.add_router("/directory", "innohub.directory.api.router")
api.add_router("/centers", "innohub.centers.api.router")
api.add_router("/taxonomy", "innohub.taxonomy.api.router")
api.add_router("/programs", "innohub.programs.api.router")
