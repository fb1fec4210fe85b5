"""Selection: decisions, decision letters, publication of results, appeals and participants.

* Decisions (shortlist, accept, waitlist, reject) follow `Application.TRANSITIONS`; each carries the
  version the decider read, so when two staff decide the same application at once the second gets a
  `Conflict` and nothing changes. Bulk decisions are all-or-nothing.
* Acceptance respects the call's places (`Call.max_selected`) at every decision; the quotas
  (`Call.quotas`, `eligibility.quota_status`) are checked when acceptance becomes final — at
  publication — because a share can only be judged on the whole accepted set. A quota that is not
  met blocks publication unless staff give a reason to publish anyway (kept in the audit trail).
* Publication moves the call to "results published", makes accepted applicants the programme's
  participants and sends the decision letters (in the recipient's language, from the call's
  LetterTemplate for that outcome or a default); a decision changed afterwards (an upheld appeal or a
  correction) sends its letter at once. Mail goes out after commit; the Letter rows are the in-app copy.
* Appeals are filed by the applicant against a rejection or a waiting-list place within
  `call.appeal_days` days of publication; staff uphold (and may change the decision) or dismiss.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from innohub.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from innohub.directory.models import OrganisationMember
from innohub.programs import permissions as P
from innohub.programs.access import can_see_application, is_applicant
from innohub.programs.models import (
    Appeal,
    Application,
    Call,
    Letter,
    LetterTemplate,
    Participant,
)
from innohub.programs.services.review import bump, check_version, require
from innohub.programs.states import check_transition, record_event

logger = logging.getLogger(__name__)

FINAL_OUTCOMES = (Application.Status.ACCEPTED, Application.Status.WAITLISTED, Application.Status.REJECTED)
UNDECIDED = (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW, Application.Status.SHORTLISTED)
APPEALABLE = (Application.Status.REJECTED, Application.Status.WAITLISTED)
DECIDING_CALL_STATES = (
    Call.Status.PUBLISHED,
    Call.Status.REVIEWING,
    Call.Status.DECIDED,
    Call.Status.RESULTS_PUBLISHED,
)

# --- letters --------------------------------------------------------------------------------------

#: placeholders a LetterTemplate may use (documented on the model)
PLACEHOLDERS = ("organisation", "call", "programme", "reference", "note", "appeal_until")

DEFAULT_LETTERS: dict[str, tuple[str, str]] = {
    "shortlisted": (
        N_("Your application {reference} was shortlisted"),
        N_(
            "Dear {organisation},\n\nYour application {reference} to “{call}” ({programme}) was shortlisted "
            "for the next round of the selection. We will write to you with the next steps.\n\n{note}"
        ),
    ),
    "accepted": (
        N_("Your application {reference} was accepted"),
        N_(
            "Dear {organisation},\n\nWe are pleased to tell you that your application {reference} to "
            "“{call}” was accepted. Welcome to {programme}!\n\n{note}"
        ),
    ),
    "waitlisted": (
        N_("Your application {reference} is on the waiting list"),
        N_(
            "Dear {organisation},\n\nYour application {reference} to “{call}” ({programme}) is on the "
            "waiting list: we will write to you if a place becomes free.\n\n{note}\n\nYou may appeal this "
            "decision in your workspace until {appeal_until}."
        ),
    ),
    "rejected": (
        N_("Your application {reference} was not selected"),
        N_(
            "Dear {organisation},\n\nThank you for applying to “{call}” ({programme}). We regret that your "
            "application {reference} was not selected this time.\n\n{note}\n\nYou may appeal this "
            "decision in your workspace until {appeal_until}."
        ),
    ),
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace the known {placeholders}; leave any other brace text as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "").strip()


def appeal_until(call: Call) -> dt.datetime | None:
    if call.results_published_at is None:
        return None
    return call.results_published_at + dt.timedelta(days=call.appeal_days)


def _letter_text(application: Application, outcome: str, language: str) -> tuple[str, str]:
    call = application.call
    template = LetterTemplate.objects.filter(call=call, outcome=outcome).first()
    until = appeal_until(call)
    with translation.override(language):
        values = {
            "organisation": application.organisation.name,
            "call": call.title,
            "programme": call.programme.title,
            "reference": application.reference,
            "note": application.decision_note or "",
            "appeal_until": date_format(timezone.localtime(until), "DATE_FORMAT") if until else "—",
        }
        subject = body = ""
        if template is not None:
            for lang in (language, "vi", "en"):
                subject = getattr(template, f"subject_{lang}", "") or ""
                body = getattr(template, f"body_{lang}", "") or ""
                if subject and body:
                    break
        if not (subject and body):
            default_subject, default_body = DEFAULT_LETTERS.get(outcome, DEFAULT_LETTERS["rejected"])
            subject, body = _(default_subject), _(default_body)
        return render_placeholders(subject, values), re.sub(
            r"\n{3,}", "\n\n", render_placeholders(body, values)
        )


def recipients_of(application: Application) -> list[Any]:
    users: dict[int, Any] = {
        m.user_id: m.user
        for m in OrganisationMember.objects.filter(organisation=application.organisation).select_related(
            "user"
        )
    }
    if application.created_by_id and application.created_by_id not in users:
        users[application.created_by_id] = application.created_by
    return [u for _pk, u in sorted(users.items()) if u is not None and u.is_active]


def _send(letters: Sequence[Letter]) -> None:
    payload = [
        (letter.subject, letter.body, letter.recipient.email)
        for letter in letters
        if letter.recipient and letter.recipient.email
    ]

    def _mail() -> None:
        for subject, body, email in payload:
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
            except Exception:  # a mail server failure must not undo a decision; the letter is in-app
                logger.exception("decision letter to %s could not be sent", email)

    transaction.on_commit(_mail)


def send_letter(application: Application, *, actor: Any, outcome: str | None = None) -> list[Letter]:
    """One letter per recipient (members of the applying organisation), in each one's language."""
    outcome = outcome or application.status
    letters = []
    for user in recipients_of(application):
        language = (getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE).split("-")[0]
        subject, body = _letter_text(application, outcome, language)
        letters.append(
            Letter.objects.create(
                application=application,
                recipient=user,
                outcome=outcome,
                language=language,
                subject=subject[:255],
                body=body,
            )
        )
    record_event(
        "letter.sent",
        actor=actor,
        call=application.call,
        application=application,
        outcome=outcome,
        recipients=[letter.recipient_id for letter in letters],
    )
    _send(letters)
    return letters


