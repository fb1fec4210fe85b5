"""A short-lived cache of anonymous API reads.

Anonymous callers all see the same public data, so an anonymous GET that answered 200 is stored in
Django's cache (locmem on one machine, Redis when `REDIS_URL` is set) under its host, language and full
path, and served from there until the directory, centers or taxonomies change. The part of the key that
changes is a *generation* token, replaced on every save, delete or many-to-many change of a model of
those apps in this process; entries also expire after `INNOHUB_API_CACHE_SECONDS` (default 30), which
bounds staleness for writes this process cannot see (another app server with its own locmem cache, a
task worker, a bulk import that bypasses signals). Signed-in and token callers are never served from
the cache: what they see depends on who they are. `INNOHUB_API_CACHE_SECONDS = 0` turns it off.

Why: a list endpoint spends most of its time in the database and the ORM; the public portal and
third-party readers ask the same pages again and again (benchmarks/portal.py measures both paths).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "innohub:api:generation"
KEY_PREFIX = "innohub:api:anon"
WATCHED_APPS = frozenset({"directory", "centers", "taxonomy"})
MAX_CACHED_BYTES = 512 * 1024


def ttl() -> int:
    return int(getattr(settings, "INNOHUB_API_CACHE_SECONDS", 30))


def generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY) or "0"
    return str(token)


def invalidate() -> None:
    """Every cached anonymous answer is stale from now on."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _on_change(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in WATCHED_APPS:
        invalidate()
        # …and again at commit: a read between the save and the commit may have cached the old rows
        transaction.on_commit(invalidate, using=kwargs.get("using"))


post_save.connect(_on_change, dispatch_uid="innohub.api.cache.save")
post_delete.connect(_on_change, dispatch_uid="innohub.api.cache.delete")
m2m_changed.connect(_on_change, dispatch_uid="innohub.api.cache.m2m")


def _is_anonymous(request: HttpRequest) -> bool:
    if request.headers.get("Authorization"):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _key(request: HttpRequest, language: str) -> str:
    return f"{KEY_PREFIX}:{generation()}:{language}:{request.get_host()}:{request.get_full_path()}"


def cached_response(request: HttpRequest, language: str) -> tuple[str | None, HttpResponse | None]:
    """(key to store the answer under, or None if this request is not cacheable; a cached answer)."""
    if request.method != "GET" or ttl() <= 0 or not _is_anonymous(request):
        return None, None
    key = _key(request, language)
    hit = cache.get(key)
    if hit is None:
        return key, None
    content, content_type = hit
    return None, HttpResponse(content, content_type=content_type)


def store(key: str | None, response: HttpResponse) -> None:
    if (
        key is None
        or response.status_code != 200
        or getattr(response, "streaming", False)
        or len(response.content) > MAX_CACHED_BYTES
        or response.has_header("Set-Cookie")
    ):
        return
    cache.set(key, (response.content, response["Content-Type"]), ttl())
