"""The two database engines behind `text_search`: SQLite FTS5 and PostgreSQL full-text + pg_trgm.

Each engine answers four questions for a searchable model: how many records a query matches (capped,
cheap), how frequent some words are, which vocabulary words are near a misspelt token, and how to
narrow and order a queryset. The queryset side is built from ORM objects that know their table alias
(a custom join on SQLite, expressions on PostgreSQL), so a search queryset can still be filtered,
counted, sliced, aggregated and used as a subquery.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db import connections, transaction
from django.db.models import BooleanField, Expression, FloatField, QuerySet, Value
from django.db.models.sql.constants import INNER
from django.db.models.sql.datastructures import Join

from innohub.core.search.query import Alternative, Term, edits1, fts5_expression, tsquery_expression
from innohub.core.search.registry import SearchSpec
from innohub.core.search.schema import PG_VECTOR_COLUMN, VOCABULARY_TABLE

#: near words fetched from the PostgreSQL trigram index per token
TRIGRAM_NEIGHBOURS = 10


# --- ORM building blocks ---------------------------------------------------------------------------


class _IndexTable:
    """Stands in for the relation field of an ordinary join where Django inspects one (when a
    subquery is resolved inside a query holding this join, it reads `related_model._meta.db_table`)."""

    def __init__(self, table_name: str) -> None:
        self.related_model = SimpleNamespace(_meta=SimpleNamespace(db_table=table_name))

    def get_extra_restriction(self, alias: str, related_alias: str) -> None:
        return None


class FTS5Join(Join):
    """INNER JOIN "<fts>" ON (<fts>.rowid = <record>.<pk> AND <fts>.<fts> MATCH %s).

    A real join (not `.extra()`) so that Django relabels it when the queryset becomes a subquery, and
    so that BM25, which FTS5 computes per cursor, is computed once for all matches: a correlated
    subquery would open a new FTS5 cursor (and recount every term) per row.
    """

    def __init__(
        self, table_name: str, parent_alias: str, table_alias: str | None, pk_column: str, match: str
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
        self.match = match

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        qn = compiler.quote_name_unless_alias
        qn2 = connection.ops.quote_name
        alias = self.table_alias or self.table_name
        alias_str = "" if alias == self.table_name else f" {alias}"
        fts = qn(alias)
        sql = (
            f"INNER JOIN {qn(self.table_name)}{alias_str} ON ({fts}.rowid = "
            f"{qn(self.parent_alias)}.{qn2(self.pk_column)} AND {fts}.{qn2(self.table_name)} MATCH %s)"
        )
        return sql, [self.match]

    def relabeled_clone(self, change_map: Any) -> FTS5Join:
        return self.__class__(
            self.table_name,
            change_map.get(self.parent_alias, self.parent_alias),
            change_map.get(self.table_alias, self.table_alias) if self.table_alias else None,
            self.pk_column,
            self.match,
        )

    @property
    def identity(self) -> tuple[Any, ...]:
        return (self.__class__, self.table_name, self.parent_alias, self.match)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FTS5Join) and self.identity == other.identity

    def __hash__(self) -> int:
        return hash(self.identity)


class _AliasExpression(Expression):
    """An expression over a table alias of the query, relabelled with it."""

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


class BM25Score(_AliasExpression):
    """Relevance from FTS5 (higher is better): `-bm25(fts, w1, w2, …)`; payload = (index, weights)."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        index, weights = self.payload
        args = ", ".join(repr(float(w)) for w in weights)
        column = f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(index)}"
        return f"(-bm25({column}, {args}))", []


class FTS5RowId(_AliasExpression):
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return f"{compiler.quote_name_unless_alias(self.alias)}.rowid", []


class TsMatch(_AliasExpression):
    """`<record>.search_vector @@ to_tsquery('simple', %s)`; payload = the tsquery text."""

    def __init__(self, alias: str, payload: Any = None, output_field: Any = None) -> None:
        super().__init__(alias, payload, output_field=BooleanField())

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column = f"{compiler.quote_name_unless_alias(self.alias)}.{PG_VECTOR_COLUMN}"
        return f"{column} @@ to_tsquery('simple'::regconfig, %s)", [self.payload]


class IdIn(_AliasExpression):
    """`<record>.<pk> = ANY(%s)`; payload = (pk column, ids): one array parameter, any length."""

    def __init__(self, alias: str, payload: Any = None, output_field: Any = None) -> None:
        super().__init__(alias, payload, output_field=BooleanField())

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        pk, ids = self.payload
        column = f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(pk)}"
        return f"{column} = ANY(%s::bigint[])", [ids]