@transaction.atomic
def save_letter_template(
    call: Call,
    outcome: str,
    *,
    actor: Any,
    subject_vi: str,
    body_vi: str,
    subject_en: str = "",
    body_en: str = "",
) -> LetterTemplate:
    require(actor, P.DECIDE, call)
    if outcome not in Application.DECISIONS:
        raise ValidationFailed(fields={"outcome": [_("Choose a decision.")]})
    errors: dict[str, list[str]] = {}
    for key, value in (("subject_vi", subject_vi), ("body_vi", body_vi)):
        if not (value or "").strip():
            errors[key] = [_("This field is required.")]
    for key, value in (
        ("subject_vi", subject_vi),
        ("body_vi", body_vi),
        ("subject_en", subject_en),
        ("body_en", body_en),
    ):
        unknown = sorted(set(_PLACEHOLDER.findall(value or "")) - set(PLACEHOLDERS))
        if unknown:
            errors.setdefault(key, []).append(
                _("Unknown placeholders: %(names)s. Use %(known)s.")
                % {
                    "names": ", ".join(f"{{{u}}}" for u in unknown),
                    "known": ", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
                }
            )
    if errors:
        raise ValidationFailed(fields=errors)
    template = (
        LetterTemplate.objects.select_for_update(of=("self",)).filter(call=call, outcome=outcome).first()
    )
    if template is None:
        template = LetterTemplate(call=call, outcome=outcome)
    texts = {
        "subject_vi": subject_vi.strip(),
        "body_vi": body_vi.strip(),
        "subject_en": (subject_en or "").strip(),
        "body_en": (body_en or "").strip(),
    }
    for key, value in texts.items():
        setattr(template, key, value)
    template.save()
    record_event("letter_template.saved", actor=actor, call=call, outcome=outcome)
    return template


