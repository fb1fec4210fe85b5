"""Shared reads of the directory: visibility, filters, search and eager loading decided once here."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Coalesce

from innohub.core.errors import NotFound
from innohub.core.search import (
    SearchInfo,
    count_results,
    search_info,
    spelled_as_found,
    text_filter,
    text_search,
)
from innohub.core.search.facets import Facet, FacetList, facet_list
from innohub.directory.filters import DirectoryFilters
from innohub.directory.models import (
    Organisation,
    OrganisationKind,
    OrganisationRelation,
    Person,
    PersonRelation,
    Tag,
)

__all__ = [
    "FACET_KEYS",
    "Facet",
    "SearchHit",
    "SearchResults",
    "get_organisation_for",
    "get_person_for",
    "organisation_facets",
    "organisations_for",
    "people_for",
    "person_texts",
    "people_related_to",
    "relations_of",
    "relations_of_person",
    "search_all",
]


def organisations_for(user: Any, filters: DirectoryFilters | None = None) -> QuerySet[Organisation]:
    """Organisations `user` may see, filtered and (with a query) ordered by relevance."""
    filters = filters or DirectoryFilters()
    qs = Organisation.objects.visible_to(user)
    qs = filters.apply_structured(qs)
    qs = (
        qs.select_related("province", "stage", "center")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug")))
        # The folded index text is never shown, and is the widest column a ranked sort carries.
        .defer("search_text")
    )
    # A filter that can match nothing (an unknown center) leaves an empty queryset, which the search
    # backends cannot compile into SQL (EmptyResultSet): there is nothing to search.
    if filters.q and not qs.query.is_empty():
        return text_search(qs, filters.q)
    return qs.order_by("name", "pk")


def person_texts(people: Any) -> list[str]:
    """What a person's card shows that a search can match — the name and the job title — for
    `core.search.correction_note` to write the corrected words as the results do."""
    return [text for p in people for text in (p.full_name, p.title) if text]


def people_for(user: Any, filters: DirectoryFilters | None = None) -> QuerySet[Person]:
    filters = filters or DirectoryFilters()
    qs = Person.objects.visible_to(user)
    qs = filters.apply_structured(qs, is_org=False)
    qs = qs.select_related("organisation", "province", "country", "center").defer(
        "search_text", "organisation__search_text"
    )
    if filters.q and not qs.query.is_empty():  # see organisations_for
        return text_search(qs, filters.q)
    return qs.order_by("full_name", "pk")


def _lookup(value: str) -> dict[str, Any]:
    try:
        return {"uuid": uuid.UUID(str(value))}
    except ValueError:
        return {"slug": value}


def get_organisation_for(user: Any, key: str, *, related: bool = True) -> Organisation:
    """By slug or UUID; a record the user may not see is the same 404 as a missing one. `related=False`:
    the record alone (before a write, which reads and locks it again)."""
    qs = Organisation.objects.visible_to(user)
    if related:
        qs = qs.select_related(
            "province", "legacy_province", "stage", "center", "country", "readiness_level", "commune"
        ).prefetch_related("sectors", "science_fields", "tags")
    obj = qs.filter(**_lookup(key)).first()
    if obj is None:
        raise NotFound()
    return obj


def get_person_for(user: Any, key: str, *, related: bool = True) -> Person:
    qs = Person.objects.visible_to(user)
    if related:
        qs = qs.select_related("organisation", "province", "country", "center").prefetch_related(
            "sectors", "science_fields", "tags"
        )
    obj = qs.filter(**_lookup(key)).first()
    if obj is None:
        raise NotFound()
    return obj


def relations_of(user: Any, org: Organisation) -> list[OrganisationRelation]:
    """Relations in both directions, only to organisations the user may see."""
    visible = Organisation.objects.visible_to(user).values("pk")
    out = OrganisationRelation.objects.filter(source=org, target__in=visible).select_related("target")
    inc = OrganisationRelation.objects.filter(target=org, source__in=visible).select_related("source")
    return list(out) + list(inc)


def people_related_to(
    user: Any, org: Organisation, *, kinds: Any = None, current_only: bool = False
) -> list[PersonRelation]:
    """People tied to an organisation (its mentors, advisers, founders, investors), only those the
    user may see: a mentor's private profile does not appear on a public page. One query."""
    # Through the reverse manager, so that every row knows `org` without loading it again.
    qs = org.person_relations.filter(person__in=Person.objects.visible_to(user).values("pk"))
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if current_only:
        qs = qs.current()
    return list(
        qs.select_related("person").defer("person__search_text").order_by("kind", "person__full_name", "pk")
    )


