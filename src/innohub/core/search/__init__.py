"""One search interface over every searchable record (records carry a folded `search_text`).

`text_search(qs, q)` narrows a queryset to the records matching `q` and orders them by relevance;
`text_filter(qs, q)` only narrows (for counts and facets). Both return querysets, so visibility and
structured filters compose with them, before or after. Behind them:

* SQLite (embedded default): an FTS5 table kept in sync by triggers, BM25 ranking;
* PostgreSQL: a generated weighted tsvector with a GIN index, ts_rank ranking, pg_trgm for typos
  (when a query matches few records, they are ranked once and the record queries select them by
  primary key, so the GIN index is read once per search, not once per query);
* any other database: folded substring matching on `search_text` (slow, but correct).

Query semantics (see `query.py`): accents and case are ignored ("dai hoc bach khoa" finds "Đại học
Bách khoa", đ→d), every word must match, the last one as a prefix. When that finds fewer than
`FEW_HITS` records, rare or unknown words are widened to their nearest vocabulary words ("bach khao"
finds "Bách khoa"), and when it finds nothing, every word also becomes a prefix.

Ranking: when a query matches at most `rank_limit()` records, they are ordered by relevance (names
weigh ten times the rest), then title. Ranking costs time per match, so broader queries are ordered
newest first, which both databases deliver without visiting every match; such result sets are
marked (`search_info(qs).ranked is False`) and `SearchPaginator` counts them only up to a cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from innohub.core.search.backends import ENGINES, Engine, Matches
from innohub.core.search.query import (
    CORRECTION_FREQUENCY_RATIO,
    Alternative,
    Term,
    choose_corrections,
    correctable,
    edit_distance,
    max_distance,
    query_tokens,
    relaxed_terms,
    strict_terms,
    typo_kind,
)
from innohub.core.search.registry import SearchSpec, register, registered, spec_for

__all__ = [
    "SearchInfo",
    "SearchPaginator",
    "SearchSpec",
    "count_results",
    "query_tokens",
    "register",
    "registered",
    "search_info",
    "spec_for",
    "text_filter",
    "text_search",
]

#: below this many strict matches the relaxed, typo-tolerant query is tried
FEW_HITS = 3
#: word frequencies are counted up to this many records when choosing corrections
FREQUENCY_CAP = 1000
#: neighbours of a misspelt word whose frequency is looked up (closest first)
NEIGHBOURS_COUNTED = 12
#: default count cap of SearchPaginator for unranked (broad) searches
COUNT_CAP = 1000


def rank_limit() -> int:
    return int(getattr(settings, "INNOHUB_SEARCH_RANK_LIMIT", 1000))


@dataclass(frozen=True)
class SearchInfo:
    """What the search did, carried on the queryset's query (it survives cloning)."""

    q: str
    expression: str
    #: records matching in the index, counted up to rank_limit() + 1 (before visibility and filters)
    hits: int
    ranked: bool
    #: the typo-tolerant query was used
    relaxed: bool


def _engine(qs: QuerySet[Any]) -> Engine | None:
    spec = spec_for(qs.model)
    if spec is None:
        return None
    using = qs.db
    from django.db import connections

    engine_class = ENGINES.get(connections[using].vendor)
    return engine_class(spec, using) if engine_class else None


def _plan(engine: Engine, tokens: list[str], cap: int) -> tuple[list[Term], Matches, bool]:
    """The query to run: strict, or relaxed with corrections when strict finds (almost) nothing."""
    strict = strict_terms(tokens)
    matches = engine.match(engine.expression(strict), cap)
    if matches.hits >= FEW_HITS:
        return strict, matches, False
    corrections = _corrections(engine, tokens)
    # Some strict matches: keep whole words (a 1-result brand search must not fill up with prefix
    # noise); none at all: let every word be a prefix too.
    relaxed = relaxed_terms(tokens, corrections, all_prefix=(matches.hits == 0))
    if relaxed == strict:
        return strict, matches, False
    relaxed_matches = engine.match(engine.expression(relaxed), cap)
    if relaxed_matches.hits > matches.hits:
        return relaxed, relaxed_matches, True
    return strict, matches, False


