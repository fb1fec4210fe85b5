"""Reviewer assignment: the automatic run (a task) and the hand edits staff make around it.

A run works on the round's applications (rows) and panel (columns):

* **kept pairs** — locked assignments, assignments added by hand and submitted reviews — stay as they
  are; the engine receives them as locked pairs, so they count against the application's
  `per_item` and the reviewer's capacity (submitted work is not assigned twice);
* **excluded pairs** — every conflict of interest (detected again at the start of each run) and every
  assignment the reviewer abstained from;
* capacities are the panel member's own or the round's; an application that already has more kept
  reviewers than `per_item` is left out (it needs nobody) and its kept pairs still use capacity.

`innohub.matching.assignment.assign` maximises the total affinity (programs/affinity.py) exactly.
The slow part (affinity, solving) runs outside any transaction; the result is then applied in one
transaction that first checks that the round's kept pairs, conflicts, panel and applications are
what the run was computed from (else it fails, asking for a rerun) and replaces the unlocked
automatic assignments. An infeasible problem marks the run failed with a translated message naming
the applications that lack reviewers, and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from innohub.core import progress as progress_api
from innohub.core.errors import InvalidTransition, NotFound, ValidationFailed
from innohub.programs import permissions as P
from innohub.programs.affinity import WEIGHTS, build_affinity, matrix_hash
from innohub.programs.models import (
    Application,
    AssignmentRun,
    ConflictOfInterest,
    PanelMember,
    ReviewAssignment,
    ReviewRound,
)
from innohub.programs.services.review import require
from innohub.programs.states import record_event

PROGRESS_KIND = "programs.assignment"
_LISTED = 10


class RoundChanged(Exception):
    """The round changed between computing and applying a run."""


# --- the problem ----------------------------------------------------------------------------------


@dataclass
class Problem:
    application_ids: list[int]
    references: dict[int, str]
    reviewer_ids: list[int]
    reviewer_names: dict[int, str]
    capacity: np.ndarray
    conflicts: np.ndarray
    locked: np.ndarray
    kept_outside: dict[int, int]
    state: str
    per_item: int

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.application_ids), len(self.reviewer_ids))


def _state_key(round_: ReviewRound) -> tuple[Any, ...]:
    """What a run depends on besides affinity: applications, panel with capacities, kept and
    abstained pairs, conflicts and the round's numbers. Compared before a result is applied."""
    from innohub.programs.selectors_review import round_applications

    apps = sorted(round_applications(round_).values_list("pk", flat=True))
    panel = sorted(PanelMember.objects.filter(round=round_).values_list("reviewer_id", "capacity"))
    rows = sorted(
        ReviewAssignment.objects.filter(round=round_).values_list(
            "application_id", "reviewer_id", "source", "locked", "status"
        )
    )
    kept = [r for r in rows if _is_kept(r[2], r[3], r[4]) or r[4] == ReviewAssignment.Status.ABSTAINED]
    conflicts = sorted(
        set(
            ConflictOfInterest.objects.filter(application_id__in=apps).values_list(
                "application_id", "reviewer_id"
            )
        )
    )
    return (apps, panel, kept, conflicts, round_.per_item, round_.capacity)


def _hash_state(key: tuple[Any, ...]) -> str:
    return hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()


def _is_kept(source: str, locked: bool, status: str) -> bool:
    return bool(
        locked or source == ReviewAssignment.Source.MANUAL or status == ReviewAssignment.Status.SUBMITTED
    )


