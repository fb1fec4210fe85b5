"""One search interface over every searchable record (records carry a folded `search_text`).

`text_search(qs, q)` narrows a queryset to the records matching `q` and orders them by relevance.
This is the portable implementation (folded substring match on every term); the SQLite FTS5 and
PostgreSQL full-text + pg_trgm backends replace it behind the same function.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from innohub.core.text import tokens


def text_search(qs: QuerySet[Any], q: str) -> QuerySet[Any]:
    terms = tokens(q)
    if not terms:
        return qs
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    return qs
