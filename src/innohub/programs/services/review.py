"""Writes of review rounds: rounds, criteria, panels, bids and reviewers' scorecards.

Every function runs in one transaction, locks what it changes, checks the permission, the state
(`states.check_transition`) and the version the caller read (`Conflict` when someone else changed it)
and writes one line of the selection's audit trail (`states.record_event`) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from innohub.accounts.access import can
from innohub.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from innohub.programs import permissions as P
from innohub.programs import scoring
from innohub.programs.models import (
    Application,
    Bid,
    Call,
    ConflictOfInterest,
    Criterion,
    PanelMember,
    Review,
    ReviewAssignment,
    ReviewRound,
    Score,
)
from innohub.programs.states import check_transition, record_event

# --- shared helpers (used by the other review/selection service modules) -------------------------


def require(actor: Any, action: str, call: Call, message: Any = None) -> None:
    if actor is None:
        return  # system work (tasks, seeds) acts without a user
    if not can(actor, action, center_id=call.programme.center_id):
        raise Forbidden(message)


def check_version(obj: Any, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != obj.version:
        raise Conflict()


def _vi(obj: Any, field: str) -> str:
    """The Vietnamese text of a translated field (the audit trail keeps one language)."""
    return str(getattr(obj, f"{field}_vi", "") or getattr(obj, field, "") or "")


def bump(obj: Any, *fields: str) -> None:
    """Save `fields` and a new version (the row is locked by the caller)."""
    obj.version += 1
    obj.save(update_fields=[*fields, "version", "updated_at"])


def _lock_call(call_id: int) -> Call:
    return Call.objects.select_for_update(of=("self",)).select_related("programme").get(pk=call_id)


def _lock_round(round_id: int) -> ReviewRound:
    round_ = ReviewRound.objects.select_for_update(of=("self",)).get(pk=round_id)
    round_.call = Call.objects.select_related("programme").get(pk=round_.call_id)
    return round_


# --- rounds ---------------------------------------------------------------------------------------

ROUND_FIELDS = (
    "title_vi",
    "title_en",
    "kind",
    "instructions_vi",
    "instructions_en",
    "blind",
    "per_item",
    "capacity",
    "normalisation",
    "closes_at",
    "position",
)


def _clean_round_fields(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    for plain in ("title", "instructions"):
        if plain in fields and f"{plain}_vi" not in fields:
            fields[f"{plain}_vi"] = fields.pop(plain)
        fields.pop(plain, None)
    unknown = sorted(set(fields) - set(ROUND_FIELDS))
    if unknown:
        raise ValidationFailed(fields={k: [_("This field cannot be set here.")] for k in unknown})
    errors: dict[str, list[str]] = {}
    if "title_vi" in fields or creating:
        fields["title_vi"] = (fields.get("title_vi") or "").strip()
        if not fields["title_vi"]:
            errors["title"] = [_("Give the round a title.")]
    if "kind" in fields and fields["kind"] not in ReviewRound.Kind.values:
        errors["kind"] = [_("Choose one of the round kinds.")]
    if "normalisation" in fields and fields["normalisation"] not in ReviewRound.Normalisation.values:
        errors["normalisation"] = [_("Choose raw scores or z-scores.")]
    for key, label in (
        ("per_item", _("reviewers per application")),
        ("capacity", _("applications per reviewer")),
    ):
        if key in fields:
            try:
                value = int(fields[key])
            except (TypeError, ValueError):
                value = 0
            if not 1 <= value <= 1000:
                errors[key] = [_("The number of %(what)s must be between 1 and 1000.") % {"what": label}]
            fields[key] = value
    if errors:
        raise ValidationFailed(fields=errors)
    return fields


@transaction.atomic
def create_round(call: Call, *, actor: Any, **fields: Any) -> ReviewRound:
    require(actor, P.MANAGE, call)
    call = _lock_call(call.pk)
    if call.status in (Call.Status.RESULTS_PUBLISHED, Call.Status.ARCHIVED, Call.Status.DRAFT):
        raise InvalidTransition(
            _("Review rounds are added to a published call that has no published results yet.")
        )
    fields = _clean_round_fields(dict(fields), creating=True)
    if "position" not in fields:
        fields["position"] = (
            ReviewRound.objects.filter(call=call).aggregate(m=Max("position"))["m"] or 0
        ) + 1
    round_ = ReviewRound(call=call, **fields)
    round_.save()
    record_event(
        "round.created", actor=actor, call=call, round=round_, title=_vi(round_, "title"), kind=round_.kind
    )
    return round_


@transaction.atomic
def update_round(
    round_: ReviewRound, *, actor: Any, expected_version: int | None = None, **fields: Any
) -> ReviewRound:
    require(actor, P.MANAGE, round_.call)
    locked = _lock_round(round_.pk)
    check_version(locked, expected_version)
    fields = _clean_round_fields(dict(fields), creating=False)
    changed = [k for k, v in fields.items() if getattr(locked, k) != v]
    if not changed:
        return locked
    for key in changed:
        setattr(locked, key, fields[key])
    bump(locked, *changed)
    record_event("round.updated", actor=actor, call=locked.call, round=locked, fields=changed)
    return locked


@transaction.atomic
def start_review(call: Call, *, actor: Any) -> int:
    """Submitted applications of the call move to "under review" (`open_round` calls it; so may the
    call's own transition to review). Returns how many moved."""
    require(actor, P.MANAGE, call)
    moved = 0
    for application in Application.objects.select_for_update(of=("self",)).filter(
        call=call, status=Application.Status.SUBMITTED
    ):
        check_transition(application, Application.Status.UNDER_REVIEW)
        application.status = Application.Status.UNDER_REVIEW
        bump(application, "status")
        record_event("application.under_review", actor=actor, call=call, application=application)
        moved += 1
    return moved


@transaction.atomic
def open_round(round_: ReviewRound, *, actor: Any, expected_version: int | None = None) -> ReviewRound:
    """Open a round for reviews. The call moves to "under review" (once it no longer takes
    applications) and its submitted applications with it."""
    require(actor, P.MANAGE, round_.call)
    locked = _lock_round(round_.pk)
    check_version(locked, expected_version)
    check_transition(locked, ReviewRound.Status.OPEN)
    criteria = list(Criterion.objects.filter(round=locked))
    if not criteria or sum(c.weight for c in criteria) <= 0:
        raise ValidationFailed(
            _("Add at least one criterion with a weight above zero before opening the round."),
            fields={"criteria": [_("The scorecard is empty.")]},
        )
    call = _lock_call(locked.call_id)
    if call.status != Call.Status.REVIEWING:
        if call.status == Call.Status.PUBLISHED and call.closes_at > timezone.now():
            raise InvalidTransition(
                _("The call takes applications until %(closes)s; open the round after it closes.")
                % {"closes": date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")}
            )
        check_transition(call, Call.Status.REVIEWING)
        call.status = Call.Status.REVIEWING
        bump(call, "status")
        record_event("call.reviewing", actor=actor, call=call)
    moved = start_review(call, actor=actor)
    locked.status = ReviewRound.Status.OPEN
    bump(locked, "status")
    record_event("round.opened", actor=actor, call=call, round=locked, applications_moved=moved)
    return locked


@transaction.atomic
def close_round(round_: ReviewRound, *, actor: Any, expected_version: int | None = None) -> ReviewRound:
    require(actor, P.MANAGE, round_.call)
    locked = _lock_round(round_.pk)
    check_version(locked, expected_version)
    check_transition(locked, ReviewRound.Status.CLOSED)
    locked.status = ReviewRound.Status.CLOSED
    bump(locked, "status")
    pending = ReviewAssignment.objects.filter(round=locked, status=ReviewAssignment.Status.PENDING).count()
    record_event("round.closed", actor=actor, call=locked.call, round=locked, reviews_pending=pending)
    return locked


# --- criteria -------------------------------------------------------------------------------------

CRITERION_FIELDS = (
    "title_vi",
    "title_en",
    "guidance_vi",
    "guidance_en",
    "weight",
    "scale_min",
    "scale_max",
    "comment_required",
    "position",
)
STRUCTURAL = {"weight", "scale_min", "scale_max"}


def _scores_exist(round_: ReviewRound) -> bool:
    return Review.objects.filter(assignment__round=round_, submitted_at__isnull=False).exists()


def _refuse_if_scored(round_: ReviewRound) -> None:
    if _scores_exist(round_):
        raise InvalidTransition(
            _(
                "Reviews have already been submitted in this round: criteria, weights and scales can "
                "no longer change (titles and guidance still can)."
            )
        )


def _clean_criterion(fields: dict[str, Any], current: Criterion | None) -> dict[str, Any]:
    for plain in ("title", "guidance"):
        if plain in fields and f"{plain}_vi" not in fields:
            fields[f"{plain}_vi"] = fields.pop(plain)
        fields.pop(plain, None)
    unknown = sorted(set(fields) - set(CRITERION_FIELDS))
    if unknown:
        raise ValidationFailed(fields={k: [_("This field cannot be set here.")] for k in unknown})
    errors: dict[str, list[str]] = {}
    if "title_vi" in fields or current is None:
        fields["title_vi"] = (fields.get("title_vi") or "").strip()
        if not fields["title_vi"]:
            errors["title"] = [_("Give the criterion a title.")]
    if "weight" in fields:
        try:
            fields["weight"] = Decimal(str(fields["weight"])).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            fields["weight"] = Decimal(-1)
        if not Decimal(0) < fields["weight"] <= Decimal(1000):
            errors["weight"] = [_("The weight must be a number above 0 and at most 1000.")]
    for key in ("scale_min", "scale_max"):
        if key in fields:
            try:
                fields[key] = int(fields[key])
            except (TypeError, ValueError):
                errors[key] = [_("Enter a whole number.")]
    if not errors:
        low = fields.get("scale_min", current.scale_min if current else 0)
        high = fields.get("scale_max", current.scale_max if current else 10)
        if not -1000 <= low < high <= 1000:
            errors["scale_max"] = [
                _("The highest score must be above the lowest score (between −1000 and 1000).")
            ]
    if errors:
        raise ValidationFailed(fields=errors)
    return fields


@transaction.atomic
def add_criterion(round_: ReviewRound, *, actor: Any, **fields: Any) -> Criterion:
    require(actor, P.MANAGE, round_.call)
    locked = _lock_round(round_.pk)
    _refuse_if_scored(locked)
    fields = _clean_criterion(dict(fields), None)
    if "position" not in fields:
        fields["position"] = (
            Criterion.objects.filter(round=locked).aggregate(m=Max("position"))["m"] or 0
        ) + 1
    criterion = Criterion(round=locked, **fields)
    criterion.save()
    record_event(
        "criterion.added",
        actor=actor,
        call=locked.call,
        round=locked,
        criterion=_vi(criterion, "title"),
        weight=str(criterion.weight),
        scale=[criterion.scale_min, criterion.scale_max],
    )
    return criterion


@transaction.atomic
def update_criterion(criterion: Criterion, *, actor: Any, **fields: Any) -> Criterion:
    round_ = _lock_round(criterion.round_id)
    require(actor, P.MANAGE, round_.call)
    locked = Criterion.objects.select_for_update(of=("self",)).get(pk=criterion.pk)
    fields = _clean_criterion(dict(fields), locked)
    changed = [k for k, v in fields.items() if getattr(locked, k) != v]
    if STRUCTURAL & set(changed):
        _refuse_if_scored(round_)
    if changed:
        for key in changed:
            setattr(locked, key, fields[key])
        locked.save(update_fields=changed)
        record_event(
            "criterion.updated",
            actor=actor,
            call=round_.call,
            round=round_,
            criterion=_vi(locked, "title"),
            fields=changed,
        )
    return locked


@transaction.atomic
def remove_criterion(criterion: Criterion, *, actor: Any) -> None:
    round_ = _lock_round(criterion.round_id)
    require(actor, P.MANAGE, round_.call)
    _refuse_if_scored(round_)
    if round_.status == ReviewRound.Status.OPEN and Criterion.objects.filter(round=round_).count() <= 1:
        raise InvalidTransition(_("An open round needs at least one criterion."))
    title = _vi(criterion, "title")
    Score.objects.filter(criterion=criterion).delete()  # draft scores only (no submitted review exists)
    criterion.delete()
    record_event("criterion.removed", actor=actor, call=round_.call, round=round_, criterion=title)


# --- panel ----------------------------------------------------------------------------------------


def _clean_capacity(capacity: Any) -> int | None:
    if capacity in (None, ""):
        return None
    try:
        value = int(capacity)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= 1000:
        raise ValidationFailed(
            fields={"capacity": [_("The capacity must be a whole number from 0 to 1000.")]}
        )
    return value


def _set_lead(round_: ReviewRound, member: PanelMember) -> None:
    PanelMember.objects.filter(round=round_, is_lead=True).exclude(pk=member.pk).update(is_lead=False)


@transaction.atomic
def add_panel_member(
    round_: ReviewRound, reviewer: Any, *, actor: Any, is_lead: bool = False, capacity: Any = None
) -> PanelMember:
    """Put a reviewer on the round's panel: they need the review permission at the call's center."""
    require(actor, P.MANAGE, round_.call)
    locked = _lock_round(round_.pk)
    if not can(reviewer, P.REVIEW, center_id=locked.call.programme.center_id):
        raise ValidationFailed(
            fields={
                "reviewer": [
                    _("%(name)s cannot review at this center: give them the reviewer role there first.")
                    % {"name": reviewer}
                ]
            }
        )
    capacity = _clean_capacity(capacity)
    try:
        with transaction.atomic():
            member = PanelMember.objects.create(
                round=locked, reviewer=reviewer, is_lead=is_lead, capacity=capacity
            )
    except IntegrityError:
        raise ValidationFailed(
            fields={"reviewer": [_("%(name)s is already on this panel.") % {"name": reviewer}]}
        ) from None
    if is_lead:
        _set_lead(locked, member)
    record_event(
        "panel.added",
        actor=actor,
        call=locked.call,
        round=locked,
        reviewer=reviewer.pk,
        reviewer_name=str(reviewer),
        lead=is_lead,
        capacity=capacity,
    )
    return member


@transaction.atomic
def update_panel_member(
    member: PanelMember, *, actor: Any, is_lead: bool | None = None, capacity: Any = ...
) -> PanelMember:
    round_ = _lock_round(member.round_id)
    require(actor, P.MANAGE, round_.call)
    locked = PanelMember.objects.select_for_update(of=("self",)).select_related("reviewer").get(pk=member.pk)
    changed: list[str] = []
    if is_lead is not None and is_lead != locked.is_lead:
        locked.is_lead = is_lead
        changed.append("is_lead")
    if capacity is not ...:
        value = _clean_capacity(capacity)
        if value != locked.capacity:
            locked.capacity = value
            changed.append("capacity")
    if changed:
        locked.save(update_fields=changed)
        if locked.is_lead:
            _set_lead(round_, locked)
        record_event(
            "panel.updated",
            actor=actor,
            call=round_.call,
            round=round_,
            reviewer=locked.reviewer_id,
            reviewer_name=str(locked.reviewer),
            lead=locked.is_lead,
            capacity=locked.capacity,
        )
    return locked


@transaction.atomic
def remove_panel_member(member: PanelMember, *, actor: Any) -> None:
    """Take a reviewer off the panel; their pending assignments go, submitted reviews stay."""
    round_ = _lock_round(member.round_id)
    require(actor, P.MANAGE, round_.call)
    locked = PanelMember.objects.select_for_update(of=("self",)).select_related("reviewer").get(pk=member.pk)
    removed, _detail = ReviewAssignment.objects.filter(
        round=round_, reviewer_id=locked.reviewer_id, status=ReviewAssignment.Status.PENDING
    ).delete()
    Bid.objects.filter(round=round_, reviewer_id=locked.reviewer_id).delete()
    record_event(
        "panel.removed",
        actor=actor,
        call=round_.call,
        round=round_,
        reviewer=locked.reviewer_id,
        reviewer_name=str(locked.reviewer),
        pending_assignments_removed=removed,
    )
    locked.delete()


# --- bids -----------------------------------------------------------------------------------------

BID_VALUES = (-1, 0, 1, 2)


@transaction.atomic
def set_bid(round_: ReviewRound, application: Application, *, actor: Any, value: Any) -> Bid | None:
    """A panel member's interest in an application (−1 rather not … 2 eager); 0 removes the bid."""
    locked = _lock_round(round_.pk)
    if not PanelMember.objects.filter(round=locked, reviewer=actor).exists():
        raise NotFound()
    if locked.status == ReviewRound.Status.CLOSED:
        raise InvalidTransition(_("This round is closed; bids can no longer change."))
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 99
    if value not in BID_VALUES:
        raise ValidationFailed(fields={"value": [_("A bid is −1 (rather not), 0, 1 or 2 (eager).")]})
    if application.call_id != locked.call_id:
        raise NotFound()
    if ConflictOfInterest.objects.filter(application=application, reviewer=actor).exists():
        raise Forbidden(_("You have a conflict of interest with this application; you cannot bid on it."))
    bid = (
        Bid.objects.select_for_update(of=("self",))
        .filter(round=locked, application=application, reviewer=actor)
        .first()
    )
    if value == 0:
        if bid is not None:
            bid.delete()
            record_event("bid.removed", actor=actor, call=locked.call, application=application, round=locked)
        return None
    if bid is None:
        bid = Bid.objects.create(round=locked, application=application, reviewer=actor, value=value)
    elif bid.value != value:
        bid.value = value
        bid.save(update_fields=["value"])
    else:
        return bid
    record_event("bid.set", actor=actor, call=locked.call, application=application, round=locked, value=value)
    return bid


# --- scorecards -----------------------------------------------------------------------------------


ASSIGNMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("submitted", "abstained"),
    "submitted": ("submitted",),  # a reviewer may correct a submitted review while the round is open
    "abstained": (),
}


def check_assignment_transition(assignment: ReviewAssignment, to: str) -> None:
    if to not in ASSIGNMENT_TRANSITIONS.get(assignment.status, ()):
        labels = dict(ReviewAssignment.Status.choices)
        raise InvalidTransition(
            _("This cannot be done while the review is “%(state)s” (it would become “%(target)s”).")
            % {"state": labels.get(assignment.status, assignment.status), "target": labels.get(to, to)}
        )


def _lock_assignment_for(assignment: ReviewAssignment, actor: Any) -> tuple[ReviewAssignment, ReviewRound]:
    locked = ReviewAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    if actor is None or locked.reviewer_id != getattr(actor, "pk", None):
        raise NotFound()
    round_ = ReviewRound.objects.select_related("call", "call__programme").get(pk=locked.round_id)
    if round_.status != ReviewRound.Status.OPEN:
        raise InvalidTransition(_("This round is not open for reviews."))
    if ConflictOfInterest.objects.filter(application_id=locked.application_id, reviewer_id=actor.pk).exists():
        raise Forbidden(_("You have a conflict of interest with this application, so you cannot review it."))
    application = Application.objects.get(pk=locked.application_id)
    if application.status not in (
        Application.Status.UNDER_REVIEW,
        Application.Status.SHORTLISTED,
        Application.Status.SUBMITTED,
    ):
        raise InvalidTransition(_("This application is no longer under review."))
    locked.application = application
    return locked, round_


def _parse_scores(
    criteria: list[Criterion], scores: Mapping[Any, Any], *, complete: bool
) -> tuple[dict[int, Decimal], dict[str, list[str]]]:
    values: dict[int, Decimal] = {}
    errors: dict[str, list[str]] = {}
    for c in criteria:
        raw = scores.get(c.pk, scores.get(str(c.pk)))
        if raw in (None, ""):
            if complete:
                errors[f"score_{c.pk}"] = [
                    _("“%(criterion)s” needs a score from %(min)s to %(max)s.")
                    % {"criterion": c.title, "min": c.scale_min, "max": c.scale_max}
                ]
            continue
        try:
            value = Decimal(str(raw).replace(",", "."))
            ok = value.is_finite() and c.scale_min <= value <= c.scale_max
        except InvalidOperation:
            ok = False
        if not ok:
            errors[f"score_{c.pk}"] = [
                _("The score of “%(criterion)s” must be a number from %(min)s to %(max)s.")
                % {"criterion": c.title, "min": c.scale_min, "max": c.scale_max}
            ]
            continue
        values[c.pk] = value.quantize(Decimal("0.01"))
    return values, errors


def _write_scores(
    review: Review, criteria: list[Criterion], values: dict[int, Decimal], comments: Mapping[Any, Any]
) -> None:
    existing = {s.criterion_id: s for s in Score.objects.filter(review=review)}
    for c in criteria:
        comment = str(comments.get(c.pk, comments.get(str(c.pk), "")) or "").strip()
        score = existing.get(c.pk)
        if c.pk not in values:
            if score is not None:
                score.delete()
            continue
        if score is None:
            Score.objects.create(review=review, criterion=c, value=values[c.pk], comment=comment)
        elif score.value != values[c.pk] or score.comment != comment:
            score.value, score.comment = values[c.pk], comment
            score.save(update_fields=["value", "comment"])


def _review_for(assignment: ReviewAssignment, expected_version: int | None) -> Review:
    review = Review.objects.select_for_update(of=("self",)).filter(assignment=assignment).first()
    if review is None:
        if expected_version not in (None, 0):
            raise Conflict()
        return Review.objects.create(assignment=assignment)
    check_version(review, expected_version)
    return review


@transaction.atomic
def save_review_draft(
    assignment: ReviewAssignment,
    *,
    actor: Any,
    scores: Mapping[Any, Any],
    comments: Mapping[Any, Any] | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Review:
    """Keep a partly filled scorecard (scores given must already be within their scales)."""
    locked, round_ = _lock_assignment_for(assignment, actor)
    check_assignment_transition(locked, ReviewAssignment.Status.SUBMITTED)
    if locked.status != ReviewAssignment.Status.PENDING:
        raise InvalidTransition(_("This review was already submitted: submit your changes instead."))
    criteria = list(Criterion.objects.filter(round=round_).order_by("position", "id"))
    values, errors = _parse_scores(criteria, scores, complete=False)
    if errors:
        raise ValidationFailed(fields=errors)
    review = _review_for(locked, expected_version)
    _write_scores(review, criteria, values, comments or {})
    review.comment = (comment or "").strip()
    bump(review, "comment")
    record_event(
        "review.draft_saved",
        actor=actor,
        call=round_.call,
        application=locked.application,
        round=round_,
        scored=len(values),
    )
    return review


@transaction.atomic
def submit_review(
    assignment: ReviewAssignment,
    *,
    actor: Any,
    scores: Mapping[Any, Any],
    comments: Mapping[Any, Any] | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Review:
    """Every criterion scored within its scale, comments where the criterion requires one."""
    locked, round_ = _lock_assignment_for(assignment, actor)
    check_assignment_transition(locked, ReviewAssignment.Status.SUBMITTED)
    criteria = list(Criterion.objects.filter(round=round_).order_by("position", "id"))
    values, errors = _parse_scores(criteria, scores, complete=True)
    comments = comments or {}
    for c in criteria:
        if c.comment_required and not str(comments.get(c.pk, comments.get(str(c.pk), "")) or "").strip():
            errors.setdefault(f"comment_{c.pk}", []).append(
                _("“%(criterion)s” needs a comment explaining the score.") % {"criterion": c.title}
            )
    if errors:
        raise ValidationFailed(_("The scorecard is not complete."), fields=errors)
    total = scoring.weighted_total(
        {c.pk: float(values[c.pk]) for c in criteria},
        [scoring.CriterionSpec(c.pk, float(c.weight), c.scale_min, c.scale_max) for c in criteria],
    )
    review = _review_for(locked, expected_version)
    resubmitted = review.submitted_at is not None
    _write_scores(review, criteria, values, comments)
    review.comment = (comment or "").strip()
    review.total = round(total, 4)
    review.submitted_at = timezone.now()
    review.abstain_reason = ""
    bump(review, "comment", "total", "submitted_at", "abstain_reason")
    if locked.status != ReviewAssignment.Status.SUBMITTED:
        locked.status = ReviewAssignment.Status.SUBMITTED
        locked.save(update_fields=["status"])
    record_event(
        "review.resubmitted" if resubmitted else "review.submitted",
        actor=actor,
        call=round_.call,
        application=locked.application,
        round=round_,
        total=review.total,
        scores={_vi(c, "title"): str(values[c.pk]) for c in criteria},
    )
    return review


@transaction.atomic
def abstain_review(
    assignment: ReviewAssignment, *, actor: Any, reason: str, expected_version: int | None = None
) -> Review:
    locked, round_ = _lock_assignment_for(assignment, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why you abstain.")]})
    check_assignment_transition(locked, ReviewAssignment.Status.ABSTAINED)
    review = _review_for(locked, expected_version)
    Score.objects.filter(review=review).delete()
    review.abstain_reason = reason[:500]
    review.total = None
    bump(review, "abstain_reason", "total")
    locked.status = ReviewAssignment.Status.ABSTAINED
    locked.save(update_fields=["status"])
    record_event(
        "review.abstained",
        actor=actor,
        call=round_.call,
        application=locked.application,
        round=round_,
        reason=review.abstain_reason,
    )
    return review