def build_problem(round_: ReviewRound) -> Problem:
    from innohub.programs.selectors_review import effective_capacity, round_applications

    key = _state_key(round_)
    applications = list(round_applications(round_).select_related(None).only("pk", "reference"))
    panel = list(PanelMember.objects.filter(round=round_).select_related("reviewer").order_by("reviewer_id"))
    reviewer_ids = [m.reviewer_id for m in panel]
    col = {uid: j for j, uid in enumerate(reviewer_ids)}
    cap = np.array([effective_capacity(m, round_) for m in panel], dtype=np.int64)

    kept_by_app: dict[int, list[int]] = {}
    abstained: set[tuple[int, int]] = set()
    kept_pairs: list[tuple[int, int]] = []
    for app_id, uid, source, is_locked, status in ReviewAssignment.objects.filter(round=round_).values_list(
        "application_id", "reviewer_id", "source", "locked", "status"
    ):
        if status == ReviewAssignment.Status.ABSTAINED:
            abstained.add((app_id, uid))
        elif _is_kept(source, is_locked, status):
            kept_pairs.append((app_id, uid))
            kept_by_app.setdefault(app_id, []).append(uid)

    # Applications already served by their kept reviewers need nobody else.
    served = {a for a, uids in kept_by_app.items() if len(uids) >= round_.per_item}
    items = [a for a in applications if a.pk not in served]
    row = {a.pk: i for i, a in enumerate(items)}
    kept_outside: dict[int, int] = {}
    locked = np.zeros((len(items), len(reviewer_ids)), dtype=bool)
    for app_id, uid in kept_pairs:
        if uid not in col:
            continue
        if app_id in row:
            locked[row[app_id], col[uid]] = True
        else:
            kept_outside[uid] = kept_outside.get(uid, 0) + 1
    conflicts = np.zeros_like(locked)
    pairs = (
        set(
            ConflictOfInterest.objects.filter(
                application_id__in=list(row), reviewer_id__in=reviewer_ids
            ).values_list("application_id", "reviewer_id")
        )
        | abstained
    )
    for app_id, uid in pairs:
        if app_id in row and uid in col:
            conflicts[row[app_id], col[uid]] = True
    conflicts &= ~locked  # a kept pair stays, even if a conflict was declared after it was reviewed
    # Capacity left once kept work outside the problem is counted; never below the locked work inside.
    outside = np.array([kept_outside.get(uid, 0) for uid in reviewer_ids], dtype=np.int64)
    capacity = np.maximum(cap - outside, locked.sum(axis=0)).astype(np.int64) if len(reviewer_ids) else cap
    return Problem(
        application_ids=[a.pk for a in items],
        references={a.pk: a.reference for a in applications},
        reviewer_ids=reviewer_ids,
        reviewer_names={m.reviewer_id: str(m.reviewer) for m in panel},
        capacity=capacity,
        conflicts=conflicts,
        locked=locked,
        kept_outside=kept_outside,
        state=_hash_state(key),
        per_item=int(round_.per_item),
    )


def _listing(values: list[str]) -> str:
    shown = ", ".join(values[:_LISTED])
    if len(values) > _LISTED:
        shown += " " + _("… (%(count)s in all)") % {"count": len(values)}
    return shown


def infeasible_message(exc: Exception, problem: Problem) -> str:
    """The engine's InfeasibleAssignment in the user's language, with references and names."""
    refs = problem.references
    app_at = problem.application_ids
    names = problem.reviewer_names
    rev_at = problem.reviewer_ids
    parts: list[str] = []
    short = getattr(exc, "short_items", {}) or {}
    if short:
        parts.append(
            _(
                "Not enough eligible reviewers (each application needs %(per_item)s; conflicted reviewers do not count): %(list)s."
            )
            % {
                "per_item": problem.per_item,
                "list": _listing(
                    [
                        ngettext(
                            "%(reference)s lacks %(count)s eligible reviewer",
                            "%(reference)s lacks %(count)s eligible reviewers",
                            count,
                        )
                        % {"reference": refs.get(app_at[i], str(i)), "count": count}
                        for i, count in sorted(short.items())
                    ]
                ),
            }
        )
    shortfall = int(getattr(exc, "capacity_shortfall", 0) or 0)
    if shortfall > 0:
        parts.append(
            ngettext(
                "The panel's capacity falls short by %(count)s review: the applications need %(needed)s, the reviewers can take %(available)s. Add reviewers or raise capacities.",
                "The panel's capacity falls short by %(count)s reviews: the applications need %(needed)s, the reviewers can take %(available)s. Add reviewers or raise capacities.",
                shortfall,
            )
            % {
                "count": shortfall,
                "needed": getattr(exc, "needed", "?"),
                "available": getattr(exc, "capacity_total", "?"),
            }
        )
    group = tuple(getattr(exc, "group_items", ()) or ())
    if group and not parts:
        parts.append(
            _(
                "Applications %(applications)s compete for the same reviewers (%(reviewers)s): %(short)s of the %(needed)s reviews they need cannot be had."
            )
            % {
                "applications": _listing([refs.get(app_at[i], str(i)) for i in group]),
                "reviewers": _listing(
                    [names.get(rev_at[j], str(j)) for j in getattr(exc, "group_reviewers", ())]
                ),
                "short": getattr(exc, "group_shortfall", "?"),
                "needed": getattr(exc, "group_needed", "?"),
            }
        )
    over = getattr(exc, "overlocked_reviewers", {}) or {}
    if over:
        parts.append(
            _("Locked assignments exceed these reviewers' capacity: %(list)s.")
            % {"list": _listing([names.get(rev_at[j], str(j)) for j in sorted(over)])}
        )
    if not parts:
        parts.append(
            _("No assignment satisfies the numbers of reviewers, the capacities and the conflicts together.")
        )
    return " ".join(parts)


