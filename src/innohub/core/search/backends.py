"""The two database engines behind `text_search`: SQLite FTS5 and PostgreSQL full-text + pg_trgm.

Each engine answers four questions for a searchable model: which records of a queryset match a query
(counted up to a cap and, below it, ranked — PostgreSQL in one statement, SQLite in two or three, see
`SQLiteEngine.match`), how frequent some words are in the index, which vocabulary words are near a
misspelt token, and how to narrow and order a queryset. The
queryset side is built from ORM objects that know their table alias (custom joins, expressions), so a
search queryset can still be filtered, counted, sliced, aggregated and used as a subquery.

Why the match runs on the caller's queryset (visibility and filters included) and returns ranked ids:
the record queries then select those ids through the primary key, in rank order, instead of searching
the index again. The index is read once per search, the count of a ranked search is already known,
and neither database has to guess how selective "full-text match AND province AND stage" is (a wrong
guess made PostgreSQL walk the primary key backwards through half the table).
"""

from __future__ import annotations

import bisect
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import BooleanField, Expression, F, FloatField, QuerySet, TextField, Value
from django.db.models.sql.constants import INNER
from django.db.models.sql.datastructures import Join

from innohub.core.search.query import Alternative, Term, edits1, fts5_expression, tsquery_expression
from innohub.core.search.registry import SearchSpec
from innohub.core.search.schema import PG_VECTOR_COLUMN, VOCABULARY_TABLE

#: near words fetched from the PostgreSQL trigram index per token
TRIGRAM_NEIGHBOURS = 10
#: SQLite: the filters are first tried on this many times the rank limit of index matches
PROBE = 2
#: names of the columns the match statement selects (chosen not to clash with a model's fields)
_TITLE = "innohub_search_title"
_SCORE = "innohub_search_score"
_VECTOR = "innohub_search_vector"


# --- ORM building blocks ---------------------------------------------------------------------------


class _IndexTable:
    """Stands in for the relation field of an ordinary join where Django inspects one (when a
    subquery is resolved inside a query holding this join, it reads `related_model._meta.db_table`)."""

    def __init__(self, table_name: str) -> None:
        self.related_model = SimpleNamespace(_meta=SimpleNamespace(db_table=table_name))

    def get_extra_restriction(self, alias: str, related_alias: str) -> None:
        return None


class _SearchJoin(Join):
    """An INNER JOIN to something that is not a model's table: an FTS5 table, a list of ranked ids.

    A real join (not `.extra()`), so that Django relabels it when the queryset becomes a subquery.
    `payload` is what the joined relation depends on (a MATCH string, the ranked ids).
    """

    def __init__(
        self, table_name: str, parent_alias: str, table_alias: str | None, pk_column: str, payload: Any
    ) -> None:
        self.table_name = table_name
        self.parent_alias = parent_alias
        self.table_alias = table_alias
        self.join_type = INNER
        self.join_field = _IndexTable(table_name)  # type: ignore[assignment]
        self.join_fields = ()
        self.join_cols = ()
        self.nullable = False
        self.filtered_relation = None
        self.pk_column = pk_column
        self.payload = payload

    def _names(self, compiler: Any, connection: Any) -> tuple[str, str]:
        """(quoted alias of the joined relation, quoted primary key column of the record)."""
        alias = compiler.quote_name_unless_alias(self.table_alias or self.table_name)
        pk = f"{compiler.quote_name_unless_alias(self.parent_alias)}.{connection.ops.quote_name(self.pk_column)}"
        return alias, pk

    def relabeled_clone(self, change_map: Any) -> _SearchJoin:
        return self.__class__(
            self.table_name,
            change_map.get(self.parent_alias, self.parent_alias),
            change_map.get(self.table_alias, self.table_alias) if self.table_alias else None,
            self.pk_column,
            self.payload,
        )

    @property
    def identity(self) -> tuple[Any, ...]:
        return (self.__class__, self.table_name, self.parent_alias, self.payload)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SearchJoin) and self.identity == other.identity

    def __hash__(self) -> int:
        return hash(self.identity)


