"""Reads behind the public portal: figures, facets, the province map and the center tree.

Everything starts from `visible_to(user)` (anonymous visitors see public records only). A center
portal is scoped to the center and the centers below it (materialised `path` prefix). Every function
runs a fixed number of aggregate queries, whatever the number of records.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Q
from django.utils.text import slugify

from innohub.centers.models import Center
from innohub.core.text import fold
from innohub.directory.filters import DirectoryFilters
from innohub.directory.models import Organisation, OrganisationKind, Person
from innohub.directory.selectors import organisation_facets
from innohub.portal import cache as portal_cache
from innohub.taxonomy.models import Province, Sector, Stage

SUPPORT_KINDS = (
    OrganisationKind.INCUBATOR,
    OrganisationKind.ACCELERATOR,
    OrganisationKind.COWORKING,
    OrganisationKind.SUPPORT_CENTER,
)
KNOWLEDGE_KINDS = (OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE)
FACET_KEYS = ("kind", "province", "sector", "stage", "center")


def center_q(center: Center | None, prefix: str = "") -> Q:
    """Records of `center` and the centers below it (everything when `center` is None)."""
    if center is None:
        return Q()
    return Q(**{f"{prefix}center__path__startswith": center.path})


def active_center_by_slug(slug: str) -> Center | None:
    return Center.objects.filter(slug=slug, is_active=True).first()


def filters_key(filters: DirectoryFilters) -> tuple[tuple[str, Any], ...]:
    """The filters as a cache key part: equal filters, equal key."""
    return tuple(sorted(filters.as_params().items()))


# --- figures -------------------------------------------------------------------------------------


@dataclass
class Figures:
    organisations: int = 0
    startups: int = 0
    investors: int = 0
    support_organisations: int = 0
    knowledge_institutions: int = 0
    provinces: int = 0
    centers: int = 0
    people: int = 0
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)


def home_figures(user: Any, center: Center | None = None) -> Figures:
    """Four queries (none when an anonymous visitor's figures are cached): counts by kind, provinces
    covered, centers, people."""
    return portal_cache.anonymous_data(
        user, "home-figures", (center.pk if center else None,), lambda: _home_figures(user, center)
    )


def _home_figures(user: Any, center: Center | None) -> Figures:
    orgs = Organisation.objects.visible_to(user).filter(center_q(center))
    kind_counts = dict(orgs.order_by().values_list("kind").annotate(n=Count("pk")))
    labels = dict(OrganisationKind.choices)
    by_kind = sorted(
        ((k, str(labels.get(k, k)), n) for k, n in kind_counts.items() if n), key=lambda t: -t[2]
    )
    provinces = orgs.exclude(province__isnull=True).order_by().values("province_id").distinct().count()
    centers = Center.objects.filter(is_active=True)
    if center is not None:
        centers = centers.filter(path__startswith=center.path)
    people = Person.objects.visible_to(user).filter(center_q(center)).count()
    return Figures(
        organisations=sum(kind_counts.values()),
        startups=kind_counts.get(OrganisationKind.STARTUP, 0)
        + kind_counts.get(OrganisationKind.INNOVATIVE_SME, 0),
        investors=kind_counts.get(OrganisationKind.INVESTOR, 0),
        support_organisations=sum(kind_counts.get(k, 0) for k in SUPPORT_KINDS),
        knowledge_institutions=sum(kind_counts.get(k, 0) for k in KNOWLEDGE_KINDS),
        provinces=provinces,
        centers=centers.count(),
        people=people,
        by_kind=by_kind,
    )


def featured_organisations(user: Any, center: Center | None = None, limit: int = 6) -> list[Organisation]:
    """Recently updated profiles that have a description (a profile worth opening)."""
    qs = (
        Organisation.objects.visible_to(user)
        .filter(center_q(center))
        .filter(Q(description_vi__gt="") | Q(description_en__gt=""))
        .select_related("province", "stage")
        .order_by("-updated_at", "-pk")
    )
    return list(qs[:limit])


# --- directory facets ------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    dom_id: str = ""  # id of the option's checkbox, for its label


def organisation_facet_counts(user: Any, filters: DirectoryFilters) -> dict[str, dict[str, int]]:
    """Counts per option of each facet, under every *other* active filter (disjunctive facets:
    ticking a second kind shows how many it would add). Anonymous visitors' counts are cached
    (portal/cache.py): every page number of a filtered list shares them. Counted by
    `innohub.directory.selectors.organisation_facets`."""
    return portal_cache.anonymous_data(
        user, "facet-counts", filters_key(filters), lambda: _organisation_facet_counts(user, filters)
    )


def _organisation_facet_counts(user: Any, filters: DirectoryFilters) -> dict[str, dict[str, int]]:
    return {key: facets.counts() for key, facets in organisation_facets(user, filters).items()}


_DIVISION_PREFIXES = ("thanh pho ", "tinh ")


def sort_key(label: str) -> str:
    """Alphabetical as people look for it: "Thành phố Hà Nội" sorts under H, accents folded."""
    key = fold(label)
    for prefix in _DIVISION_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _sorted(options: list[FacetOption]) -> list[FacetOption]:
    """Selected options first (a ticked province stays in view), then alphabetical."""
    return sorted(options, key=lambda o: (not o.selected, sort_key(o.label)))


def facet_choices() -> dict[str, list[tuple[str, str]]]:
    """Every option of each directory facet as (value, label) in the UI language; kinds and stages in
    their natural order. The same for every visitor, so cached per language (no query when warm)."""
    return portal_cache.shared_data("facet-choices", (), _facet_choices)


def _province_choices() -> list[tuple[str, str]]:
    return [(p.code, str(p.name)) for p in Province.objects.only("code", "name_vi", "name_en")]


def _sector_choices() -> list[tuple[str, str]]:
    return [(s.code, str(s.name)) for s in Sector.objects.filter(level=1).only("code", "name_vi", "name_en")]


def _center_choices() -> list[tuple[str, str]]:
    return [
        (c.slug, str(c.short_name or c.name))
        for c in Center.objects.filter(is_active=True).only("slug", "short_name", "name_vi", "name_en")
    ]


def _facet_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "kind": [(str(v), str(label)) for v, label in OrganisationKind.choices],
        "province": _province_choices(),
        "sector": _sector_choices(),
        "stage": [(s.code, str(s.name)) for s in Stage.objects.only("code", "order", "name_vi", "name_en")],
        "center": _center_choices(),
    }


def directory_facets(user: Any, filters: DirectoryFilters) -> dict[str, list[FacetOption]]:
    """Options for the filter sidebar with counts; options with no match are kept when selected."""
    counts = organisation_facet_counts(user, filters)
    choices = facet_choices()

    def build(key: str, *, keep_order: bool = False) -> list[FacetOption]:
        selected = set(getattr(filters, key))
        key_counts = counts.get(key, {})
        options = [
            FacetOption(
                value, label, key_counts.get(value, 0), value in selected, f"f-{key}-{slugify(value)}"
            )
            for value, label in choices[key]
            if key_counts.get(value) or value in selected
        ]
        return options if keep_order else _sorted(options)

    return {
        "kind": sorted(build("kind", keep_order=True), key=lambda o: -o.count),
        "province": build("province"),
        "sector": build("sector"),
        "stage": build("stage", keep_order=True),
        "center": build("center"),
    }


def people_filter_options() -> dict[str, list[tuple[str, str]]]:
    """Provinces (alphabetical), sector sections and centers for the people filters; cached per
    language like `facet_choices`."""
    return portal_cache.shared_data("people-options", (), _people_filter_options)


def _people_filter_options() -> dict[str, list[tuple[str, str]]]:
    return {
        "province": sorted(_province_choices(), key=lambda t: sort_key(t[1])),
        "sector": _sector_choices(),
        "center": _center_choices(),
    }


# --- the province map ------------------------------------------------------------------------------

MAP_WIDTH = 560
MAP_PAD = 20
#: bounds of the drawing in degrees: mainland Vietnam plus Hoàng Sa and Trường Sa (and their labels)
LON_MIN, LON_MAX = 101.9, 116.6
LAT_MIN, LAT_MAX = 8.0, 23.6
_COS = math.cos(math.radians((LAT_MIN + LAT_MAX) / 2))
_SCALE = (MAP_WIDTH - 2 * MAP_PAD) / ((LON_MAX - LON_MIN) * _COS)
MAP_HEIGHT = round((LAT_MAX - LAT_MIN) * _SCALE + 2 * MAP_PAD)
#: the two archipelagos drawn on every map of Vietnam (approximate centres)
ARCHIPELAGOS = (
    ("hoang-sa", 111.9, 16.5),
    ("truong-sa", 114.2, 9.9),
)

EAST_SEA_LABEL = (112.6, 13.2)


@dataclass
class ProvinceBubble:
    province: Province
    count: int
    x: float = 0.0
    y: float = 0.0
    r: float = 0.0


@dataclass
class Archipelago:
    key: str
    x: float
    y: float
    dots: list[tuple[float, float, float]]  # (x, y, r): a small cluster standing for the islands


#: offsets (px) and radii of the island dots drawn around an archipelago's centre
_ISLAND_DOTS = ((0, 0, 2.2), (-7, 4, 1.6), (6, 6, 1.4), (2, -6, 1.3), (-4, -3, 1.1))


def _archipelago(key: str, lon: float, lat: float) -> Archipelago:
    x, y = _project(lon, lat)
    return Archipelago(key, x, y, [(round(x + dx, 1), round(y + dy, 1), r) for dx, dy, r in _ISLAND_DOTS])


@dataclass
class ProvinceMap:
    width: int
    height: int
    outline: list[str]
    bubbles: list[ProvinceBubble]
    rows: list[ProvinceBubble]  # every province, for the table
    archipelagos: list[Archipelago]
    total: int
    unplaced: int  # organisations in provinces without coordinates
    max_count: int
    sea_x: float = 0.0
    sea_y: float = 0.0


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular with the mid-latitude cosine: good enough at this scale, and exact to draw."""
    x = MAP_PAD + (lon - LON_MIN) * _COS * _SCALE
    y = MAP_PAD + (LAT_MAX - lat) * _SCALE
    return round(x, 1), round(y, 1)


@cache
def outline_paths() -> tuple[str, ...]:
    """SVG path data of Vietnam's outline (Natural Earth via world-atlas, see the data file)."""
    data = json.loads((Path(__file__).parent / "data" / "vietnam_outline.json").read_text())
    paths = []
    for ring in data["rings"]:
        points = [_project(lon, lat) for lon, lat in ring]
        paths.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return tuple(paths)


def province_map(user: Any, center: Center | None = None, *, max_radius: float = 30.0) -> ProvinceMap:
    """Bubbles sized by the number of visible organisations (area ∝ count). Two queries."""
    counts = dict(
        Organisation.objects.visible_to(user)
        .filter(center_q(center))
        .exclude(province__isnull=True)
        .order_by()
        .values_list("province_id")
        .annotate(n=Count("pk"))
    )
    provinces = list(Province.objects.all())
    max_count = max(counts.values(), default=0)
    rows: list[ProvinceBubble] = []
    bubbles: list[ProvinceBubble] = []
    unplaced = 0
    for province in provinces:
        n = counts.get(province.pk, 0)
        bubble = ProvinceBubble(province=province, count=n)
        rows.append(bubble)
        if not n:
            continue
        if province.latitude is None or province.longitude is None:
            unplaced += n
            continue
        bubble.x, bubble.y = _project(province.longitude, province.latitude)
        bubble.r = round(max(4.0, max_radius * math.sqrt(n / max_count)), 1)
        bubbles.append(bubble)
    rows.sort(key=lambda b: (-b.count, sort_key(b.province.name)))
    bubbles.sort(key=lambda b: -b.r)  # small bubbles drawn last stay clickable
    return ProvinceMap(
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        outline=list(outline_paths()),
        bubbles=bubbles,
        rows=rows,
        archipelagos=[_archipelago(key, lon, lat) for key, lon, lat in ARCHIPELAGOS],
        total=sum(counts.values()),
        unplaced=unplaced,
        max_count=max_count,
        sea_x=_project(*EAST_SEA_LABEL)[0],
        sea_y=_project(*EAST_SEA_LABEL)[1],
    )


# --- the center network ----------------------------------------------------------------------------


@dataclass
class CenterNode:
    center: Center
    depth: int
    own_count: int = 0
    total_count: int = 0
    children: list[CenterNode] = field(default_factory=list)


def center_tree(user: Any, root: Center | None = None) -> list[CenterNode]:
    """Active centers as a tree with the number of visible organisations in each subtree. Two queries."""
    centers = Center.objects.filter(is_active=True).select_related("province").order_by("path")
    if root is not None:
        centers = centers.filter(path__startswith=root.path)
    counts = dict(
        Organisation.objects.visible_to(user)
        .filter(center_q(root))
        .order_by()
        .values_list("center_id")
        .annotate(n=Count("pk"))
    )
    nodes: dict[int, CenterNode] = {}
    roots: list[CenterNode] = []
    for c in centers:
        node = CenterNode(center=c, depth=len(c.ancestor_ids()) - 1, own_count=counts.get(c.pk, 0))
        nodes[c.pk] = node
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent.children if parent else roots).append(node)

    def total(node: CenterNode) -> int:
        node.total_count = node.own_count + sum(total(child) for child in node.children)
        return node.total_count

    for node in roots:
        total(node)
    return roots


