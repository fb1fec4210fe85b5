"""API schemas of programmes, calls, forms and applications (api/calls.py).

References travel as slugs and UUIDs (center slug, programme slug, organisation slug or UUID), never as
internal ids — except form sections and questions, which only exist inside their call's form.
Outputs are built by the serialisers below from what the selectors loaded, and checked by the schemas.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import AfterValidator

from innohub.core.api.schemas import CenterRef, OrganisationRef, Out, TermOut
from innohub.core.models import Visibility
from innohub.programs import eligibility
from innohub.programs.models import (
    Application,
    ApplicationFile,
    ApplicationVersion,
    Call,
    Currency,
    FieldKind,
    FormField,
    FormSection,
    Programme,
    ProgrammeKind,
)

MAX_LIST = 100


# --- output ----------------------------------------------------------------------------------------


class ProgrammeRef(Out):
    slug: str
    title: str


class CallRef(Out):
    slug: str
    title: str


class ProgrammeOut(Out):
    uuid: UUID
    slug: str
    kind: str
    kind_label: str
    title: str
    title_vi: str | None = None
    title_en: str | None = None
    summary: str
    status: str
    visibility: str
    center: CenterRef
    languages: list[str]
    budget_amount: Decimal | None = None
    budget_currency: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    call_count: int
    updated_at: dt.datetime
    version: int


class ProgrammeDetailOut(ProgrammeOut):
    summary_vi: str | None = None
    summary_en: str | None = None
    description: str
    description_vi: str | None = None
    description_en: str | None = None
    partners: list[OrganisationRef]
    created_at: dt.datetime


class CallOut(Out):
    uuid: UUID
    slug: str
    title: str
    title_vi: str | None = None
    title_en: str | None = None
    programme: ProgrammeRef
    center: CenterRef
    status: str
    status_label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    edits_allowed_until: dt.datetime | None = None
    is_open: bool = Field(..., description="Accepting applications now.")
    max_selected: int | None = None
    updated_at: dt.datetime
    version: int


class CallDetailOut(CallOut):
    description: str
    description_vi: str | None = None
    description_en: str | None = None
    eligibility: dict[str, Any] = Field(..., description="Rules (see programs/eligibility.py for the shape).")
    eligibility_text: list[str] = Field(..., description="The rules in words, in the request language.")
    quotas: list[dict[str, Any]]
    appeal_days: int
    results_published_at: dt.datetime | None = None
    application_counts: dict[str, int] | None = Field(
        None, description="Applications per status (center staff only)."
    )


class FieldOut(Out):
    id: int
    key: str
    kind: str
    label: str
    label_vi: str | None = None
    label_en: str | None = None
    help_text: str
    help_text_vi: str | None = None
    help_text_en: str | None = None
    required: bool
    position: int
    options: dict[str, Any]
    condition: dict[str, Any]


class SectionOut(Out):
    id: int
    position: int
    title: str
    title_vi: str | None = None
    title_en: str | None = None
    help_text: str
    help_text_vi: str | None = None
    help_text_en: str | None = None
    fields: list[FieldOut]


class FileOut(Out):
    id: int
    field_key: str
    name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime


class VersionOut(Out):
    number: int
    submitted_at: dt.datetime
    answers: dict[str, Any]


class ApplicationOut(Out):
    uuid: UUID
    reference: str
    status: str
    status_label: str
    call: CallRef
    organisation: OrganisationRef
    province: TermOut | None = None
    submitted_at: dt.datetime | None = None
    submitted_version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ApplicationPermissionsOut(Out):
    edit: bool
    submit: bool
    withdraw: bool


class ApplicationDetailOut(ApplicationOut):
    answers: dict[str, Any] | None = Field(
        None, description="The working copy (the applicant only); staff read the submitted versions."
    )
    versions: list[VersionOut]
    files: list[FileOut]
    eligibility_report: list[dict[str, Any]]
    permissions: ApplicationPermissionsOut


# --- serialisers ----------------------------------------------------------------------------------


def _center(center: Any) -> dict[str, Any]:
    return {"slug": center.slug, "name": center.name}


def programme_out(p: Programme) -> dict[str, Any]:
    return {
        "uuid": p.uuid,
        "slug": p.slug,
        "kind": p.kind,
        "kind_label": str(p.get_kind_display()),
        "title": p.title,
        "title_vi": getattr(p, "title_vi", None),
        "title_en": getattr(p, "title_en", None),
        "summary": p.summary or "",
        "status": p.status,
        "visibility": p.visibility,
        "center": _center(p.center),
        "languages": list(p.languages or []),
        "budget_amount": p.budget_amount,
        "budget_currency": p.budget_currency,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "call_count": getattr(p, "call_count", 0),
        "updated_at": p.updated_at,
        "version": p.version,
    }


def programme_detail(p: Programme) -> dict[str, Any]:
    return {
        **programme_out(p),
        "summary_vi": getattr(p, "summary_vi", None),
        "summary_en": getattr(p, "summary_en", None),
        "description": p.description or "",
        "description_vi": getattr(p, "description_vi", None),
        "description_en": getattr(p, "description_en", None),
        "partners": [{"uuid": o.uuid, "slug": o.slug, "name": o.name} for o in p.partners.all()],
        "created_at": p.created_at,
    }


def call_out(c: Call) -> dict[str, Any]:
    return {
        "uuid": c.uuid,
        "slug": c.slug,
        "title": c.title,
        "title_vi": getattr(c, "title_vi", None),
        "title_en": getattr(c, "title_en", None),
        "programme": {"slug": c.programme.slug, "title": c.programme.title},
        "center": _center(c.programme.center),
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "edits_allowed_until": c.edits_allowed_until,
        "is_open": c.is_open(),
        "max_selected": c.max_selected,
        "updated_at": c.updated_at,
        "version": c.version,
    }


def call_detail(c: Call, counts: dict[str, int] | None) -> dict[str, Any]:
    return {
        **call_out(c),
        "description": c.description or "",
        "description_vi": getattr(c, "description_vi", None),
        "description_en": getattr(c, "description_en", None),
        "eligibility": c.eligibility or {},
        "eligibility_text": eligibility.describe_rules(c.eligibility),
        "quotas": c.quotas or [],
        "appeal_days": c.appeal_days,
        "results_published_at": c.results_published_at,
        "application_counts": counts,
    }


def field_out(f: FormField) -> dict[str, Any]:
    return {
        "id": f.pk,
        "key": f.key,
        "kind": f.kind,
        "label": f.label,
        "label_vi": getattr(f, "label_vi", None),
        "label_en": getattr(f, "label_en", None),
        "help_text": f.help_text or "",
        "help_text_vi": getattr(f, "help_text_vi", None),
        "help_text_en": getattr(f, "help_text_en", None),
        "required": f.required,
        "position": f.position,
        "options": f.options or {},
        "condition": f.condition or {},
    }


def section_out(s: FormSection) -> dict[str, Any]:
    return {
        "id": s.pk,
        "position": s.position,
        "title": s.title,
        "title_vi": getattr(s, "title_vi", None),
        "title_en": getattr(s, "title_en", None),
        "help_text": s.help_text or "",
        "help_text_vi": getattr(s, "help_text_vi", None),
        "help_text_en": getattr(s, "help_text_en", None),
        "fields": [field_out(f) for f in s.fields.all()],
    }


def _province(org: Any) -> dict[str, Any] | None:
    province = getattr(org, "province", None)
    if province is None:
        return None
    return {
        "code": province.code,
        "name": province.name,
        "name_vi": getattr(province, "name_vi", None),
        "name_en": getattr(province, "name_en", None),
    }


def application_out(a: Application) -> dict[str, Any]:
    org = a.organisation
    return {
        "uuid": a.uuid,
        "reference": a.reference,
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "call": {"slug": a.call.slug, "title": a.call.title},
        "organisation": {"uuid": org.uuid, "slug": org.slug, "name": org.name},
        "province": _province(org),
        "submitted_at": a.submitted_at,
        "submitted_version": a.submitted_version,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "version": a.version,
    }


def application_rows(page: Any) -> list[dict[str, Any]]:
    return [application_out(a) for a in page]


def _public_version_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """Files in a version list their names, not their storage paths."""
    out: dict[str, Any] = {}
    for key, value in (answers or {}).items():
        if isinstance(value, list) and value and all(isinstance(v, dict) and "path" in v for v in value):
            out[key] = [{k: v for k, v in f.items() if k != "path"} for f in value]
        else:
            out[key] = value
    return out


def application_detail(
    a: Application,
    *,
    applicant: bool,
    versions: list[ApplicationVersion],
    files: list[ApplicationFile],
    permissions: dict[str, bool],
) -> dict[str, Any]:
    return {
        **application_out(a),
        "answers": (a.answers or {}) if applicant else None,
        "versions": [
            {
                "number": v.number,
                "submitted_at": v.submitted_at,
                "answers": _public_version_answers(v.answers),
            }
            for v in versions
        ],
        "files": [
            {
                "id": f.pk,
                "field_key": f.field_key,
                "name": f.original_name,
                "size": f.size,
                "content_type": f.content_type,
                "uploaded_at": f.uploaded_at,
            }
            for f in files
        ],
        "eligibility_report": a.eligibility_report or [],
        "permissions": permissions,
    }


# --- input ----------------------------------------------------------------------------------------


class _ProgrammeFields(Schema):
    title_en: str | None = Field(None, max_length=255)
    summary_vi: str | None = Field(None, max_length=500)
    summary_en: str | None = Field(None, max_length=500)
    description_vi: str | None = None
    description_en: str | None = None
    languages: list[str] | None = Field(None, max_length=5, description="Working languages: vi, en, ko.")
    budget_amount: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    budget_currency: Currency | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    partners: list[str] | None = Field(None, max_length=MAX_LIST, description="Organisation slugs or UUIDs.")


class ProgrammeIn(_ProgrammeFields):
    center: str = Field(..., description="Slug of the owner center.")
    kind: ProgrammeKind
    title_vi: str = Field(..., min_length=1, max_length=255)
    slug: str | None = Field(None, max_length=200, description="Optional; made from the title otherwise.")
    visibility: Visibility = Visibility.PUBLIC


class ProgrammePatch(_ProgrammeFields):
    version: int = Field(..., description="The `version` you read; a stale version is refused with 409.")
    kind: ProgrammeKind | None = None
    title_vi: str | None = Field(None, min_length=1, max_length=255)
    visibility: Visibility | None = None


class TransitionIn(Schema):
    to: str = Field(
        ..., description="The target state (programme: active, archived; call: see Call.TRANSITIONS)."
    )
    version: int | None = Field(None, description="The `version` you read (recommended).")


def _as_utc(value: dt.datetime) -> dt.datetime:
    """The instant an aware datetime names, in UTC. Python accepts UTC offsets up to ±24 h, PostgreSQL
    only up to ±15:59: "10:07-21:18" is stored as the same moment in UTC, not refused by the database.
    (Runs after pydantic parsed a datetime: an optional field's None never reaches it.)"""
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("date out of range") from None


#: a date and time from the API, kept as its instant in UTC (naive = Vietnam time, as Django reads it)
Moment = Annotated[dt.datetime, AfterValidator(_as_utc)]


class _CallFields(Schema):
    title_en: str | None = Field(None, max_length=255)
    description_vi: str | None = None
    description_en: str | None = None
    edits_allowed_until: Moment | None = Field(
        None, description="Submitted applications may be changed until then (ISO 8601; naive = Vietnam time)."
    )
    eligibility: dict[str, Any] | None = None
    quotas: list[dict[str, Any]] | None = None
    max_selected: int | None = Field(None, ge=1)
    appeal_days: int | None = Field(None, ge=0, le=365)


class CallIn(_CallFields):
    title_vi: str = Field(..., min_length=1, max_length=255)
    opens_at: Moment
    closes_at: Moment
    slug: str | None = Field(None, max_length=200)


class CallPatch(_CallFields):
    version: int
    title_vi: str | None = Field(None, min_length=1, max_length=255)
    opens_at: Moment | None = None
    closes_at: Moment | None = None


class SectionIn(Schema):
    title_vi: str = Field(..., min_length=1, max_length=255)
    title_en: str | None = Field(None, max_length=255)
    help_text_vi: str | None = None
    help_text_en: str | None = None


class SectionPatch(Schema):
    title_vi: str | None = Field(None, min_length=1, max_length=255)
    title_en: str | None = Field(None, max_length=255)
    help_text_vi: str | None = None
    help_text_en: str | None = None


class FieldIn(Schema):
    kind: FieldKind
    label_vi: str = Field(..., min_length=1, max_length=255)
    label_en: str | None = Field(None, max_length=255)
    key: str | None = Field(None, max_length=64, description="Made from the label if left out.")
    help_text_vi: str | None = None
    help_text_en: str | None = None
    required: bool = False
    options: dict[str, Any] = Field(default_factory=dict, description="Per kind; see FormField.")
    condition: dict[str, Any] = Field(
        default_factory=dict, description='{"field": key, "equals": value} or {"field": key, "in": [...]}'
    )


class FieldPatch(Schema):
    kind: FieldKind | None = None
    label_vi: str | None = Field(None, min_length=1, max_length=255)
    label_en: str | None = Field(None, max_length=255)
    key: str | None = Field(None, max_length=64)
    help_text_vi: str | None = None
    help_text_en: str | None = None
    required: bool | None = None
    options: dict[str, Any] | None = None
    condition: dict[str, Any] | None = None


class OrderIn(Schema):
    ids: list[int] = Field(..., max_length=500, description="Every id of the list, in the new order.")


class ApplicationStartIn(Schema):
    organisation: str = Field(..., description="Slug or UUID of an organisation you are a member of.")


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(
        ..., description="Some answers by question key; null or an empty value removes an answer."
    )
    version: int | None = Field(None, description="The `version` you read; a stale one is refused with 409.")


class SubmitIn(Schema):
    version: int | None = None


class WithdrawIn(Schema):
    reason: str = Field("", max_length=1000)
    version: int | None = None
