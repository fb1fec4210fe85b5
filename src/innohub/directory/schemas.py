"""API schemas of the directory. References to other records travel as codes and slugs, never as
internal integer ids: province and sector codes, center slugs, organisation slugs or UUIDs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from innohub.core.api.schemas import CenterRef, CountryRef, OrganisationRef, Out, TermOut
from innohub.core.models import Visibility, choice_label
from innohub.directory.models import (
    Organisation,
    OrganisationKind,
    Person,
    PersonRelationKind,
    RelationKind,
)

MAX_LIST = 50


def _check_url(value: str | None) -> str | None:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise ValueError(_("Enter a valid URL starting with http:// or https://.")) from None
    return value


def _check_email(value: str | None) -> str | None:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(_("Enter a valid email address.")) from None
    return value


# --- output --------------------------------------------------------------------------------------
# Lists are built from `.values()` rows (no model instances) and details from one loaded instance, by
# the serialisers below; the schemas document and check the result (see core/api/schemas.py for why).


class ReadinessOut(Out):
    level: int
    name: str


class PermissionsOut(Out):
    change: bool
    delete: bool


class OrganisationOut(Out):
    """An organisation in a list."""

    uuid: UUID
    slug: str
    kind: str
    kind_label: str
    name: str
    name_vi: str | None = None
    name_en: str | None = None
    short_name: str
    center: CenterRef
    province: TermOut | None = None
    stage: TermOut | None = None
    tags: list[str]
    visibility: str
    founded_year: int | None = None
    website: str
    updated_at: datetime
    version: int


class OrganisationDetailOut(OrganisationOut):
    description: str
    description_vi: str | None = None
    description_en: str | None = None
    legacy_province: TermOut | None = None
    commune: TermOut | None = None
    country: CountryRef | None = None
    address: str
    sectors: list[TermOut]
    science_fields: list[TermOut]
    readiness_level: ReadinessOut | None = None
    team_size: int | None = None
    funding_raised_vnd: int | None = None
    tax_code: str
    email: str
    phone: str
    social_links: dict[str, Any]
    created_at: datetime
    permissions: PermissionsOut = Field(..., description="What the caller may do with this record.")


class PersonOut(Out):
    uuid: UUID
    slug: str
    full_name: str
    title: str
    organisation: OrganisationRef | None = None
    center: CenterRef
    province: TermOut | None = None
    country: CountryRef | None = None
    is_overseas_vietnamese: bool
    linkedin: str
    tags: list[str]
    visibility: str
    updated_at: datetime
    version: int


class PersonDetailOut(PersonOut):
    bio: str
    bio_vi: str | None = None
    bio_en: str | None = None
    sectors: list[TermOut]
    science_fields: list[TermOut]
    email: str | None = Field(None, description="Only for callers who may edit this profile.")
    phone: str | None = Field(None, description="Only for callers who may edit this profile.")
    personal_id: str | None = Field(None, description="Only for callers who may edit this profile.")
    created_at: datetime
    permissions: PermissionsOut


class RelationOut(Out):
    id: int
    kind: str
    kind_label: str
    direction: str = Field(..., description="“out”: this organisation → other; “in”: other → this one.")
    other: OrganisationRef
    since_year: int | None = None
    note: str


class PersonRefOut(Out):
    uuid: UUID
    slug: str
    full_name: str
    title: str


class PersonRelationOut(Out):
    """A person's tie to an organisation: mentor of, adviser of, founder of, investor in."""

    id: int
    kind: str
    kind_label: str
    person: PersonRefOut
    organisation: OrganisationRef
    since_year: int | None = None
    until_year: int | None = Field(None, description="Empty while the relation lasts.")
    current: bool = Field(..., description="Not ended before this year.")
    note: str


class ClaimOut(Out):
    id: int
    organisation: OrganisationRef
    status: str
    message: str
    created_at: datetime


# --- serialisers -----------------------------------------------------------------------------------


def _languages() -> tuple[str, ...]:
    """The request language first, then modeltranslation's fallbacks (vi, en)."""
    current = (get_language() or "vi").split("-")[0]
    return (
        (current, "vi", "en") if current not in ("vi", "en") else (current, "en" if current == "vi" else "vi")
    )