# --- change history ----------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: Any
    actor: str
    action: str
    changes: list[tuple[str, str, str]]  # (field label, before, after)


def change_history(obj: Any, limit: int = 20) -> list[HistoryEntry]:
    """django-auditlog entries for `obj`, newest first, with field labels for people to read.

    Callers check "directory.view_history" first; this only reads.
    """
    from auditlog.models import LogEntry

    entries = LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")[:limit]
    meta = obj._meta
    out: list[HistoryEntry] = []
    for entry in entries:
        rows: list[tuple[str, str, str]] = []
        for name, values in (entry.changes_dict or {}).items():
            try:
                label = str(meta.get_field(name).verbose_name)
            except Exception:  # a field that no longer exists keeps its raw name
                label = name
            if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": ..., "objects": [...]}
                objects = ", ".join(str(o) for o in values.get("objects", []))
                before, after = ("", objects) if values.get("operation") == "add" else (objects, "")
            else:
                seq = list(values) + ["", ""]
                before, after = (
                    str(seq[0] if seq[0] not in (None, "None") else ""),
                    str(seq[1] if seq[1] not in (None, "None") else ""),
                )
            rows.append((label, before[:200], after[:200]))
        actor = entry.actor
        out.append(
            HistoryEntry(
                when=entry.timestamp,
                actor=(getattr(actor, "full_name", "") or getattr(actor, "email", "")) if actor else "",
                action=str(entry.get_action_display()),
                changes=rows,
            )
        )
    return out
