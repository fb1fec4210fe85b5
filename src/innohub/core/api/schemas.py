"""Small output schemas shared by several routers.

Output schemas are plain pydantic models (`Out`), not ninja `Schema`s: ninja wraps every object it
validates in a getter proxy with per-field resolver lookups, which costs more than the whole database
work of a 20-row list page. Lists build plain dicts (from `.values()` rows) and let pydantic-core
check them; `from_attributes` still lets a model instance be validated where convenient.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TermOut(Out):
    """A reference term (province, sector, stage, …): `name` follows the request language."""

    code: str
    name: str
    name_vi: str | None = None
    name_en: str | None = None


class CountryRef(Out):
    iso2: str
    name: str


class CenterRef(Out):
    slug: str
    name: str


class OrganisationRef(Out):
    uuid: UUID
    slug: str
    name: str