def _pick(row: Mapping[str, Any], prefix: str, languages: tuple[str, ...]) -> str:
    for code in languages:
        value = row.get(f"{prefix}_{code}")
        if value:
            return str(value)
    return ""


def kind_label(kind: str) -> str:
    return choice_label(OrganisationKind, kind)


def relation_label(kind: str) -> str:
    return choice_label(RelationKind, kind)


def person_relation_label(kind: str) -> str:
    return choice_label(PersonRelationKind, kind)


def person_relation_out(rel: Any, *, year: int) -> dict[str, Any]:
    person, org = rel.person, rel.organisation
    return {
        "id": rel.pk,
        "kind": rel.kind,
        "kind_label": person_relation_label(rel.kind),
        "person": {
            "uuid": person.uuid,
            "slug": person.slug,
            "full_name": person.full_name,
            "title": person.title,
        },
        "organisation": _org_ref(org),
        "since_year": rel.since_year,
        "until_year": rel.until_year,
        "current": rel.until_year is None or rel.until_year >= year,
        "note": rel.note,
    }


def _row_term(row: Mapping[str, Any], prefix: str, languages: tuple[str, ...]) -> dict[str, Any] | None:
    code = row[f"{prefix}__code"]
    if code is None:
        return None
    return {
        "code": code,
        "name": _pick(row, f"{prefix}__name", languages),
        "name_vi": row[f"{prefix}__name_vi"],
        "name_en": row[f"{prefix}__name_en"],
    }


