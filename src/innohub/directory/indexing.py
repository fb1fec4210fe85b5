"""Denormalised text kept on each directory record for search and duplicate detection."""

from __future__ import annotations

from typing import Any

from innohub.core.text import fold, normalise_name


def organisation_search_text(
    org: Any, *, sector_names: list[str] | None = None, tag_names: list[str] | None = None
) -> str:
    parts = [
        org.name_vi or org.name,
        org.name_en or "",
        org.short_name,
        org.tax_code,
        org.get_kind_display(),
        org.province.name_vi if org.province_id and org.province else "",
        " ".join(sector_names or []),
        " ".join(tag_names or []),
        (org.description_vi or "")[:2000],
        (org.description_en or "")[:2000],
    ]
    return fold(" ".join(p for p in parts if p))


def person_search_text(person: Any, *, tag_names: list[str] | None = None) -> str:
    parts = [
        person.full_name,
        person.title,
        person.organisation.name if person.organisation_id and person.organisation else "",
        " ".join(tag_names or []),
        (person.bio_vi or "")[:2000],
        (person.bio_en or "")[:2000],
    ]
    return fold(" ".join(p for p in parts if p))


def organisation_name_key(name: str) -> str:
    return normalise_name(name)
