"""A short-lived cache of anonymous API reads.

Anonymous callers all see the same public data, so an anonymous GET that answered 200 is stored in
Django's cache (locmem on one machine, Redis when `REDIS_URL` is set) under its host, language and full
path, and served from there until the directory, centers, taxonomies or content change: the key carries
the generation token of `innohub.core.cache`, replaced on every delete, many-to-many change or save of a
model of those apps — except an organisation's or a person's edit that keeps its visibility, which
refreshes its own detail at once (`depends_on`) and lets lists follow within the cache time. Entries
also expire after `INNOHUB_API_CACHE_SECONDS` (default 30), which bounds staleness for writes this
process cannot see (another app server with its own locmem cache, a task worker, a bulk import that
bypasses signals). Signed-in and token callers are never served from the
cache: what they see depends on who they are. `INNOHUB_API_CACHE_SECONDS = 0` turns it off.

Why: a list endpoint spends most of its time in the database and the ORM; the public portal and
third-party readers ask the same pages again and again (benchmarks/portal.py measures both paths).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from innohub.core import cache as shared
from innohub.core.cache import generation, invalidate

__all__ = ["cached_response", "generation", "invalidate", "store", "ttl"]

NAMESPACE = "api:anon"
MAX_CACHED_BYTES = 512 * 1024


def ttl() -> int:
    return int(getattr(settings, "INNOHUB_API_CACHE_SECONDS", 30))


def cached_response(request: HttpRequest, language: str) -> tuple[str | None, HttpResponse | None]:
    """(key to store the answer under, or None if this request is not cacheable; a cached answer)."""
    if request.method != "GET" or ttl() <= 0 or not shared.is_anonymous(request):
        return None, None
    key = shared.key(NAMESPACE, (language, request.get_host(), request.get_full_path()))
    hit = shared.cached_response(key)
    if hit is None:
        return key, None
    return None, hit


def store(key: str | None, response: HttpResponse, request: HttpRequest | None = None) -> None:
    """Keep the answer, with the versions of the records it showed (`innohub.core.cache.depends_on`)."""
    if key is not None:
        shared.store_response(key, response, ttl(), MAX_CACHED_BYTES, request=request)
