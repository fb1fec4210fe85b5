"""/api/v1/taxonomy: the reference data (provinces with the pre-2025 mapping, communes, VSIC sectors,
fields of science, readiness levels, startup stages, countries).

Reads are public and served from the per-process copies in `taxonomy.selectors` (no query once warm).
The lists are small and bounded, so they are returned whole — except communes (about 3,300), which are
paginated and filterable by province. Writes go through `taxonomy.services`, which allows them to
platform administrators only: this is the shared vocabulary of every center, normally loaded from
`taxonomy/data/` by `innohub load_taxonomies`.
"""

# No `from __future__ import annotations` here: the CRUD endpoints are generated in a loop, and ninja
# must see their schema classes as real objects, not as strings to resolve in the module namespace.

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from innohub.core.api.auth import READ_AUTH, WRITE_AUTH, api_user
from innohub.core.api.errors import errors
from innohub.core.api.pagination import PageParams, page_of, paginate
from innohub.core.errors import NotFound, ValidationFailed
from innohub.core.text import fold
from innohub.taxonomy import selectors, services
from innohub.taxonomy.models import (
    Commune,
    Country,
    LegacyProvince,
    Province,
    ReadinessLevel,
    ScienceField,
    Sector,
    Stage,
)

router = Router(tags=["taxonomy"])


# --- schemas ------------------------------------------------------------------------------------


class LegacyRef(Schema):
    code: str
    name: str
    name_vi: str | None = None
    name_en: str | None = None


class ProvinceOut(Schema):
    code: str
    name: str
    name_vi: str | None = None
    name_en: str | None = None
    division_type: str
    codename: str
    region: str
    latitude: float | None = None
    longitude: float | None = None
    legacy_provinces: list[LegacyRef] = Field(
        default_factory=list, description="The pre-2025 provinces merged into this one."
    )

    @staticmethod
    def resolve_legacy_provinces(obj: Any) -> list[Any]:
        return getattr(obj, "legacy_list", None) or list(obj.legacy_provinces.all())


class LegacyProvinceOut(Schema):
    code: str
    name: str
    name_vi: str | None = None
    name_en: str | None = None
    codename: str
    province: str = Field(..., description="Code of the province that absorbed it on 1 July 2025.")

    @staticmethod
    def resolve_province(obj: Any) -> str:
        return obj.province.code


class CommuneOut(Schema):
    code: str
    name: str
    division_type: str
    province: str

    @staticmethod
    def resolve_province(obj: Any) -> str:
        return obj.province.code


class SectorOut(Schema):
    code: str
    level: int
    parent: str | None = None
    isic_code: str
    name: str
    name_vi: str | None = None
    name_en: str | None = None

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class ScienceFieldOut(Schema):
    code: str
    level: int
    parent: str | None = None
    name: str
    name_vi: str | None = None
    name_en: str | None = None

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class ReadinessLevelOut(Schema):
    level: int
    name: str
    name_vi: str | None = None
    name_en: str | None = None
    description: str
    description_vi: str | None = None
    description_en: str | None = None

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.description or ""


class StageOut(Schema):
    code: str
    order: int
    name: str
    name_vi: str | None = None
    name_en: str | None = None
    description: str
    description_vi: str | None = None
    description_en: str | None = None

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.description or ""


class CountryOut(Schema):
    iso2: str
    iso3: str
    numeric: str
    name: str
    name_vi: str | None = None
    name_en: str | None = None


_NAME = Field(..., min_length=1, max_length=128)


class ProvinceIn(Schema):
    code: str = Field(..., min_length=1, max_length=4)
    name_vi: str = _NAME
    name_en: str = Field("", max_length=128)
    division_type: str = Field("", max_length=32)
    codename: str = Field(..., min_length=1, max_length=64, pattern=r"^[-a-z0-9_]+$")
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None


class ProvincePatch(Schema):
    name_vi: str | None = Field(None, min_length=1, max_length=128)
    name_en: str | None = Field(None, max_length=128)
    division_type: str | None = Field(None, max_length=32)
    region: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class LegacyProvinceIn(Schema):
    code: str = Field(..., min_length=1, max_length=4)
    name_vi: str = _NAME
    name_en: str = Field("", max_length=128)
    codename: str = Field(..., min_length=1, max_length=64, pattern=r"^[-a-z0-9_]+$")
    province: str = Field(..., description="Code of the current province.")