# --- runs -----------------------------------------------------------------------------------------


@transaction.atomic
def start_assignment_run(round_: ReviewRound, *, actor: Any, language: str = "vi") -> AssignmentRun:
    """Queue an assignment run (a task) for the round; the UI polls its progress."""
    from innohub.programs.tasks import enqueue_assignment

    require(actor, P.MANAGE, round_.call)
    locked = ReviewRound.objects.select_for_update(of=("self",)).get(pk=round_.pk)
    if locked.status == ReviewRound.Status.CLOSED:
        raise InvalidTransition(_("This round is closed; its assignments can no longer change."))
    if AssignmentRun.objects.filter(
        round=locked, status__in=[AssignmentRun.Status.QUEUED, AssignmentRun.Status.RUNNING]
    ).exists():
        raise InvalidTransition(
            _("An assignment run of this round is already under way; wait for it to finish.")
        )
    progress = progress_api.start_progress(
        PROGRESS_KIND,
        label=_("Reviewer assignment: %(round)s") % {"round": locked.title},
        owner=actor,
        total=4,
    )
    run = AssignmentRun.objects.create(
        round=locked, progress=progress, started_by=actor if getattr(actor, "pk", None) else None
    )
    record_event("assignment.started", actor=actor, call=round_.call, round=locked, run=run.pk)
    enqueue_assignment(run, language=language)
    return run


def _fail(run: AssignmentRun, message: str, **inputs: Any) -> None:
    with transaction.atomic():
        locked = (
            AssignmentRun.objects.select_for_update(of=("self",)).select_related("round__call").get(pk=run.pk)
        )
        locked.status = AssignmentRun.Status.FAILED
        locked.error = message
        locked.finished_at = timezone.now()
        if inputs:
            locked.inputs = {**locked.inputs, **inputs}
        locked.save(update_fields=["status", "error", "finished_at", "inputs"])
        record_event(
            "assignment.failed",
            actor=run.started_by,
            call=locked.round.call,
            round=locked.round,
            run=run.pk,
            error=message,
        )
    if run.progress_id:
        progress_api.fail(run.progress_id, message)