def relations_of_person(user: Any, person: Person, *, kinds: Any = None) -> list[PersonRelation]:
    """The organisations a person mentors, advises, founded or invested in, only those the user may
    see. One query."""
    qs = person.organisation_relations.filter(
        organisation__in=Organisation.objects.visible_to(user).values("pk")
    )
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return list(
        qs.select_related("organisation")
        .defer("organisation__search_text")
        .order_by("kind", "organisation__name", "pk")
    )


# --- facets --------------------------------------------------------------------------------------

FACET_KEYS = ("kind", "province", "stage", "sector", "center")
#: facets counted from the organisation row itself (one grouped query serves them all)
_ROW_FACETS = {"kind": "kind", "province": "province_id", "stage": "stage_id", "center": "center_id"}


def _facet_labels(key: str, values: set[Any]) -> dict[Any, tuple[str, str]]:
    """raw value (id, code) -> (filter value, label)."""
    from innohub.centers.models import Center
    from innohub.taxonomy.models import Province, Sector, Stage

    if not values:
        return {}
    if key == "kind":
        return {v: (v, str(OrganisationKind(v).label)) for v in values if v in OrganisationKind.values}
    if key == "province":
        return {p.pk: (p.code, str(p.name)) for p in Province.objects.filter(pk__in=values)}
    if key == "stage":
        return {s.pk: (s.code, str(s.name)) for s in Stage.objects.filter(pk__in=values)}
    if key == "center":
        return {c.pk: (c.slug, str(c.short_name or c.name)) for c in Center.objects.filter(pk__in=values)}
    if key == "sector":
        return {s.code: (s.code, str(s.name)) for s in Sector.objects.filter(code__in=values)}
    raise ValueError(key)


def _row_facet_counts(qs: QuerySet[Organisation], keys: list[str]) -> dict[str, dict[Any, int]]:
    """Counts for several row facets from ONE grouped scan of the result set."""
    columns = [_ROW_FACETS[k] for k in keys]
    out: dict[str, dict[Any, int]] = {k: defaultdict(int) for k in keys}
    for row in qs.order_by().values_list(*columns).annotate(n=Count("pk")):
        n = row[-1]
        for key, value in zip(keys, row[:-1], strict=True):
            if value is not None:
                out[key][value] += n
    return out


def _sector_counts(qs: QuerySet[Organisation]) -> dict[Any, int]:
    # An organisation counts once per VSIC section, whether it lists the section or its divisions.
    rows = (
        qs.order_by()
        .filter(sectors__isnull=False)
        .annotate(section=Coalesce("sectors__parent__code", "sectors__code"))
        .values_list("section")
        .annotate(n=Count("pk", distinct=True))
    )
    return {section: n for section, n in rows}


def organisation_facets(user: Any, filters: DirectoryFilters) -> dict[str, FacetList]:
    """Counts per kind, province, stage, sector section and center of the organisations `user` may
    see under `filters` (text query included). A facet whose own filter is active is counted with
    that filter removed (disjunctive facets: ticking a second province shows what it would add).

    Cost: one grouped query for all facets without an active filter, one more per active facet.
    """
    base = Organisation.objects.visible_to(user)
    if filters.q:
        base = text_filter(base, filters.q)
    shared = [k for k in FACET_KEYS if not getattr(filters, k)]
    raw: dict[str, dict[Any, int]] = {}
    if shared:
        scoped = filters.apply_structured(base)
        row_keys = [k for k in shared if k in _ROW_FACETS]
        if row_keys:
            raw.update(_row_facet_counts(scoped, row_keys))
        if "sector" in shared:
            raw["sector"] = _sector_counts(scoped)
    for key in FACET_KEYS:
        if key in shared:
            continue
        cleared: dict[str, Any] = {key: []}
        scoped = replace(filters, **cleared).apply_structured(base)
        raw[key] = _sector_counts(scoped) if key == "sector" else _row_facet_counts(scoped, [key])[key]
    out: dict[str, FacetList] = {}
    for key in FACET_KEYS:
        labels = _facet_labels(key, set(raw[key]))
        counts: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        for value, n in raw[key].items():
            if value in labels:
                code, label = labels[value]
                counts[code] += n
                names[code] = label
        out[key] = facet_list(dict(counts), names)
    return out


# --- one search over every kind of record ----------------------------------------------------------