class LegacyProvincePatch(Schema):
    name_vi: str | None = Field(None, min_length=1, max_length=128)
    name_en: str | None = Field(None, max_length=128)
    province: str | None = None


class CommuneIn(Schema):
    code: str = Field(..., min_length=1, max_length=8)
    name: str = _NAME
    division_type: str = Field("", max_length=32)
    province: str


class CommunePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=128)
    division_type: str | None = Field(None, max_length=32)
    province: str | None = None


class SectorIn(Schema):
    code: str = Field(..., min_length=1, max_length=8)
    level: int = Field(..., ge=1, le=5)
    parent: str | None = None
    isic_code: str = Field("", max_length=8)
    name_vi: str = Field(..., min_length=1, max_length=255)
    name_en: str = Field("", max_length=255)


class SectorPatch(Schema):
    parent: str | None = None
    isic_code: str | None = Field(None, max_length=8)
    name_vi: str | None = Field(None, min_length=1, max_length=255)
    name_en: str | None = Field(None, max_length=255)


class ScienceFieldIn(Schema):
    code: str = Field(..., min_length=1, max_length=8)
    level: int = Field(1, ge=1, le=5)
    parent: str | None = None
    name_vi: str = Field(..., min_length=1, max_length=255)
    name_en: str = Field("", max_length=255)


class ScienceFieldPatch(Schema):
    parent: str | None = None
    name_vi: str | None = Field(None, min_length=1, max_length=255)
    name_en: str | None = Field(None, max_length=255)


class ReadinessLevelIn(Schema):
    level: int = Field(..., ge=1, le=9)
    name_vi: str = Field(..., min_length=1, max_length=255)
    name_en: str = Field("", max_length=255)
    description_vi: str = ""
    description_en: str = ""


class ReadinessLevelPatch(Schema):
    name_vi: str | None = Field(None, min_length=1, max_length=255)
    name_en: str | None = Field(None, max_length=255)
    description_vi: str | None = None
    description_en: str | None = None


class StageIn(Schema):
    code: str = Field(..., min_length=1, max_length=32, pattern=r"^[-a-z0-9_]+$")
    order: int = Field(0, ge=0)
    name_vi: str = _NAME
    name_en: str = Field("", max_length=128)
    description_vi: str = ""
    description_en: str = ""


class StagePatch(Schema):
    order: int | None = Field(None, ge=0)
    name_vi: str | None = Field(None, min_length=1, max_length=128)
    name_en: str | None = Field(None, max_length=128)
    description_vi: str | None = None
    description_en: str | None = None


