"""Reads of review and selection: access by id (same 404 for missing and invisible, a 403 for what the
user sees but may not work on: the staff side of a public call, the decision of one's own application),
the reviewer's assignments, the round's items, conflicts, assignment matrix, ranking and the audit trail.

Eager loading is decided here once; list pages and list endpoints pin their query counts.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from innohub.accounts.access import can, centers_where, scope_for
from innohub.core.errors import Forbidden, NotFound
from innohub.programs import access, scoring
from innohub.programs import permissions as P
from innohub.programs.models import (
    Appeal,
    Application,
    ApplicationEvent,
    AssignmentRun,
    Call,
    ConflictOfInterest,
    Criterion,
    PanelMember,
    Review,
    ReviewAssignment,
    ReviewRound,
    Score,
)
from innohub.programs.selectors import NOT_STAFF_OF_CALL, can_see_call

#: statuses of applications that are being reviewed (items of a round)
IN_REVIEW = (Application.Status.UNDER_REVIEW, Application.Status.SHORTLISTED)
#: statuses of applications a reviewer may still open
REVIEWABLE = (
    Application.Status.SUBMITTED,
    Application.Status.UNDER_REVIEW,
    Application.Status.SHORTLISTED,
    Application.Status.ACCEPTED,
    Application.Status.WAITLISTED,
    Application.Status.REJECTED,
)


def _uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def call_center_id(call: Call) -> int:
    return call.programme.center_id


# --- staff access ---------------------------------------------------------------------------------


def staff_may(user: Any, action: str, call: Call) -> bool:
    return can(user, action, center_id=call_center_id(call))


def get_call_for_staff(user: Any, slug: str, action: str = P.VIEW) -> Call:
    """The call for its staff pages and operations. Someone without programs.view at its center gets a
    403 when the call is visible to them (a public call: `selectors.calls_for`), the 404 of a missing
    call otherwise (a draft or private call stays hidden)."""
    call = Call.objects.select_related("programme", "programme__center").filter(slug=slug).first()
    if call is None:
        raise NotFound()
    if not staff_may(user, P.VIEW, call):
        raise Forbidden(NOT_STAFF_OF_CALL) if can_see_call(user, call) else NotFound()
    if action != P.VIEW and not staff_may(user, action, call):
        raise Forbidden()
    return call


def get_round_for_staff(user: Any, round_uuid: Any, action: str = P.VIEW) -> ReviewRound:
    round_ = (
        ReviewRound.objects.select_related("call", "call__programme", "call__programme__center")
        .filter(uuid=_uuid(round_uuid))
        .first()
    )
    if round_ is None or not staff_may(user, P.VIEW, round_.call):
        raise NotFound()
    if action != P.VIEW and not staff_may(user, action, round_.call):
        raise Forbidden()
    return round_


def get_application_for_staff(user: Any, application_uuid: Any, action: str = P.VIEW) -> Application:
    """The application for its staff pages and operations (deciding it). Its applicant sees it, so they
    get a 403; anyone else without programs.view at the center the 404 of a missing application."""
    application = (
        Application.objects.select_related("call", "call__programme", "organisation")
        .filter(uuid=_uuid(application_uuid))
        .first()
    )
    if application is None:
        raise NotFound()
    if not staff_may(user, P.VIEW, application.call):
        if access.can_see_application(user, application):
            raise Forbidden(_("Only the staff of the programme's center decide its applications."))
        raise NotFound()
    if action != P.VIEW and not staff_may(user, action, application.call):
        raise Forbidden()
    return application


def get_appeal_for_staff(user: Any, appeal_uuid: Any, action: str = P.DECIDE) -> Appeal:
    appeal = (
        Appeal.objects.select_related("application", "application__call", "application__call__programme")
        .filter(uuid=_uuid(appeal_uuid))
        .first()
    )
    if appeal is None or not staff_may(user, P.VIEW, appeal.application.call):
        raise NotFound()
    if action != P.VIEW and not staff_may(user, action, appeal.application.call):
        raise Forbidden()
    return appeal


def get_run_for_staff(user: Any, run_id: int) -> AssignmentRun:
    run = (
        AssignmentRun.objects.select_related("round", "round__call", "round__call__programme", "progress")
        .filter(pk=run_id)
        .first()
    )
    if run is None or not staff_may(user, P.VIEW, run.round.call):
        raise NotFound()
    return run


def staff_calls_for(user: Any) -> QuerySet[Call]:
    qs = Call.objects.select_related("programme")
    if not scope_for(user).is_platform_admin:
        qs = qs.filter(programme__center_id__in=sorted(centers_where(user, P.VIEW)))
    return qs


# --- rounds ---------------------------------------------------------------------------------------


def rounds_of(call: Call) -> QuerySet[ReviewRound]:
    return (
        ReviewRound.objects.filter(call=call)
        .annotate(
            n_criteria=Count("criteria", distinct=True),
            n_panel=Count("panel", distinct=True),
            n_assignments=Count("assignments", distinct=True),
        )
        .order_by("position", "id")
    )


def criteria_of(round_: ReviewRound) -> list[Criterion]:
    return list(Criterion.objects.filter(round=round_).order_by("position", "id"))


def panel_of(round_: ReviewRound) -> list[PanelMember]:
    return list(
        PanelMember.objects.filter(round=round_)
        .select_related("reviewer")
        .annotate(
            n_assigned=Count("reviewer__assignments", filter=Q(reviewer__assignments__round=round_)),
            n_done=Count(
                "reviewer__assignments",
                filter=Q(
                    reviewer__assignments__round=round_,
                    reviewer__assignments__status=ReviewAssignment.Status.SUBMITTED,
                ),
            ),
        )
        .order_by("-is_lead", "reviewer__full_name", "id")
    )


def is_first_round(round_: ReviewRound) -> bool:
    return (
        not ReviewRound.objects.filter(call_id=round_.call_id)
        .filter(Q(position__lt=round_.position) | Q(position=round_.position, pk__lt=round_.pk))
        .exists()
    )


def round_applications(round_: ReviewRound) -> QuerySet[Application]:
    """The applications a round reviews: in the call's first round every submitted application (opening
    the round moves them to "under review"), under review or shortlisted; in a later round the
    shortlisted ones (staff shortlist after a round to move applications on)."""
    statuses = (
        (Application.Status.SUBMITTED, *IN_REVIEW)
        if is_first_round(round_)
        else (Application.Status.SHORTLISTED,)
    )
    return (
        Application.objects.filter(call_id=round_.call_id, status__in=statuses)
        .select_related("organisation")
        .order_by("reference")
    )


def effective_capacity(member: PanelMember, round_: ReviewRound) -> int:
    return int(member.capacity if member.capacity is not None else round_.capacity)


def conflict_pairs(application_ids: Any, reviewer_ids: Any) -> set[tuple[int, int]]:
    return set(
        ConflictOfInterest.objects.filter(
            application_id__in=list(application_ids), reviewer_id__in=list(reviewer_ids)
        ).values_list("application_id", "reviewer_id")
    )


def conflicts_of(round_: ReviewRound) -> list[ConflictOfInterest]:
    reviewers = PanelMember.objects.filter(round=round_).values("reviewer_id")
    return list(
        ConflictOfInterest.objects.filter(application__call_id=round_.call_id, reviewer_id__in=reviewers)
        .select_related("application", "application__organisation", "reviewer", "created_by")
        .order_by("application__reference", "reviewer__full_name", "id")
    )


# --- the assignment matrix ------------------------------------------------------------------------


@dataclass
class MatrixCell:
    assignment: ReviewAssignment | None = None
    conflict: list[ConflictOfInterest] = field(default_factory=list)

    @property
    def conflicted(self) -> bool:
        return bool(self.conflict)


@dataclass
class AssignmentMatrix:
    applications: list[Application]
    panel: list[PanelMember]
    cells: dict[tuple[int, int], MatrixCell]
    per_application: dict[int, int]
    per_reviewer: dict[int, int]
    capacity: dict[int, int]

    def cell(self, application_id: int, reviewer_id: int) -> MatrixCell:
        return self.cells.get((application_id, reviewer_id)) or MatrixCell()

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "application": a,
                "count": self.per_application.get(a.pk, 0),
                "cells": [(m, self.cell(a.pk, m.reviewer_id)) for m in self.panel],
            }
            for a in self.applications
        ]


def assignment_matrix(round_: ReviewRound) -> AssignmentMatrix:
    """Applications × panel with each pair's assignment and conflicts: five queries whatever the size."""
    applications = list(round_applications(round_))
    panel = panel_of(round_)
    app_ids = [a.pk for a in applications]
    assignments = list(
        ReviewAssignment.objects.filter(round=round_).select_related("application", "reviewer")
    )
    cells: dict[tuple[int, int], MatrixCell] = defaultdict(MatrixCell)
    per_application: dict[int, int] = defaultdict(int)
    per_reviewer: dict[int, int] = defaultdict(int)
    for a in assignments:
        cells[(a.application_id, a.reviewer_id)].assignment = a
        if a.status != ReviewAssignment.Status.ABSTAINED:
            per_application[a.application_id] += 1
            per_reviewer[a.reviewer_id] += 1
    for c in ConflictOfInterest.objects.filter(
        application_id__in=app_ids, reviewer_id__in=[m.reviewer_id for m in panel]
    ):
        cells[(c.application_id, c.reviewer_id)].conflict.append(c)
    return AssignmentMatrix(
        applications=applications,
        panel=panel,
        cells=dict(cells),
        per_application=dict(per_application),
        per_reviewer=dict(per_reviewer),
        capacity={m.reviewer_id: effective_capacity(m, round_) for m in panel},
    )


