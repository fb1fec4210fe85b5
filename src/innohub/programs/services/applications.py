"""Writes of applications: start a draft as an organisation, save answers as they are typed, upload and
remove files, submit (a new numbered version each time), and withdraw.

Only members of the applying organisation act for it. A draft can be changed while the call is open;
a submitted application while `call.accepts_edits()` (re-submitting makes the next version). Deadlines
are checked and stated in Vietnam time. Eligibility is checked on submission: the report is stored
whether the check passes or not, and a failed check refuses the submission with a reason per rule.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from innohub.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from innohub.core.text import fold
from innohub.directory.models import Organisation
from innohub.programs import access, answers, eligibility
from innohub.programs.models import (
    Application,
    ApplicationFile,
    ApplicationVersion,
    Call,
    FieldKind,
    FormField,
)
from innohub.programs.services.calls import LOCAL_TZ, local_time
from innohub.programs.states import check_transition, record_event

REFERENCE_ATTEMPTS = 5


# --- helpers --------------------------------------------------------------------------------------


def require_applicant(actor: Any, application: Application) -> None:
    if actor is not None and not access.is_applicant(actor, application):
        raise Forbidden(_("Only members of the applying organisation can change this application."))


def form_fields(call: Call) -> list[FormField]:
    return list(FormField.objects.filter(section__call=call).select_related("section"))


def _lock(application: Application) -> Application:
    try:
        return (
            Application.objects.select_for_update()
            .select_related("call__programme", "organisation")
            .get(pk=application.pk)
        )
    except Application.DoesNotExist:
        raise NotFound() from None


def _closed_message(call: Call, now: dt.datetime) -> str:
    if call.status == Call.Status.PUBLISHED and now < call.opens_at:
        return _("The call opens at %(opens)s (Vietnam time).") % {"opens": local_time(call.opens_at)}
    if call.status == Call.Status.PUBLISHED or now >= call.closes_at:
        return _(
            "The call closed at %(deadline)s (Vietnam time); applications can no longer be submitted."
        ) % {"deadline": local_time(call.closes_at)}
    return _("The call is not open for applications.")


def _require_changeable(application: Application, now: dt.datetime) -> None:
    call = application.call
    if application.status == Application.Status.DRAFT:
        if not call.is_open(now):
            raise InvalidTransition(_closed_message(call, now), code="call_closed")
    elif application.status == Application.Status.SUBMITTED:
        if not call.accepts_edits(now):
            until = call.edits_allowed_until or call.closes_at
            raise InvalidTransition(
                _("Submitted applications to this call could be changed until %(until)s (Vietnam time).")
                % {"until": local_time(until)},
                code="edits_closed",
            )
    else:
        raise InvalidTransition(
            _("The application is “%(state)s” and can no longer be changed.")
            % {"state": application.get_status_display()}
        )


def reference_prefix(call: Call) -> str:
    """ "HN-2027": the initials of the center's slug (or its short name) and the year the call closes."""
    center = call.programme.center
    words = [w for w in re.split(r"[^a-z0-9]+", fold(center.slug)) if w]
    initials = (
        "".join(w[0] for w in words).upper() if len(words) > 1 else (words[0][:4].upper() if words else "IH")
    )
    year = timezone.localtime(call.closes_at, LOCAL_TZ).year
    return f"{initials}-{year}"


def _next_reference(prefix: str) -> str:
    numbers = [
        int(ref.rsplit("-", 1)[-1])
        for ref in Application.objects.filter(reference__startswith=f"{prefix}-").values_list(
            "reference", flat=True
        )
        if ref.rsplit("-", 1)[-1].isdigit()
    ]
    return f"{prefix}-{max(numbers, default=0) + 1:04d}"


# --- starting -------------------------------------------------------------------------------------