class FTS5Join(_SearchJoin):
    """INNER JOIN "<fts>" ON (<fts>.rowid = <record>.<pk> AND <fts>.<fts> MATCH %s); payload = MATCH,
    or (MATCH, n) to join only the first n matches of the index.

    A join rather than a correlated subquery, so that BM25, which FTS5 computes per cursor, is
    computed once for all matches (a subquery would open a new FTS5 cursor and recount every term
    per row)."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias, pk = self._names(compiler, connection)
        table = connection.ops.quote_name(self.table_name)
        if isinstance(self.payload, tuple):  # (MATCH, n): only the first n matches of the index
            match, limit = self.payload
            sql = (
                f"INNER JOIN (SELECT rowid FROM {table} WHERE {table} MATCH %s LIMIT %s) AS {alias} "
                f"ON ({alias}.rowid = {pk})"
            )
            return sql, [match, limit]
        alias_str = "" if (self.table_alias or self.table_name) == self.table_name else f" {alias}"
        sql = f"INNER JOIN {table}{alias_str} ON ({alias}.rowid = {pk} AND {alias}.{table} MATCH %s)"
        return sql, [self.payload]


@dataclass(frozen=True, eq=False)
class Ranking:
    """Matching ids, best first, with their relevance (compared by identity: it can be long)."""

    ids: tuple[int, ...]
    scores: tuple[float, ...]

    def window(self, compiler: Any) -> tuple[tuple[int, ...], tuple[float, ...]]:
        """The ids the query being compiled can return: all, or only the first `high_mark` when the
        query is sliced, still ordered by rank first and filtered no further than when it was
        matched (every id then passes its filters, so the page is the first ids in order).

        A page of 20 then reads 20 records, not every match."""
        query = compiler.query
        info = getattr(query, "innohub_search", None)
        if (
            query.high_mark is not None
            and info is not None
            and info.ranking is self
            and query.standard_ordering
            and query.order_by
            and query.order_by[0] is info.order
            and filter_shape(query) == info.shape
        ):
            return self.ids[: query.high_mark], self.scores[: query.high_mark]
        return self.ids, self.scores


class SQLiteRankJoin(_SearchJoin):
    """INNER JOIN json_each('[[id, score], …]') AS r ON (<record>.<pk> = r.value ->> 0); payload = Ranking.

    `r.key` is the rank position. json_each reads the whole list in one parameter, whatever its length."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias, pk = self._names(compiler, connection)
        ids, scores = self.payload.window(compiler)
        pairs = json.dumps([[i, s] for i, s in zip(ids, scores, strict=True)], separators=(",", ":"))
        return f"INNER JOIN json_each(%s) AS {alias} ON ({pk} = json_extract({alias}.value, '$[0]'))", [pairs]


class PostgresRankJoin(_SearchJoin):
    """INNER JOIN unnest(ids, scores) WITH ORDINALITY AS r(id, score, ord) ON (<record>.id = r.id);
    payload = Ranking. The planner knows `ord` is ascending: a page reads only its own rows."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias, pk = self._names(compiler, connection)
        ids, scores = self.payload.window(compiler)
        sql = (
            f"INNER JOIN unnest(%s::bigint[], %s::float8[]) WITH ORDINALITY AS {alias}(id, score, ord) "
            f"ON ({pk} = {alias}.id)"
        )
        return sql, [_pg_array(ids), _pg_array(scores)]


def _pg_array(values: Iterable[Any]) -> str:
    # One text literal rather than a list adapted element by element (a thousand ids).
    return "{" + ",".join(repr(v) for v in values) + "}"


class _AliasExpression(Expression):
    """An expression over a table alias of the query, relabelled with it; payload = SQL template
    (`{alias}` stands for the quoted alias) or whatever a subclass needs."""

    def __init__(self, alias: str, payload: Any = None, output_field: Any = None) -> None:
        super().__init__(output_field=output_field or FloatField())
        self.alias = alias
        self.payload = payload

    def relabeled_clone(self, change_map: Any) -> _AliasExpression:
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    @property
    def identity(self) -> tuple[Any, ...]:
        return (self.__class__, self.alias, repr(self.payload))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _AliasExpression) and self.identity == other.identity

    def __hash__(self) -> int:
        return hash(self.identity)

    def get_group_by_cols(self) -> list[Any]:
        return [self]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return self.payload.format(alias=compiler.quote_name_unless_alias(self.alias)), []


class BM25Score(_AliasExpression):
    """Relevance from FTS5 (higher is better): `-bm25(fts, w1, w2, …)`; payload = (index, weights)."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        index, weights = self.payload
        args = ", ".join(repr(float(w)) for w in weights)
        column = f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(index)}"
        return f"(-bm25({column}, {args}))", []