# --- participants ---------------------------------------------------------------------------------


def _sync_participant(application: Application) -> None:
    if application.status == Application.Status.ACCEPTED:
        Participant.objects.get_or_create(
            programme_id=application.call.programme_id,
            organisation_id=application.organisation_id,
            application=application,
        )
    else:
        Participant.objects.filter(application=application).delete()


# --- decisions ------------------------------------------------------------------------------------


def _places_check(call: Call, application: Application) -> None:
    if call.max_selected is None:
        return
    accepted = (
        Application.objects.filter(call=call, status=Application.Status.ACCEPTED)
        .exclude(pk=application.pk)
        .count()
    )
    if accepted >= call.max_selected:
        raise ValidationFailed(
            _(
                "All %(places)s places of this call are taken (%(accepted)s accepted). Move an accepted application to the waiting list first."
            )
            % {"places": call.max_selected, "accepted": accepted},
            code="no_places",
        )


def _decide_locked(
    application: Application, call: Call, *, actor: Any, outcome: str, note: str, notify: bool
) -> Application:
    if outcome not in Application.DECISIONS:
        raise ValidationFailed(fields={"outcome": [_("Choose shortlist, accept, waitlist or reject.")]})
    if call.status not in DECIDING_CALL_STATES:
        raise InvalidTransition(_("Applications of this call cannot be decided in its current state."))
    check_transition(application, outcome)
    if outcome == Application.Status.ACCEPTED:
        _places_check(call, application)
    previous = application.status
    application.status = outcome
    application.decided_at = timezone.now()
    application.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    application.decision_note = (note or "").strip()
    bump(application, "status", "decided_at", "decided_by", "decision_note")
    record_event(
        f"application.{outcome}",
        actor=actor,
        call=call,
        application=application,
        previous=previous,
        note=application.decision_note,
    )
    published = call.status == Call.Status.RESULTS_PUBLISHED
    if published:
        _sync_participant(application)
    if notify or (published and outcome in FINAL_OUTCOMES):
        send_letter(application, actor=actor)
    return application


def _lock_application(application: Application) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("organisation", "created_by")
        .get(pk=application.pk)
    )
    locked.call = Call.objects.select_related("programme").get(pk=locked.call_id)
    return locked


@transaction.atomic
def decide_application(
    application: Application,
    *,
    actor: Any,
    outcome: str,
    note: str = "",
    expected_version: int | None = None,
    notify: bool = False,
) -> Application:
    """Shortlist, accept, waitlist or reject one application."""
    require(actor, P.DECIDE, application.call)
    locked = _lock_application(application)
    check_version(locked, expected_version)
    return _decide_locked(locked, locked.call, actor=actor, outcome=outcome, note=note, notify=notify)


@transaction.atomic
def decide_applications(
    items: Iterable[tuple[Application, int | None]],
    *,
    actor: Any,
    outcome: str,
    note: str = "",
    notify: bool = False,
) -> list[Application]:
    """The same decision for many applications, all or nothing: any refusal (state, places, a version
    someone else changed) refuses the whole batch and names the applications concerned."""
    items = list(items)
    if not items:
        raise ValidationFailed(fields={"applications": [_("Select at least one application.")]})
    require(actor, P.DECIDE, items[0][0].call)
    decided: list[Application] = []
    conflicts: list[str] = []
    refused: dict[str, list[str]] = {}
    for application, expected_version in sorted(items, key=lambda item: item[0].pk):
        locked = _lock_application(application)
        if locked.call_id != items[0][0].call_id:
            raise NotFound()
        if expected_version is not None and locked.version != int(expected_version):
            conflicts.append(locked.reference)
            continue
        try:
            with transaction.atomic():
                decided.append(
                    _decide_locked(
                        locked, locked.call, actor=actor, outcome=outcome, note=note, notify=notify
                    )
                )
        except DomainError as exc:
            refused[locked.reference] = [str(exc.message)]
    if conflicts:
        raise Conflict(
            _(
                "These applications were changed by someone else since you opened the list: %(references)s. Reload and decide again; nothing was changed."
            )
            % {"references": ", ".join(conflicts)}
        )
    if refused:
        raise ValidationFailed(
            _("Nothing was changed: %(count)s of the selected applications cannot take this decision.")
            % {"count": len(refused)},
            fields=refused,
        )
    return decided


