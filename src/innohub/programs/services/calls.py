"""Writes of calls for applications: create, change, and the call's state machine (Call.TRANSITIONS).

Publishing needs an active programme, a form with at least one question and a deadline in the future;
a call goes back to draft only while nobody has submitted to it; review starts once it has closed.
Every change of state is a line of the selection's audit trail (ApplicationEvent).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from innohub.core.errors import Conflict, InvalidTransition, ValidationFailed
from innohub.core.sanitize import clean_html
from innohub.programs import eligibility
from innohub.programs.models import Application, Call, FormField, Programme
from innohub.programs.services.programmes import actor_context, require_manage, unique_slug
from innohub.programs.states import check_transition, record_event

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALL_TEXT = ("title_vi", "title_en")
CALL_HTML = ("description_vi", "description_en")
CALL_FIELDS = (
    *CALL_TEXT,
    *CALL_HTML,
    "opens_at",
    "closes_at",
    "edits_allowed_until",
    "eligibility",
    "quotas",
    "max_selected",
    "appeal_days",
)
#: fields that cannot change once the call is under review (the applications were judged on them)
FROZEN_AFTER_CLOSING = ("opens_at", "closes_at", "eligibility")


def local_time(value: dt.datetime) -> str:
    """A moment as applicants read it: Vietnam time, 24-hour clock."""
    return dateformat.format(timezone.localtime(value, LOCAL_TZ), "H:i d/m/Y")


def _clean(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ValidationFailed(fields={k: [_("This field is not accepted.")] for k in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    for key in CALL_TEXT:
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    for key in CALL_HTML:
        if key in fields:
            fields[key] = clean_html(fields[key] or "")
    if (creating or "title_vi" in fields) and not fields.get("title_vi"):
        errors.setdefault("title_vi", []).append(_("The title is required."))
    for key in ("opens_at", "closes_at"):
        if creating and not fields.get(key):
            errors.setdefault(key, []).append(_("This field is required."))
    for key in ("opens_at", "closes_at", "edits_allowed_until"):
        value = fields.get(key)
        if value is not None and timezone.is_naive(value):
            fields[key] = timezone.make_aware(value, LOCAL_TZ)
    try:
        if "eligibility" in fields:
            fields["eligibility"] = eligibility.validate_rules(fields["eligibility"])
    except ValidationFailed as exc:
        for key, messages in exc.fields.items():
            errors.setdefault(key, []).extend(messages)
    try:
        if "quotas" in fields:
            fields["quotas"] = eligibility.validate_quotas(fields["quotas"])
    except ValidationFailed as exc:
        for key, messages in exc.fields.items():
            errors.setdefault(key, []).extend(messages)
    if fields.get("max_selected") is not None and fields["max_selected"] < 1:
        errors.setdefault("max_selected", []).append(_("Enter 1 or more, or leave it empty."))
    if errors:
        raise ValidationFailed(fields=errors)
    return fields


def _check_dates(opens_at: Any, closes_at: Any, edits_until: Any) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationFailed(fields={"closes_at": [_("The call must close after it opens.")]})
    if edits_until and opens_at and edits_until <= opens_at:
        raise ValidationFailed(
            fields={"edits_allowed_until": [_("Edits after submission must end after the call opens.")]}
        )


@transaction.atomic
def create_call(programme: Programme, *, actor: Any, slug: str | None = None, **fields: Any) -> Call:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_manage(actor, programme)
    if programme.status == Programme.Status.ARCHIVED:
        raise InvalidTransition(_("An archived programme cannot get new calls."))
    fields = _clean(dict(fields), creating=True)
    _check_dates(fields["opens_at"], fields["closes_at"], fields.get("edits_allowed_until"))
    with actor_context(actor):
        call = Call(programme=programme, created_by=actor if getattr(actor, "pk", None) else None, **fields)
        call.slug = unique_slug(Call, fields["title_vi"], wanted=slug)
        call.save()
        record_event("call.created", actor=actor, call=call)
    return call


def lock_call(call: Call) -> Call:
    return Call.objects.select_for_update().select_related("programme").get(pk=call.pk)


@transaction.atomic
def update_call(call: Call, *, actor: Any, expected_version: int | None = None, **fields: Any) -> Call:
    locked = lock_call(call)
    require_manage(actor, locked)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    if locked.status == Call.Status.ARCHIVED:
        raise InvalidTransition(_("An archived call cannot be changed."))
    fields = _clean(dict(fields), creating=False)
    if locked.status not in (Call.Status.DRAFT, Call.Status.PUBLISHED):
        frozen = [k for k in FROZEN_AFTER_CLOSING if k in fields and fields[k] != getattr(locked, k)]
        if frozen:
            raise InvalidTransition(
                _("Dates and eligibility rules cannot change once the call is under review."),
                fields={k: [_("This can no longer be changed.")] for k in frozen},
            )
    _check_dates(
        fields.get("opens_at", locked.opens_at),
        fields.get("closes_at", locked.closes_at),
        fields.get("edits_allowed_until", locked.edits_allowed_until),
    )
    changed = sorted(k for k, v in fields.items() if getattr(locked, k) != v)
    with actor_context(actor):
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.version = F("version") + 1  # type: ignore[assignment]
        locked.save(update_fields=[*fields, "version", "updated_at"])
        if changed:
            record_event("call.updated", actor=actor, call=locked, fields=changed)
    locked.refresh_from_db()
    return locked


def _check_publishable(call: Call, now: dt.datetime) -> None:
    problems: list[str] = []
    if call.programme.status != Programme.Status.ACTIVE:
        problems.append(
            _("Make the programme “%(programme)s” active first.") % {"programme": call.programme.title}
        )
    if not FormField.objects.filter(section__call=call).exists():
        problems.append(_("Add at least one question to the application form."))
    if call.closes_at <= now:
        problems.append(
            _("The closing date (%(deadline)s) has passed; set a later one.")
            % {"deadline": local_time(call.closes_at)}
        )
    try:
        eligibility.validate_rules(call.eligibility)
        eligibility.validate_quotas(call.quotas)
    except ValidationFailed:
        problems.append(_("Correct the eligibility rules and quotas."))
    if problems:
        raise InvalidTransition(
            _("The call cannot be published yet: %(problems)s") % {"problems": " ".join(problems)},
            fields={"__all__": problems},
        )


@transaction.atomic
def transition_call(
    call: Call, to: str, *, actor: Any, expected_version: int | None = None, close_early: bool = False
) -> Call:
    """Move the call to state `to` if Call.TRANSITIONS and the rules of that state allow it.

    `close_early` (review only): a call still taking applications closes now instead of being refused
    — staff pressing "Close and start review" before the deadline mean exactly that."""
    locked = lock_call(call)
    require_manage(actor, locked)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    check_transition(locked, to)
    now = timezone.now()
    update = ["status", "version", "updated_at"]
    if to == Call.Status.PUBLISHED:
        _check_publishable(locked, now)
    elif to == Call.Status.DRAFT:
        submitted = locked.applications.exclude(status=Application.Status.DRAFT).count()
        if submitted:
            raise InvalidTransition(
                _("%(count)s applications were already submitted; the call cannot go back to draft.")
                % {"count": submitted}
            )
    elif to == Call.Status.REVIEWING and now < locked.closes_at and close_early and locked.opens_at < now:
        record_event("call.closed_early", actor=actor, call=locked, closes_at=locked.closes_at.isoformat())
        locked.closes_at = now
        update.append("closes_at")
    elif to == Call.Status.REVIEWING and now < locked.closes_at:
        raise InvalidTransition(
            _(
                "The call is open until %(deadline)s; review starts after it closes (change the closing date to close it earlier)."
            )
            % {"deadline": local_time(locked.closes_at)}
        )
    previous = locked.status
    locked.status = to
    if to == Call.Status.RESULTS_PUBLISHED:
        locked.results_published_at = now
        update.append("results_published_at")
    with actor_context(actor):
        locked.version = F("version") + 1  # type: ignore[assignment]
        locked.save(update_fields=update)
        record_event(f"call.{to}", actor=actor, call=locked, previous=previous)
    locked.refresh_from_db()
    return locked


def publish_call(call: Call, *, actor: Any, expected_version: int | None = None) -> Call:
    return transition_call(call, Call.Status.PUBLISHED, actor=actor, expected_version=expected_version)


def unpublish_call(call: Call, *, actor: Any, expected_version: int | None = None) -> Call:
    return transition_call(call, Call.Status.DRAFT, actor=actor, expected_version=expected_version)


def start_review(
    call: Call, *, actor: Any, expected_version: int | None = None, close_early: bool = False
) -> Call:
    return transition_call(
        call, Call.Status.REVIEWING, actor=actor, expected_version=expected_version, close_early=close_early
    )


def archive_call(call: Call, *, actor: Any, expected_version: int | None = None) -> Call:
    return transition_call(call, Call.Status.ARCHIVED, actor=actor, expected_version=expected_version)


@transaction.atomic
def delete_call(call: Call, *, actor: Any) -> None:
    """Only a draft call nobody applied to (applications are kept for the record: archive instead)."""
    locked = lock_call(call)
    require_manage(actor, locked)
    if locked.status != Call.Status.DRAFT or locked.applications.exists():
        raise InvalidTransition(
            _("Only a draft call without applications can be deleted; archive it instead.")
        )
    with actor_context(actor):
        locked.delete()
