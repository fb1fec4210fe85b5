"""/api/v1/directory: organisations, people, relations and profile claims.

Handlers stay thin: parse (schemas) → selector or service → schema. Lists take the very filters of the
HTML directory (`DirectoryFilters.from_querydict(request.GET)`, so repeated and comma-separated values
behave the same in both); reads go through `visible_to`, so a record the caller may not see is the same
404 as a missing one; writes go through `directory.services`, which check permissions and versions and
raise domain errors that `core.api.errors` formats.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from innohub.accounts.access import can
from innohub.centers.models import Center
from innohub.core.api.auth import READ_AUTH, WRITE_AUTH, api_user
from innohub.core.api.errors import errors
from innohub.core.api.pagination import PageParams, page_of, paginate
from innohub.core.cache import depends_on
from innohub.core.errors import NotFound, ValidationFailed
from innohub.directory import services
from innohub.directory.filters import DirectoryFilters
from innohub.directory.models import Organisation, OrganisationRelation, Person, PersonRelation
from innohub.directory.schemas import (
    ClaimIn,
    ClaimOut,
    OrganisationDetailOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonRelationIn,
    PersonRelationOut,
    RelationIn,
    RelationOut,
    organisation_detail,
    organisation_rows,
    person_detail,
    person_relation_out,
    person_rows,
    relation_label,
)
from innohub.directory.selectors import (
    get_organisation_for,
    get_person_for,
    organisations_for,
    people_for,
    people_related_to,
    relations_of,
    relations_of_person,
)
from innohub.privacy.services import log_access
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

router = Router(tags=["directory"])

_MULTI = "Repeat the parameter or separate values with commas."


class PeopleFilterParams(Schema):
    """Documents the filters in the OpenAPI schema; they are parsed by DirectoryFilters."""

    q: str | None = Field(None, description="Text search (accents optional: “dai hoc” finds “Đại học”).")
    sector: list[str] | None = Field(
        None, description=f"VSIC codes; a section letter includes its divisions. {_MULTI}"
    )
    province: list[str] | None = Field(
        None, description=f"Province codes; former (pre-2025) codes are mapped. {_MULTI}"
    )
    center: list[str] | None = Field(
        None, description=f"Center slugs; a center includes the centers below it. {_MULTI}"
    )
    tag: list[str] | None = Field(None, description=f"Tag slugs. {_MULTI}")
    visibility: list[str] | None = Field(None, description=f"public, network, center, private. {_MULTI}")


class OrganisationFilterParams(PeopleFilterParams):
    kind: list[str] | None = Field(None, description=f"Organisation kinds. {_MULTI}")
    stage: list[str] | None = Field(None, description=f"Stage codes. {_MULTI}")
    founded_from: int | None = Field(None, description="Founded in or after this year.")
    founded_to: int | None = Field(None, description="Founded in or before this year.")


OrganisationPage = page_of(OrganisationOut, "OrganisationPage")
PersonPage = page_of(PersonOut, "PersonPage")


# --- resolving references (codes and slugs) to rows -----------------------------------------------


class _Refs:
    """Turns codes in a request body into rows, collecting every unknown code as a field error."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def one(self, field: str, model: Any, lookup: str, value: Any) -> Any:
        if value in (None, ""):
            return None
        obj = model.objects.filter(**{lookup: value}).first()
        if obj is None:
            self.fail(field, _("Unknown code: %(code)s.") % {"code": value})
        return obj

    def many(self, field: str, model: Any, values: list[str] | None) -> list[Any]:
        codes = list(dict.fromkeys(values or []))
        found = {o.code: o for o in model.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            self.fail(field, _("Unknown codes: %(codes)s.") % {"codes": ", ".join(missing)})
        return [found[c] for c in codes if c in found]

    def center(self, user: Any, slug: str) -> Center | None:
        center = Center.objects.filter(slug=slug, is_active=True).first()
        if center is None:
            self.fail("center", _("Unknown center: %(slug)s.") % {"slug": slug})
        return center

    def province(self, code: str | None) -> tuple[Province | None, LegacyProvince | None]:
        """A current province code, or a former one (mapped to the province that absorbed it)."""
        if code in (None, ""):
            return None, None
        province = Province.objects.filter(code=code).first()
        if province is not None:
            return province, None
        legacy = LegacyProvince.objects.select_related("province").filter(code=code).first()
        if legacy is None:
            self.fail("province", _("Unknown code: %(code)s.") % {"code": code})
            return None, None
        return legacy.province, legacy

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(fields=self.errors)


_TEXT_FIELDS = {
    "name_en",
    "short_name",
    "description_vi",
    "description_en",
    "address",
    "tax_code",
    "website",
    "email",
    "phone",
    "title",
    "bio_vi",
    "bio_en",
    "personal_id",
    "linkedin",
}
_NOT_NULL = {"kind", "visibility", "name_vi", "full_name", "is_overseas_vietnamese"}


def _service_fields(user: Any, data: dict[str, Any], *, is_org: bool) -> dict[str, Any]:
    """Request body (already validated by its schema) → keyword arguments of a directory service."""
    refs = _Refs()
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key == "province":
            province, legacy = refs.province(value)
            fields["province"] = province
            if is_org:
                fields["legacy_province"] = legacy
            continue
        if value is None and key in _NOT_NULL:
            continue
        if key in _TEXT_FIELDS:
            fields[key] = value or ""
        elif key == "social_links":
            fields[key] = value or {}
        elif key == "sectors":
            fields[key] = refs.many(key, Sector, value)
        elif key == "science_fields":
            fields[key] = refs.many(key, ScienceField, value)
        elif key == "tags":
            fields[key] = [t.strip() for t in value or [] if t and t.strip()]
        elif key == "stage":
            fields[key] = refs.one(key, Stage, "code", value)
        elif key == "readiness_level":
            fields[key] = refs.one(key, ReadinessLevel, "level", value)
        elif key == "commune":
            fields[key] = refs.one(key, Commune, "code", value)
        elif key == "country":
            fields[key] = refs.one(key, Country, "iso2__iexact", value)
        elif key == "organisation":
            fields[key] = None
            if value:
                org = Organisation.objects.visible_to(user).filter(**_key_lookup(value)).first()
                if org is None:
                    refs.fail(key, _("Unknown organisation: %(key)s.") % {"key": value})
                fields[key] = org
        else:
            fields[key] = value.value if hasattr(value, "value") else value
    refs.raise_if_any()
    return fields


def _key_lookup(key: str) -> dict[str, Any]:
    import uuid

    try:
        return {"uuid": uuid.UUID(str(key))}
    except ValueError:
        return {"slug": key}


def _organisation_out(user: Any, org: Organisation) -> dict[str, Any]:
    permissions = {
        "change": services.can_edit_organisation(user, org),
        "delete": can(user, "directory.delete", org),
    }
    return organisation_detail(org, permissions)


def _person_out(user: Any, person: Person) -> dict[str, Any]:
    uid = getattr(user, "pk", None)
    permissions = {
        "change": uid is not None
        and (can(user, "directory.change", person) or person.created_by_id == uid or person.user_id == uid),
        "delete": can(user, "directory.delete", person),
    }
    return person_detail(person, permissions)


# --- organisations --------------------------------------------------------------------------------


@router.get(
    "/organisations",
    response={200: OrganisationPage, **errors(401, 422)},
    auth=READ_AUTH,
    summary="List organisations",
)
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilterParams], paging: Query[PageParams]
) -> dict[str, Any]:
    qs = organisations_for(api_user(request), DirectoryFilters.from_querydict(request.GET))
    return paginate(request, qs, paging, rows=organisation_rows)