@transaction.atomic
def start_application(call: Call, organisation: Organisation, *, actor: Any) -> Application:
    locked_call = Call.objects.select_for_update().select_related("programme__center").get(pk=call.pk)
    if actor is not None and not access.is_organisation_member(actor, organisation.pk):
        raise Forbidden(_("You can only apply for an organisation you are a member of."))
    now = timezone.now()
    if not locked_call.is_open(now):
        raise InvalidTransition(_closed_message(locked_call, now), code="call_closed")
    existing = Application.objects.filter(call=locked_call, organisation=organisation).first()
    if existing is not None:
        raise Conflict(
            _(
                "“%(organisation)s” already has an application to this call (%(reference)s); continue that one."
            )
            % {"organisation": organisation.name, "reference": existing.reference},
            code="already_applied",
        )
    prefix = reference_prefix(locked_call)
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():  # a reference taken by a call of another center in the meantime
                application = Application.objects.create(
                    call=locked_call,
                    organisation=organisation,
                    reference=_next_reference(prefix),
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            break
        except IntegrityError:
            if Application.objects.filter(call=locked_call, organisation=organisation).exists():
                raise Conflict(
                    _("“%(organisation)s” already has an application to this call.")
                    % {"organisation": organisation.name},
                    code="already_applied",
                ) from None
    else:  # pragma: no cover - only under extreme contention
        raise Conflict()
    record_event("application.started", actor=actor, call=locked_call, application=application)
    return application


# --- answers and files ----------------------------------------------------------------------------


@transaction.atomic
def save_answers(
    application: Application, data: dict[str, Any], *, actor: Any, expected_version: int | None = None
) -> Application:
    """Merge `data` (some answers; an empty value removes one) into the working copy. Required fields
    are not checked here; a value of the wrong type refuses the whole save (ValidationFailed per key)."""
    locked = _lock(application)
    require_applicant(actor, locked)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _(
                "This application was changed in another window or by a colleague since you opened it. "
                "Reload it to see the current answers."
            )
        )
    _require_changeable(locked, timezone.now())
    clean, errors = answers.clean_answers(form_fields(locked.call), data, user=actor)
    if errors:
        raise ValidationFailed(fields=errors)
    merged = dict(locked.answers or {})
    for key, value in clean.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    locked.answers = merged
    locked.version = F("version") + 1  # type: ignore[assignment]
    locked.save(update_fields=["answers", "version", "updated_at"])
    locked.refresh_from_db(fields=["version", "updated_at"])
    return locked


@transaction.atomic
def upload_file(application: Application, field_key: str, upload: Any, *, actor: Any) -> ApplicationFile:
    locked = _lock(application)
    require_applicant(actor, locked)
    _require_changeable(locked, timezone.now())
    field = FormField.objects.filter(section__call=locked.call, key=field_key).first()
    if field is None or field.kind != FieldKind.FILE:
        raise ValidationFailed(fields={field_key: [_("This question does not take files.")]})
    ext, content_type = answers.check_upload(field, upload)
    count = locked.files.filter(field_key=field_key).count()
    if count >= answers.max_files(field):
        message = _("“%(label)s” takes at most %(max)s files; remove one first.") % {
            "label": field.label,
            "max": answers.max_files(field),
        }
        raise ValidationFailed(message, fields={field_key: [message]}, code="too_many_files")
    original = str(upload.name).replace("\\", "/").rsplit("/", 1)[-1][:255]
    upload.name = f"{locked.reference}-{field_key}.{ext}"
    stored = ApplicationFile(
        application=locked,
        field_key=field_key,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    stored.file.save(upload.name, upload, save=False)
    stored.save()
    record_event(
        "application.file_uploaded",
        actor=actor,
        call=locked.call,
        application=locked,
        field=field_key,
        name=original,
    )
    return stored


def _referenced_by_a_version(application: Application, name: str) -> bool:
    return any(
        isinstance(value, list) and any(isinstance(f, dict) and f.get("path") == name for f in value)
        for answers_ in application.versions.values_list("answers", flat=True)
        for value in answers_.values()
    )


@transaction.atomic
def remove_file(stored: ApplicationFile, *, actor: Any) -> None:
    locked = _lock(stored.application)
    require_applicant(actor, locked)
    _require_changeable(locked, timezone.now())
    stored = ApplicationFile.objects.get(pk=stored.pk, application=locked)
    name = stored.file.name
    keep_blob = _referenced_by_a_version(locked, name)
    record_event(
        "application.file_removed",
        actor=actor,
        call=locked.call,
        application=locked,
        field=stored.field_key,
        name=stored.original_name,
    )
    stored.delete()
    if not keep_blob:  # a submitted version still lists it otherwise
        storage, path = stored.file.storage, name
        transaction.on_commit(lambda: storage.delete(path))


# --- submission -----------------------------------------------------------------------------------


def _file_snapshot(application: Application) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int]]:
    files: dict[str, list[dict[str, Any]]] = {}
    for f in application.files.all():
        files.setdefault(f.field_key, []).append(
            {
                "id": f.pk,
                "name": f.original_name,
                "size": f.size,
                "content_type": f.content_type,
                "path": f.file.name,
            }
        )
    return files, {k: len(v) for k, v in files.items()}


