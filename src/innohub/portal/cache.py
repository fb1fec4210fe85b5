"""The figures behind portal pages, from the short-lived cache (ADR 0007).

Whole pages for anonymous visitors come from `innohub.core.page_cache`. A page that is not cached yet
(another filter, another page number), or a signed-in visitor's page, still skips most of the database
and template work: result counts, facet counts and home figures are kept for anonymous visitors (what
they count depends on what the visitor may see), option lists per language and the HTML of each
directory card for everyone (a card shows nothing but its organisation). Every key carries the
generation token of `innohub.core.cache`, replaced by any write to the directory, centers, taxonomy or
content; entries expire after `INNOHUB_PAGE_CACHE_SECONDS` (0 turns them off, as it does the pages).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache as django_cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from innohub.core import cache as shared
from innohub.core.page_cache import seconds

T = TypeVar("T")

DATA_NAMESPACE = "portal:data"
FRAGMENT_NAMESPACE = "portal:fragment"


def shared_data(name: str, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Data that is the same for every visitor (option lists in the UI language)."""
    return shared.remember(shared.key(DATA_NAMESPACE, (name, get_language(), *parts)), seconds(), compute)


def anonymous_data(user: Any, name: str, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Data that depends on what the visitor may see: shared between anonymous visitors only."""
    if getattr(user, "is_authenticated", False):
        return compute()
    return shared_data(name, parts, compute)


def shared_fragments(
    name: str,
    objects: Sequence[T],
    ident: Callable[[T], Any],
    render: Callable[[list[T]], list[str]],
) -> list[str]:
    """HTML of one fragment per object (a directory card), rendered once per generation and language
    and shared by every visitor, signed in or not: a fragment must show nothing but its object.
    One round trip to the cache for the whole list; `render` gets the objects whose fragment is
    missing, in one batch (it may load what they need first), and returns their HTML in order."""
    if seconds() <= 0:
        return [mark_safe(html) for html in render(list(objects))]  # noqa: S308 -- see below
    token, language = shared.generation(), get_language()
    keys = [shared.key(FRAGMENT_NAMESPACE, (name, language, ident(obj)), token) for obj in objects]
    found: dict[str, str] = django_cache.get_many(keys)
    missing = [(key, obj) for key, obj in zip(keys, objects, strict=True) if key not in found]
    if missing:
        rendered = dict(
            zip([key for key, _obj in missing], render([obj for _key, obj in missing]), strict=True)
        )
        django_cache.set_many(rendered, seconds())
        found.update(rendered)
    # rendered by a template, escaped there
    return [mark_safe(found[key]) for key in keys]  # noqa: S308