def execute_run(run_id: int) -> AssignmentRun:
    """The body of the assignment task: compute outside a transaction, apply inside one."""
    from innohub.matching.assignment import InfeasibleAssignment, assign

    run = AssignmentRun.objects.select_related(
        "round", "round__call", "round__call__programme", "started_by"
    ).get(pk=run_id)
    round_ = run.round
    AssignmentRun.objects.filter(pk=run.pk).update(status=AssignmentRun.Status.RUNNING)
    if run.progress_id:
        progress_api.mark_running(run.progress_id, total=4, message=_("Checking conflicts of interest…"))

    from innohub.programs.services.conflicts import detect_conflicts

    detected = detect_conflicts(round_, actor=run.started_by)
    problem = build_problem(round_)
    n, m = problem.shape
    inputs: dict[str, Any] = {
        "applications": problem.application_ids,
        "reviewers": problem.reviewer_ids,
        "per_item": problem.per_item,
        "capacity": problem.capacity.tolist(),
        "locked": [
            [problem.application_ids[i], problem.reviewer_ids[j]] for i, j in np.argwhere(problem.locked)
        ],
        "excluded": int(problem.conflicts.sum()),
        "conflicts_detected": len(detected),
        "state": problem.state,
    }
    if m == 0:
        _fail(run, _("The panel has no reviewers yet: add reviewers to the panel first."), **inputs)
        return run
    if n == 0:
        _fail(run, _("No application of this round needs reviewers."), **inputs)
        return run
    if problem.per_item > m:
        _fail(
            run,
            _("Each application needs %(per_item)s reviewers but the panel has only %(count)s.")
            % {"per_item": problem.per_item, "count": m},
            **inputs,
        )
        return run
    if run.progress_id:
        progress_api.advance(run.progress_id, 1, 4, _("Computing affinities…"))
    affinity = build_affinity(round_, problem.application_ids, problem.reviewer_ids)
    inputs["matrix_sha256"] = matrix_hash(affinity.matrix)
    inputs["weights"] = dict(WEIGHTS)
    if run.progress_id:
        progress_api.advance(run.progress_id, 2, 4, _("Finding the best assignment…"))
    try:
        pairs = assign(
            affinity.matrix,
            per_item=problem.per_item,
            capacity=problem.capacity,
            conflicts=problem.conflicts,
            locked=problem.locked,
        )
    except InfeasibleAssignment as exc:
        _fail(run, infeasible_message(exc, problem), **inputs)
        return run
    except ValueError as exc:
        _fail(run, _("The assignment could not be computed: %(error)s") % {"error": exc}, **inputs)
        return run
    if run.progress_id:
        progress_api.advance(run.progress_id, 3, 4, _("Saving the assignments…"))
    try:
        result = apply_run(run, problem, affinity.matrix, pairs, inputs)
    except RoundChanged:
        _fail(
            run,
            _(
                "The round changed while the assignment was computed (panel, conflicts, locks or applications). Run it again."
            ),
            **inputs,
        )
        return run
    if run.progress_id:
        progress_api.finish(
            run.progress_id,
            {"result": {k: v for k, v in result.items() if k != "pairs"}},
            message=_("%(added)s assignments added, %(removed)s removed, %(kept)s kept.") % result,
        )
    run.refresh_from_db()
    return run


@transaction.atomic
def apply_run(
    run: AssignmentRun, problem: Problem, matrix: np.ndarray, pairs: np.ndarray, inputs: dict[str, Any]
) -> dict[str, Any]:
    round_ = ReviewRound.objects.select_for_update(of=("self",)).select_related("call").get(pk=run.round_id)
    if _hash_state(_state_key(round_)) != problem.state:
        raise RoundChanged
    chosen = {
        (problem.application_ids[int(i)], problem.reviewer_ids[int(j)]): float(matrix[i, j]) for i, j in pairs
    }
    existing = list(ReviewAssignment.objects.select_for_update(of=("self",)).filter(round=round_))
    removed = kept = unchanged = 0
    have = set()
    for a in existing:
        pair = (a.application_id, a.reviewer_id)
        have.add(pair)
        if _is_kept(a.source, a.locked, a.status) or a.status == ReviewAssignment.Status.ABSTAINED:
            kept += 1
            if pair in chosen and a.affinity != round(chosen[pair], 6):
                a.affinity = round(chosen[pair], 6)
                a.save(update_fields=["affinity"])
            continue
        if pair in chosen:
            unchanged += 1
            a.affinity, a.run = round(chosen[pair], 6), run
            a.save(update_fields=["affinity", "run"])
        else:
            a.delete()
            removed += 1
    new = [
        ReviewAssignment(
            round=round_,
            application_id=app_id,
            reviewer_id=uid,
            source=ReviewAssignment.Source.AUTO,
            affinity=round(value, 6),
            run=run,
        )
        for (app_id, uid), value in sorted(chosen.items())
        if (app_id, uid) not in have
    ]
    ReviewAssignment.objects.bulk_create(new)
    objective = float(sum(chosen.values()))
    result = {
        "pairs": [list(p) for p in sorted(chosen)],
        "added": len(new),
        "removed": removed,
        "kept": kept,
        "unchanged": unchanged,
    }
    AssignmentRun.objects.filter(pk=run.pk).update(
        status=AssignmentRun.Status.SUCCEEDED,
        inputs=inputs,
        result=result,
        objective=objective,
        error="",
        finished_at=timezone.now(),
    )
    record_event(
        "assignment.completed",
        actor=run.started_by,
        call=round_.call,
        round=round_,
        run=run.pk,
        objective=round(objective, 6),
        added=len(new),
        removed=removed,
        kept=kept,
    )
    return result


# --- hand edits -----------------------------------------------------------------------------------


