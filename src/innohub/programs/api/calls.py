"""/api/v1/programs: programmes, calls and their transitions, application forms, applications.

Thin handlers: parse (schemas_calls) → selector or service → serialiser. Lists take the filters of the
workspace pages (`*Filters.from_querydict(request.GET)`) and are paginated. Reads of programmes and calls
are open to anonymous callers (what the portal shows); applications need a signed-in caller. A record
the caller may not see is the same 404 as a missing one; services raise the domain errors that
core.api.errors formats (403 forbidden, 409 conflict/invalid_state, 422 validation_error).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from innohub.centers.models import Center
from innohub.core.api.auth import READ_AUTH, WRITE_AUTH, api_user, require_authenticated
from innohub.core.api.errors import errors
from innohub.core.api.pagination import PageParams, page_of, paginate
from innohub.core.errors import NotFound, ValidationFailed
from innohub.directory.models import Organisation
from innohub.programs import access, selectors
from innohub.programs.models import Application, ApplicationFile, FormField, FormSection
from innohub.programs.schemas_calls import (
    AnswersIn,
    ApplicationDetailOut,
    ApplicationOut,
    ApplicationStartIn,
    CallDetailOut,
    CallIn,
    CallOut,
    CallPatch,
    FieldIn,
    FieldOut,
    FieldPatch,
    FileOut,
    OrderIn,
    ProgrammeDetailOut,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePatch,
    SectionIn,
    SectionOut,
    SectionPatch,
    SubmitIn,
    TransitionIn,
    WithdrawIn,
    application_detail,
    application_rows,
    call_detail,
    call_out,
    field_out,
    programme_detail,
    programme_out,
    section_out,
)
from innohub.programs.services import applications as app_services
from innohub.programs.services import calls as call_services
from innohub.programs.services import forms as form_services
from innohub.programs.services import programmes as programme_services

router = Router(tags=["programs"])

_MULTI = "Repeat the parameter or separate values with commas."

ProgrammePage = page_of(ProgrammeOut, "ProgrammePage")
CallPage = page_of(CallOut, "CallPage")
ApplicationPage = page_of(ApplicationOut, "ApplicationPage")


class ProgrammeFilterParams(Schema):
    q: str | None = Field(None, description="Words of the title.")
    kind: list[str] | None = Field(None, description=f"Programme kinds. {_MULTI}")
    status: list[str] | None = Field(None, description=f"draft, active, archived. {_MULTI}")
    center: list[str] | None = Field(None, description=f"Center slugs. {_MULTI}")


class CallFilterParams(Schema):
    q: str | None = Field(None, description="Words of the call's or programme's title.")
    programme: list[str] | None = Field(None, description=f"Programme slugs. {_MULTI}")
    status: list[str] | None = Field(None, description=f"Call states. {_MULTI}")
    kind: list[str] | None = Field(None, description=f"Programme kinds. {_MULTI}")
    center: list[str] | None = Field(None, description=f"Center slugs. {_MULTI}")
    open: bool | None = Field(None, description="Only calls accepting applications now.")


class ApplicationFilterParams(Schema):
    q: str | None = Field(None, description="Reference, organisation name or words of the answers.")
    status: list[str] | None = Field(None, description=f"Application states. {_MULTI}")
    province: list[str] | None = Field(None, description=f"Province codes; former codes are mapped. {_MULTI}")
    kind: list[str] | None = Field(None, description=f"Organisation kinds. {_MULTI}")
    submitted_from: str | None = Field(None, description="Submitted on or after (YYYY-MM-DD).")
    submitted_to: str | None = Field(None, description="Submitted on or before (YYYY-MM-DD).")
    order: str | None = Field(None, description="-submitted (default), submitted, reference, organisation.")


# --- helpers --------------------------------------------------------------------------------------


def _key_lookup(key: str) -> dict[str, Any]:
    try:
        return {"uuid": uuid.UUID(str(key))}
    except ValueError:
        return {"slug": key}


def _organisations(user: Any, keys: list[str] | None, field: str = "partners") -> list[Organisation] | None:
    if keys is None:
        return None
    found: list[Organisation] = []
    missing: list[str] = []
    visible = Organisation.objects.visible_to(user)
    for key in dict.fromkeys(keys):
        org = visible.filter(**_key_lookup(key)).first()
        if org is None:
            missing.append(key)
        else:
            found.append(org)
    if missing:
        raise ValidationFailed(
            fields={field: [_("Unknown organisation: %(key)s.") % {"key": ", ".join(missing)}]}
        )
    return found


def _call_detail(user: Any, call: Any) -> dict[str, Any]:
    counts = selectors.call_application_counts(call) if access.can_view_staff(user, call) else None
    return call_detail(call, counts)


def _managed_call(user: Any, slug: str) -> Any:
    return selectors.get_call_for(user, slug)


def _section(user: Any, section_id: int) -> FormSection:
    section = FormSection.objects.select_related("call__programme").filter(pk=section_id).first()
    if section is None or not access.can_view_staff(user, section.call):
        raise NotFound()
    return section


def _field(user: Any, field_id: int) -> FormField:
    field = FormField.objects.select_related("section__call__programme").filter(pk=field_id).first()
    if field is None or not access.can_view_staff(user, field.section.call):
        raise NotFound()
    return field


def _application_out(user: Any, application: Application) -> dict[str, Any]:
    applicant = bool(getattr(application, "viewer_is_applicant", False))
    return application_detail(
        application,
        applicant=applicant,
        versions=selectors.versions_of(application),
        files=selectors.files_of(application),
        permissions=app_services.applicant_permissions(application, is_applicant=applicant),
    )


# --- programmes -----------------------------------------------------------------------------------


@router.get(
    "/programmes",
    response={200: ProgrammePage, **errors(401, 422)},
    auth=READ_AUTH,
    summary="List programmes",
)
def list_programmes(
    request: HttpRequest, filters: Query[ProgrammeFilterParams], paging: Query[PageParams]
) -> dict[str, Any]:
    qs = selectors.programmes_for(api_user(request), selectors.ProgrammeFilters.from_querydict(request.GET))
    return paginate(request, qs, paging, rows=lambda page: [programme_out(p) for p in page])


@router.get(
    "/programmes/{slug}",
    response={200: ProgrammeDetailOut, **errors(401, 404)},
    auth=READ_AUTH,
    summary="One programme",
)
def get_programme(request: HttpRequest, slug: str) -> dict[str, Any]:
    return programme_detail(selectors.get_programme_for(api_user(request), slug))


@router.post(
    "/programmes",
    response={201: ProgrammeDetailOut, **errors(401, 403, 422)},
    auth=WRITE_AUTH,
    summary="Create a programme",
)
def create_programme(request: HttpRequest, payload: ProgrammeIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    data = payload.dict(exclude_none=True)
    center = Center.objects.filter(slug=data.pop("center"), is_active=True).first()
    if center is None:
        raise ValidationFailed(fields={"center": [_("Unknown center: %(slug)s.") % {"slug": payload.center}]})
    partners = _organisations(user, data.pop("partners", None))
    programme = programme_services.create_programme(actor=user, center=center, partners=partners, **data)
    return Status(201, programme_detail(selectors.get_programme_for(user, programme.slug)))


@router.patch(
    "/programmes/{slug}",
    response={200: ProgrammeDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Change a programme (send the version you read)",
)
def update_programme(request: HttpRequest, slug: str, payload: ProgrammePatch) -> dict[str, Any]:
    user = api_user(request)
    programme = selectors.get_programme_for(user, slug)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    partners = _organisations(user, data.pop("partners", None))
    programme_services.update_programme(
        programme, actor=user, expected_version=version, partners=partners, **data
    )
    return programme_detail(selectors.get_programme_for(user, slug))


@router.post(
    "/programmes/{slug}/transition",
    response={200: ProgrammeDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Make a programme active or archive it",
)
def transition_programme(request: HttpRequest, slug: str, payload: TransitionIn) -> dict[str, Any]:
    user = api_user(request)
    programme = selectors.get_programme_for(user, slug)
    programme_services.set_programme_status(
        programme, payload.to, actor=user, expected_version=payload.version
    )
    return programme_detail(selectors.get_programme_for(user, slug))


@router.delete(
    "/programmes/{slug}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Delete a draft programme without calls",
)
def delete_programme(request: HttpRequest, slug: str) -> Status[None]:
    user = api_user(request)
    programme_services.delete_programme(selectors.get_programme_for(user, slug), actor=user)
    return Status(204, None)


# --- calls ----------------------------------------------------------------------------------------


@router.get(
    "/calls",
    response={200: CallPage, **errors(401, 422)},
    auth=READ_AUTH,
    summary="List calls for applications (newest deadline first)",
)
def list_calls(
    request: HttpRequest, filters: Query[CallFilterParams], paging: Query[PageParams]
) -> dict[str, Any]:
    qs = selectors.calls_for(api_user(request), selectors.CallFilters.from_querydict(request.GET))
    return paginate(request, qs, paging, rows=lambda page: [call_out(c) for c in page])


@router.get(
    "/calls/{slug}",
    response={200: CallDetailOut, **errors(401, 404)},
    auth=READ_AUTH,
    summary="One call, with its eligibility rules in words",
)
def get_call(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = api_user(request)
    return _call_detail(user, selectors.get_call_for(user, slug))


@router.post(
    "/programmes/{slug}/calls",
    response={201: CallDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Create a call of a programme",
)
def create_call(request: HttpRequest, slug: str, payload: CallIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    programme = selectors.get_programme_for(user, slug)
    call = call_services.create_call(programme, actor=user, **payload.dict(exclude_none=True))
    return Status(201, _call_detail(user, selectors.get_call_for(user, call.slug)))


@router.patch(
    "/calls/{slug}",
    response={200: CallDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Change a call (send the version you read)",
)
def update_call(request: HttpRequest, slug: str, payload: CallPatch) -> dict[str, Any]:
    user = api_user(request)
    call = _managed_call(user, slug)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    call_services.update_call(call, actor=user, expected_version=version, **data)
    return _call_detail(user, selectors.get_call_for(user, slug))


@router.post(
    "/calls/{slug}/transition",
    response={200: CallDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Publish, unpublish, start review or archive a call",
)
def transition_call(request: HttpRequest, slug: str, payload: TransitionIn) -> dict[str, Any]:
    user = api_user(request)
    call = _managed_call(user, slug)
    call_services.transition_call(call, payload.to, actor=user, expected_version=payload.version)
    return _call_detail(user, selectors.get_call_for(user, slug))


@router.delete(
    "/calls/{slug}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Delete a draft call without applications",
)
def delete_call(request: HttpRequest, slug: str) -> Status[None]:
    user = api_user(request)
    call_services.delete_call(_managed_call(user, slug), actor=user)
    return Status(204, None)


# --- forms ----------------------------------------------------------------------------------------


@router.get(
    "/calls/{slug}/form",
    response={200: list[SectionOut], **errors(401, 404)},
    auth=READ_AUTH,
    summary="The application form of a call: sections and questions in order",
)
def get_form(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    call = selectors.get_call_for(api_user(request), slug)
    return [section_out(s) for s in selectors.form_of(call)]


@router.post(
    "/calls/{slug}/form/sections",
    response={201: SectionOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Add a section to the form",
)
def create_section(request: HttpRequest, slug: str, payload: SectionIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    section = form_services.add_section(
        _managed_call(user, slug), actor=user, **payload.dict(exclude_none=True)
    )
    return Status(201, section_out(section))


@router.post(
    "/calls/{slug}/form/sections/order",
    response={200: list[SectionOut], **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Put the sections in a new order",
)
def order_sections(request: HttpRequest, slug: str, payload: OrderIn) -> list[dict[str, Any]]:
    user = api_user(request)
    call = _managed_call(user, slug)
    form_services.reorder_sections(call, payload.ids, actor=user)
    return [section_out(s) for s in selectors.form_of(call)]


@router.patch(
    "/form/sections/{section_id}",
    response={200: SectionOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Change a section",
)
def update_section(request: HttpRequest, section_id: int, payload: SectionPatch) -> dict[str, Any]:
    user = api_user(request)
    section = form_services.update_section(
        _section(user, section_id), actor=user, **payload.dict(exclude_unset=True)
    )
    return section_out(section)


@router.delete(
    "/form/sections/{section_id}",
    response={204: None, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Remove a section and its questions",
)
def delete_section(request: HttpRequest, section_id: int) -> Status[None]:
    user = api_user(request)
    form_services.delete_section(_section(user, section_id), actor=user)
    return Status(204, None)


@router.post(
    "/form/sections/{section_id}/fields",
    response={201: FieldOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Add a question to a section",
)
def create_field(request: HttpRequest, section_id: int, payload: FieldIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    data = payload.dict(exclude_none=True)
    data["kind"] = payload.kind.value
    field = form_services.add_field(_section(user, section_id), actor=user, **data)
    return Status(201, field_out(field))


@router.post(
    "/form/sections/{section_id}/fields/order",
    response={200: SectionOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Put the questions of a section in a new order",
)
def order_fields(request: HttpRequest, section_id: int, payload: OrderIn) -> dict[str, Any]:
    user = api_user(request)
    section = _section(user, section_id)
    form_services.reorder_fields(section, payload.ids, actor=user)
    return section_out(FormSection.objects.get(pk=section.pk))


@router.patch(
    "/form/fields/{field_id}",
    response={200: FieldOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Change a question",
)
def update_field(request: HttpRequest, field_id: int, payload: FieldPatch) -> dict[str, Any]:
    user = api_user(request)
    data = payload.dict(exclude_unset=True)
    if payload.kind is not None:
        data["kind"] = payload.kind.value
    return field_out(form_services.update_field(_field(user, field_id), actor=user, **data))


@router.delete(
    "/form/fields/{field_id}",
    response={204: None, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Remove a question",
)
def delete_field(request: HttpRequest, field_id: int) -> Status[None]:
    user = api_user(request)
    form_services.delete_field(_field(user, field_id), actor=user)
    return Status(204, None)


# --- applications ---------------------------------------------------------------------------------


@router.get(
    "/calls/{slug}/applications",
    response={200: ApplicationPage, **errors(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    summary="Submitted applications of a call (center staff)",
)
def list_call_applications(
    request: HttpRequest, slug: str, filters: Query[ApplicationFilterParams], paging: Query[PageParams]
) -> dict[str, Any]:
    user = api_user(request)
    call = selectors.get_call_for(user, slug)
    qs = selectors.applications_for_staff(
        user, call, selectors.ApplicationFilters.from_querydict(request.GET)
    )
    return paginate(request, qs, paging, rows=application_rows)


@router.get(
    "/applications/mine",
    response={200: ApplicationPage, **errors(401)},
    auth=WRITE_AUTH,
    summary="Applications of the organisations you are a member of",
)
def my_applications(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    user = require_authenticated(request)
    return paginate(request, selectors.applications_for_applicant(user), paging, rows=application_rows)


@router.post(
    "/calls/{slug}/applications",
    response={201: ApplicationDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Start a draft application for one of your organisations",
)
def start_application(request: HttpRequest, slug: str, payload: ApplicationStartIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    call = selectors.get_call_for(user, slug)
    organisation = Organisation.objects.filter(
        memberships__user=user, **_key_lookup(payload.organisation)
    ).first()
    if organisation is None:
        raise ValidationFailed(
            fields={
                "organisation": [
                    _("You are not a member of an organisation “%(key)s”.") % {"key": payload.organisation}
                ]
            }
        )
    application = app_services.start_application(call, organisation, actor=user)
    return Status(201, _application_out(user, selectors.get_application_for(user, application.uuid)))


@router.get(
    "/applications/{application_uuid}",
    response={200: ApplicationDetailOut, **errors(401, 404)},
    auth=WRITE_AUTH,
    summary="One application (its applicant, or the center's staff once submitted)",
)
def get_application(request: HttpRequest, application_uuid: str) -> dict[str, Any]:
    user = api_user(request)
    return _application_out(user, selectors.get_application_for(user, application_uuid))


@router.patch(
    "/applications/{application_uuid}/answers",
    response={200: ApplicationDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Save some answers (autosave; required questions are checked on submission)",
)
def save_answers(request: HttpRequest, application_uuid: str, payload: AnswersIn) -> dict[str, Any]:
    user = api_user(request)
    application = selectors.get_application_for(user, application_uuid)
    app_services.save_answers(application, payload.answers, actor=user, expected_version=payload.version)
    return _application_out(user, selectors.get_application_for(user, application_uuid))


@router.post(
    "/applications/{application_uuid}/files",
    response={201: FileOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Upload a file for a file question (multipart: field_key, file)",
)
def upload_file(
    request: HttpRequest, application_uuid: str, field_key: Form[str], file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    user = api_user(request)
    application = selectors.get_application_for(user, application_uuid)
    stored = app_services.upload_file(application, field_key, file, actor=user)
    return Status(
        201,
        {
            "id": stored.pk,
            "field_key": stored.field_key,
            "name": stored.original_name,
            "size": stored.size,
            "content_type": stored.content_type,
            "uploaded_at": stored.uploaded_at,
        },
    )


@router.delete(
    "/applications/{application_uuid}/files/{file_id}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Remove an uploaded file",
)
def remove_file(request: HttpRequest, application_uuid: str, file_id: int) -> Status[None]:
    user = api_user(request)
    application = selectors.get_application_for(user, application_uuid)
    stored = ApplicationFile.objects.filter(pk=file_id, application=application).first()
    if stored is None:
        raise NotFound()
    app_services.remove_file(stored, actor=user)
    return Status(204, None)


@router.post(
    "/applications/{application_uuid}/submit",
    response={200: ApplicationDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Submit (or re-submit) the application: a new version",
)
def submit_application(request: HttpRequest, application_uuid: str, payload: SubmitIn) -> dict[str, Any]:
    user = api_user(request)
    application = selectors.get_application_for(user, application_uuid)
    app_services.submit_application(application, actor=user, expected_version=payload.version)
    return _application_out(user, selectors.get_application_for(user, application_uuid))


@router.post(
    "/applications/{application_uuid}/withdraw",
    response={200: ApplicationDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Withdraw the application",
)
def withdraw_application(request: HttpRequest, application_uuid: str, payload: WithdrawIn) -> dict[str, Any]:
    user = api_user(request)
    application = selectors.get_application_for(user, application_uuid)
    app_services.withdraw_application(
        application, actor=user, reason=payload.reason, expected_version=payload.version
    )
    return _application_out(user, selectors.get_application_for(user, application_uuid))