def latest_run(round_: ReviewRound) -> AssignmentRun | None:
    return AssignmentRun.objects.filter(round=round_).select_related("progress", "started_by").first()


# --- reviewers ------------------------------------------------------------------------------------


def my_assignments(user: Any) -> list[ReviewAssignment]:
    """The user's assignments in draft, open and closed rounds, newest round first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        ReviewAssignment.objects.filter(reviewer=user)
        .exclude(application__status__in=[Application.Status.WITHDRAWN, Application.Status.DRAFT])
        .select_related("round", "round__call", "round__call__programme", "application__organisation")
        .prefetch_related(Prefetch("review", queryset=Review.objects.only("id", "assignment_id", "total")))
        .order_by("-round__created_at", "round_id", "application__reference")
    )


def my_panels(user: Any) -> list[PanelMember]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        PanelMember.objects.filter(reviewer=user)
        .select_related("round", "round__call")
        .order_by("-round__created_at")
    )


def get_panel_membership(user: Any, round_uuid: Any) -> PanelMember:
    """The user's place on a round's panel; 404 for anyone not on it."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    member = (
        PanelMember.objects.select_related("round", "round__call", "round__call__programme")
        .filter(round__uuid=_uuid(round_uuid), reviewer=user)
        .first()
    )
    if member is None:
        raise NotFound()
    return member


