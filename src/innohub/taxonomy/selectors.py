"""Reads of the reference taxonomies.

Taxonomies are small and change only when an operator reloads or edits them, while importers look
provinces and sectors up once per row. The lookups therefore keep a per-process copy for a few minutes
(`CACHE_SECONDS`); saving or deleting a taxonomy row, running the loader and `migrate`/`flush` clear it
in this process, and other processes pick the change up when their copy expires. Returned objects are
shared between callers: treat them as read-only.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet

from innohub.core.text import fold

from .loader import read_data
from .models import Commune, Country, LegacyProvince, Province, ReadinessLevel, ScienceField, Sector, Stage

CACHE_SECONDS = 300.0

T = TypeVar("T")
_cache: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget the per-process copies (called on save/delete, after loading, after migrate/flush)."""
    with _lock:
        _cache.clear()


def _cached(key: str, build: Callable[[], T]) -> T:
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]  # type: ignore[no-any-return]
    value = build()
    with _lock:
        _cache[key] = (now + CACHE_SECONDS, value)
    return value


# --- provinces -------------------------------------------------------------------------------------


def provinces() -> list[Province]:
    """The 34 provinces/centrally-run cities, ordered by code."""
    return _cached("provinces", lambda: list(Province.objects.order_by("code")))


def legacy_provinces() -> list[LegacyProvince]:
    """The 63 former provinces, ordered by code, each with its new province loaded."""
    return _cached(
        "legacy_provinces", lambda: list(LegacyProvince.objects.select_related("province").order_by("code"))
    )


def _normalise_code(code: str | int | None) -> str:
    value = str(code if code is not None else "").strip()
    return value.zfill(2) if value.isdigit() else value.upper()


def _province_index() -> dict[str, Province]:
    """New codes first; a former code maps to the province that absorbed it.

    Codes never clash: a former code that equals a new code (e.g. "01" Hà Nội, "24" Bắc Giang → Bắc
    Ninh) always maps to that same new province under Resolution 202/2025/QH15.
    """
    by_pk = {p.pk: p for p in provinces()}
    index = {lp.code: by_pk[lp.province_id] for lp in legacy_provinces() if lp.province_id in by_pk}
    index.update({p.code: p for p in by_pk.values()})
    return index


def province_by_code(code: str | int | None) -> Province | None:
    """The province (since July 2025) for a new code or a former (pre-2025) code; None if unknown.

    Accepts "1", 1 or "01". Importers use it so that data keyed by the old 63 codes lands in the right
    new province.
    """
    key = _normalise_code(code)
    if not key:
        return None
    return _cached("province_index", _province_index).get(key)


def legacy_province_by_code(code: str | int | None) -> LegacyProvince | None:
    key = _normalise_code(code)
    return next((lp for lp in legacy_provinces() if lp.code == key), None) if key else None


_PREFIXES = re.compile(r"^(tinh|thanh pho|tp\.?|t\.p\.?|province of|city of)\s+")
_SUFFIXES = re.compile(r"\s+(province|city)$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _name_key(name: str) -> str:
    """'Tỉnh Bà Rịa – Vũng Tàu' and 'ba ria vung tau' both become 'bariavungtau'."""
    folded = fold(name)
    folded = _PREFIXES.sub("", folded)
    folded = _SUFFIXES.sub("", folded)
    return _NON_ALNUM.sub("", folded)


def _name_index() -> dict[str, Province]:
    by_code = {p.code: p for p in provinces()}
    index: dict[str, Province] = {}
    for row in read_data("legacy_provinces"):
        target = by_code.get(row["province"])
        if target is None:
            continue
        for name in (row["name_vi"], row["name_en"], *row.get("aliases", [])):
            index.setdefault(_name_key(name), target)
    for p in by_code.values():
        for name in (p.name_vi, p.name_en):
            if name:
                index[_name_key(name)] = p
    return index


def province_by_name(name: str | None) -> Province | None:
    """The province for a current or former province name, in Vietnamese or English, with or without
    accents and "Tỉnh"/"Thành phố"/"TP" prefixes ("Bình Dương" → Thành phố Hồ Chí Minh)."""
    key = _name_key(name or "")
    if not key:
        return None
    return _cached("province_names", _name_index).get(key)


def communes_of(province: Province | int) -> QuerySet[Commune]:
    """Communes/wards of one province, ordered by name."""
    province_id = province.pk if isinstance(province, Province) else province
    return Commune.objects.filter(province_id=province_id).order_by("name")


# --- sectors, fields, levels, stages, countries ----------------------------------------------------


def sectors(level: int | None = None) -> list[Sector]:
    """VSIC sections (level 1) and divisions (level 2), ordered by code; one level if given."""
    rows = _cached("sectors", lambda: list(Sector.objects.order_by("level", "code")))
    return [s for s in rows if level is None or s.level == level]


_SECTOR_CODE = re.compile(r"^([A-U])?\s*-?\s*(\d{1,5})?$")


def sector_by_code(code: str | int | None) -> Sector | None:
    """A VSIC 2018 section ("C") or division ("62"); deeper VSIC codes ("6201", "62010", "C6201")
    resolve to their division, since only levels 1–2 are stored."""
    match = _SECTOR_CODE.match(str(code if code is not None else "").strip().upper())
    if match is None or not any(match.groups()):
        return None
    section, digits = match.groups()
    index = _cached("sector_index", lambda: {s.code: s for s in sectors()})
    if digits:
        key = digits.zfill(2) if len(digits) < 2 else digits[:2]
        return index.get(key)
    return index.get(section)


def science_fields(level: int | None = None) -> list[ScienceField]:
    rows = _cached("science_fields", lambda: list(ScienceField.objects.order_by("level", "code")))
    return [f for f in rows if level is None or f.level == level]


def science_field_by_code(code: str | int | None) -> ScienceField | None:
    key = str(code if code is not None else "").strip()
    return next((f for f in science_fields() if f.code == key), None) if key else None


def readiness_levels() -> list[ReadinessLevel]:
    return _cached("readiness_levels", lambda: list(ReadinessLevel.objects.order_by("level")))


def readiness_level(level: int | str | None) -> ReadinessLevel | None:
    """TRL by number (1–9); accepts "TRL 4" and "4"."""
    digits = re.sub(r"\D", "", str(level if level is not None else ""))
    return next((r for r in readiness_levels() if str(r.level) == digits), None) if digits else None


def stages() -> list[Stage]:
    """Startup stages in order (idea → mature)."""
    return _cached("stages", lambda: list(Stage.objects.order_by("order")))


def stage_by_code(code: str | None) -> Stage | None:
    key = (code or "").strip().lower()
    return next((s for s in stages() if s.code == key), None) if key else None


def countries() -> list[Country]:
    return _cached("countries", lambda: list(Country.objects.order_by("iso2")))


def country_by_code(code: str | None) -> Country | None:
    """By ISO 3166-1 alpha-2 ("VN") or alpha-3 ("VNM"), any case."""
    key = (code or "").strip().upper()
    if len(key) not in (2, 3):
        return None
    index = _cached("country_index", lambda: {k: c for c in countries() for k in (c.iso2, c.iso3)})
    return index.get(key)