class TsMatch(_AliasExpression):
    """`<record>.search_vector @@ to_tsquery('simple', %s)`; payload = the tsquery text."""

    template = "{column} @@ to_tsquery('simple'::regconfig, %s)"

    def __init__(self, alias: str, payload: Any = None, output_field: Any = None) -> None:
        super().__init__(alias, payload, output_field=BooleanField())

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column = f"{compiler.quote_name_unless_alias(self.alias)}.{PG_VECTOR_COLUMN}"
        return self._template(compiler).format(column=column), [self.payload]

    def _template(self, compiler: Any) -> str:
        return self.template


class TsMatchScan(TsMatch):
    """The same test as a function call, which the planner cannot answer from the GIN index: for
    the newest matches of a broad query, walking the primary key backwards and testing each row
    stops after a few hundred rows, while the index would fetch every match (thousands) to sort
    them. The planner cannot tell the two cases apart: it estimates the words of a query as
    independent, and the words people type together ("vật liệu mới") are not.

    Only a sliced query (a page, a capped count) can stop early: compiled into anything else — an
    exact count, a grouping, an export reading every match — the test is the indexable `@@`, or
    the walk would test every row of the table (exact counts of the benchmark's broad queries:
    p50 95 ms walking, 13 ms with the index)."""

    walk_template = "ts_match_vq({column}, to_tsquery('simple'::regconfig, %s))"

    def _template(self, compiler: Any) -> str:
        return self.walk_template if compiler.query.high_mark is not None else self.template


def filter_shape(query: Any) -> tuple[Any, ...]:
    """What decides which rows a query returns, besides its joins' own conditions: any `.filter()`,
    `.exclude()`, `.none()`, `.distinct()`, grouping or set operation changes it."""
    where = query.where
    return (
        len(where.children),
        where.connector,
        where.negated,
        bool(query.distinct),
        query.combinator,
        query.group_by is None,
    )


# --- engines ---------------------------------------------------------------------------------------


def _alternatives(rows: Iterable[tuple[Any, ...]]) -> set[Alternative]:
    """(candidate, is a word, starts a word) rows -> alternatives."""
    out = set()
    for candidate, exact, prefix in rows:
        if exact:
            out.add(Alternative(candidate))
        if prefix:
            out.add(Alternative(candidate, prefix=True))
    return out


@dataclass(frozen=True)
class Matches:
    """The records of a queryset matching a query: how many (counted up to the cap asked for) and,
    below the cap, their ids best first with their relevance. `indexed`: how many records of the
    whole index match (counted up to at least `few`), when fewer than `few` of the queryset do."""

    hits: int
    ranking: Ranking | None = None
    indexed: int | None = None


