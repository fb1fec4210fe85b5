"""The /api/v1 root: one NinjaAPI, one Router per app, one error format.

OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs (Swagger UI served from this
server's static files — ninja is in INSTALLED_APPS for that — so the docs work offline).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.operation import Operation
from ninja.parser import Parser

from innohub.core.api import cache as anonymous_cache
from innohub.core.api.auth import WRITE_AUTH, AnonymousRead
from innohub.core.api.errors import (
    BodyNotAnObject,
    TextHasNul,
    document_infrastructure_errors,
    error_response,
    has_nul,
    install_error_handlers,
    nul_response,
)
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
`csrf_failed`/`session_required` (403), `not_found` (404), `method_not_allowed` (405, with `Allow`),
`conflict`/`invalid_state`/`protected` (409), `too_large` (413), `bad_request`/`duplicate` (400),
`server_error` (500). A record you may not see is the same 404 as a missing one; an unknown address
under /api/v1/ is a 404 too. Request bodies are JSON objects.

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


def activate_request_language(request: HttpRequest) -> str:
    translation.activate(translation.get_language_from_request(request, check_path=False))
    language = translation.get_language()
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
    return language


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Around every operation: answer in the caller's language, and serve anonymous reads from the
    short-lived cache (core/api/cache.py).

    The language comes from the language cookie, then Accept-Language, then Vietnamese. LocaleMiddleware
    cannot do it for /api/v1/: with `i18n_patterns(prefix_default_language=False)` it gives every
    unprefixed path the default language, whatever the client asks for.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = activate_request_language(request)
        if "\x00" in request.path or has_nul(dict(request.GET.lists())):
            return nul_response(api, request)
        key, hit = anonymous_cache.cached_response(request, language)
        if hit is not None:
            return hit
        response = view(request, *args, **kwargs)
        anonymous_cache.store(key, response, request)
        return response

    return wrapper


class ObjectBodyParser(Parser):
    """Every request body of this API is a JSON object; anything else is refused (see BodyNotAnObject)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        # ninja also calls this for each JSON part of a multipart body, on a bare request object it
        # builds for the purpose (no content type): those parts may be plain values.
        if not isinstance(data, dict) and request.content_type is not None:
            raise BodyNotAnObject(type(data).__name__)
        if has_nul(data):
            raise TextHasNul()
        return data


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
        return document_infrastructure_errors(schema)

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        """ninja's URLs, adjusted so that every answer under /api/v1/ is in the API's error format:

        * a method an endpoint does not have: ninja answers a plain-text 405; here it is JSON, with the
          `Allow` header kept;
        * the root /api/v1/ (ninja raises Http404 there, which Django renders as an HTML page) and
          any unknown path: a JSON 404.
        """
        urls: list[URLPattern | URLResolver] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":  # ninja reverses this name to find its prefix: keep it
                    pattern.callback = csrf_exempt(api_view(self._unknown_path))
                else:
                    pattern.callback = self._json_method_not_allowed(pattern.callback)
            urls.append(pattern)
        return [*urls, re_path(r"^.*$", csrf_exempt(api_view(self._unknown_path)))]

    def _json_method_not_allowed(self, view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if not isinstance(response, HttpResponseNotAllowed):
                return response
            from django.utils.translation import gettext_lazy as _

            activate_request_language(request)
            allowed = ", ".join(sorted(m.strip() for m in response["Allow"].split(",") if m.strip()))
            answer = error_response(
                self,
                request,
                405,
                "method_not_allowed",
                _("This method is not allowed here. Allowed: %(methods)s.") % {"methods": allowed},
            )
            answer["Allow"] = allowed
            return answer

        wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # as ninja marks its own views
        return wrapper

    def _unknown_path(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from django.utils.translation import gettext_lazy as _

        return error_response(self, request, 404, "not_found", _("There is no API endpoint at this address."))


api = InnoHubAPI(
    title="InnoHub API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=WRITE_AUTH,
    parser=ObjectBodyParser(),
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
api.add_router("/privacy", "innohub.privacy.api.router")