def quota_report(call: Call, applications: Iterable[Application] | None = None) -> list[Any]:
    """How the accepted applications (or the given ones) stand against the call's quotas."""
    from innohub.programs.eligibility import quota_status

    if applications is None:
        applications = Application.objects.filter(call=call, status=Application.Status.ACCEPTED)
    return list(quota_status(call, list(applications)))


@transaction.atomic
def publish_results(
    call: Call, *, actor: Any, expected_version: int | None = None, quota_override: str = ""
) -> Call:
    """Make the decisions final and public: participants, letters, the public results page."""
    require(actor, P.DECIDE, call)
    locked = Call.objects.select_for_update(of=("self",)).select_related("programme").get(pk=call.pk)
    check_version(locked, expected_version)
    if locked.status == Call.Status.REVIEWING:
        check_transition(locked, Call.Status.DECIDED)
    elif locked.status != Call.Status.DECIDED:
        check_transition(locked, Call.Status.RESULTS_PUBLISHED)  # raises with the state's name
    undecided = list(
        Application.objects.filter(call=locked, status__in=UNDECIDED)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    if undecided:
        raise ValidationFailed(
            _(
                "Every application needs a final decision (accept, waitlist or reject) before publication. Still open: %(references)s."
            )
            % {"references": ", ".join(undecided[:20]) + ("…" if len(undecided) > 20 else "")},
            code="undecided",
        )
    accepted = list(
        Application.objects.filter(call=locked, status=Application.Status.ACCEPTED).select_related(
            "organisation"
        )
    )
    if locked.max_selected is not None and len(accepted) > locked.max_selected:
        raise ValidationFailed(
            _("%(accepted)s applications are accepted but the call has %(places)s places.")
            % {"accepted": len(accepted), "places": locked.max_selected}
        )
    unmet = [q for q in quota_report(locked, accepted) if not q.met]
    if unmet and not (quota_override or "").strip():
        raise ValidationFailed(
            _("Quotas not met: %(quotas)s. Change the decisions, or give a reason to publish anyway.")
            % {
                "quotas": "; ".join(
                    _("%(label)s: %(share)s%% of the accepted")
                    % {"label": q.label, "share": round(100 * q.share)}
                    for q in unmet
                )
            },
            fields={"quota_override": [_("Give a reason to publish although quotas are not met.")]},
            code="quota_not_met",
        )
    if locked.status == Call.Status.REVIEWING:
        locked.status = Call.Status.DECIDED
        bump(locked, "status")
        record_event("call.decided", actor=actor, call=locked)
    check_transition(locked, Call.Status.RESULTS_PUBLISHED)
    locked.status = Call.Status.RESULTS_PUBLISHED
    locked.results_published_at = timezone.now()
    bump(locked, "status", "results_published_at")
    record_event(
        "call.results_published",
        actor=actor,
        call=locked,
        accepted=len(accepted),
        quotas_unmet=[q.code for q in unmet],
        quota_override=(quota_override or "").strip(),
    )
    for application in Application.objects.filter(call=locked, status__in=FINAL_OUTCOMES).select_related(
        "organisation", "created_by"
    ):
        application.call = locked
        _sync_participant(application)
        already = Letter.objects.filter(application=application, outcome=application.status).exists()
        if not already:
            send_letter(application, actor=actor)
    return locked


# --- appeals --------------------------------------------------------------------------------------


@transaction.atomic
def file_appeal(application: Application, *, actor: Any, reason: str) -> Appeal:
    locked = _lock_application(application)
    if not is_applicant(actor, locked):
        # the center's staff see the application: refuse them plainly; hide it from anyone else
        if can_see_application(actor, locked):
            raise Forbidden(_("Only members of the applying organisation can appeal its decision."))
        raise NotFound()
    call = locked.call
    until = appeal_until(call)
    if call.status != Call.Status.RESULTS_PUBLISHED or until is None:
        raise InvalidTransition(_("Decisions can be appealed once the results are published."))
    if timezone.now() > until:
        raise InvalidTransition(
            _("The appeal window closed on %(date)s.")
            % {"date": date_format(timezone.localtime(until), "DATETIME_FORMAT")}
        )
    if locked.status not in APPEALABLE:
        raise InvalidTransition(_("Only a rejection or a place on the waiting list can be appealed."))
    if Appeal.objects.filter(application=locked).exists():
        raise InvalidTransition(_("This decision was already appealed; an application may appeal once."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationFailed(
            fields={"reason": [_("Explain in a few sentences why the decision should change.")]}
        )
    appeal = Appeal.objects.create(application=locked, filed_by=actor, reason=reason[:5000])
    record_event("appeal.filed", actor=actor, call=call, application=locked, appeal=str(appeal.uuid))
    return appeal


APPEAL_OUTCOMES = (Application.Status.ACCEPTED, Application.Status.WAITLISTED, Application.Status.SHORTLISTED)


@transaction.atomic
def decide_appeal(
    appeal: Appeal,
    *,
    actor: Any,
    uphold: bool,
    response: str,
    outcome: str | None = None,
    expected_version: int | None = None,
) -> Appeal:
    """Uphold (optionally changing the decision) or dismiss an appeal; the applicant gets a letter."""
    application = _lock_application(appeal.application)
    require(actor, P.DECIDE, application.call)
    locked = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
    check_version(locked, expected_version)
    if locked.status != Appeal.Status.OPEN:
        raise InvalidTransition(_("This appeal was already answered."))
    response = (response or "").strip()
    if not response:
        raise ValidationFailed(fields={"response": [_("Write the answer the applicant will receive.")]})
    if outcome and not uphold:
        raise ValidationFailed(fields={"outcome": [_("Only an upheld appeal changes the decision.")]})
    if outcome and outcome not in APPEAL_OUTCOMES:
        raise ValidationFailed(fields={"outcome": [_("Choose accept, waitlist or shortlist.")]})
    locked.status = Appeal.Status.UPHELD if uphold else Appeal.Status.DISMISSED
    locked.response = response
    locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.decided_at = timezone.now()
    bump(locked, "status", "response", "decided_by", "decided_at")
    record_event(
        f"appeal.{locked.status}",
        actor=actor,
        call=application.call,
        application=application,
        appeal=str(locked.uuid),
        response=response,
        outcome=outcome or "",
    )
    _appeal_letter(application, locked, actor=actor)
    if outcome and outcome != application.status:
        _decide_locked(
            application, application.call, actor=actor, outcome=outcome, note=response, notify=False
        )
    return locked


def _appeal_letter(application: Application, appeal: Appeal, *, actor: Any) -> None:
    letters = []
    for user in recipients_of(application):
        language = (getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE).split("-")[0]
        with translation.override(language):
            subject = _("Answer to your appeal about %(reference)s") % {"reference": application.reference}
            verdict = (
                _("Your appeal was upheld.")
                if appeal.status == Appeal.Status.UPHELD
                else _("Your appeal was dismissed.")
            )
            body = f"{verdict}\n\n{appeal.response}"
        letters.append(
            Letter.objects.create(
                application=application,
                recipient=user,
                outcome=application.status,
                language=language,
                subject=subject[:255],
                body=body,
            )
        )
    record_event("letter.sent", actor=actor, call=application.call, application=application, outcome="appeal")
    _send(letters)