def _tags_by_owner(through: Any, owner_field: str, pks: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if pks:
        rows = (
            through.objects.filter(**{f"{owner_field}__in": pks})
            .order_by("tag__name")
            .values_list(owner_field, "tag__name")
        )
        for owner_id, name in rows:
            out.setdefault(owner_id, []).append(name)
    return out


def _term_columns(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}__code", f"{prefix}__name_vi", f"{prefix}__name_en")


ORGANISATION_COLUMNS = (
    "pk",
    "uuid",
    "slug",
    "kind",
    "name_vi",
    "name_en",
    "short_name",
    "visibility",
    "founded_year",
    "website",
    "updated_at",
    "version",
    "center__slug",
    "center__name_vi",
    "center__name_en",
    *_term_columns("province"),
    *_term_columns("stage"),
)


def organisation_rows(page: QuerySet[Any]) -> list[dict[str, Any]]:
    """One page of organisations as list items: one query for the rows, one for their tags."""
    rows = list(page.prefetch_related(None).values(*ORGANISATION_COLUMNS))
    tags = _tags_by_owner(Organisation.tags.through, "organisation_id", [r["pk"] for r in rows])
    languages = _languages()
    return [
        {
            "uuid": r["uuid"],
            "slug": r["slug"],
            "kind": r["kind"],
            "kind_label": kind_label(r["kind"]),
            "name": _pick(r, "name", languages),
            "name_vi": r["name_vi"],
            "name_en": r["name_en"],
            "short_name": r["short_name"],
            "center": {"slug": r["center__slug"], "name": _pick(r, "center__name", languages)},
            "province": _row_term(r, "province", languages),
            "stage": _row_term(r, "stage", languages),
            "tags": tags.get(r["pk"], []),
            "visibility": r["visibility"],
            "founded_year": r["founded_year"],
            "website": r["website"],
            "updated_at": r["updated_at"],
            "version": r["version"],
        }
        for r in rows
    ]


def _term(obj: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {
        "code": obj.code,
        "name": obj.name,
        "name_vi": getattr(obj, "name_vi", None),
        "name_en": getattr(obj, "name_en", None),
    }


def _org_ref(org: Any) -> dict[str, Any] | None:
    return None if org is None else {"uuid": org.uuid, "slug": org.slug, "name": org.name}


def _country(country: Any) -> dict[str, Any] | None:
    return None if country is None else {"iso2": country.iso2, "name": country.name}


def organisation_detail(org: Organisation, permissions: dict[str, bool]) -> dict[str, Any]:
    """One loaded organisation (selectors.get_organisation_for) with everything about it."""
    return {
        "uuid": org.uuid,
        "slug": org.slug,
        "kind": org.kind,
        "kind_label": kind_label(org.kind),
        "name": org.name,
        "name_vi": getattr(org, "name_vi", None),
        "name_en": getattr(org, "name_en", None),
        "short_name": org.short_name,
        "center": {"slug": org.center.slug, "name": org.center.name},
        "province": _term(org.province),
        "stage": _term(org.stage),
        "tags": sorted(t.name for t in org.tags.all()),
        "visibility": org.visibility,
        "founded_year": org.founded_year,
        "website": org.website,
        "updated_at": org.updated_at,
        "version": org.version,
        "description": org.description or "",
        "description_vi": getattr(org, "description_vi", None),
        "description_en": getattr(org, "description_en", None),
        "legacy_province": _term(org.legacy_province),
        "commune": _term(org.commune),
        "country": _country(org.country),
        "address": org.address,
        "sectors": [_term(s) for s in org.sectors.all()],
        "science_fields": [_term(f) for f in org.science_fields.all()],
        "readiness_level": (
            {"level": org.readiness_level.level, "name": org.readiness_level.name}
            if org.readiness_level is not None
            else None
        ),
        "team_size": org.team_size,
        "funding_raised_vnd": int(org.funding_raised_vnd) if org.funding_raised_vnd is not None else None,
        "tax_code": org.tax_code,
        "email": org.email,
        "phone": org.phone,
        "social_links": org.social_links or {},
        "created_at": org.created_at,
        "permissions": permissions,
    }


PERSON_COLUMNS = (
    "pk",
    "uuid",
    "slug",
    "full_name",
    "title",
    "organisation__uuid",
    "organisation__slug",
    "organisation__name_vi",
    "organisation__name_en",
    "center__slug",
    "center__name_vi",
    "center__name_en",
    *_term_columns("province"),
    "country__iso2",
    "country__name_vi",
    "country__name_en",
    "is_overseas_vietnamese",
    "linkedin",
    "visibility",
    "updated_at",
    "version",
)


def person_rows(page: QuerySet[Any]) -> list[dict[str, Any]]:
    rows = list(page.prefetch_related(None).values(*PERSON_COLUMNS))
    tags = _tags_by_owner(Person.tags.through, "person_id", [r["pk"] for r in rows])
    languages = _languages()
    return [
        {
            "uuid": r["uuid"],
            "slug": r["slug"],
            "full_name": r["full_name"],
            "title": r["title"],
            "organisation": (
                {
                    "uuid": r["organisation__uuid"],
                    "slug": r["organisation__slug"],
                    "name": _pick(r, "organisation__name", languages),
                }
                if r["organisation__uuid"] is not None
                else None
            ),
            "center": {"slug": r["center__slug"], "name": _pick(r, "center__name", languages)},
            "province": _row_term(r, "province", languages),
            "country": (
                {"iso2": r["country__iso2"], "name": _pick(r, "country__name", languages)}
                if r["country__iso2"] is not None
                else None
            ),
            "is_overseas_vietnamese": r["is_overseas_vietnamese"],
            "linkedin": r["linkedin"],
            "tags": tags.get(r["pk"], []),
            "visibility": r["visibility"],
            "updated_at": r["updated_at"],
            "version": r["version"],
        }
        for r in rows
    ]


def person_detail(person: Person, permissions: dict[str, bool]) -> dict[str, Any]:
    """Contact details and the personal ID only for callers who may edit the profile."""
    private = bool(permissions.get("change"))
    return {
        "uuid": person.uuid,
        "slug": person.slug,
        "full_name": person.full_name,
        "title": person.title,
        "organisation": _org_ref(person.organisation),
        "center": {"slug": person.center.slug, "name": person.center.name},
        "province": _term(person.province),
        "country": _country(person.country),
        "is_overseas_vietnamese": person.is_overseas_vietnamese,
        "linkedin": person.linkedin,
        "tags": sorted(t.name for t in person.tags.all()),
        "visibility": person.visibility,
        "updated_at": person.updated_at,
        "version": person.version,
        "bio": person.bio or "",
        "bio_vi": getattr(person, "bio_vi", None),
        "bio_en": getattr(person, "bio_en", None),
        "sectors": [_term(s) for s in person.sectors.all()],
        "science_fields": [_term(f) for f in person.science_fields.all()],
        "email": person.email if private else None,
        "phone": person.phone if private else None,
        "personal_id": person.personal_id if private else None,
        "created_at": person.created_at,
        "permissions": permissions,
    }


# --- input ---------------------------------------------------------------------------------------


class _OrganisationFields(Schema):
    name_en: str | None = Field(None, max_length=255)
    short_name: str | None = Field(None, max_length=64)
    description_vi: str | None = None
    description_en: str | None = None
    province: str | None = Field(None, description="Province code; a former (pre-2025) code is mapped.")
    commune: str | None = Field(None, description="Commune/ward code.")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code.")
    address: str | None = Field(None, max_length=255)
    sectors: list[str] | None = Field(None, max_length=MAX_LIST, description="VSIC codes.")
    science_fields: list[str] | None = Field(None, max_length=MAX_LIST, description="Science field codes.")
    stage: str | None = Field(None, description="Stage code.")
    readiness_level: int | None = Field(None, ge=1, le=9)
    founded_year: int | None = None
    team_size: int | None = Field(None, ge=0)
    funding_raised_vnd: int | None = Field(None, ge=0)
    tax_code: str | None = Field(None, max_length=16)
    website: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    social_links: dict[str, str] | None = None
    tags: list[str] | None = Field(None, max_length=MAX_LIST, description="Tag names (created if new).")

    @field_validator("website")
    @classmethod
    def check_website(cls, value: str | None) -> str | None:
        return _check_url(value)

    @field_validator("email")
    @classmethod
    def check_email(cls, value: str | None) -> str | None:
        return _check_email(value)


class OrganisationIn(_OrganisationFields):
    center: str = Field(..., description="Slug of the owner center.")
    kind: OrganisationKind
    name_vi: str = Field(..., min_length=1, max_length=255)
    visibility: Visibility = Visibility.PUBLIC


class OrganisationPatch(_OrganisationFields):
    version: int = Field(..., description="The `version` you read; a stale version is refused with 409.")
    kind: OrganisationKind | None = None
    name_vi: str | None = Field(None, min_length=1, max_length=255)
    visibility: Visibility | None = None


class _PersonFields(Schema):
    title: str | None = Field(None, max_length=255)
    organisation: str | None = Field(None, description="Organisation slug or UUID.")
    bio_vi: str | None = None
    bio_en: str | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    personal_id: str | None = Field(None, max_length=12)
    sectors: list[str] | None = Field(None, max_length=MAX_LIST)
    science_fields: list[str] | None = Field(None, max_length=MAX_LIST)
    province: str | None = None
    country: str | None = None
    is_overseas_vietnamese: bool | None = None
    linkedin: str | None = Field(None, max_length=200)
    tags: list[str] | None = Field(None, max_length=MAX_LIST)

    @field_validator("linkedin")
    @classmethod
    def check_linkedin(cls, value: str | None) -> str | None:
        return _check_url(value)

    @field_validator("email")
    @classmethod
    def check_email(cls, value: str | None) -> str | None:
        return _check_email(value)


class PersonIn(_PersonFields):
    center: str = Field(..., description="Slug of the owner center.")
    full_name: str = Field(..., min_length=1, max_length=255)
    visibility: Visibility = Visibility.NETWORK


class PersonPatch(_PersonFields):
    version: int
    full_name: str | None = Field(None, min_length=1, max_length=255)
    visibility: Visibility | None = None


class RelationIn(Schema):
    target: str = Field(..., description="Slug or UUID of the other organisation.")
    kind: RelationKind
    since_year: int | None = Field(None, ge=1900, le=2100)
    note: str = Field("", max_length=255)


class PersonRelationIn(Schema):
    organisation: str = Field(..., description="Slug or UUID of the organisation.")
    kind: PersonRelationKind
    since_year: int | None = Field(None, ge=1900, le=2100)
    until_year: int | None = Field(None, ge=1900, le=2100, description="Empty while the relation lasts.")
    note: str = Field("", max_length=255)


class ClaimIn(Schema):
    message: str = Field("", max_length=2000)
