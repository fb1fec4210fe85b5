"""One filter definition for the directory, shared by the HTML list pages and the API (NetBox's
filtersets): parse once from query parameters, apply once to a queryset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Q, QuerySet

MULTI_KEYS = ("kind", "sector", "province", "stage", "center", "tag", "visibility")


def _as_list(data: Mapping[str, Any], key: str) -> list[str]:
    if hasattr(data, "getlist"):
        values = data.getlist(key)
    else:
        raw = data.get(key)
        values = raw if isinstance(raw, (list, tuple)) else ([raw] if raw not in (None, "") else [])
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in str(v).split(",") if p.strip())
    return out


@dataclass
class DirectoryFilters:
    q: str = ""
    kind: list[str] = field(default_factory=list)  # OrganisationKind values
    sector: list[str] = field(default_factory=list)  # VSIC codes (a section letter includes its divisions)
    province: list[str] = field(default_factory=list)  # province codes; former (pre-2025) codes are mapped
    stage: list[str] = field(default_factory=list)  # Stage codes
    center: list[str] = field(default_factory=list)  # Center slugs (a center includes the centers below it)
    tag: list[str] = field(default_factory=list)  # Tag slugs
    visibility: list[str] = field(default_factory=list)
    founded_from: int | None = None
    founded_to: int | None = None

    @classmethod
    def from_querydict(cls, data: Mapping[str, Any]) -> DirectoryFilters:
        kwargs: dict[str, Any] = {"q": str(data.get("q") or "").strip()[:200]}
        for key in MULTI_KEYS:
            kwargs[key] = _as_list(data, key)[:50]
        for key in ("founded_from", "founded_to"):
            raw = data.get(key)
            try:
                kwargs[key] = int(str(raw)) if raw not in (None, "") else None
            except (TypeError, ValueError):
                kwargs[key] = None
        return cls(**kwargs)

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def as_params(self) -> dict[str, Any]:
        """Back to query parameters (for pagination links and exports)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, "", []):
                out[f.name] = value
        return out

    # --- applying ------------------------------------------------------------------------------

    def province_q(self, prefix: str = "") -> Q:
        codes = self.province
        return Q(**{f"{prefix}province__code__in": codes}) | Q(
            **{f"{prefix}province__legacy_provinces__code__in": codes}
        )

    def apply_structured(self, qs: QuerySet[Any], *, is_org: bool = True) -> QuerySet[Any]:
        """Every filter except the text query (the search backend applies that)."""
        if self.kind and is_org:
            qs = qs.filter(kind__in=self.kind)
        # Sector and province codes are resolved to ids in their own small tables first: an OR across
        # the joined rows would make the database scan every record (100k rows: ~0.1–0.4 s).
        if self.sector:
            from innohub.taxonomy.models import Sector

            sectors = Sector.objects.filter(Q(code__in=self.sector) | Q(parent__code__in=self.sector))
            m2m = qs.model._meta.get_field("sectors")
            through = m2m.remote_field.through.objects.filter(sector__in=sectors.values("pk"))
            qs = qs.filter(pk__in=through.values(m2m.m2m_field_name()))
        if self.province:
            from innohub.taxonomy.models import Province

            provinces = Province.objects.filter(
                Q(code__in=self.province) | Q(legacy_provinces__code__in=self.province)
            )
            qs = qs.filter(pk__in=qs.model.objects.filter(province__in=provinces.values("pk")).values("pk"))
        if self.stage and is_org:
            qs = qs.filter(stage__code__in=self.stage)
        if self.center:
            from innohub.centers.models import Center

            paths = list(Center.objects.filter(slug__in=self.center).values_list("path", flat=True))
            center_q = Q()
            for path in paths:
                center_q |= Q(center__path__startswith=path)
            qs = qs.filter(center_q) if paths else qs.none()
        if self.tag:
            qs = qs.filter(pk__in=qs.model.objects.filter(tags__slug__in=self.tag).values("pk"))
        if self.visibility:
            qs = qs.filter(visibility__in=self.visibility)
        if is_org and self.founded_from is not None:
            qs = qs.filter(founded_year__gte=self.founded_from)
        if is_org and self.founded_to is not None:
            qs = qs.filter(founded_year__lte=self.founded_to)
        return qs
