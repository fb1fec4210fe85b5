"""/api/v1/privacy: my consents, a copy of my data, deleting my account.

Everything here is about the caller's own data. Deleting the account needs a signed-in browser
session and the password (`SESSION_ONLY`): a leaked API token must not be able to delete it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from ninja import Field, Router, Schema, Status

from innohub.core.api.auth import SESSION_ONLY, WRITE_AUTH, api_user
from innohub.core.api.errors import errors
from innohub.core.errors import ValidationFailed
from innohub.privacy import selectors, services
from innohub.privacy.models import DataRequest
from innohub.privacy.selectors import PurposeState

router = Router(tags=["privacy"])


class ConsentOut(Schema):
    purpose: str = Field(..., description="Purpose code.")
    name: str
    description: str
    legal_basis: str
    required: bool = Field(
        ..., description="Required purposes cannot be withdrawn without deleting the account."
    )
    retention_days: int = Field(..., description="Days the data is kept after withdrawal, then purged.")
    text_version: str = Field(..., description="Current version of the purpose's text.")
    granted: bool
    granted_text_version: str | None = Field(
        None, description="Version of the text the consent was given to."
    )
    outdated: bool = Field(..., description="Given to an older text: ask the user again.")
    granted_at: datetime | None
    withdrawn_at: datetime | None
    source: str | None


class ConsentIn(Schema):
    granted: bool


class DataRequestOut(Schema):
    id: UUID
    kind: str
    status: str
    created_at: datetime
    completed_at: datetime | None
    explanation: str
    progress_id: UUID | None = Field(None, description="Task progress of an export.")
    percent: int = Field(0, description="How far the export is (0–100).")
    download_url: str | None = Field(
        None, description="Where the signed-in user downloads the finished copy (browser session)."
    )


class KeptOut(Schema):
    what: str
    why: str


class ErasureIn(Schema):
    password: str = Field(..., min_length=1, max_length=256, description="The account's password.")
    note: str = Field("", max_length=2000)


class ErasureOut(Schema):
    request: DataRequestOut
    erased: bool
    deleted: list[str]
    kept: list[KeptOut]
    blockers: list[str]


def _consent_out(state: PurposeState) -> dict[str, Any]:
    purpose, consent = state.purpose, state.consent
    return {
        "purpose": purpose.code,
        "name": purpose.name,
        "description": purpose.description,
        "legal_basis": purpose.legal_basis,
        "required": purpose.required,
        "retention_days": purpose.retention_days,
        "text_version": purpose.text_version,
        "granted": state.granted,
        "granted_text_version": consent.text_version if consent and consent.text_version else None,
        "outdated": state.outdated,
        "granted_at": consent.granted_at if consent else None,
        "withdrawn_at": consent.withdrawn_at if consent else None,
        "source": consent.source if consent else None,
    }


def _request_out(data_request: DataRequest) -> dict[str, Any]:
    progress = data_request.progress
    download = None
    if data_request.downloadable:
        with translation.override(None):
            download = reverse("workspace:privacy-export-download", kwargs={"uuid": data_request.uuid})
    return {
        "id": data_request.uuid,
        "kind": data_request.kind,
        "status": data_request.status,
        "created_at": data_request.created_at,
        "completed_at": data_request.completed_at,
        "explanation": data_request.explanation,
        "progress_id": progress.uuid if progress is not None else None,
        "percent": 100
        if data_request.status == DataRequest.Status.DONE
        else (progress.percent if progress else 0),
        "download_url": download,
    }


@router.get(
    "/consents", response={200: list[ConsentOut], **errors(401)}, auth=WRITE_AUTH, summary="My consents"
)
def privacy_consents(request: HttpRequest) -> list[dict[str, Any]]:
    return [_consent_out(state) for state in selectors.purposes_for(api_user(request))]


@router.put(
    "/consents/{code}",
    response={200: ConsentOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Give or withdraw my consent to one purpose",
    description="Withdrawing a required purpose is refused (409 `consent_required`): delete the account instead.",
)
def privacy_set_consent(request: HttpRequest, code: str, payload: ConsentIn) -> dict[str, Any]:
    user = api_user(request)
    purpose = services.get_purpose(code)
    services.set_consent(user, purpose, granted=payload.granted, actor=user, source="api")
    state = next(s for s in selectors.purposes_for(user) if s.purpose.pk == purpose.pk)
    return _consent_out(state)


@router.post(
    "/exports",
    response={202: DataRequestOut, **errors(401, 403)},
    auth=WRITE_AUTH,
    summary="Ask for a copy of my data (a background task)",
)
def privacy_request_export(request: HttpRequest) -> Status[dict[str, Any]]:
    user = api_user(request)
    data_request = services.request_export(user, actor=user, language=translation.get_language() or "vi")
    data_request.refresh_from_db()
    return Status(202, _request_out(data_request))


@router.get(
    "/exports/{request_id}",
    response={200: DataRequestOut, **errors(401, 404)},
    auth=WRITE_AUTH,
    summary="Status of my data export",
)
def privacy_export_status(request: HttpRequest, request_id: str) -> dict[str, Any]:
    data_request = services.export_for_download(api_user(request), request_id)
    return _request_out(data_request)


@router.post(
    "/erasure",
    response={200: ErasureOut, 202: ErasureOut, **errors(401, 403, 409, 422)},
    auth=SESSION_ONLY,
    summary="Delete my account",
    description=(
        "Needs a browser session and the password. 200: the account was anonymised (the session ends). "
        "202: something stands in the way (`blockers`); the request stays open for the center's "
        "administrators. `kept` lists what is kept for legal reasons, and why."
    ),
)
def privacy_request_erasure(request: HttpRequest, payload: ErasureIn) -> Status[dict[str, Any]]:
    from django.contrib.auth import logout

    user = api_user(request)
    if not user.check_password(payload.password):
        raise ValidationFailed(fields={"password": [str(services.wrong_password_message())]})
    data_request, report = services.request_erasure(user, actor=user, note=payload.note)
    plan = report or services.erasure_plan(user)
    body = {
        "request": _request_out(data_request),
        "erased": report is not None,
        "deleted": plan.deleted,
        "kept": [{"what": what, "why": why} for what, why in plan.kept],
        "blockers": plan.blockers,
    }
    if report is None:
        return Status(202, body)
    logout(request)
    return Status(200, body)