def _corrections(engine: Engine, tokens: list[str]) -> dict[str, list[Alternative]]:
    """Spelling corrections for the rare or unknown words of a query.

    Bounded work: one count of the query's own words; the vocabulary is consulted only for words
    too rare to be trusted, and only the closest `NEIGHBOURS_COUNTED` neighbours of each are counted.
    """
    fixable = [t for t in dict.fromkeys(tokens) if correctable(t)]
    if not fixable:
        return {}
    last = tokens[-1]
    # The word being typed is judged as a prefix: "nghi" is not a typo for "nghe".
    own = {t: Alternative(t, prefix=(t == last)) for t in fixable}
    own_freq = engine.frequencies(own.values(), FREQUENCY_CAP)
    # A word this common cannot have a neighbour CORRECTION_FREQUENCY_RATIO times more common
    # within the counting cap: it is meant as typed.
    rare = [t for t in fixable if own_freq[own[t]] * CORRECTION_FREQUENCY_RATIO < FREQUENCY_CAP]
    neighbours: dict[str, list[Alternative]] = {}
    for token in rare:
        near = [a for a in engine.neighbours(token, prefix=(token == last)) if a.word != token]
        near.sort(key=lambda a: (edit_distance(token, a.word), typo_kind(token, a.word), a.prefix, a.word))
        limit = max_distance(token)
        neighbours[token] = [a for a in near if edit_distance(token, a.word) <= limit][:NEIGHBOURS_COUNTED]
    freq = engine.frequencies([a for alts in neighbours.values() for a in alts], FREQUENCY_CAP)
    out = {}
    for token, alts in neighbours.items():
        found = choose_corrections(token, own_freq[own[token]], {a: freq.get(a, 0) for a in alts})
        if found:
            out[token] = found
    return out


def _portable(qs: QuerySet[Any], tokens: list[str]) -> QuerySet[Any]:
    for token in tokens:
        qs = qs.filter(search_text__contains=token)
    return qs


def _search(qs: QuerySet[Any], q: str, *, order: bool) -> QuerySet[Any]:
    tokens = query_tokens(q)
    if not tokens:
        return qs
    engine = _engine(qs)
    if engine is None:
        return _portable(qs, tokens)
    limit = rank_limit()
    terms, matches, relaxed = _plan(engine, tokens, limit + 1)
    expression = engine.expression(terms)
    ranked = matches.hits <= limit
    if order:
        qs = engine.apply(qs, expression, matches, ranked=ranked)
    else:
        qs = engine.narrow(qs, expression, matches)
    qs.query.innohub_search = SearchInfo(  # type: ignore[attr-defined]
        q=q, expression=expression, hits=matches.hits, ranked=ranked, relaxed=relaxed
    )
    return qs


def text_search(qs: QuerySet[Any], q: str) -> QuerySet[Any]:
    """`qs` narrowed to records matching `q`, best first (annotated with `search_rank`)."""
    return _search(qs, q, order=True)


def text_filter(qs: QuerySet[Any], q: str) -> QuerySet[Any]:
    """`qs` narrowed to records matching `q`, order untouched: for counts, facets and exports."""
    return _search(qs, q, order=False)


def search_info(qs: QuerySet[Any]) -> SearchInfo | None:
    return getattr(qs.query, "innohub_search", None)


def count_results(qs: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, is_lower_bound). Exact, except for unranked (broad) searches, which are counted up to
    `cap`: an exact count of 60,000 matches costs as much as ranking them."""
    info = search_info(qs)
    if info is None or info.ranked:
        return qs.count(), False
    n = qs.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


class SearchPaginator(Paginator):
    """A Paginator for search results: broad searches are counted up to `count_cap`; `count_capped`
    tells the template to say "more than N" (pages beyond the cap are not offered)."""

    def __init__(
        self, object_list: Any, per_page: int, *args: Any, count_cap: int = COUNT_CAP, **kwargs: Any
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_cap = count_cap
        self.count_capped = False

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            n, self.count_capped = count_results(self.object_list, self.count_cap)
            return n
        return len(self.object_list)