class CountryIn(Schema):
    iso2: str = Field(..., min_length=2, max_length=2, pattern=r"^[A-Z]{2}$")
    iso3: str = Field(..., min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")
    numeric: str = Field("", max_length=3)
    name_vi: str = _NAME
    name_en: str = Field("", max_length=128)


class CountryPatch(Schema):
    numeric: str | None = Field(None, max_length=3)
    name_vi: str | None = Field(None, min_length=1, max_length=128)
    name_en: str | None = Field(None, max_length=128)


# --- reads ----------------------------------------------------------------------------------------


def _provinces_with_legacy() -> list[Province]:
    by_province: dict[int, list[LegacyProvince]] = defaultdict(list)
    for lp in selectors.legacy_provinces():
        by_province[lp.province_id].append(lp)
    out = []
    for p in selectors.provinces():
        p.legacy_list = by_province.get(p.pk, [])  # type: ignore[attr-defined]
        out.append(p)
    return out


@router.get(
    "/provinces", response=list[ProvinceOut], auth=READ_AUTH, summary="The 34 provinces (since July 2025)"
)
def list_provinces(request: HttpRequest) -> list[Province]:
    return _provinces_with_legacy()


@router.get(
    "/legacy-provinces",
    response=list[LegacyProvinceOut],
    auth=READ_AUTH,
    summary="The 63 former provinces and the province each became",
)
def list_legacy_provinces(request: HttpRequest) -> list[LegacyProvince]:
    return selectors.legacy_provinces()


class CommuneParams(Schema):
    province: str | None = Field(None, description="Province code (a former code is mapped).")
    q: str | None = Field(None, description="Part of the name, accents optional.")


CommunePage = page_of(CommuneOut, "CommunePage")


@router.get(
    "/communes", response={200: CommunePage, **errors(422)}, auth=READ_AUTH, summary="Communes and wards"
)
def list_communes(
    request: HttpRequest, params: Query[CommuneParams], paging: Query[PageParams]
) -> dict[str, Any]:
    qs = Commune.objects.order_by("province__code", "name", "code")
    if params.province:
        province = selectors.province_by_code(params.province)
        qs = qs.filter(province=province) if province is not None else qs.none()
    if params.q:
        # Commune names are short; folding in Python over one province (or all, ~3,300) is cheap.
        needle = fold(params.q)
        codes = [code for code, name in qs.values_list("code", "name") if needle in fold(name)]
        qs = qs.filter(code__in=codes)
    return paginate(request, qs.select_related("province"), paging)


class LevelParams(Schema):
    level: int | None = Field(None, ge=1, description="Only this level (1 = sections / top fields).")
    parent: str | None = Field(None, description="Only the children of this code.")


@router.get(
    "/sectors", response={200: list[SectorOut], **errors(422)}, auth=READ_AUTH, summary="VSIC sectors"
)
def list_sectors(request: HttpRequest, params: Query[LevelParams]) -> list[Sector]:
    rows = _with_parents(selectors.sectors(params.level), selectors.sectors())
    return [s for s in rows if params.parent is None or (s.parent_id and s.parent.code == params.parent)]


@router.get(
    "/science-fields",
    response={200: list[ScienceFieldOut], **errors(422)},
    auth=READ_AUTH,
    summary="Fields of science and technology",
)
def list_science_fields(request: HttpRequest, params: Query[LevelParams]) -> list[ScienceField]:
    rows = _with_parents(selectors.science_fields(params.level), selectors.science_fields())
    return [f for f in rows if params.parent is None or (f.parent_id and f.parent.code == params.parent)]


def _with_parents(rows: list[Any], every: list[Any]) -> list[Any]:
    """Attach parents from the cached full list, so serialising `parent.code` costs no query."""
    by_pk = {r.pk: r for r in every}
    for r in rows:
        if r.parent_id and r.parent_id in by_pk:
            type(r).parent.field.set_cached_value(r, by_pk[r.parent_id])
    return rows


@router.get(
    "/readiness-levels",
    response=list[ReadinessLevelOut],
    auth=READ_AUTH,
    summary="Technology readiness levels",
)
def list_readiness_levels(request: HttpRequest) -> list[ReadinessLevel]:
    return selectors.readiness_levels()


@router.get("/stages", response=list[StageOut], auth=READ_AUTH, summary="Startup stages")
def list_stages(request: HttpRequest) -> list[Stage]:
    return selectors.stages()


@router.get("/countries", response=list[CountryOut], auth=READ_AUTH, summary="Countries (ISO 3166-1)")
def list_countries(request: HttpRequest) -> list[Country]:
    return selectors.countries()


# --- CRUD per taxonomy ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Taxonomy:
    path: str
    label: str
    model: type[models.Model]
    key: str
    out: type[Schema]
    create: type[Schema]
    patch: type[Schema]
    #: the services writing this taxonomy: (create_x, update_x, delete_x)
    writes: tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]
    #: body field holding a code → (model, lookup field) it refers to
    refs: dict[str, tuple[type[models.Model], str]] = field(default_factory=dict)
    select: tuple[str, ...] = ()


TAXONOMIES = (
    _Taxonomy(
        "provinces",
        "province",
        Province,
        "code",
        ProvinceOut,
        ProvinceIn,
        ProvincePatch,
        writes=(services.create_province, services.update_province, services.delete_province),
    ),
    _Taxonomy(
        "legacy-provinces",
        "former province",
        LegacyProvince,
        "code",
        LegacyProvinceOut,
        LegacyProvinceIn,
        LegacyProvincePatch,
        writes=(
            services.create_legacy_province,
            services.update_legacy_province,
            services.delete_legacy_province,
        ),
        refs={"province": (Province, "code")},
        select=("province",),
    ),
    _Taxonomy(
        "communes",
        "commune",
        Commune,
        "code",
        CommuneOut,
        CommuneIn,
        CommunePatch,
        writes=(services.create_commune, services.update_commune, services.delete_commune),
        refs={"province": (Province, "code")},
        select=("province",),
    ),
    _Taxonomy(
        "sectors",
        "sector",
        Sector,
        "code",
        SectorOut,
        SectorIn,
        SectorPatch,
        writes=(services.create_sector, services.update_sector, services.delete_sector),
        refs={"parent": (Sector, "code")},
        select=("parent",),
    ),
    _Taxonomy(
        "science-fields",
        "science field",
        ScienceField,
        "code",
        ScienceFieldOut,
        ScienceFieldIn,
        ScienceFieldPatch,
        writes=(services.create_science_field, services.update_science_field, services.delete_science_field),
        refs={"parent": (ScienceField, "code")},
        select=("parent",),
    ),
    _Taxonomy(
        "readiness-levels",
        "readiness level",
        ReadinessLevel,
        "level",
        ReadinessLevelOut,
        ReadinessLevelIn,
        ReadinessLevelPatch,
        writes=(
            services.create_readiness_level,
            services.update_readiness_level,
            services.delete_readiness_level,
        ),
    ),
    _Taxonomy(
        "stages",
        "stage",
        Stage,
        "code",
        StageOut,
        StageIn,
        StagePatch,
        writes=(services.create_stage, services.update_stage, services.delete_stage),
    ),
    _Taxonomy(
        "countries",
        "country",
        Country,
        "iso2",
        CountryOut,
        CountryIn,
        CountryPatch,
        writes=(services.create_country, services.update_country, services.delete_country),
    ),
)