class Engine(ABC):
    """Search over one model on one database connection."""

    vendor = ""

    def __init__(self, spec: SearchSpec, using: str) -> None:
        self.spec = spec
        self.using = using

    @property
    def connection(self) -> Any:
        return connections[self.using]

    def _rows(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    @abstractmethod
    def expression(self, terms: list[Term]) -> str: ...

    @abstractmethod
    def hits(self, expression: str, cap: int) -> int:
        """How many records match, counting at most `cap` (index only: no visibility, no filters)."""
        ...

    @abstractmethod
    def match(self, qs: QuerySet[Any], expression: str, cap: int, few: int) -> Matches:
        """The records of `qs` (its filters and visibility included) matching `expression`: counted
        up to `cap`, and ranked (best first, then by title and id) when there are fewer. When fewer
        than `few` match, also how many of the whole index do (`Matches.indexed`)."""
        ...

    def _match_rows(
        self,
        qs: QuerySet[Any],
        cap: int,
        annotations: dict[str, Any],
        wrap: str,
        params: list[Any],
    ) -> list[tuple[Any, ...]]:
        """Run `wrap` (SQL with `{inner}`) around the first `cap` rows of `qs`, reduced to id, title
        and `annotations`, as one statement."""
        inner = (
            qs.order_by()
            .annotate(**{_TITLE: F(self.spec.title_field)}, **annotations)
            .values_list("pk", _TITLE, *annotations)[:cap]
        )
        try:
            sql, inner_params = inner.query.get_compiler(using=self.using).as_sql()
        except EmptyResultSet:  # filters that match nothing (an empty IN list, .none())
            return []
        return self._rows(wrap.format(inner=sql), [*inner_params, *params])

    def frequencies(self, alternatives: Iterable[Alternative], cap: int) -> dict[Alternative, int]:
        """Number of records (up to `cap`) containing each word, or a word starting with each prefix."""
        alts = list(dict.fromkeys(alternatives))
        if not alts:
            return {}
        exprs = [self.expression([Term(a.word, prefix=a.prefix)]) for a in alts]
        counts = self._frequency_rows(exprs, cap)
        return dict(zip(alts, counts, strict=True))

    @abstractmethod
    def _frequency_rows(self, exprs: list[str], cap: int) -> list[int]: ...

    @abstractmethod
    def neighbours(self, token: str, *, prefix: bool) -> set[Alternative]:
        """Vocabulary words (or, for the token being typed, word prefixes) near a token."""
        ...

    @abstractmethod
    def _rank_join(self, qs: QuerySet[Any], ranking: Ranking) -> tuple[QuerySet[Any], str]: ...

    @abstractmethod
    def _position(self, alias: str) -> Expression: ...

    @abstractmethod
    def _score(self, alias: str) -> Expression: ...

    @abstractmethod
    def _unranked(self, qs: QuerySet[Any], expression: str) -> tuple[QuerySet[Any], Any]:
        """`qs` narrowed to the matches of `expression`, and the expression ordering them newest first."""
        ...

    def apply(self, qs: QuerySet[Any], expression: str, matches: Matches) -> tuple[QuerySet[Any], Any]:
        """`qs` narrowed and ordered: by rank when the matches are ranked, else newest first (both
        databases deliver the first page of that without visiting every match). Returns the
        queryset and the ordering term it starts with."""
        if matches.ranking is None:
            qs, newest = self._unranked(qs, expression)
            order = newest.desc()
            return qs.annotate(search_rank=Value(0.0, output_field=FloatField())).order_by(order), order
        qs, alias = self._rank_join(qs, matches.ranking)
        order = self._position(alias).asc()
        return qs.annotate(search_rank=self._score(alias)).order_by(order), order

    def narrow(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        """`qs` narrowed to the matches of `expression`, order untouched (counts, facets, exports)."""
        return self._unranked(qs, expression)[0]

    def _join(
        self, qs: QuerySet[Any], join_class: type[_SearchJoin], name: str, payload: Any
    ) -> tuple[QuerySet[Any], str]:
        qs = qs.all()
        query = qs.query
        base = query.get_initial_alias()
        alias = query.join(join_class(name, base, None, self.spec.pk_column, payload))
        return qs, alias


class SQLiteEngine(Engine):
    vendor = "sqlite"

    def expression(self, terms: list[Term]) -> str:
        return fts5_expression(terms)

    def hits(self, expression: str, cap: int) -> int:
        fts = self.connection.ops.quote_name(self.spec.index)
        rows = self._rows(
            f"SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH %s LIMIT %s)", [expression, cap]
        )
        return int(rows[0][0])

    def match(self, qs: QuerySet[Any], expression: str, cap: int, few: int) -> Matches:
        # BM25 is an FTS5 function, computed in the statement that reads the index, for every row it
        # returns (5 ms for 1,000 rows, most of it counting how frequent each word is): it is asked
        # for only when the matches may be fewer than `cap`. That is settled cheaply first: by the
        # index alone (well under a millisecond), or by trying the queryset's filters on the first
        # PROBE × cap index matches — when they keep `cap` of them the query is broad; when they keep
        # fewer, the filters are selective and the ranked statement reads every match.
        indexed = self.hits(expression, cap)
        if indexed >= cap:
            probe, _ = self._join(qs, FTS5Join, self.spec.index, (expression, PROBE * cap))
            if self._count(probe, cap) >= cap:
                return Matches(cap)
        qs, alias = self._join(qs, FTS5Join, self.spec.index, expression)
        score = BM25Score(alias, (self.spec.index, self.spec.weights))
        # Ordered by SQLite itself: the same collation as any order_by() on the title.
        rows = self._match_rows(
            qs,
            cap,
            {_SCORE: score},
            f'SELECT m."pk", m."{_SCORE}" FROM ({{inner}}) AS m ORDER BY 2 DESC, m."{_TITLE}", 1',
            [],
        )
        if len(rows) >= cap:
            return Matches(cap)
        ranking = Ranking(tuple(r[0] for r in rows), tuple(float(r[1]) for r in rows))
        return Matches(len(rows), ranking, indexed if len(rows) < few else None)

    def _count(self, qs: QuerySet[Any], cap: int) -> int:
        try:
            sql, params = qs.order_by().values_list("pk")[:cap].query.get_compiler(using=self.using).as_sql()
        except EmptyResultSet:
            return 0
        return int(self._rows(f"SELECT count(*) FROM ({sql})", list(params))[0][0])

    def _frequency_rows(self, exprs: list[str], cap: int) -> list[int]:
        fts = self.connection.ops.quote_name(self.spec.index)
        one = f"SELECT (SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH %s LIMIT %s))"
        params: list[Any] = []
        for expr in exprs:
            params += [expr, cap]
        return [int(r[0]) for r in self._rows(" UNION ALL ".join([one] * len(exprs)), params)]

    def neighbours(self, token: str, *, prefix: bool) -> set[Alternative]:
        # One probe of the vocabulary's primary key per candidate spelling (a few hundred).
        rows = self._rows(
            f"SELECT c.value, EXISTS (SELECT 1 FROM {VOCABULARY_TABLE} v WHERE v.word = c.value), "
            f"%s AND EXISTS (SELECT 1 FROM {VOCABULARY_TABLE} v WHERE v.word >= c.value AND v.word < c.value || '{{') "
            "FROM json_each(%s) AS c",
            [prefix, json.dumps(sorted(edits1(token)))],
        )
        return _alternatives(rows)

    def _rank_join(self, qs: QuerySet[Any], ranking: Ranking) -> tuple[QuerySet[Any], str]:
        return self._join(qs, SQLiteRankJoin, f"{self.spec.index}_ranked", ranking)

    def _position(self, alias: str) -> Expression:
        return _AliasExpression(alias, "{alias}.key")

    def _score(self, alias: str) -> Expression:
        return _AliasExpression(alias, "json_extract({alias}.value, '$[1]')")

    def _unranked(self, qs: QuerySet[Any], expression: str) -> tuple[QuerySet[Any], Any]:
        # FTS5 delivers matches lazily in rowid order: newest first costs the same for 100 or
        # 100,000 matches.
        qs, alias = self._join(qs, FTS5Join, self.spec.index, expression)
        return qs, _AliasExpression(alias, "{alias}.rowid")


class PostgresEngine(Engine):
    vendor = "postgresql"

    def expression(self, terms: list[Term]) -> str:
        return tsquery_expression(terms)

    def hits(self, expression: str, cap: int) -> int:
        table = self.connection.ops.quote_name(self.spec.table)
        rows = self._rows(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {PG_VECTOR_COLUMN} @@ "
            "to_tsquery('simple'::regconfig, %s) LIMIT %s) AS hits",
            [expression, cap],
        )
        return int(rows[0][0])

    def match(self, qs: QuerySet[Any], expression: str, cap: int, few: int) -> Matches:
        """One statement: the GIN index finds the matches, at most `cap` are read, and they are
        ranked only when there are fewer (ts_rank costs per row; a broad query is not ranked). The
        count of the whole index is asked only when fewer than `few` match: PostgreSQL evaluates
        that uncorrelated subquery on first use, so otherwise it costs nothing."""
        qs = qs.all()
        base = qs.query.get_initial_alias()
        vector = _AliasExpression(base, "{alias}." + PG_VECTOR_COLUMN, output_field=TextField())
        table = self.connection.ops.quote_name(self.spec.table)
        rows = self._match_rows(
            qs.filter(TsMatch(base, expression)),
            cap,
            {_VECTOR: vector},
            (
                "WITH m AS MATERIALIZED ({inner}), n AS (SELECT count(*) AS n FROM m) "
                f'SELECT n.n, m."pk", ts_rank(m."{_VECTOR}", to_tsquery(\'simple\'::regconfig, %s)) AS r, '
                f"CASE WHEN n.n < %s THEN (SELECT count(*) FROM (SELECT 1 FROM {table} WHERE "
                f"{PG_VECTOR_COLUMN} @@ to_tsquery('simple'::regconfig, %s) LIMIT %s) AS i) END "
                f'FROM n LEFT JOIN m ON n.n < %s ORDER BY r DESC, m."{_TITLE}", m."pk"'
            ),
            [expression, few, expression, few, cap],
        )
        if not rows:  # the queryset's filters match nothing
            return Matches(0, Ranking((), ()), self.hits(expression, few))
        hits = int(rows[0][0])
        if hits >= cap:
            return Matches(hits)
        found = [r for r in rows if r[1] is not None]
        ranking = Ranking(tuple(int(r[1]) for r in found), tuple(float(r[2]) for r in found))
        return Matches(hits, ranking, int(rows[0][3]) if rows[0][3] is not None else None)

    def _frequency_rows(self, exprs: list[str], cap: int) -> list[int]:
        table = self.connection.ops.quote_name(self.spec.table)
        one = (
            f"SELECT (SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {PG_VECTOR_COLUMN} @@ "
            "to_tsquery('simple'::regconfig, %s) LIMIT %s) AS hits)"
        )
        params: list[Any] = []
        for expr in exprs:
            params += [expr, cap]
        return [int(r[0]) for r in self._rows(" UNION ALL ".join([one] * len(exprs)), params)]

    def neighbours(self, token: str, *, prefix: bool) -> set[Alternative]:
        # Candidate spellings are probed as ranges on the primary key (b-tree): an equality would let
        # the planner pick the trigram GIN index, which pg_trgm ≥ 1.6 also offers for "=" and which is
        # a thousand times slower for a list of a few hundred words.
        rows = self._rows(
            f"SELECT c, EXISTS (SELECT 1 FROM {VOCABULARY_TABLE} v WHERE v.word >= c AND v.word <= c), "
            f"%s AND EXISTS (SELECT 1 FROM {VOCABULARY_TABLE} v WHERE v.word >= c AND v.word < c || '{{') "
            "FROM unnest(%s::text[]) AS c",
            [prefix, sorted(edits1(token))],
        )
        found = _alternatives(rows)
        if found:
            return found
        # pg_trgm finds what one edit does not reach ("nghien" for "ngihen", two edits away).
        near = self._rows(
            f"SELECT word FROM {VOCABULARY_TABLE} WHERE word %% %s ORDER BY similarity(word, %s) DESC LIMIT %s",
            [token, token, TRIGRAM_NEIGHBOURS],
        )
        return found | {Alternative(r[0]) for r in near}

    def frequencies(self, alternatives: Iterable[Alternative], cap: int) -> dict[Alternative, int]:
        # Counting a common word up to the cap reads `cap` rows (and a common prefix's whole posting
        # list first): the words the table's statistics already know to be far above the cap are
        # answered from them, only the others are counted.
        alts = list(dict.fromkeys(alternatives))
        common = common_words(self.connection, self.spec.table)
        known = {a: cap for a in alts if common.at_least(a.word, prefix=a.prefix) >= COMMON_MARGIN * cap}
        rest = [a for a in alts if a not in known]
        if not rest:
            return known
        if jit_disabled(self.connection):
            counted = super().frequencies(rest, cap)
        else:
            # Many small counts in one statement add up to an estimated cost that makes PostgreSQL
            # JIT-compile it (half a second); they are index lookups, so JIT is switched off for it.
            with transaction.atomic(using=self.using):
                with self.connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
                counted = super().frequencies(rest, cap)
        return {**known, **counted}

    def _rank_join(self, qs: QuerySet[Any], ranking: Ranking) -> tuple[QuerySet[Any], str]:
        return self._join(qs, PostgresRankJoin, f"{self.spec.index}_ranked", ranking)

    def _position(self, alias: str) -> Expression:
        return _AliasExpression(alias, "{alias}.ord")

    def _score(self, alias: str) -> Expression:
        return _AliasExpression(alias, "{alias}.score")

    def _unranked(self, qs: QuerySet[Any], expression: str) -> tuple[QuerySet[Any], Any]:
        # Only used once the match found more than the rank limit under the queryset's filters: at
        # least one row in a hundred (at 100,000 records) matches, so the first page is near.
        qs = qs.all()
        base = qs.query.get_initial_alias()
        return qs.filter(TsMatchScan(base, expression)), F("pk")

    def narrow(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        # Counted or grouped as a whole: the GIN index is the way (not the backward walk).
        qs = qs.all()
        return qs.filter(TsMatch(qs.query.get_initial_alias(), expression))


#: a word is answered from the statistics only when they put it this many times above the cap
COMMON_MARGIN = 2
#: the statistics are trusted only when fewer than this share of the rows changed since they were taken
STATS_CHANGED_SHARE = 0.2
#: how long one process keeps a table's common words (the statistics change at each ANALYZE)
STATS_SECONDS = 300.0
#: below this many rows counting is cheap anyway, and a sample says little: the statistics are not used
STATS_MIN_ROWS = 10_000

_common_cache: dict[tuple[str, str], tuple[float, CommonWords]] = {}


@dataclass(frozen=True)
class CommonWords:
    """The most common words of a table's search vector, as the planner's statistics have them
    (`pg_stats.most_common_elems`, sampled by ANALYZE), with their estimated number of rows."""

    words: tuple[str, ...] = ()
    rows: tuple[float, ...] = ()

    def at_least(self, word: str, *, prefix: bool = False) -> float:
        """Estimated rows containing `word` (0 when the statistics do not list it); with `prefix`, the
        most common listed word starting with it: a lower bound of the rows matching the prefix."""
        i = bisect.bisect_left(self.words, word)
        if not prefix:
            return self.rows[i] if i < len(self.words) and self.words[i] == word else 0.0
        best = 0.0
        while i < len(self.words) and self.words[i].startswith(word):
            best = max(best, self.rows[i])
            i += 1
        return best


def common_words(connection: Any, table: str) -> CommonWords:
    """The table's common words, read from the statistics at most every `STATS_SECONDS` per process.
    Empty when the statistics are missing, describe a small table (fewer than `STATS_MIN_ROWS`), or
    are stale (more than `STATS_CHANGED_SHARE` of the rows changed since ANALYZE)."""
    key = (connection.alias, table)
    now = time.monotonic()
    cached = _common_cache.get(key)
    if cached is None or cached[0] < now:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples, "
                "t.n_mod_since_analyze FROM pg_stats s "
                "JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = s.schemaname::regnamespace "
                "JOIN pg_stat_user_tables t ON t.relid = c.oid "
                "WHERE s.schemaname = current_schema() AND s.tablename = %s AND s.attname = %s",
                [table, PG_VECTOR_COLUMN],
            )
            row = cursor.fetchone()
        found = CommonWords()
        words, freqs, rows, changed = row or (None, None, 0, 0)
        if words and freqs and rows >= STATS_MIN_ROWS and (changed or 0) <= STATS_CHANGED_SHARE * rows:
            # the frequencies end with three summary values (minimum, maximum, null share)
            pairs = sorted(zip(words, (f * rows for f in freqs[: len(words)]), strict=True))
            found = CommonWords(tuple(w for w, _ in pairs), tuple(n for _, n in pairs))
        cached = (now + STATS_SECONDS, found)
        _common_cache[key] = cached
    return cached[1]


def jit_disabled(connection: Any) -> bool:
    """Whether the connection was opened with `-c jit=off` (settings: DATABASES OPTIONS)."""
    options = str(connection.settings_dict.get("OPTIONS", {}).get("options", ""))
    return "jit=off" in options.replace(" ", "")


ENGINES: dict[str, type[Engine]] = {"sqlite": SQLiteEngine, "postgresql": PostgresEngine}
