"""Which models are searchable, and how their index is named and weighted.

A searchable model keeps its own folded `search_text` (and a folded title in `name_key`) current; the
database keeps the index in sync by itself (SQLite triggers, a PostgreSQL generated column), so bulk
writers that bypass Python stay searchable. A new searchable model registers a `SearchSpec` here (in
its AppConfig.ready()) and installs its index in a migration with `schema.install_index()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class SearchSpec:
    #: "app_label.ModelName"
    label: str
    #: name of the index objects: the FTS5 table on SQLite, the index/trigger prefix on PostgreSQL
    index: str
    #: indexed columns, most important first; each must hold folded text
    columns: tuple[str, ...] = ("name_key", "search_text")
    #: BM25 weight per column (SQLite); PostgreSQL maps the columns to weight classes A, B, C, D
    weights: tuple[float, ...] = (10.0, 1.0)
    #: tie-break after relevance, and the order of results that are not ranked
    title_field: str = "name"

    @property
    def model(self) -> Any:
        return apps.get_model(self.label)

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def pk_column(self) -> str:
        return str(self.model._meta.pk.column)


_REGISTRY: dict[str, SearchSpec] = {}


def register(spec: SearchSpec) -> SearchSpec:
    _REGISTRY[spec.label.lower()] = spec
    return spec


def spec_for(model: Any) -> SearchSpec | None:
    label = model._meta.label_lower
    spec = _REGISTRY.get(label)
    if spec is None:
        concrete = model._meta.concrete_model
        if concrete is not None and concrete is not model:
            spec = _REGISTRY.get(concrete._meta.label_lower)
    return spec


def registered() -> list[SearchSpec]:
    return list(_REGISTRY.values())


ORGANISATION = register(
    SearchSpec(label="directory.Organisation", index="search_directory_organisation", title_field="name")
)
PERSON = register(
    SearchSpec(label="directory.Person", index="search_directory_person", title_field="full_name")
)
