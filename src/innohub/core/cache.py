"""Short-lived caches of what anonymous visitors read, and the generation token that invalidates them.

Anonymous visitors all see the same public data, so their answers (API reads, portal pages) and the
figures behind them (facet counts, home figures) can be shared between requests. Every such entry is
keyed on a *generation* token that is replaced on every save, delete or many-to-many change of a model
of the directory, centers, taxonomy or content apps in this process (at once, and again on commit: a
read between the save and the commit may have cached the old rows). Entries also expire after a few
seconds (each user of this module passes its own setting), which bounds staleness for writes this
process cannot see: another app server with its own locmem cache, a task worker, a bulk import that
bypasses signals. With `REDIS_URL` set, the cache and therefore the generation are shared.

Users: `innohub.core.api.cache` (anonymous API reads, ADR 0005), `innohub.core.page_cache`
(anonymous pages) and `innohub.portal.cache` (the figures behind portal pages, ADR 0007).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

GENERATION_KEY = "innohub:generation"
WATCHED_APPS = frozenset({"directory", "centers", "taxonomy", "content"})
#: public records of other apps (not their busy private ones: an application's autosave must not
#: empty the cache of every anonymous reader)
WATCHED_MODELS = frozenset(
    {
        ("programs", "programme"),
        ("programs", "call"),
        ("programs", "formsection"),
        ("programs", "formfield"),
        ("programs", "participant"),
    }
)
#: response headers kept with a cached API answer (the middleware adds the rest again on the way out)
KEPT_HEADERS = ("Content-Type", "Vary")


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
    if meta is not None and (
        meta.app_label in WATCHED_APPS or (meta.app_label, meta.model_name) in WATCHED_MODELS
    ):
        invalidate()
        transaction.on_commit(invalidate, using=kwargs.get("using"))


post_save.connect(_on_change, dispatch_uid="innohub.core.cache.save")
post_delete.connect(_on_change, dispatch_uid="innohub.core.cache.delete")
m2m_changed.connect(_on_change, dispatch_uid="innohub.core.cache.m2m")


def is_anonymous(request: HttpRequest) -> bool:
    """No token and no signed-in user: what this caller sees does not depend on who they are."""
    if request.headers.get("Authorization"):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def key(namespace: str, parts: Iterable[Any], token: str | None = None) -> str:
    """`namespace:generation:digest of parts` (parts may be long: full paths, filter values)."""
    digest = hashlib.blake2b(repr(tuple(parts)).encode(), digest_size=16).hexdigest()
    return f"innohub:{namespace}:{token or generation()}:{digest}"


def remember(cache_key: str, seconds: int, compute: Callable[[], T]) -> T:
    """The value under `cache_key`, computed and stored for `seconds` if missing (0: always computed)."""
    if seconds <= 0:
        return compute()
    hit = cache.get(cache_key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    value = compute()
    cache.set(cache_key, value, seconds)
    return value


def cached_response(cache_key: str) -> HttpResponse | None:
    hit = cache.get(cache_key)
    if hit is None:
        return None
    content, headers = hit
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def store_response(
    cache_key: str,
    response: HttpResponse,
    seconds: int,
    max_bytes: int,
    headers: Iterable[str] | None = KEPT_HEADERS,
) -> bool:
    """Keep a 200 answer that sets no cookie, with the named headers (None: all of them); False
    (nothing stored) for anything else."""
    if (
        seconds <= 0
        or response.status_code != 200
        or getattr(response, "streaming", False)
        or response.cookies
        or len(response.content) > max_bytes
    ):
        return False
    names = response.headers.keys() if headers is None else headers
    kept = {name: response[name] for name in names if response.has_header(name)}
    cache.set(cache_key, (response.content, kept), seconds)
    return True