def _round_for_edit(round_id: int, actor: Any) -> ReviewRound:
    round_ = (
        ReviewRound.objects.select_for_update(of=("self",))
        .select_related("call", "call__programme")
        .get(pk=round_id)
    )
    require(actor, P.MANAGE, round_.call)
    if round_.status == ReviewRound.Status.CLOSED:
        raise InvalidTransition(_("This round is closed; its assignments can no longer change."))
    return round_


@transaction.atomic
def add_assignment(
    round_: ReviewRound, application: Application, reviewer: Any, *, actor: Any, lock: bool = False
) -> ReviewAssignment:
    """Assign by hand: refused for a conflicted pair, a reviewer off the panel or over capacity."""
    from innohub.programs.selectors_review import effective_capacity, round_applications

    round_ = _round_for_edit(round_.pk, actor)
    member = PanelMember.objects.filter(round=round_, reviewer=reviewer).first()
    if member is None:
        raise ValidationFailed(
            fields={"reviewer": [_("%(name)s is not on this round's panel.") % {"name": reviewer}]}
        )
    if not round_applications(round_).filter(pk=application.pk).exists():
        raise ValidationFailed(
            fields={
                "application": [
                    _("%(reference)s is not reviewed in this round.") % {"reference": application.reference}
                ]
            }
        )
    conflict = ConflictOfInterest.objects.filter(application=application, reviewer=reviewer).first()
    if conflict is not None:
        raise ValidationFailed(
            _("%(name)s has a conflict of interest with %(reference)s (%(reason)s) and cannot review it.")
            % {"name": reviewer, "reference": application.reference, "reason": conflict.get_reason_display()},
            code="conflict_of_interest",
        )
    existing = ReviewAssignment.objects.filter(
        round=round_, application=application, reviewer=reviewer
    ).first()
    if existing is not None:
        raise ValidationFailed(
            _("%(name)s is already assigned to %(reference)s.")
            % {"name": reviewer, "reference": application.reference}
        )
    load = (
        ReviewAssignment.objects.filter(round=round_, reviewer=reviewer)
        .exclude(status=ReviewAssignment.Status.ABSTAINED)
        .count()
    )
    capacity = effective_capacity(member, round_)
    if load >= capacity:
        raise ValidationFailed(
            _(
                "%(name)s already has %(load)s of at most %(capacity)s applications in this round. Raise their capacity first."
            )
            % {"name": reviewer, "load": load, "capacity": capacity},
            code="over_capacity",
        )
    assignment = ReviewAssignment.objects.create(
        round=round_,
        application=application,
        reviewer=reviewer,
        source=ReviewAssignment.Source.MANUAL,
        locked=lock,
    )
    record_event(
        "assignment.added",
        actor=actor,
        call=round_.call,
        application=application,
        round=round_,
        reviewer=reviewer.pk,
        reviewer_name=str(reviewer),
        locked=lock,
    )
    return assignment


@transaction.atomic
def remove_assignment(assignment: ReviewAssignment, *, actor: Any) -> None:
    round_ = _round_for_edit(assignment.round_id, actor)
    locked = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application", "reviewer")
        .filter(pk=assignment.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    if locked.status != ReviewAssignment.Status.PENDING:
        raise InvalidTransition(
            _(
                "%(name)s has already reviewed or abstained from %(reference)s; the assignment stays on record."
            )
            % {"name": locked.reviewer, "reference": locked.application.reference}
        )
    record_event(
        "assignment.removed",
        actor=actor,
        call=round_.call,
        application=locked.application,
        round=round_,
        reviewer=locked.reviewer_id,
        reviewer_name=str(locked.reviewer),
        source=locked.source,
    )
    locked.delete()


@transaction.atomic
def set_assignment_lock(assignment: ReviewAssignment, *, actor: Any, locked: bool) -> ReviewAssignment:
    """A locked pair survives reruns (the engine keeps it and plans around it)."""
    round_ = _round_for_edit(assignment.round_id, actor)
    row = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application")
        .filter(pk=assignment.pk)
        .first()
    )
    if row is None:
        raise NotFound()
    if row.locked != locked:
        row.locked = locked
        row.save(update_fields=["locked"])
        record_event(
            "assignment.locked" if locked else "assignment.unlocked",
            actor=actor,
            call=round_.call,
            application=row.application,
            round=round_,
            reviewer=row.reviewer_id,
        )
    return row
