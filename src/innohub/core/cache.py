"""Short-lived caches of what anonymous visitors read, and the tokens that invalidate them.

Anonymous visitors all see the same public data, so their answers (API reads, portal pages) and the
figures behind them (facet counts, home figures) can be shared between requests. Every such entry is
keyed on a *generation* token that is replaced on every delete or many-to-many change of a model of
the directory, centers, taxonomy or content apps, and on every save of one — at once, and again on
commit (a read between the save and the commit may have cached the old rows) — except the ordinary
edits of a directory record (`RECORD_MODELS`):

* an organisation or a person saved with the **same visibility** (or created) leaves the generation
  alone. On commit it sets its *record token* to its new version; an entry that showed the record
  (its page, its API detail: `depends_on`) keeps the version it showed and is served only while the
  token still says that version, so the record's own page is fresh at once. Lists, counts and figures
  that merely include it follow within the cache time. A directory edited all day long (staff,
  imports, the API) would otherwise empty every anonymous cache several times a second;
* a **change of visibility** (hiding a record, withdrawn consent, erasure), a delete or a change the
  signal cannot judge (no loaded visibility) replaces the generation: nothing hidden stays on show.

Entries also expire after a few seconds (each user of this module passes its own setting), which
bounds staleness for lists after an edit and for writes this process cannot see: another app server
with its own locmem cache, a task worker, a bulk import that bypasses signals. With `REDIS_URL` set,
the cache and therefore the tokens are shared. See ADR 0007.

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
#: records edited all day long: an edit that keeps their visibility refreshes only what showed them
RECORD_MODELS = frozenset({("directory", "organisation"), ("directory", "person")})
#: how long a record token lives; a page whose token is gone is recomputed, never served unchecked
RECORD_TOKEN_SECONDS = 24 * 3600
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


def record_key(obj: Any) -> str:
    meta = obj._meta
    return f"innohub:record:{meta.app_label}.{meta.model_name}:{obj.pk}"


def remember_loaded_visibility(obj: Any) -> None:
    """Called by `from_db` of the `RECORD_MODELS`: what a save compares its visibility with."""
    obj._innohub_loaded_visibility = obj.__dict__.get("visibility")


def _is_record(meta: Any) -> bool:
    return (meta.app_label, meta.model_name) in RECORD_MODELS


def _record_edited(instance: Any) -> None:
    """On commit of an ordinary edit: the record's token becomes its new version."""
    version = instance.__dict__.get("version")
    if isinstance(version, int) and instance.pk is not None:
        cache.set(record_key(instance), version, RECORD_TOKEN_SECONDS)
    else:  # an unsaved expression (F() + 1) nobody refreshed: judge nothing, drop everything
        invalidate()


def _everything_changed(using: str | None) -> None:
    invalidate()
    transaction.on_commit(invalidate, using=using)


def _on_save(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or not _watched(meta):
        return
    if _is_record(meta):
        loaded = getattr(instance, "_innohub_loaded_visibility", None)
        if created or (loaded is not None and loaded == instance.__dict__.get("visibility")):
            transaction.on_commit(lambda: _record_edited(instance), using=kwargs.get("using"))
            remember_loaded_visibility(instance)
            return
    _everything_changed(kwargs.get("using"))


def _on_delete(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is not None and _watched(meta):
        _everything_changed(kwargs.get("using"))


def _on_m2m(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    """Tags, sectors, fields of one record (the forward side) are an edit of that record; anything
    else (a tag's organisations changed from the tag's side, another model's links) changes all."""
    meta = getattr(sender, "_meta", None)  # the through model
    if meta is None or not action.startswith("post_"):
        return
    owner = getattr(instance, "_meta", None)
    if owner is not None and not reverse and _is_record(owner):
        transaction.on_commit(lambda: _record_edited(instance), using=kwargs.get("using"))
        return
    if _watched(meta) or (owner is not None and _watched(owner)):
        _everything_changed(kwargs.get("using"))


def _watched(meta: Any) -> bool:
    return meta.app_label in WATCHED_APPS or (meta.app_label, meta.model_name) in WATCHED_MODELS


post_save.connect(_on_save, dispatch_uid="innohub.core.cache.save")
post_delete.connect(_on_delete, dispatch_uid="innohub.core.cache.delete")
m2m_changed.connect(_on_m2m, dispatch_uid="innohub.core.cache.m2m")


def depends_on(request: HttpRequest, obj: Any) -> None:
    """The answer to `request` shows `obj` (one of the `RECORD_MODELS`), as loaded: a cached copy is
    served only while the record keeps that version."""
    tags = request.__dict__.setdefault("_innohub_cache_records", {})
    tags[record_key(obj)] = obj.version


def _records_unchanged(records: dict[str, int]) -> bool:
    if not records:
        return True
    current = cache.get_many(list(records))
    return all(current.get(name) == version for name, version in records.items())


def _claim_records(records: dict[str, int]) -> None:
    """A record never edited since its token expired has none yet: the version just read is its token
    (`add`: a token an edit set meanwhile wins, and then the entry is simply never served)."""
    for name, version in records.items():
        cache.add(name, version, RECORD_TOKEN_SECONDS)


def is_anonymous(request: HttpRequest) -> bool:
    """No token and no signed-in user: what this caller sees does not depend on who they are."""
    if request.headers.get("Authorization"):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def key(namespace: str, parts: Iterable[Any], token: str | None = None) -> str:
    """`namespace:generation:digest of parts` (parts may be long: full paths, filter values)."""
    digest = hashlib.blake2b(repr(tuple(parts)).encode(), digest_size=16).hexdigest()
    # "2": entries are (content, headers, record versions); older two-part entries are never read
    return f"innohub:2:{namespace}:{token or generation()}:{digest}"


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
    content, headers, records = hit
    if not _records_unchanged(records):
        return None
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
    request: HttpRequest | None = None,
) -> bool:
    """Keep a 200 answer that sets no cookie, with the named headers (None: all of them) and the
    versions of the records the request said it showed (`depends_on`); False (nothing stored) for
    anything else."""
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
    records: dict[str, int] = dict(getattr(request, "_innohub_cache_records", None) or {})
    _claim_records(records)
    cache.set(cache_key, (response.content, kept, records), seconds)
    return True