class ScoreOf(_AliasExpression):
    """The score computed for this record by `PostgresEngine.match`; payload = (pk, ids, scores)."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        pk, ids, scores = self.payload
        column = f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(pk)}"
        return f"(%s::float8[])[array_position(%s::bigint[], {column})]", [scores, ids]


class TsRankScore(_AliasExpression):
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column = f"{compiler.quote_name_unless_alias(self.alias)}.{PG_VECTOR_COLUMN}"
        return f"ts_rank({column}, to_tsquery('simple'::regconfig, %s))", [self.payload]


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
    """What the index says about a query: how many records match (up to the cap asked for) and,
    when an engine can afford it, their ids and relevance (then the record query need not search
    the index again)."""

    hits: int
    ids: tuple[int, ...] | None = None
    scores: tuple[float, ...] | None = None


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

    def match(self, expression: str, cap: int) -> Matches:
        return Matches(self.hits(expression, cap))

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
    def apply(
        self, qs: QuerySet[Any], expression: str, matches: Matches, *, ranked: bool
    ) -> QuerySet[Any]: ...

    @abstractmethod
    def narrow(self, qs: QuerySet[Any], expression: str, matches: Matches) -> QuerySet[Any]: ...


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

    def _join(self, qs: QuerySet[Any], expression: str) -> tuple[QuerySet[Any], str]:
        qs = qs.all()
        query = qs.query
        base = query.get_initial_alias()
        alias = query.join(FTS5Join(self.spec.index, base, None, self.spec.pk_column, expression))
        return qs, alias

    def apply(self, qs: QuerySet[Any], expression: str, matches: Matches, *, ranked: bool) -> QuerySet[Any]:
        qs, alias = self._join(qs, expression)
        if ranked:
            score = BM25Score(alias, (self.spec.index, self.spec.weights))
            return qs.annotate(search_rank=score).order_by("-search_rank", self.spec.title_field, "pk")
        # Too many matches to rank them all within budget: newest first, which FTS5 delivers
        # lazily in rowid order (the first page costs the same for 100 or 100,000 matches).
        return qs.annotate(search_rank=Value(0.0, output_field=FloatField())).order_by(
            FTS5RowId(alias).desc()
        )

    def narrow(self, qs: QuerySet[Any], expression: str, matches: Matches) -> QuerySet[Any]:
        return self._join(qs, expression)[0]


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
        # Many small counts in one statement add up to an estimated cost that makes PostgreSQL JIT-
        # compile it (half a second); they are index lookups, so JIT is switched off for it.
        with transaction.atomic(using=self.using):
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
            return super().frequencies(alternatives, cap)

    def match(self, expression: str, cap: int) -> Matches:
        """Count up to `cap` matches and, when there are fewer, rank them in the same statement.

        The GIN index is then read once per search: the record queries (page, count) select the
        ranked ids through the primary key instead of searching the index again (a GIN scan of a
        common word costs milliseconds each time).
        """
        table = self.connection.ops.quote_name(self.spec.table)
        rows = self._rows(
            f"WITH m AS (SELECT id, {PG_VECTOR_COLUMN} AS v FROM {table} WHERE {PG_VECTOR_COLUMN} @@ "
            "to_tsquery('simple'::regconfig, %s) LIMIT %s), n AS (SELECT count(*) AS n FROM m) "
            "SELECT n.n, m.id, ts_rank(m.v, to_tsquery('simple'::regconfig, %s)) FROM n LEFT JOIN m ON n.n < %s",
            [expression, cap, expression, cap],
        )
        hits = int(rows[0][0])
        if hits >= cap:
            return Matches(hits)
        found = [r for r in rows if r[1] is not None]
        return Matches(hits, tuple(int(r[1]) for r in found), tuple(float(r[2]) for r in found))

    def _match(self, qs: QuerySet[Any], expression: str, matches: Matches) -> tuple[QuerySet[Any], str]:
        qs = qs.all()
        base = qs.query.get_initial_alias()
        if matches.ids is not None:
            return qs.filter(IdIn(base, (self.spec.pk_column, list(matches.ids)))), base
        return qs.filter(TsMatch(base, expression)), base

    def apply(self, qs: QuerySet[Any], expression: str, matches: Matches, *, ranked: bool) -> QuerySet[Any]:
        qs, base = self._match(qs, expression, matches)
        if ranked and matches.ids is not None:
            score = ScoreOf(base, (self.spec.pk_column, list(matches.ids), list(matches.scores or ())))
            return qs.annotate(search_rank=score).order_by("-search_rank", self.spec.title_field, "pk")
        if ranked:
            return qs.annotate(search_rank=TsRankScore(base, expression)).order_by(
                "-search_rank", self.spec.title_field, "pk"
            )
        return qs.annotate(search_rank=Value(0.0, output_field=FloatField())).order_by("-pk")

    def narrow(self, qs: QuerySet[Any], expression: str, matches: Matches) -> QuerySet[Any]:
        return self._match(qs, expression, matches)[0]


ENGINES: dict[str, type[Engine]] = {"sqlite": SQLiteEngine, "postgresql": PostgresEngine}
