"""Load the reference taxonomies shipped in ``data/`` into the database.

The JSON files in ``data/`` are the source of truth; communes/wards come from the offline data of the
``vietnam-provinces`` package and countries from ``pycountry`` (with the overrides in
``data/countries.json``). Loading is an upsert keyed by each taxonomy's natural code, so running it
again only writes what changed; rows that are no longer in the data are kept, because organisations and
people may still point at them.

The loader works on whatever model classes it is given (``apps``): the data migration passes the
historical models, ``load_taxonomies`` the real ones. It only writes fields that the given model has,
so an old migration keeps working after a field is added. When you add a field that the data fills,
add a migration that runs ``load_all`` again.
"""

from __future__ import annotations

import importlib.resources
import json
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import pycountry
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Model, QuerySet
from django.utils import translation

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH_SIZE = 500
TAXONOMIES = (
    "provinces",
    "legacy_provinces",
    "communes",
    "sectors",
    "science_fields",
    "readiness_levels",
    "stages",
    "countries",
)


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...


@cache
def read_data(name: str) -> list[dict[str, Any]]:
    """Rows of ``data/<name>.json`` (the list stored under the key ``name``)."""
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as fh:
        return list(json.load(fh)[name])


def read_wards() -> list[dict[str, Any]]:
    """Provinces with their wards, as shipped by the vietnam-provinces package (no network)."""
    resource = importlib.resources.files("vietnam_provinces") / "data" / "nested-divisions.json"
    return list(json.loads(resource.read_text(encoding="utf-8")))


def province_code(value: int | str) -> str:
    """Official province codes are two digits ("01"); the package stores them as integers."""
    return f"{int(value):02d}"


def commune_code(value: int | str) -> str:
    """Official commune/ward codes are five digits ("00004")."""
    return f"{int(value):05d}"


# --- rows ------------------------------------------------------------------------------------------


def _translated(row: dict[str, Any], field: str) -> dict[str, Any]:
    """`field` (the column modeltranslation reads as the default language), `field_vi`, `field_en`."""
    vi = row.get(f"{field}_vi") or row.get(f"{field}_en") or ""
    en = row.get(f"{field}_en") or vi
    return {field: vi, f"{field}_vi": vi, f"{field}_en": en}


def province_rows() -> list[dict[str, Any]]:
    keys = ("code", "division_type", "codename", "region", "latitude", "longitude")
    return [{**{k: r[k] for k in keys}, **_translated(r, "name")} for r in read_data("provinces")]


def legacy_province_rows(province_ids: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "code": r["code"],
            "codename": r["codename"],
            "province_id": province_ids[r["province"]],
            **_translated(r, "name"),
        }
        for r in read_data("legacy_provinces")
    ]