#: a page of mixed results never reaches further than this into each list
MAX_SEARCH_PAGE = 50


@dataclass(frozen=True)
class SearchHit:
    type: str  # "organisation" | "person"
    title: str
    subtitle: str
    slug: str
    uuid: str
    score: float
    obj: Any


@dataclass(frozen=True)
class SearchResults:
    q: str
    hits: list[SearchHit]
    page: int
    page_size: int
    #: matches per type; a capped count is a lower bound (see `capped`)
    counts: dict[str, int]
    capped: dict[str, bool]
    #: no record matched the words as typed: these are the results of a spelling-tolerant search
    relaxed: bool = False
    #: the query as corrected ("bach khao" -> "bach khoa"), when words were corrected
    suggestion: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.total and self.page < MAX_SEARCH_PAGE

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _organisation_hit(org: Organisation) -> SearchHit:
    parts = [str(org.get_kind_display())]
    if org.province_id and org.province:
        parts.append(str(org.province.name))
    return SearchHit("organisation", org.name, " · ".join(parts), org.slug, str(org.uuid), _score(org), org)


def _person_hit(person: Person) -> SearchHit:
    org_name = person.organisation.name if person.organisation is not None else ""
    parts = [p for p in (person.title, org_name) if p]
    return SearchHit(
        "person", person.full_name, " · ".join(parts), person.slug, str(person.uuid), _score(person), person
    )


def _score(obj: Any) -> float:
    return float(getattr(obj, "search_rank", 0.0) or 0.0)


SEARCH_TYPES: dict[str, tuple[Callable[..., QuerySet[Any]], Callable[[Any], SearchHit]]] = {
    "organisation": (organisations_for, _organisation_hit),
    "person": (people_for, _person_hit),
}
#: what a hit shows besides its record (portal/search.html): the lists' other eager loading (tags,
#: centers, countries) would be read for every one of the `page * page_size` records of each type
HIT_RELATED = {"organisation": ("province", "stage"), "person": ("organisation",)}


def search_all(
    user: Any,
    q: str,
    *,
    types: list[str] | tuple[str, ...] | None = None,
    filters: DirectoryFilters | None = None,
    page: int = 1,
    page_size: int = 20,
) -> SearchResults:
    """A page of mixed results (organisations and people) for the portal search page, best first.

    Each type is searched and ranked on its own; the first `page * page_size` of each are merged by
    score, so a page costs two ranked queries and two (capped) counts whatever the data size.
    """
    page = max(1, min(int(page), MAX_SEARCH_PAGE))
    page_size = max(1, min(int(page_size), 100))
    wanted = [t for t in (types or SEARCH_TYPES) if t in SEARCH_TYPES]
    filters = replace(filters or DirectoryFilters(), q=q)
    hits: list[tuple[float, int, int, SearchHit]] = []
    counts: dict[str, int] = {}
    capped: dict[str, bool] = {}
    relaxed: list[SearchInfo] = []
    if not filters.q.strip():
        return SearchResults(q, [], page, page_size, {t: 0 for t in wanted}, {t: False for t in wanted})
    for type_order, type_ in enumerate(wanted):
        selector, to_hit = SEARCH_TYPES[type_]
        qs = selector(user, filters).prefetch_related(None).select_related(None)
        qs = qs.select_related(*HIT_RELATED.get(type_, ()))
        counts[type_], capped[type_] = count_results(qs)
        if not counts[type_]:
            continue
        info = search_info(qs)
        if info is not None and info.relaxed:
            relaxed.append(info)
        for position, obj in enumerate(qs[: page * page_size]):
            hit = to_hit(obj)
            hits.append((-hit.score, position, type_order, hit))
    hits.sort(key=lambda h: h[:3])
    window = [h[3] for h in hits[(page - 1) * page_size : page * page_size]]
    # Each type is corrected on its own. The results are "similar spellings" only when every type
    # that found something was corrected; the first suggestion is the one shown.
    found = sum(1 for n in counts.values() if n)
    all_relaxed = bool(relaxed) and len(relaxed) == found
    suggestion = next((i.suggestion for i in relaxed if i.suggestion), "") if all_relaxed else ""
    if suggestion:  # as the results write it: "bach khoa" -> "Bách khoa"
        suggestion = spelled_as_found(suggestion, (t for h in window for t in (h.title, h.subtitle)))
    return SearchResults(q, window, page, page_size, counts, capped, all_relaxed, suggestion)
