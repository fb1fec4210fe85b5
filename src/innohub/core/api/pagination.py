"""Page-number pagination for every list endpoint.

Query parameters `page` (from 1) and `page_size` (default 20, capped at 100). The answer is
`{"items": [...], "count": N, "page": p, "pages": P, "next": url|null, "previous": url|null,
"relaxed": bool, "suggestion": str|null}` (the last two say when a text search `q` found nothing as
typed and its spelling-tolerant form was used);
`next`/`previous` keep every other query parameter (the filters), so a client can simply follow them.
A page past the end is an empty `items` list, not an error: records may disappear between two calls.

Counting is one `COUNT(*)`; the page is one query plus the selector's fixed prefetches, so the number
of queries does not depend on the page size (pinned by tests/api/test_query_counts.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import BaseModel, create_model

from innohub.core.api.schemas import Out
from innohub.core.search import count_exact, search_info

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        description=f"Items per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}; larger values are capped).",
    )


class PageBase(Out):
    count: int = Field(..., description="Number of items on all pages.")
    page: int
    pages: int = Field(..., description="Number of pages (at least 1).")
    next: str | None = Field(None, description="URL of the next page, or null on the last page.")
    previous: str | None = Field(None, description="URL of the previous page, or null on the first page.")
    relaxed: bool = Field(
        False,
        description="True when nothing matched the words of `q` as typed: the items are the results of "
        "the spelling-tolerant search (misspelt words corrected, or every word taken as a prefix).",
    )
    suggestion: str | None = Field(
        None,
        description="With `relaxed`: the words of `q` (folded: lower case, without accents) with the "
        'misspelt ones corrected, e.g. "bach khao" -> "bach khoa"; null when no word was corrected.',
    )


_PAGE_SCHEMAS: dict[tuple[type, str], type[PageBase]] = {}


def page_of(item: type[BaseModel], name: str | None = None) -> type[PageBase]:
    """A concrete, named page schema for `item` (clean names in the OpenAPI document)."""
    name = name or f"{item.__name__.removesuffix('Out')}Page"
    key = (item, name)
    if key not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[key] = create_model(name, __base__=PageBase, items=(list[item], ...))  # type: ignore[valid-type]
    return _PAGE_SCHEMAS[key]


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def paginate(
    request: HttpRequest,
    items: QuerySet[Any] | list[Any],
    paging: PageParams,
    rows: Callable[[Any], list[Any]] | None = None,
) -> dict[str, Any]:
    """`rows` turns the sliced queryset into the page's items (e.g. dicts from `.values()`);
    by default the items are the sliced objects themselves."""
    size = min(paging.page_size, MAX_PAGE_SIZE)
    page = paging.page
    count = count_exact(items) if isinstance(items, QuerySet) else len(items)
    pages = max(1, math.ceil(count / size))
    offset = (page - 1) * size
    page_items: list[Any] = []
    if offset < count:
        sliced = items[offset : offset + size]
        page_items = rows(sliced) if rows is not None else list(sliced)
    info = search_info(items) if isinstance(items, QuerySet) else None
    relaxed = info if info is not None and info.relaxed else None  # the spelling-tolerant search
    return {
        "items": page_items,
        "count": count,
        "page": page,
        "pages": pages,
        "next": _page_url(request, page + 1) if page < pages else None,
        "previous": _page_url(request, min(page - 1, pages)) if page > 1 else None,
        "relaxed": relaxed is not None,
        "suggestion": (relaxed.suggestion or None) if relaxed is not None else None,
    }