def commune_rows(province_ids: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    for province in read_wards():
        province_id = province_ids[province_code(province["code"])]
        for ward in province["wards"]:
            rows.append(
                {
                    "code": commune_code(ward["code"]),
                    "name": ward["name"],
                    "division_type": ward.get("division_type", ""),
                    "province_id": province_id,
                }
            )
    return rows


def country_rows() -> list[dict[str, Any]]:
    overrides = {r["iso2"]: r for r in read_data("countries")}
    rows = []
    for country in pycountry.countries:
        extra = overrides.get(country.alpha_2, {})
        english = extra.get("name_en") or getattr(country, "common_name", None) or country.name
        rows.append(
            {
                "iso2": country.alpha_2,
                "iso3": country.alpha_3,
                "numeric": country.numeric,
                **_translated({"name_vi": extra.get("name_vi") or english, "name_en": english}, "name"),
            }
        )
    return rows


# --- upsert ----------------------------------------------------------------------------------------


def _upsert(model: type[Model], rows: Iterable[dict[str, Any]], key: str, using: str) -> tuple[int, int]:
    """Create missing rows and update changed ones, in bulk; returns (created, updated).

    A plain QuerySet is used on purpose: modeltranslation's manager would rewrite ``name`` into
    ``name_<active language>`` and compare the wrong column.
    """
    columns = {f.attname for f in model._meta.concrete_fields if not f.primary_key}
    pk_name = model._meta.pk.attname
    queryset: QuerySet[Any] = QuerySet(model=model, using=using)
    wanted = [{k: v for k, v in row.items() if k in columns} for row in rows]
    present = sorted({k for row in wanted for k in row})
    existing = {row[key]: row for row in queryset.values(pk_name, *present)}

    to_create: list[Model] = []
    to_update: list[Model] = []
    changed: set[str] = set()
    for values in wanted:
        current = existing.get(values[key])
        if current is None:
            to_create.append(model(**values))
            continue
        diff = [k for k, v in values.items() if current.get(k) != v]
        if diff:
            changed.update(diff)
            to_update.append(model(**{pk_name: current[pk_name], **values}))
    if to_create:
        queryset.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        # Every column that changed anywhere is written for every changed row; the values are whole rows.
        queryset.bulk_update(to_update, sorted(changed), batch_size=BATCH_SIZE)
    return len(to_create), len(to_update)


def _ids(model: type[Model], key: str, using: str) -> dict[str, int]:
    return dict(QuerySet(model=model, using=using).values_list(key, model._meta.pk.attname))


def _load_tree(model: type[Model], rows: list[dict[str, Any]], using: str) -> tuple[int, int]:
    """Two-level code lists (sectors, fields of science): parents first, then children with parent_id."""
    created = updated = 0
    for level in sorted({r["level"] for r in rows}):
        ids = _ids(model, "code", using)
        level_rows = []
        for r in rows:
            if r["level"] != level:
                continue
            row = {k: v for k, v in r.items() if k not in ("parent", "name_vi", "name_en")}
            row["parent_id"] = ids[r["parent"]] if r.get("parent") else None
            level_rows.append({**row, **_translated(r, "name")})
        c, u = _upsert(model, level_rows, "code", using)
        created, updated = created + c, updated + u
    return created, updated


# --- entry point -----------------------------------------------------------------------------------


def load_all(
    stdout: Writer | None = None,
    *,
    apps: Any = None,
    using: str = DEFAULT_DB_ALIAS,
    communes: bool = True,
) -> dict[str, int]:
    """Upsert every taxonomy; returns the number of rows in the shipped data per taxonomy.

    `apps` is a model registry (the migration's historical apps, or Django's); `communes=False` skips
    the ~3,300 communes/wards.
    """
    registry = apps or global_apps

    def model(name: str) -> type[Model]:
        return registry.get_model("taxonomy", name)

    counts: dict[str, int] = {}
    report: list[str] = []

    def step(label: str, loader: Callable[[], tuple[int, int, int]]) -> None:
        started = time.perf_counter()
        total, created, updated = loader()
        counts[label] = total
        report.append(
            f"{label}: {total} ({created} created, {updated} updated) in {time.perf_counter() - started:.2f}s"
        )

    def provinces() -> tuple[int, int, int]:
        rows = province_rows()
        return len(rows), *_upsert(model("Province"), rows, "code", using)

    def legacy() -> tuple[int, int, int]:
        rows = legacy_province_rows(_ids(model("Province"), "code", using))
        return len(rows), *_upsert(model("LegacyProvince"), rows, "code", using)

    def wards() -> tuple[int, int, int]:
        rows = commune_rows(_ids(model("Province"), "code", using))
        return len(rows), *_upsert(model("Commune"), rows, "code", using)

    def tree(name: str, model_name: str) -> Callable[[], tuple[int, int, int]]:
        def run() -> tuple[int, int, int]:
            rows = read_data(name)
            return len(rows), *_load_tree(model(model_name), rows, using)

        return run

    def readiness() -> tuple[int, int, int]:
        rows = [
            {"level": r["level"], **_translated(r, "name"), **_translated(r, "description")}
            for r in read_data("readiness_levels")
        ]
        return len(rows), *_upsert(model("ReadinessLevel"), rows, "level", using)

    def stages() -> tuple[int, int, int]:
        rows = [
            {
                "code": r["code"],
                "order": r["order"],
                **_translated(r, "name"),
                **_translated(r, "description"),
            }
            for r in read_data("stages")
        ]
        return len(rows), *_upsert(model("Stage"), rows, "code", using)

    def countries() -> tuple[int, int, int]:
        rows = country_rows()
        return len(rows), *_upsert(model("Country"), rows, "iso2", using)

    # The default language decides what modeltranslation's `name` descriptor reads and writes.
    with translation.override("vi"), transaction.atomic(using=using):
        step("provinces", provinces)
        step("legacy_provinces", legacy)
        if communes:
            step("communes", wards)
        step("sectors", tree("sectors", "Sector"))
        step("science_fields", tree("science_fields", "ScienceField"))
        step("readiness_levels", readiness)
        step("stages", stages)
        step("countries", countries)

    from .selectors import clear_cache

    transaction.on_commit(clear_cache, using=using)
    clear_cache()
    if stdout is not None:
        for line in report:
            stdout.write(line + "\n")
    return counts