def _resolve(tax: _Taxonomy, data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for key, value in data.items():
        if key in tax.refs:
            model, lookup = tax.refs[key]
            target = model._default_manager.filter(**{lookup: value}).first() if value else None
            if value and target is None:
                problems[key] = [_("Unknown code: %(code)s.") % {"code": value}]
            fields[key] = target
        elif value is None:
            continue
        else:
            fields[key] = value
    if problems:
        raise ValidationFailed(fields=problems)
    return fields


def _get(tax: _Taxonomy, key: str) -> models.Model:
    lookup: Any = key
    if tax.key == "level":
        if not key.isdigit():
            raise NotFound()
        lookup = int(key)
    obj = tax.model._default_manager.select_related(*tax.select).filter(**{tax.key: lookup}).first()
    if obj is None:
        raise NotFound()
    if tax.model is Province:
        obj.legacy_list = list(LegacyProvince.objects.filter(province_id=obj.pk))  # type: ignore[attr-defined]
    return obj


def _register(tax: _Taxonomy) -> None:
    base = tax.path.replace("-", "_")
    key_doc = f"/{tax.path}/{{key}}"
    create_service, update_service, delete_service = tax.writes

    def get_term(request: HttpRequest, key: str) -> Any:
        return _get(tax, key)

    def create_term_endpoint(request: HttpRequest, payload: tax.create) -> Any:  # type: ignore
        obj = create_service(actor=api_user(request), **_resolve(tax, payload.dict()))
        return Status(201, _get(tax, str(getattr(obj, tax.key))))

    def update_term_endpoint(request: HttpRequest, key: str, payload: tax.patch) -> Any:  # type: ignore
        obj = _get(tax, key)
        update_service(obj, actor=api_user(request), **_resolve(tax, payload.dict(exclude_unset=True)))
        return _get(tax, key)

    def delete_term_endpoint(request: HttpRequest, key: str) -> Any:
        delete_service(_get(tax, key), actor=api_user(request))
        return Status(204, None)

    endpoints: list[tuple[Callable[..., Any], str, str, dict[int, Any], Any, str]] = [
        (get_term, "get", key_doc, {200: tax.out, **errors(404)}, READ_AUTH, f"One {tax.label}"),
        (
            create_term_endpoint,
            "post",
            f"/{tax.path}",
            {201: tax.out, **errors(401, 403, 422)},
            WRITE_AUTH,
            f"Add a {tax.label} (platform administrators)",
        ),
        (
            update_term_endpoint,
            "patch",
            key_doc,
            {200: tax.out, **errors(401, 403, 404, 422)},
            WRITE_AUTH,
            f"Change a {tax.label} (platform administrators)",
        ),
        (
            delete_term_endpoint,
            "delete",
            key_doc,
            {204: None, **errors(401, 403, 404, 409)},
            WRITE_AUTH,
            f"Delete an unused {tax.label} (platform administrators)",
        ),
    ]
    singular = base[:-3] + "y" if base.endswith("ies") else base.removesuffix("s")
    for view, method, path, response, auth, summary in endpoints:
        name = f"{view.__name__.split('_')[0]}_{singular}"  # get_province, create_province, …
        view.__name__ = view.__qualname__ = name
        router.add_api_operation(
            path, [method.upper()], view, response=response, auth=auth, summary=summary, operation_id=name
        )


for _tax in TAXONOMIES:
    _register(_tax)