@router.get(
    "/organisations/{key}",
    response={200: OrganisationDetailOut, **errors(401, 404)},
    auth=READ_AUTH,
    summary="One organisation, by slug or UUID",
)
def get_organisation(request: HttpRequest, key: str) -> dict[str, Any]:
    user = api_user(request)
    org = get_organisation_for(user, key)
    depends_on(request, org)
    return _organisation_out(user, org)


@router.post(
    "/organisations",
    response={201: OrganisationDetailOut, **errors(401, 403, 422)},
    auth=WRITE_AUTH,
    summary="Create an organisation",
)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    data = payload.dict(exclude_none=True)
    refs = _Refs()
    center = refs.center(user, data.pop("center"))
    refs.raise_if_any()
    fields = _service_fields(user, data, is_org=True)
    org = services.create_organisation(actor=user, center=center, **fields)
    return Status(201, _organisation_out(user, get_organisation_for(user, str(org.uuid))))


@router.patch(
    "/organisations/{key}",
    response={200: OrganisationDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Change an organisation (send the version you read)",
)
def update_organisation(request: HttpRequest, key: str, payload: OrganisationPatch) -> dict[str, Any]:
    user = api_user(request)
    org = get_organisation_for(user, key, related=False)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    fields = _service_fields(user, data, is_org=True)
    services.update_organisation(org, actor=user, expected_version=version, **fields)
    return _organisation_out(user, get_organisation_for(user, str(org.uuid)))


@router.delete(
    "/organisations/{key}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Delete an organisation",
)
def delete_organisation(request: HttpRequest, key: str) -> Status[None]:
    user = api_user(request)
    services.delete_organisation(get_organisation_for(user, key), actor=user)
    return Status(204, None)


# --- relations and claims -------------------------------------------------------------------------


def _relation_out(rel: OrganisationRelation, org: Organisation) -> dict[str, Any]:
    outgoing = rel.source_id == org.pk
    other = rel.target if outgoing else rel.source
    return {
        "id": rel.pk,
        "kind": rel.kind,
        "kind_label": relation_label(rel.kind),
        "direction": "out" if outgoing else "in",
        "other": other,
        "since_year": rel.since_year,
        "note": rel.note,
    }


@router.get(
    "/organisations/{key}/relations",
    response={200: list[RelationOut], **errors(401, 404)},
    auth=READ_AUTH,
    summary="Relations of an organisation (both directions)",
)
def list_relations(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    user = api_user(request)
    org = get_organisation_for(user, key)
    return [_relation_out(rel, org) for rel in relations_of(user, org)]


@router.post(
    "/organisations/{key}/relations",
    response={201: RelationOut, **errors(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    summary="Relate this organisation to another",
)
def create_relation(request: HttpRequest, key: str, payload: RelationIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    source = get_organisation_for(user, key)
    target = Organisation.objects.visible_to(user).filter(**_key_lookup(payload.target)).first()
    if target is None:
        raise ValidationFailed(
            fields={"target": [_("Unknown organisation: %(key)s.") % {"key": payload.target}]}
        )
    rel = services.add_relation(
        source, target, actor=user, kind=payload.kind.value, since_year=payload.since_year, note=payload.note
    )
    return Status(201, _relation_out(rel, source))


@router.delete(
    "/relations/{relation_id}",
    response={204: None, **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="Remove a relation",
)
def delete_relation(request: HttpRequest, relation_id: int) -> Status[None]:
    user = api_user(request)
    visible = Organisation.objects.visible_to(user).values("pk")
    rel = (
        OrganisationRelation.objects.select_related("source")
        .filter(pk=relation_id, source__in=visible, target__in=visible)
        .first()
    )
    if rel is None:
        raise NotFound()
    services.remove_relation(rel, actor=user)
    return Status(204, None)


@router.get(
    "/organisations/{key}/people-relations",
    response={200: list[PersonRelationOut], **errors(401, 404)},
    auth=READ_AUTH,
    summary="People tied to an organisation: its mentors, advisers, founders and investors",
)
def list_organisation_person_relations(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    user = api_user(request)
    org = get_organisation_for(user, key)
    year = timezone.now().year
    return [person_relation_out(rel, year=year) for rel in people_related_to(user, org)]


@router.post(
    "/organisations/{key}/claim",
    response={201: ClaimOut, **errors(401, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Ask to manage this organisation's profile",
)
def claim_organisation(request: HttpRequest, key: str, payload: ClaimIn) -> Status[Any]:
    user = api_user(request)
    org = get_organisation_for(user, key)
    claim = services.request_claim(org, actor=user, message=payload.message)
    claim.organisation = org
    return Status(201, claim)


# --- people ---------------------------------------------------------------------------------------


@router.get(
    "/people",
    response={200: PersonPage, **errors(401, 422)},
    auth=READ_AUTH,
    summary="List people",
)
def list_people(
    request: HttpRequest, filters: Query[PeopleFilterParams], paging: Query[PageParams]
) -> dict[str, Any]:
    qs = people_for(api_user(request), DirectoryFilters.from_querydict(request.GET))
    return paginate(request, qs, paging, rows=person_rows)


@router.get(
    "/people/{key}",
    response={200: PersonDetailOut, **errors(401, 404)},
    auth=READ_AUTH,
    summary="One person, by slug or UUID",
)
def get_person(request: HttpRequest, key: str) -> dict[str, Any]:
    user = api_user(request)
    person = get_person_for(user, key)
    depends_on(request, person)
    out = _person_out(user, person)
    log_access(user, person, shown=out, channel="api", reason="directory.person_detail")
    return out


@router.post(
    "/people",
    response={201: PersonDetailOut, **errors(401, 403, 422)},
    auth=WRITE_AUTH,
    summary="Create a person profile",
)
def create_person(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    data = payload.dict(exclude_none=True)
    refs = _Refs()
    center = refs.center(user, data.pop("center"))
    refs.raise_if_any()
    fields = _service_fields(user, data, is_org=False)
    person = services.create_person(actor=user, center=center, **fields)
    return Status(201, _person_out(user, get_person_for(user, str(person.uuid))))


@router.patch(
    "/people/{key}",
    response={200: PersonDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Change a person profile (send the version you read)",
)
def update_person(request: HttpRequest, key: str, payload: PersonPatch) -> dict[str, Any]:
    user = api_user(request)
    person = get_person_for(user, key, related=False)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    fields = _service_fields(user, data, is_org=False)
    services.update_person(person, actor=user, expected_version=version, **fields)
    return _person_out(user, get_person_for(user, str(person.uuid)))


@router.delete(
    "/people/{key}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Delete a person profile",
)
def delete_person(request: HttpRequest, key: str) -> Status[None]:
    user = api_user(request)
    services.delete_person(get_person_for(user, key), actor=user)
    return Status(204, None)


# --- people's ties to organisations ----------------------------------------------------------------


@router.get(
    "/people/{key}/relations",
    response={200: list[PersonRelationOut], **errors(401, 404)},
    auth=READ_AUTH,
    summary="Organisations a person mentors, advises, founded or invested in",
)
def list_person_relations(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    user = api_user(request)
    person = get_person_for(user, key)
    year = timezone.now().year
    return [person_relation_out(rel, year=year) for rel in relations_of_person(user, person)]


@router.post(
    "/people/{key}/relations",
    response={201: PersonRelationOut, **errors(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    summary="Record that a person mentors, advises, founded or invested in an organisation",
)
def create_person_relation(
    request: HttpRequest, key: str, payload: PersonRelationIn
) -> Status[dict[str, Any]]:
    user = api_user(request)
    person = get_person_for(user, key)
    organisation = Organisation.objects.visible_to(user).filter(**_key_lookup(payload.organisation)).first()
    if organisation is None:
        raise ValidationFailed(
            fields={"organisation": [_("Unknown organisation: %(key)s.") % {"key": payload.organisation}]}
        )
    rel = services.add_person_relation(
        person,
        organisation,
        actor=user,
        kind=payload.kind.value,
        since_year=payload.since_year,
        until_year=payload.until_year,
        note=payload.note,
    )
    return Status(201, person_relation_out(rel, year=timezone.now().year))


@router.delete(
    "/person-relations/{relation_id}",
    response={204: None, **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="Remove a person's tie to an organisation",
)
def delete_person_relation(request: HttpRequest, relation_id: int) -> Status[None]:
    user = api_user(request)
    rel = (
        PersonRelation.objects.select_related("person", "organisation")
        .filter(
            pk=relation_id,
            person__in=Person.objects.visible_to(user).values("pk"),
            organisation__in=Organisation.objects.visible_to(user).values("pk"),
        )
        .first()
    )
    if rel is None:
        raise NotFound()
    services.remove_person_relation(rel, actor=user)
    return Status(204, None)