def get_assignment_for_reviewer(user: Any, round_uuid: Any, application_uuid: Any) -> ReviewAssignment:
    """The reviewer's assignment to this application in this round.

    Someone not on the round's panel gets the same 404 as for a missing round. A panel member with a
    conflict of interest, or without this assignment, gets a 403 that says which (CONVENTIONS §10:
    the round is visible to them, the application is not theirs to open)."""
    member = get_panel_membership(user, round_uuid)
    round_ = member.round
    application = (
        Application.objects.select_related("organisation", "call", "call__programme")
        .filter(uuid=_uuid(application_uuid), call_id=round_.call_id)
        .first()
    )
    if application is None:
        raise NotFound()
    if ConflictOfInterest.objects.filter(application=application, reviewer=user).exists():
        raise Forbidden(
            _(
                "You have a conflict of interest with this application, so you cannot open it. "
                "If this is a mistake, ask the programme staff."
            ),
            code="conflict_of_interest",
        )
    assignment = (
        ReviewAssignment.objects.select_related("round", "round__call", "application", "reviewer")
        .filter(round=round_, application=application, reviewer=user)
        .first()
    )
    if assignment is None:
        raise Forbidden(
            _("This application is not assigned to you in this round, so you cannot open it."),
            code="not_assigned",
        )
    if application.status not in REVIEWABLE:
        raise Forbidden(_("This application was withdrawn; it is no longer reviewed."), code="withdrawn")
    assignment.round = round_
    assignment.application = application
    return assignment


