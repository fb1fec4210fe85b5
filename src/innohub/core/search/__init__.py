"""One search interface over every searchable record (records carry a folded `search_text`).

`text_search(qs, q)` narrows a queryset to the records matching `q` and orders them by relevance;
`text_filter(qs, q)` only narrows (for counts and facets). Both return querysets, so visibility and
structured filters compose with them, before or after. Behind them:

* SQLite (embedded default): an FTS5 table kept in sync by triggers, BM25 ranking;
* PostgreSQL: a generated weighted tsvector with a GIN index, ts_rank ranking, pg_trgm for typos;
* any other database: folded substring matching on `search_text` (slow, but correct).

The index is read once per search, on the queryset as given (its visibility and filters included):
the matching records are counted up to `rank_limit()` + 1 and, below that, ranked in the same
statement. The record queries (page, count, facets) then select those ids through the primary key
in rank order — the count of such a search is known without another query — and a broad search
selects its newest matches (see `backends.py`).

Query semantics (see `query.py`): accents and case are ignored ("dai hoc bach khoa" finds "Đại học
Bách khoa", đ→d), every word must match, the last one as a prefix. When that finds fewer than
`FEW_HITS` records — and it is the words, not the filters, that find so few — rare or unknown words
are widened to their nearest vocabulary words ("bach khao" finds "Bách khoa"), and when the words
find nothing, every word also becomes a prefix.

Ranking: when a query matches at most `rank_limit()` records (of the queryset searched), they are
ordered by relevance (names weigh ten times the rest), then title. Ranking costs time per match,
so broader queries are ordered newest first, which both databases deliver without visiting every
match; such result sets are marked (`search_info(qs).ranked is False`) and `SearchPaginator`
counts them only up to a cap.

Bulk writers: `deferred_indexes(*models)` around the inserts of a large load (inside its
transaction) indexes the new records once at the end; `bulk_index(model, ids)` indexes records
inserted while the index was deferred; `rebuild_index(model)` rebuilds one from scratch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import FloatField, QuerySet, Value
from django.utils.functional import cached_property

from innohub.core.search.backends import ENGINES, Engine, Matches, Ranking, filter_shape
from innohub.core.search.query import (
    CORRECTION_FREQUENCY_RATIO,
    Alternative,
    choose_corrections,
    correctable,
    edit_distance,
    max_distance,
    query_tokens,
    relaxed_terms,
    spelled_as_found,
    strict_terms,
    typo_kind,
)
from innohub.core.search.registry import SearchSpec, register, registered, spec_for
from innohub.core.search.schema import bulk_index, deferred_indexes, rebuild_index

__all__ = [
    "SearchInfo",
    "SearchPaginator",
    "SearchSpec",
    "bulk_index",
    "correction_note",
    "count_exact",
    "count_results",
    "deferred_indexes",
    "query_tokens",
    "rebuild_index",
    "register",
    "registered",
    "search_info",
    "spelled_as_found",
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
    #: records of the searched queryset (visibility and filters included) matching the query,
    #: counted up to rank_limit() + 1 (None: text_filter, which counts only the index)
    hits: int | None
    ranked: bool
    #: the typo-tolerant query was used
    relaxed: bool
    #: with `relaxed`: the query's folded words with each corrected word replaced by its likeliest
    #: correction ("bach khao" -> "bach khoa"), for "showing results for …"; empty when no word was
    #: corrected (only widened to prefixes)
    suggestion: str = ""
    #: the ranked ids (ranked searches), the ordering term the results start with, and the
    #: queryset's filter shape right after the search: while it is unchanged, `hits` is its count
    ranking: Ranking | None = field(default=None, repr=False, compare=False)
    order: Any = field(default=None, repr=False, compare=False)
    shape: tuple[Any, ...] = field(default=(), repr=False, compare=False)


def _engine(qs: QuerySet[Any]) -> Engine | None:
    spec = spec_for(qs.model)
    if spec is None:
        return None
    engine_class = ENGINES.get(connections[qs.db].vendor)
    return engine_class(spec, qs.db) if engine_class else None


@dataclass(frozen=True)
class _Plan:
    expression: str
    matches: Matches
    relaxed: bool = False
    suggestion: str = ""


def _plan(engine: Engine, tokens: list[str], match: Callable[[str], Matches]) -> _Plan:
    """The query to run: strict, or relaxed with corrections when strict finds (almost) nothing.
    `match(expression)` reads the index for one query."""
    strict = strict_terms(tokens)
    expression = engine.expression(strict)
    matches = match(expression)
    if matches.hits >= FEW_HITS:
        return _Plan(expression, matches)
    # Few results: because of the words, or of the filters and visibility? Only misspelt words are
    # corrected: a correctly spelt name that a province filter leaves once is not a typo.
    indexed = matches.indexed if matches.indexed is not None else engine.hits(expression, FEW_HITS)
    if indexed >= FEW_HITS:
        return _Plan(expression, matches)
    corrections = _corrections(engine, tokens)
    # Some strict matches: keep whole words (a 1-result brand search must not fill up with prefix
    # noise); none at all: let every word be a prefix too.
    relaxed = relaxed_terms(tokens, corrections, all_prefix=(indexed == 0))
    if relaxed == strict:
        return _Plan(expression, matches)
    relaxed_expression = engine.expression(relaxed)
    relaxed_matches = match(relaxed_expression)
    if relaxed_matches.hits > matches.hits:
        suggestion = " ".join(corrections[t][0].word if corrections.get(t) else t for t in tokens)
        return _Plan(relaxed_expression, relaxed_matches, True, suggestion if corrections else "")
    return _Plan(expression, matches)


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
    # A word this common cannot have a neighbour CORRECTION_FREQUENCY_RATIO times more common
    # within the counting cap: it is meant as typed. So its own count can stop there.
    trusted = FREQUENCY_CAP // CORRECTION_FREQUENCY_RATIO
    own_freq = engine.frequencies(own.values(), trusted)
    rare = [t for t in fixable if own_freq[own[t]] < trusted]
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
    cap = rank_limit() + 1
    if not order:
        return _narrow(engine, qs, q, tokens, cap)
    plan = _plan(engine, tokens, lambda e: engine.match(qs, e, cap, FEW_HITS))
    expression, matches = plan.expression, plan.matches
    ordering = None
    if matches.hits == 0:
        qs = qs.none().annotate(search_rank=Value(0.0, output_field=FloatField()))  # no further query
    else:
        qs, ordering = engine.apply(qs, expression, matches)
    qs.query.innohub_search = SearchInfo(  # type: ignore[attr-defined]
        q=q,
        expression=expression,
        hits=matches.hits,
        ranked=matches.ranking is not None,
        relaxed=plan.relaxed,
        suggestion=plan.suggestion,
        ranking=matches.ranking,
        order=ordering,
        shape=filter_shape(qs.query),
    )
    return qs


def _narrow(engine: Engine, qs: QuerySet[Any], q: str, tokens: list[str], cap: int) -> QuerySet[Any]:
    """text_filter(): counts and facets group the matches as a whole, so the index is only counted
    (to choose the query) and the queryset narrowed by it — no ranking, no ids."""

    def count(expression: str) -> Matches:
        hits = engine.hits(expression, cap)
        return Matches(hits, indexed=hits)

    plan = _plan(engine, tokens, count)
    qs = qs.none() if plan.matches.hits == 0 else engine.narrow(qs, plan.expression)
    qs.query.innohub_search = SearchInfo(  # type: ignore[attr-defined]
        q=q,
        expression=plan.expression,
        hits=None,
        ranked=plan.matches.hits < cap,
        relaxed=plan.relaxed,
        suggestion=plan.suggestion,
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


def correction_note(qs: QuerySet[Any], texts: Iterable[str]) -> dict[str, str] | None:
    """For a page to say that its results come from the spelling-tolerant query (the words as typed
    matched nothing): {"q": as typed, "suggestion": the corrected words as `texts` (the shown
    records' names) write them, or ""}; None for an ordinary search."""
    info = search_info(qs)
    if info is None or not info.relaxed:
        return None
    return {"q": info.q, "suggestion": spelled_as_found(info.suggestion, texts) if info.suggestion else ""}


def count_results(qs: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, is_lower_bound). Exact, except for unranked (broad) searches, which are counted up to
    `cap`: an exact count of 60,000 matches costs as much as ranking them.

    A search queryset that was not filtered further is not counted again: the search knows its
    count (ranked) or that it exceeds the rank limit (broad)."""
    info = search_info(qs)
    if info is None:
        return qs.count(), False
    known = _known_hits(qs, info)
    if info.ranked:
        return (known, False) if known is not None else (qs.count(), False)
    if known is not None and cap < known:
        return cap, True
    n = qs.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


def count_exact(qs: QuerySet[Any]) -> int:
    """`qs.count()`, without a query when `qs` is a ranked search not filtered further (the search
    counted its matches). For lists that promise an exact count (the API)."""
    info = search_info(qs)
    known = _known_hits(qs, info) if info is not None and info.ranked else None
    return known if known is not None else qs.count()


def _known_hits(qs: QuerySet[Any], info: SearchInfo) -> int | None:
    """The search's own count (capped for a broad search) while `qs` is the search as it was."""
    query = qs.query
    unchanged = filter_shape(query) == info.shape and query.low_mark == 0 and query.high_mark is None
    return info.hits if unchanged else None


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
