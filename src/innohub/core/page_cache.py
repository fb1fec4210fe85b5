"""Whole pages for anonymous visitors, from the short-lived cache, before the rest of the middleware runs.

A view marked `@anonymous_page` says its answer is the same for every anonymous visitor. The first
such answer for a host, language, full path and HTMX headers (a results fragment and the full page
share a URL) is kept under those and the generation token of `innohub.core.cache` (replaced by writes
to the directory, centers, taxonomy or content; a page showing one organisation or person also keeps
the record's version, `depends_on`, and is fresh again as soon as it is edited); the next anonymous
visitor gets it from `AnonymousPageCacheMiddleware`, placed right after the static files, without
sessions, URL resolution or the view. Entries expire after `INNOHUB_PAGE_CACHE_SECONDS` (default 30;
0 turns this off).

Served and stored only for GETs without a session cookie, a message cookie or an `Authorization`
header (without a session nobody is signed in); stored only when the answer is a 200 that sets no
cookie — the middleware sits outside the session, CSRF and messages middleware, so a page that used the
CSRF token, touched the session or shows a flashed message carries a cookie and is never shared.
See ADR 0007.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language_from_path

from innohub.core import cache as shared

V = TypeVar("V", bound=Callable[..., Any])

NAMESPACE = "page"
MAX_PAGE_BYTES = 1024 * 1024
#: request headers a view may answer differently to (django-htmx: a fragment instead of the full page)
HTMX_HEADERS = ("HX-Request", "HX-Target")
_MARK = "innohub_anonymous_page"


def seconds() -> int:
    return int(getattr(settings, "INNOHUB_PAGE_CACHE_SECONDS", 30))


def anonymous_page(view: V) -> V:
    """Mark `view` as answering every anonymous visitor alike, so its pages may be shared."""
    setattr(view, _MARK, True)
    return view


def page_key(request: HttpRequest) -> str | None:
    """The cache key of this request's page, or None when it may not be shared."""
    if request.method != "GET" or seconds() <= 0:
        return None
    cookies = request.COOKIES
    if (
        cookies.get(settings.SESSION_COOKIE_NAME)
        or cookies.get(CookieStorage.cookie_name)
        or request.headers.get("Authorization")
    ):
        return None
    # The language LocaleMiddleware will pick: i18n_patterns without a prefix for the default one.
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    parts = (
        language,
        request.get_host(),
        request.get_full_path(),
        *(request.headers.get(name, "") for name in HTMX_HEADERS),
    )
    return shared.key(NAMESPACE, parts)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = page_key(request)
        if key is not None:
            hit = shared.cached_response(key)
            if hit is not None:
                return hit
        response = self.get_response(request)
        if key is not None and getattr(request, "_innohub_shareable_page", False):
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                shared.store_response(key, response, seconds(), MAX_PAGE_BYTES, headers=None, request=request)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        if getattr(view_func, _MARK, False):
            request._innohub_shareable_page = True  # type: ignore[attr-defined]