def review_of(assignment: ReviewAssignment) -> Review | None:
    return (
        Review.objects.filter(assignment=assignment)
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .first()
    )


# --- ranking --------------------------------------------------------------------------------------


@dataclass
class RankingRow:
    application: Application
    reviews: int
    mean_total: float | None
    score: float | None
    rank: int | None
    tied: bool
    criteria: dict[int, float]
    pending: int
    abstained: int


def ranking(round_: ReviewRound, normalisation: str | None = None) -> list[RankingRow]:
    """Every application of the round with its mean total (0–100), its score under the chosen
    normalisation, its rank (ties share one) and per-criterion means. Four queries."""
    normalisation = normalisation or round_.normalisation
    applications = list(round_applications(round_))
    ids = [a.pk for a in applications]
    # A review whose reviewer has (since) a conflict with the application does not count.
    conflicted = ConflictOfInterest.objects.filter(
        application_id=OuterRef("assignment__application_id"), reviewer_id=OuterRef("assignment__reviewer_id")
    )
    review_rows = (
        Review.objects.filter(
            assignment__round=round_,
            assignment__status=ReviewAssignment.Status.SUBMITTED,
            assignment__application_id__in=ids,
            total__isnull=False,
        )
        .exclude(Exists(conflicted))
        .values_list("assignment__reviewer_id", "assignment__application_id", "total")
    )
    reviews: list[tuple[Any, Any, float]] = [
        (reviewer_id, app_id, float(total)) for reviewer_id, app_id, total in review_rows if total is not None
    ]
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for app_id, status in ReviewAssignment.objects.filter(round=round_, application_id__in=ids).values_list(
        "application_id", "status"
    ):
        counts[app_id][status] += 1
    criteria_means: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    conflicted_score = ConflictOfInterest.objects.filter(
        application_id=OuterRef("review__assignment__application_id"),
        reviewer_id=OuterRef("review__assignment__reviewer_id"),
    )
    for app_id, criterion_id, value in (
        Score.objects.filter(
            review__assignment__round=round_,
            review__assignment__status=ReviewAssignment.Status.SUBMITTED,
            review__assignment__application_id__in=ids,
        )
        .exclude(Exists(conflicted_score))
        .values_list("review__assignment__application_id", "criterion_id", "value")
    ):
        criteria_means[app_id][criterion_id].append(float(value))
    counted = Counter(app_id for _reviewer, app_id, _total in reviews)
    raw = scoring.item_scores(reviews, normalisation="none")
    scores = scoring.item_scores(reviews, normalisation=normalisation) if reviews else {}
    ranks = scoring.rank({a.pk: scores.get(a.pk) for a in applications})
    ties = scoring.tied(ranks)
    rows = [
        RankingRow(
            application=a,
            reviews=counted[a.pk],
            mean_total=raw.get(a.pk),
            score=scores.get(a.pk),
            rank=ranks.get(a.pk),
            tied=a.pk in ties,
            criteria={cid: sum(v) / len(v) for cid, v in criteria_means[a.pk].items()},
            pending=counts[a.pk].get(ReviewAssignment.Status.PENDING, 0),
            abstained=counts[a.pk].get(ReviewAssignment.Status.ABSTAINED, 0),
        )
        for a in applications
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.application.reference))
    return rows


def review_sheet(round_: ReviewRound) -> list[Score]:
    """Every submitted score of the round with its review, reviewer and application (for exports)."""
    return list(
        Score.objects.filter(
            review__assignment__round=round_, review__assignment__status=ReviewAssignment.Status.SUBMITTED
        )
        .select_related(
            "criterion", "review", "review__assignment__reviewer", "review__assignment__application"
        )
        .order_by(
            "review__assignment__application__reference",
            "review__assignment__reviewer_id",
            "criterion__position",
        )
    )