def _search_text(application: Application, fields: list[FormField], submitted: dict[str, Any]) -> str:
    texts = [application.organisation.name]
    for field in fields:
        if field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT) and submitted.get(field.key):
            texts.append(str(submitted[field.key])[:5000])
    return fold(" ".join(texts))[:50_000]


def submit_application(
    application: Application, *, actor: Any, expected_version: int | None = None
) -> Application:
    """Submit (or re-submit) the working copy as the next version. A failed eligibility check is
    stored on the application (so staff and the applicant see why) and then refuses the submission."""
    refusal: ValidationFailed | None = None
    with transaction.atomic():
        locked = _lock(application)
        require_applicant(actor, locked)
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(
                _(
                    "This application was changed in another window or by a colleague since you opened it. "
                    "Reload it and submit again."
                )
            )
        now = timezone.now()
        check_transition(locked, Application.Status.SUBMITTED)
        _require_changeable(locked, now)
        call = locked.call
        fields = form_fields(call)
        working = dict(locked.answers or {})
        files, counts = _file_snapshot(locked)
        errors = answers.submission_errors(fields, working, counts, user=actor)
        if errors:
            raise ValidationFailed(
                _(
                    "The application cannot be submitted yet: %(count)s questions need an answer or a correction."
                )
                % {"count": len(errors)},
                fields=errors,
                code="incomplete",
            )
        report = eligibility.check(call, locked.organisation)
        failed = eligibility.failures(report)
        locked.eligibility_report = report
        if failed:
            locked.save(update_fields=["eligibility_report", "updated_at"])
            record_event(
                "application.not_eligible",
                actor=actor,
                call=call,
                application=locked,
                rules=[entry["rule"] for entry in failed],
            )
            refusal = ValidationFailed(
                _("“%(organisation)s” does not meet the eligibility rules of this call.")
                % {"organisation": locked.organisation.name},
                fields={"eligibility": [str(entry["message"]) for entry in failed]},
                code="not_eligible",
            )
        else:
            snapshot = answers.applicable_answers(fields, working)
            keep = answers.applicable_keys(fields, working)
            snapshot.update({k: v for k, v in files.items() if k in keep})
            number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            ApplicationVersion.objects.create(
                application=locked,
                number=number,
                answers=snapshot,
                submitted_by=actor if getattr(actor, "pk", None) else None,
                submitted_at=now,
            )
            first = locked.status == Application.Status.DRAFT
            locked.status = Application.Status.SUBMITTED
            locked.submitted_at = now
            locked.submitted_version = number
            locked.search_text = _search_text(locked, fields, snapshot)
            locked.version = F("version") + 1  # type: ignore[assignment]
            locked.save(
                update_fields=[
                    "status",
                    "submitted_at",
                    "submitted_version",
                    "eligibility_report",
                    "search_text",
                    "version",
                    "updated_at",
                ]
            )
            record_event(
                "application.submitted" if first else "application.resubmitted",
                actor=actor,
                call=call,
                application=locked,
                number=number,
            )
    if refusal is not None:
        raise refusal
    locked.refresh_from_db()
    return locked


@transaction.atomic
def withdraw_application(
    application: Application, *, actor: Any, reason: str = "", expected_version: int | None = None
) -> Application:
    locked = _lock(application)
    require_applicant(actor, locked)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    check_transition(locked, Application.Status.WITHDRAWN)
    previous = locked.status
    locked.status = Application.Status.WITHDRAWN
    locked.version = F("version") + 1  # type: ignore[assignment]
    locked.save(update_fields=["status", "version", "updated_at"])
    record_event(
        "application.withdrawn",
        actor=actor,
        call=locked.call,
        application=locked,
        previous=previous,
        reason=(reason or "")[:1000],
    )
    locked.refresh_from_db()
    return locked


def file_counts(application: Application) -> dict[str, int]:
    return dict(application.files.values("field_key").annotate(n=Count("id")).values_list("field_key", "n"))


def applicant_permissions(application: Application, *, is_applicant: bool) -> dict[str, bool]:
    """What the applicant may do now (the pages show these buttons; the services check again)."""
    if not is_applicant:
        return {"edit": False, "submit": False, "withdraw": False}
    try:
        _require_changeable(application, timezone.now())
        changeable = True
    except InvalidTransition:
        changeable = False
    return {
        "edit": changeable,
        "submit": changeable,
        "withdraw": Application.Status.WITHDRAWN in Application.TRANSITIONS.get(application.status, ()),
    }
