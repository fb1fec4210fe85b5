"""Every write to the directory (CONVENTIONS.md §2): views, API, importers and tasks call these.

Each function runs in a transaction, checks permission and version, cleans user HTML, keeps the
denormalised search columns current and records who did it (django-auditlog, actor set here so that
API and CLI writes are attributed too).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.context import set_actor
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from innohub.accounts.access import can
from innohub.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from innohub.core.sanitize import clean_html
from innohub.core.text import fold
from innohub.core.validators import clean_field, validate_personal_id, validate_phone, validate_tax_code
from innohub.directory.indexing import organisation_name_key, organisation_search_text, person_search_text
from innohub.directory.models import (
    ClaimRequest,
    Organisation,
    OrganisationMember,
    OrganisationRelation,
    Person,
    PersonRelation,
    PersonRelationKind,
    RelationKind,
    Tag,
)

ORG_M2M = ("sectors", "science_fields", "tags")
HTML_FIELDS = ("description_vi", "description_en", "bio_vi", "bio_en")
CURRENT_YEAR_SLACK = 1


def unique_slug(model: Any, text: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(fold(text))[:200] or "item"
    slug, n = base, 1
    qs = model.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_org_fields(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if "name" in fields and "name_vi" not in fields:
        fields["name_vi"] = fields.pop("name")
    if "description" in fields and "description_vi" not in fields:
        fields["description_vi"] = fields.pop("description")
    for key in HTML_FIELDS:
        if key in fields:
            fields[key] = clean_html(fields[key])
    name = (fields.get("name_vi") or "").strip() if "name_vi" in fields else None
    if name is not None:
        if not name:
            errors.setdefault("name", []).append(str(_("The name is required.")))
        fields["name_vi"] = name
    clean_field(fields, "tax_code", validate_tax_code, errors)
    clean_field(fields, "phone", validate_phone, errors)
    year = fields.get("founded_year")
    if year is not None and not (1900 <= int(year) <= timezone.now().year + CURRENT_YEAR_SLACK):
        errors.setdefault("founded_year", []).append(
            str(_("The founding year must be between 1900 and %(year)s.") % {"year": timezone.now().year})
        )
    for key in ("team_size", "funding_raised_vnd"):
        if fields.get(key) is not None and fields[key] < 0:
            errors.setdefault(key, []).append(str(_("This value cannot be negative.")))
    if errors:
        raise ValidationFailed(fields=errors)
    return fields


#: what the search text of a record is made of (directory/indexing.py; a test reads it off the
#: functions): an update that changes none of it keeps the text it has and skips two queries
ORG_SEARCH_INPUTS = frozenset(
    {"name", "name_vi", "name_en", "short_name", "tax_code", "kind", "province", "province_id"}
    | {"description", "description_vi", "description_en", "sectors", "tags"}
)
PERSON_SEARCH_INPUTS = frozenset(
    {"full_name", "title", "organisation", "organisation_id", "bio", "bio_vi", "bio_en", "tags"}
)


def refresh_organisation_index(org: Organisation) -> None:
    sector_names = [getattr(s, "name_vi", "") or "" for s in org.sectors.all()] if org.pk else []
    tag_names = [t.name for t in org.tags.all()] if org.pk else []
    org.search_text = organisation_search_text(org, sector_names=sector_names, tag_names=tag_names)
    org.name_key = organisation_name_key(getattr(org, "name_vi", "") or org.name)
    Organisation.objects.filter(pk=org.pk).update(search_text=org.search_text, name_key=org.name_key)


def find_duplicates(*, name: str, province_id: int | None, tax_code: str = "", exclude_pk: int | None = None):
    """Organisations that are probably the same one: same tax code, or same normalised name + province."""
    from django.db.models import Q

    cond = Q(name_key=organisation_name_key(name), province_id=province_id)
    if tax_code:
        cond |= Q(tax_code=tax_code)
    qs = Organisation.objects.filter(cond)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def _set_m2m(obj: Any, m2m: dict[str, Any]) -> None:
    for key, values in m2m.items():
        if values is None:
            continue
        if key == "tags":
            values = [v if isinstance(v, Tag) else get_or_create_tag(v) for v in values]
        getattr(obj, key).set(values)


def get_or_create_tag(name: str) -> Tag:
    name = name.strip()[:64]
    slug = slugify(fold(name))[:64] or "tag"
    tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
    return tag


@transaction.atomic
def create_organisation(
    *, actor: Any, center: Any, check_duplicates: bool = True, **fields: Any
) -> Organisation:
    if actor is not None and not can(actor, "directory.add", center_id=center.pk):
        raise Forbidden()
    m2m = {k: fields.pop(k) for k in ORG_M2M if k in fields}
    fields = _clean_org_fields(fields)
    if "name_vi" not in fields:
        raise ValidationFailed(fields={"name": [str(_("The name is required."))]})
    if check_duplicates:
        dup = find_duplicates(
            name=fields["name_vi"],
            province_id=getattr(fields.get("province"), "pk", fields.get("province_id")),
            tax_code=fields.get("tax_code", ""),
        ).first()
        if dup is not None:
            raise ValidationFailed(
                _(
                    "An organisation with the same tax code or the same name in the same province already exists: %(name)s."
                )
                % {"name": dup.name},
                fields={"name": [str(_("Probable duplicate of “%(name)s”.") % {"name": dup.name})]},
                code="duplicate",
            )
    with set_actor(actor) if actor is not None else _noop():
        org = Organisation(center=center, created_by=actor if getattr(actor, "pk", None) else None, **fields)
        org.slug = unique_slug(Organisation, fields["name_vi"])
        org.save()
        _set_m2m(org, m2m)
        refresh_organisation_index(org)
    return org


class _noop:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def can_edit_organisation(user: Any, org: Organisation) -> bool:
    """Center staff edit every record of their centers; others only what they created or manage."""
    user_pk = getattr(user, "pk", None)
    if user_pk is None:
        return False
    if can(user, "directory.delete", org) or org.created_by_id == user_pk:
        return True
    return OrganisationMember.objects.filter(
        organisation=org,
        user_id=user_pk,
        role__in=[OrganisationMember.Role.OWNER, OrganisationMember.Role.ADMIN],
    ).exists()


@transaction.atomic
def update_organisation(
    org: Organisation, *, actor: Any, expected_version: int | None = None, **fields: Any
) -> Organisation:
    locked = Organisation.objects.select_for_update().get(pk=org.pk)
    if actor is not None and not can_edit_organisation(actor, locked):
        raise Forbidden()
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    m2m = {k: fields.pop(k) for k in ORG_M2M if k in fields}
    fields = _clean_org_fields(fields)
    if "name_vi" in fields or "tax_code" in fields or "province" in fields:
        dup = find_duplicates(
            name=fields.get("name_vi", getattr(locked, "name_vi", "") or locked.name),
            province_id=getattr(fields.get("province"), "pk", locked.province_id)
            if "province" in fields
            else locked.province_id,
            tax_code=fields.get("tax_code", locked.tax_code),
            exclude_pk=locked.pk,
        ).first()
        if dup is not None:
            raise ValidationFailed(
                _(
                    "An organisation with the same tax code or the same name in the same province already exists: %(name)s."
                )
                % {"name": dup.name},
                code="duplicate",
            )
    with set_actor(actor) if actor is not None else _noop():
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.version = F("version") + 1
        locked.save()
        locked.refresh_from_db()
        _set_m2m(locked, m2m)
        if ORG_SEARCH_INPUTS.intersection([*fields, *m2m]):
            refresh_organisation_index(locked)
    return locked


@transaction.atomic
def delete_organisation(org: Organisation, *, actor: Any) -> None:
    if actor is not None and not can(actor, "directory.delete", org):
        raise Forbidden()
    with set_actor(actor) if actor is not None else _noop():
        org.delete()


@transaction.atomic
def add_relation(
    source: Organisation,
    target: Organisation,
    *,
    actor: Any,
    kind: str,
    since_year: int | None = None,
    note: str = "",
) -> OrganisationRelation:
    if actor is not None and not can_edit_organisation(actor, source):
        raise Forbidden()
    if kind not in RelationKind.values:
        raise ValidationFailed(fields={"kind": [str(_("Unknown relation kind."))]})
    if source.pk == target.pk:
        raise ValidationFailed(fields={"target": [str(_("An organisation cannot be related to itself."))]})
    try:
        with transaction.atomic():
            return OrganisationRelation.objects.create(
                source=source, target=target, kind=kind, since_year=since_year, note=note
            )
    except IntegrityError:
        raise ValidationFailed(_("This relation already exists."), code="duplicate") from None


@transaction.atomic
def remove_relation(relation: OrganisationRelation, *, actor: Any) -> None:
    if actor is not None and not can_edit_organisation(actor, relation.source):
        raise Forbidden()
    relation.delete()


# --- people's relations to organisations (mentor of, adviser of, founder of, investor in) ----------


def can_edit_person_relation(
    user: Any, person: Person, organisation: Organisation, *, removing: bool = False
) -> bool:
    """Who may record a tie: whoever may edit the organisation (its center's staff and its profile's
    managers list its mentors), or the staff of the person's center. The person themself may not tie
    themself to an organisation — the tie shows on the organisation's public page, which is not theirs
    to fill — but may remove a tie that lists them."""
    user_pk = getattr(user, "pk", None)
    if user_pk is None:
        return False
    if can_edit_organisation(user, organisation) or can(user, "directory.change", person):
        return True
    return removing and person.user_id == user_pk


def _clean_relation_years(since_year: int | None, until_year: int | None) -> None:
    errors: dict[str, list[str]] = {}
    latest = timezone.now().year + CURRENT_YEAR_SLACK
    for key, year in (("since_year", since_year), ("until_year", until_year)):
        if year is not None and not (1900 <= int(year) <= latest):
            errors[key] = [str(_("The year must be between 1900 and %(year)s.") % {"year": latest})]
    if since_year is not None and until_year is not None and until_year < since_year and not errors:
        errors["until_year"] = [str(_("The end year cannot be before the start year."))]
    if errors:
        raise ValidationFailed(fields=errors)


@transaction.atomic
def add_person_relation(
    person: Person,
    organisation: Organisation,
    *,
    actor: Any,
    kind: str,
    since_year: int | None = None,
    until_year: int | None = None,
    note: str = "",
) -> PersonRelation:
    if actor is not None and not can_edit_person_relation(actor, person, organisation):
        raise Forbidden()
    if kind not in PersonRelationKind.values:
        raise ValidationFailed(fields={"kind": [str(_("Unknown relation kind."))]})
    _clean_relation_years(since_year, until_year)
    try:
        with transaction.atomic(), set_actor(actor) if actor is not None else _noop():
            return PersonRelation.objects.create(
                person=person,
                organisation=organisation,
                kind=kind,
                since_year=since_year,
                until_year=until_year,
                note=(note or "").strip()[:255],
            )
    except IntegrityError:
        raise ValidationFailed(_("This relation already exists."), code="duplicate") from None


@transaction.atomic
def remove_person_relation(relation: PersonRelation, *, actor: Any) -> None:
    if actor is not None and not can_edit_person_relation(
        actor, relation.person, relation.organisation, removing=True
    ):
        raise Forbidden()
    with set_actor(actor) if actor is not None else _noop():
        relation.delete()


# --- people ------------------------------------------------------------------------------------

PERSON_M2M = ("sectors", "science_fields", "tags")


def _clean_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if "bio" in fields and "bio_vi" not in fields:
        fields["bio_vi"] = fields.pop("bio")
    for key in HTML_FIELDS:
        if key in fields:
            fields[key] = clean_html(fields[key])
    if "full_name" in fields:
        fields["full_name"] = (fields["full_name"] or "").strip()
        if not fields["full_name"]:
            errors["full_name"] = [str(_("The name is required."))]
    clean_field(fields, "personal_id", validate_personal_id, errors)
    clean_field(fields, "phone", validate_phone, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return fields


def refresh_person_index(person: Person) -> None:
    tag_names = [t.name for t in person.tags.all()]
    person.search_text = person_search_text(person, tag_names=tag_names)
    person.name_key = fold(person.full_name)
    Person.objects.filter(pk=person.pk).update(search_text=person.search_text, name_key=person.name_key)


@transaction.atomic
def create_person(*, actor: Any, center: Any, **fields: Any) -> Person:
    if actor is not None and not can(actor, "directory.add", center_id=center.pk):
        raise Forbidden()
    m2m = {k: fields.pop(k) for k in PERSON_M2M if k in fields}
    fields = _clean_person_fields(fields)
    if not fields.get("full_name"):
        raise ValidationFailed(fields={"full_name": [str(_("The name is required."))]})
    with set_actor(actor) if actor is not None else _noop():
        person = Person(center=center, created_by=actor if getattr(actor, "pk", None) else None, **fields)
        person.slug = unique_slug(Person, fields["full_name"])
        person.save()
        _set_m2m(person, m2m)
        refresh_person_index(person)
    return person


def can_edit_person(user: Any, person: Person) -> bool:
    """Center staff edit the profiles of their centers; the creator and the person themself theirs."""
    user_pk = getattr(user, "pk", None)
    if user_pk is None:
        return False
    return (
        can(user, "directory.change", person) or person.created_by_id == user_pk or person.user_id == user_pk
    )


@transaction.atomic
def update_person(
    person: Person, *, actor: Any, expected_version: int | None = None, **fields: Any
) -> Person:
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if actor is not None and not can_edit_person(actor, locked):
        raise Forbidden()
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    m2m = {k: fields.pop(k) for k in PERSON_M2M if k in fields}
    fields = _clean_person_fields(fields)
    with set_actor(actor) if actor is not None else _noop():
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.version = F("version") + 1
        locked.save()
        locked.refresh_from_db()
        _set_m2m(locked, m2m)
        if PERSON_SEARCH_INPUTS.intersection([*fields, *m2m]):
            refresh_person_index(locked)
    return locked


@transaction.atomic
def delete_person(person: Person, *, actor: Any) -> None:
    if actor is not None and not can(actor, "directory.delete", person):
        raise Forbidden()
    with set_actor(actor) if actor is not None else _noop():
        person.delete()


# --- claims ------------------------------------------------------------------------------------


@transaction.atomic
def request_claim(org: Organisation, *, actor: Any, message: str = "") -> ClaimRequest:
    if OrganisationMember.objects.filter(organisation=org, user=actor).exists():
        raise InvalidTransition(_("You already manage this organisation."))
    if ClaimRequest.objects.filter(organisation=org, user=actor, status=ClaimRequest.Status.PENDING).exists():
        raise InvalidTransition(
            _("You have already asked to manage this organisation; staff will answer soon.")
        )
    return ClaimRequest.objects.create(organisation=org, user=actor, message=clean_html(message)[:2000])


@transaction.atomic
def decide_claim(claim: ClaimRequest, *, actor: Any, approve: bool, note: str = "") -> ClaimRequest:
    locked = ClaimRequest.objects.select_for_update().select_related("organisation").get(pk=claim.pk)
    if not can(actor, "directory.approve_claim", locked.organisation):
        raise Forbidden()
    if locked.status != ClaimRequest.Status.PENDING:
        raise InvalidTransition(_("This claim has already been decided."))
    locked.status = ClaimRequest.Status.APPROVED if approve else ClaimRequest.Status.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    if approve:
        OrganisationMember.objects.get_or_create(
            organisation=locked.organisation,
            user=locked.user,
            defaults={"role": OrganisationMember.Role.OWNER},
        )
    return locked


def bulk_refresh_index(orgs: Iterable[Organisation]) -> None:
    for org in orgs:
        refresh_organisation_index(org)