# --- selection ------------------------------------------------------------------------------------


def applications_for_decision(call: Call, status: str | None = None) -> QuerySet[Application]:
    qs = (
        Application.objects.filter(call=call)
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .select_related("organisation", "organisation__province", "decided_by")
        .annotate(
            n_reviews=Count(
                "assignments", filter=Q(assignments__status=ReviewAssignment.Status.SUBMITTED), distinct=True
            ),
            n_open_appeals=Count("appeals", filter=Q(appeals__status=Appeal.Status.OPEN), distinct=True),
        )
        .order_by("reference")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def appeals_of(call: Call) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(application__call=call)
        .select_related("application", "application__organisation", "filed_by", "decided_by")
        .order_by("status", "-created_at")
    )


def events_of(call: Call, *, application: Application | None = None) -> QuerySet[ApplicationEvent]:
    qs = ApplicationEvent.objects.filter(call=call).select_related("application", "round", "actor")
    if application is not None:
        qs = qs.filter(application=application)
    return qs.order_by("-created_at", "-id")


# --- applicants -----------------------------------------------------------------------------------


def get_application_for_applicant(user: Any, application_uuid: Any) -> Application:
    """An application the user applies for (member of the applying organisation); 404 otherwise."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    application = (
        Application.objects.select_related("call", "call__programme", "organisation")
        .filter(uuid=_uuid(application_uuid), organisation__memberships__user=user)
        .first()
    )
    if application is None:
        raise NotFound()
    return application


# --- what a reviewer sees of an application -------------------------------------------------------

#: field kinds that identify the applicant; hidden from reviewers of a blind round
IDENTIFYING_KINDS = ("organisation", "team")


def _redact(text: str, names: list[str]) -> str:
    """Blind review: the applicant's names inside free text become “[hidden]”."""
    import re

    for name in sorted({n for n in names if n and len(n) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(name), "[" + _("hidden") + "]", text, flags=re.IGNORECASE)
    return text


def reviewer_view(application: Application, *, blind: bool) -> dict[str, Any]:
    """The application as a reviewer sees it: the form's sections with the submitted answers, and
    the organisation's profile. In a blind round the organisation's name, members, its files' names
    and answers of "organisation" and "team" fields are hidden, and the organisation's names are
    blanked inside free-text answers. Three queries."""
    from innohub.programs.answers import display_value
    from innohub.programs.models import ApplicationFile
    from innohub.programs.selectors import form_of

    org = application.organisation
    names = [org.name, getattr(org, "name_vi", "") or "", getattr(org, "name_en", "") or "", org.short_name]
    files: dict[str, list[str]] = defaultdict(list)
    for key, name in ApplicationFile.objects.filter(application=application).values_list(
        "field_key", "original_name"
    ):
        files[key].append(name)
    answers = application.answers or {}
    sections = []
    for section in form_of(application.call):
        rows = []
        for f in section.fields.all():
            hidden = False
            if f.kind == "file":
                listed = files.get(f.key, [])
                if not listed:
                    continue
                if blind:
                    value: Any = _("%(count)s file(s) attached") % {"count": len(listed)}
                    hidden = True
                else:
                    value = ", ".join(listed)
            else:
                raw = answers.get(f.key)
                if raw in (None, "", [], {}):
                    continue
                if blind and f.kind in IDENTIFYING_KINDS:
                    value, hidden = _("Hidden in a blind review"), True
                else:
                    value = display_value(f, raw)
                    if blind:
                        value = _redact(value, names)
            rows.append({"key": f.key, "label": f.label, "kind": f.kind, "value": value, "hidden": hidden})
        if rows:
            sections.append({"title": section.title, "answers": rows})
    profile = {
        "name": None if blind else org.name,
        "description": None if blind else org.description,
        "kind": org.get_kind_display(),
        "sectors": [s.name for s in org.sectors.all()],
        "founded_year": org.founded_year,
        "team_size": org.team_size,
    }
    return {"sections": sections, "organisation": profile}
