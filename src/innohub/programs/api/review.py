"""/api/v1/programs: review rounds, criteria, panels, conflicts, bids, assignment runs, assignments,
the reviewer's scorecards, rankings, decisions, appeals and publication of results.

Thin handlers: parse (schemas_review) → selector (selectors_review) or service → schema. Staff
endpoints answer 403 to staff lacking the action's permission and to anyone without `programs.view` at
the call's center who sees the record (a public call, one's own application), 404 (the same answer as
for a missing record) to everyone else: a call's rounds, a draft call; reviewer endpoints answer 404 to
anyone not on the round's panel and 403 (with the reason) to a panel member who has a conflict with
the application or is not assigned to it. Lists are paginated.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from innohub.accounts.models import User
from innohub.core.api.auth import WRITE_AUTH, require_authenticated
from innohub.core.api.errors import errors
from innohub.core.api.pagination import PageParams, page_of, paginate
from innohub.core.errors import NotFound, ValidationFailed
from innohub.programs import exports, selectors
from innohub.programs import permissions as P
from innohub.programs import selectors_review as sel
from innohub.programs.models import (
    Application,
    Bid,
    ConflictOfInterest,
    Criterion,
    PanelMember,
    ReviewAssignment,
)
from innohub.programs.schemas_review import (
    AbstainIn,
    AppealDecisionIn,
    AppealIn,
    AppealOut,
    AssignmentIn,
    AssignmentOut,
    BidIn,
    BidOut,
    BulkDecisionIn,
    CallResultsOut,
    ConflictIn,
    ConflictOut,
    CriterionIn,
    CriterionOut,
    CriterionPatch,
    DecisionIn,
    DecisionOut,
    DeclareIn,
    EventOut,
    LockIn,
    MyReviewOut,
    PanelIn,
    PanelOut,
    PanelPatch,
    PublishIn,
    RankingOut,
    ReviewIn,
    ReviewOut,
    RoundIn,
    RoundOut,
    RoundPatch,
    RoundStatusIn,
    RunOut,
    ScorecardOut,
    appeal_out,
    application_ref,
    assignment_out,
    conflict_out,
    criterion_out,
    decision_out,
    person_ref,
    review_out,
    round_out,
    run_out,
)
from innohub.programs.services import assignment as assignment_services
from innohub.programs.services import conflicts as conflict_services
from innohub.programs.services import review as review_services
from innohub.programs.services import selection as selection_services

router = Router(tags=["programs review"])

RoundPage = page_of(RoundOut, "ReviewRoundPage")
AssignmentPage = page_of(AssignmentOut, "AssignmentPage")
MyReviewPage = page_of(MyReviewOut, "MyReviewPage")
DecisionPage = page_of(DecisionOut, "DecisionPage")
AppealPage = page_of(AppealOut, "AppealPage")
ConflictPage = page_of(ConflictOut, "ConflictPage")
EventPage = page_of(EventOut, "SelectionEventPage")


def _reviewer(email: str, field: str = "reviewer") -> Any:
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        raise ValidationFailed(fields={field: [_("No account has this email address.")]})
    return user


def _round_application(round_: Any, application_uuid: UUID) -> Application:
    application = (
        Application.objects.select_related("organisation", "call")
        .filter(uuid=application_uuid, call_id=round_.call_id)
        .first()
    )
    if application is None:
        raise ValidationFailed(fields={"application": [_("No application of this call has this id.")]})
    return application


def _round(request: HttpRequest, round_uuid: UUID, action: str = P.VIEW) -> Any:
    return sel.get_round_for_staff(require_authenticated(request), round_uuid, action)


def _round_detail(round_: Any) -> dict[str, Any]:
    return round_out(round_, sel.criteria_of(round_))


# --- rounds and criteria --------------------------------------------------------------------------


@router.get(
    "/calls/{slug}/rounds",
    response={200: RoundPage, **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="Review rounds of a call (staff)",
)
def list_review_rounds(request: HttpRequest, slug: str, paging: Query[PageParams]) -> dict[str, Any]:
    call = sel.get_call_for_staff(require_authenticated(request), slug)
    from django.db.models import Prefetch

    qs = (
        sel.rounds_of(call)
        .select_related("call")
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id")))
    )
    return paginate(
        request, qs, paging, rows=lambda page: [round_out(r, list(r.criteria.all())) for r in page]
    )


@router.post(
    "/calls/{slug}/rounds",
    response={201: RoundOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Create a review round",
)
def create_review_round(request: HttpRequest, slug: str, payload: RoundIn) -> Status[dict[str, Any]]:
    user = require_authenticated(request)
    call = sel.get_call_for_staff(user, slug, P.MANAGE)
    data = payload.dict()
    fields = {
        "title_vi": data.pop("title"),
        "instructions_vi": data.pop("instructions"),
        **{k: v for k, v in data.items() if v is not None},
    }
    round_ = review_services.create_round(call, actor=user, **fields)
    return Status(201, _round_detail(round_))


@router.get(
    "/rounds/{round_uuid}",
    response={200: RoundOut, **errors(401, 404)},
    auth=WRITE_AUTH,
    summary="A review round",
)
def get_review_round(request: HttpRequest, round_uuid: UUID) -> dict[str, Any]:
    return _round_detail(_round(request, round_uuid))


@router.patch(
    "/rounds/{round_uuid}",
    response={200: RoundOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Change a review round (send the version you read)",
)
def update_review_round(request: HttpRequest, round_uuid: UUID, payload: RoundPatch) -> dict[str, Any]:
    user = require_authenticated(request)
    round_ = _round(request, round_uuid, P.MANAGE)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    renames = {"title": "title_vi", "instructions": "instructions_vi"}
    fields = {renames.get(k, k): v for k, v in data.items() if v is not None or k == "closes_at"}
    round_ = review_services.update_round(round_, actor=user, expected_version=version, **fields)
    return _round_detail(sel.get_round_for_staff(user, round_.uuid))


@router.post(
    "/rounds/{round_uuid}/status",
    response={200: RoundOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Open or close a round (opening moves submitted applications to review)",
)
def set_review_round_status(request: HttpRequest, round_uuid: UUID, payload: RoundStatusIn) -> dict[str, Any]:
    user = require_authenticated(request)
    round_ = _round(request, round_uuid, P.MANAGE)
    if payload.status == "open":
        round_ = review_services.open_round(round_, actor=user, expected_version=payload.version)
    elif payload.status == "closed":
        round_ = review_services.close_round(round_, actor=user, expected_version=payload.version)
    else:
        raise ValidationFailed(fields={"status": [_("Send “open” or “closed”.")]})
    return _round_detail(sel.get_round_for_staff(user, round_.uuid))


@router.post(
    "/rounds/{round_uuid}/criteria",
    response={201: CriterionOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Add a criterion to the scorecard",
)
def create_criterion(request: HttpRequest, round_uuid: UUID, payload: CriterionIn) -> Status[dict[str, Any]]:
    user = require_authenticated(request)
    round_ = _round(request, round_uuid, P.MANAGE)
    data = payload.dict()
    fields = {"title_vi": data.pop("title"), "guidance_vi": data.pop("guidance"), **data}
    if fields.get("position") is None:
        fields.pop("position")
    return Status(201, criterion_out(review_services.add_criterion(round_, actor=user, **fields)))


def _criterion(request: HttpRequest, round_uuid: UUID, criterion_id: int) -> Criterion:
    round_ = _round(request, round_uuid, P.MANAGE)
    criterion = Criterion.objects.filter(pk=criterion_id, round=round_).first()
    if criterion is None:
        raise NotFound()
    return criterion


@router.patch(
    "/rounds/{round_uuid}/criteria/{criterion_id}",
    response={200: CriterionOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Change a criterion",
)
def update_criterion(
    request: HttpRequest, round_uuid: UUID, criterion_id: int, payload: CriterionPatch
) -> dict[str, Any]:
    user = require_authenticated(request)
    criterion = _criterion(request, round_uuid, criterion_id)
    renames = {"title": "title_vi", "guidance": "guidance_vi"}
    fields = {renames.get(k, k): v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return criterion_out(review_services.update_criterion(criterion, actor=user, **fields))


@router.delete(
    "/rounds/{round_uuid}/criteria/{criterion_id}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Remove a criterion",
)
def delete_criterion(request: HttpRequest, round_uuid: UUID, criterion_id: int) -> Status[None]:
    user = require_authenticated(request)
    review_services.remove_criterion(_criterion(request, round_uuid, criterion_id), actor=user)
    return Status(204, None)


# --- panel ----------------------------------------------------------------------------------------


def _panel_out(member: PanelMember, round_: Any) -> dict[str, Any]:
    return {
        "id": member.pk,
        "reviewer": person_ref(member.reviewer),
        "is_lead": member.is_lead,
        "capacity": member.capacity,
        "effective_capacity": sel.effective_capacity(member, round_),
        "assigned": getattr(member, "n_assigned", 0),
        "reviewed": getattr(member, "n_done", 0),
    }


@router.get(
    "/rounds/{round_uuid}/panel",
    response={200: list[PanelOut], **errors(401, 404)},
    auth=WRITE_AUTH,
    summary="The round's panel (whole list)",
)
def list_panel(request: HttpRequest, round_uuid: UUID) -> list[dict[str, Any]]:
    round_ = _round(request, round_uuid)
    return [_panel_out(m, round_) for m in sel.panel_of(round_)]


@router.post(
    "/rounds/{round_uuid}/panel",
    response={201: PanelOut, **errors(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    summary="Put a reviewer on the panel",
)
def add_panel_member(request: HttpRequest, round_uuid: UUID, payload: PanelIn) -> Status[dict[str, Any]]:
    user = require_authenticated(request)
    round_ = _round(request, round_uuid, P.MANAGE)
    member = review_services.add_panel_member(
        round_, _reviewer(payload.reviewer), actor=user, is_lead=payload.is_lead, capacity=payload.capacity
    )
    return Status(201, _panel_out(member, round_))


def _member(request: HttpRequest, round_uuid: UUID, member_id: int) -> tuple[Any, PanelMember]:
    round_ = _round(request, round_uuid, P.MANAGE)
    member = PanelMember.objects.select_related("reviewer").filter(pk=member_id, round=round_).first()
    if member is None:
        raise NotFound()
    return round_, member


@router.patch(
    "/rounds/{round_uuid}/panel/{member_id}",
    response={200: PanelOut, **errors(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    summary="Make a reviewer lead, or change their capacity",
)
def update_panel_member(
    request: HttpRequest, round_uuid: UUID, member_id: int, payload: PanelPatch
) -> dict[str, Any]:
    user = require_authenticated(request)
    round_, member = _member(request, round_uuid, member_id)
    data = payload.dict(exclude_unset=True)
    member = review_services.update_panel_member(
        member,
        actor=user,
        is_lead=data.get("is_lead"),
        capacity=data.get("capacity", ...),
    )
    return _panel_out(member, round_)


@router.delete(
    "/rounds/{round_uuid}/panel/{member_id}",
    response={204: None, **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="Take a reviewer off the panel (pending assignments go, submitted reviews stay)",
)
def remove_panel_member(request: HttpRequest, round_uuid: UUID, member_id: int) -> Status[None]:
    user = require_authenticated(request)
    _round_obj, member = _member(request, round_uuid, member_id)
    review_services.remove_panel_member(member, actor=user)
    return Status(204, None)


# --- conflicts ------------------------------------------------------------------------------------


@router.get(
    "/rounds/{round_uuid}/conflicts",
    response={200: ConflictPage, **errors(401, 404)},
    auth=WRITE_AUTH,
    summary="Conflicts of interest between the panel and the call's applications, with reasons",
)
def list_conflicts(request: HttpRequest, round_uuid: UUID, paging: Query[PageParams]) -> dict[str, Any]:
    round_ = _round(request, round_uuid)
    return paginate(
        request, sel.conflicts_of(round_), paging, rows=lambda page: [conflict_out(c) for c in page]
    )


@router.post(
    "/rounds/{round_uuid}/conflicts",
    response={201: ConflictOut, **errors(401, 403, 404, 422)},
    auth=WRITE_AUTH,
    summary="Record a conflict of interest (staff)",
)
def record_conflict(request: HttpRequest, round_uuid: UUID, payload: ConflictIn) -> Status[dict[str, Any]]:
    user = require_authenticated(request)
    round_ = _round(request, round_uuid, P.MANAGE)
    application = _round_application(round_, payload.application)
    conflict = conflict_services.record_conflict(
        application, _reviewer(payload.reviewer), actor=user, reason=payload.reason, detail=payload.detail
    )
    return Status(201, conflict_out(conflict))


@router.post(
    "/rounds/{round_uuid}/conflicts/detect",
    response={200: list[ConflictOut], **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="Detect conflicts from the directory; returns those added",
)
def detect_conflicts(request: HttpRequest, round_uuid: UUID) -> list[dict[str, Any]]:
    user = require_authenticated(request)
    round_ = _round(request, round_uuid, P.MANAGE)
    created = conflict_services.detect_conflicts(round_, actor=user)
    by_pk = {c.pk: c for c in sel.conflicts_of(round_)}
    return [conflict_out(by_pk[c.pk]) for c in created if c.pk in by_pk]


@router.delete(
    "/rounds/{round_uuid}/conflicts/{conflict_id}",
    response={204: None, **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="Remove (dismiss) a conflict",
)
def remove_conflict(request: HttpRequest, round_uuid: UUID, conflict_id: int) -> Status[None]:
    user = require_authenticated(request)
    round_ = _round(request, round_uuid, P.MANAGE)
    conflict = ConflictOfInterest.objects.filter(pk=conflict_id, application__call_id=round_.call_id).first()
    if conflict is None:
        raise NotFound()
    conflict_services.remove_conflict(conflict, actor=user)
    return Status(204, None)


@router.post(
    "/rounds/{round_uuid}/applications/{application_uuid}/conflict",
    response={201: None, **errors(401, 404, 422)},
    auth=WRITE_AUTH,
    summary="Declare your conflict of interest with an application (reviewers)",
)
def declare_conflict(
    request: HttpRequest, round_uuid: UUID, application_uuid: UUID, payload: DeclareIn
) -> Status[None]:
    user = require_authenticated(request)
    member = sel.get_panel_membership(user, round_uuid)
    application = Application.objects.filter(uuid=application_uuid, call_id=member.round.call_id).first()
    if application is None:
        raise NotFound()
    application.call = member.round.call
    conflict_services.declare_conflict(application, actor=user, reason=payload.reason, detail=payload.detail)
    return Status(201, None)


# --- bids -----------------------------------------------------------------------------------------


@router.get(
    "/rounds/{round_uuid}/bids",
    response={200: list[BidOut], **errors(401, 404)},
    auth=WRITE_AUTH,
    summary="Your bids in a round (panel members)",
)
def list_my_bids(request: HttpRequest, round_uuid: UUID) -> list[dict[str, Any]]:
    user = require_authenticated(request)
    member = sel.get_panel_membership(user, round_uuid)
    blind = member.round.blind
    return [
        {"application": application_ref(b.application, blind=blind), "value": b.value}
        for b in Bid.objects.filter(round=member.round, reviewer=user).select_related(
            "application__organisation"
        )
    ]


@router.put(
    "/rounds/{round_uuid}/bids/{application_uuid}",
    response={200: BidOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Bid on an application (panel members)",
)
def set_bid(request: HttpRequest, round_uuid: UUID, application_uuid: UUID, payload: BidIn) -> dict[str, Any]:
    user = require_authenticated(request)
    member = sel.get_panel_membership(user, round_uuid)
    application = (
        sel.round_applications(member.round)
        .filter(uuid=application_uuid)
        .select_related("organisation")
        .first()
    )
    if application is None:
        raise NotFound()
    review_services.set_bid(member.round, application, actor=user, value=payload.value)
    return {"application": application_ref(application, blind=member.round.blind), "value": payload.value}


# --- assignment -----------------------------------------------------------------------------------


@router.post(
    "/rounds/{round_uuid}/assignment-runs",
    response={202: RunOut, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Start an automatic assignment run (a background task; poll its status)",
)
def start_assignment_run(request: HttpRequest, round_uuid: UUID) -> Status[dict[str, Any]]:
    user = require_authenticated(request)
    round_ = _round(request, round_uuid, P.MANAGE)
    run = assignment_services.start_assignment_run(round_, actor=user, language=request.LANGUAGE_CODE)  # type: ignore[attr-defined]
    return Status(202, run_out(sel.get_run_for_staff(user, run.pk)))


@router.get(
    "/assignment-runs/{run_id}",
    response={200: RunOut, **errors(401, 404)},
    auth=WRITE_AUTH,
    summary="Status, progress and result of an assignment run",
)
def get_assignment_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return run_out(sel.get_run_for_staff(require_authenticated(request), run_id))


@router.get(
    "/rounds/{round_uuid}/assignments",
    response={200: AssignmentPage, **errors(401, 404)},
    auth=WRITE_AUTH,
    summary="The round's assignments",
)
def list_assignments(request: HttpRequest, round_uuid: UUID, paging: Query[PageParams]) -> dict[str, Any]:
    round_ = _round(request, round_uuid)
    qs = (
        ReviewAssignment.objects.filter(round=round_)
        .select_related("application__organisation", "reviewer")
        .order_by("application__reference", "reviewer_id")
    )
    return paginate(request, qs, paging, rows=lambda page: [assignment_out(a) for a in page])


@router.post(
    "/rounds/{round_uuid}/assignments",
    response={201: AssignmentOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Assign a reviewer by hand (refused for a conflicted pair or over capacity)",
)
def add_assignment(request: HttpRequest, round_uuid: UUID, payload: AssignmentIn) -> Status[dict[str, Any]]:
    user = require_authenticated(request)
    round_ = _round(request, round_uuid, P.MANAGE)
    application = _round_application(round_, payload.application)
    assignment = assignment_services.add_assignment(
        round_, application, _reviewer(payload.reviewer), actor=user, lock=payload.locked
    )
    assignment.application = application
    return Status(201, assignment_out(assignment))


def _assignment(request: HttpRequest, round_uuid: UUID, assignment_id: int) -> ReviewAssignment:
    round_ = _round(request, round_uuid, P.MANAGE)
    assignment = (
        ReviewAssignment.objects.select_related("application__organisation", "reviewer")
        .filter(pk=assignment_id, round=round_)
        .first()
    )
    if assignment is None:
        raise NotFound()
    return assignment


@router.post(
    "/rounds/{round_uuid}/assignments/{assignment_id}/lock",
    response={200: AssignmentOut, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Lock or unlock an assignment (locked pairs survive reruns)",
)
def lock_assignment(
    request: HttpRequest, round_uuid: UUID, assignment_id: int, payload: LockIn
) -> dict[str, Any]:
    user = require_authenticated(request)
    assignment = _assignment(request, round_uuid, assignment_id)
    assignment_services.set_assignment_lock(assignment, actor=user, locked=payload.locked)
    assignment.locked = payload.locked
    return assignment_out(assignment)


@router.delete(
    "/rounds/{round_uuid}/assignments/{assignment_id}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Remove a pending assignment",
)
def delete_assignment(request: HttpRequest, round_uuid: UUID, assignment_id: int) -> Status[None]:
    user = require_authenticated(request)
    assignment_services.remove_assignment(_assignment(request, round_uuid, assignment_id), actor=user)
    return Status(204, None)


# --- reviewers ------------------------------------------------------------------------------------


@router.get(
    "/reviews/mine",
    response={200: MyReviewPage, **errors(401)},
    auth=WRITE_AUTH,
    summary="Your review assignments",
)
def my_reviews(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    user = require_authenticated(request)

    def rows(page: Any) -> list[dict[str, Any]]:
        out = []
        for a in page:
            review = getattr(a, "review", None)
            out.append(
                {
                    "round": a.round.uuid,
                    "round_title": a.round.title,
                    "round_status": a.round.status,
                    "application": application_ref(a.application, blind=a.round.blind),
                    "status": a.status,
                    "total": review.total if review else None,
                }
            )
        return out

    return paginate(request, sel.my_assignments(user), paging, rows=rows)


def _scorecard(user: Any, round_uuid: UUID, application_uuid: UUID) -> dict[str, Any]:
    assignment = sel.get_assignment_for_reviewer(user, round_uuid, application_uuid)
    round_ = assignment.round
    view = sel.reviewer_view(assignment.application, blind=round_.blind)
    return {
        "round": round_.uuid,
        "round_title": round_.title,
        "instructions": round_.instructions or "",
        "blind": round_.blind,
        "status": assignment.status,
        "application": application_ref(assignment.application, blind=round_.blind),
        "sections": view["sections"],
        "criteria": [criterion_out(c) for c in sel.criteria_of(round_)],
        "review": review_out(sel.review_of(assignment)),
    }


@router.get(
    "/rounds/{round_uuid}/reviews/{application_uuid}",
    response={200: ScorecardOut, **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="Your scorecard for an application, with the application as you may see it",
)
def get_scorecard(request: HttpRequest, round_uuid: UUID, application_uuid: UUID) -> dict[str, Any]:
    return _scorecard(require_authenticated(request), round_uuid, application_uuid)


@router.put(
    "/rounds/{round_uuid}/reviews/{application_uuid}",
    response={200: ReviewOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Save your scorecard as a draft",
)
def save_review_draft(
    request: HttpRequest, round_uuid: UUID, application_uuid: UUID, payload: ReviewIn
) -> Any:
    return _save_scorecard(request, round_uuid, application_uuid, payload, review_services.save_review_draft)


@router.post(
    "/rounds/{round_uuid}/reviews/{application_uuid}/submit",
    response={200: ReviewOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Submit your scorecard (every criterion scored within its scale)",
)
def submit_review(request: HttpRequest, round_uuid: UUID, application_uuid: UUID, payload: ReviewIn) -> Any:
    return _save_scorecard(request, round_uuid, application_uuid, payload, review_services.submit_review)


def _save_scorecard(
    request: HttpRequest, round_uuid: UUID, application_uuid: UUID, payload: ReviewIn, service: Any
) -> Any:
    """Save or submit the caller's scorecard through `service` (same arguments for both)."""
    user = require_authenticated(request)
    assignment = sel.get_assignment_for_reviewer(user, round_uuid, application_uuid)
    service(
        assignment,
        actor=user,
        scores=payload.scores,
        comments=payload.comments,
        comment=payload.comment,
        expected_version=payload.version,
    )
    return review_out(sel.review_of(assignment))


@router.post(
    "/rounds/{round_uuid}/reviews/{application_uuid}/abstain",
    response={200: ReviewOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Abstain from reviewing an application, with the reason",
)
def abstain_review(request: HttpRequest, round_uuid: UUID, application_uuid: UUID, payload: AbstainIn) -> Any:
    user = require_authenticated(request)
    assignment = sel.get_assignment_for_reviewer(user, round_uuid, application_uuid)
    review_services.abstain_review(
        assignment, actor=user, reason=payload.reason, expected_version=payload.version
    )
    return review_out(sel.review_of(assignment))


# --- ranking --------------------------------------------------------------------------------------


class RankingParams(Schema):
    normalisation: str | None = None


@router.get(
    "/rounds/{round_uuid}/ranking",
    response={200: RankingOut, **errors(401, 404, 422)},
    auth=WRITE_AUTH,
    summary="Ranking of the round (normalisation: none or zscore; ties share a rank)",
)
def get_ranking(request: HttpRequest, round_uuid: UUID, params: Query[RankingParams]) -> dict[str, Any]:
    round_ = _round(request, round_uuid)
    normalisation = params.normalisation or round_.normalisation
    if normalisation not in ("none", "zscore"):
        raise ValidationFailed(fields={"normalisation": [_("Use “none” or “zscore”.")]})
    rows = sel.ranking(round_, normalisation)
    return {
        "round": round_.uuid,
        "normalisation": normalisation,
        "rows": [
            {
                "rank": r.rank,
                "tied": r.tied,
                "application": application_ref(r.application),
                "status": r.application.status,
                "reviews": r.reviews,
                "mean_total": r.mean_total,
                "score": r.score,
                "criteria": {str(k): v for k, v in r.criteria.items()},
            }
            for r in rows
        ],
    }


@router.get(
    "/rounds/{round_uuid}/ranking.xlsx",
    response={200: None, **errors(401, 404)},
    auth=WRITE_AUTH,
    summary="Ranking and every score as an XLSX workbook",
)
def export_ranking(request: HttpRequest, round_uuid: UUID, params: Query[RankingParams]) -> HttpResponse:
    round_ = _round(request, round_uuid)
    data = exports.ranking_workbook(
        round_, params.normalisation if params.normalisation in ("none", "zscore") else None
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ranking-{round_.uuid}.xlsx"'
    return response


# --- decisions, appeals, publication --------------------------------------------------------------


class DecisionFilter(Schema):
    status: str | None = None


@router.get(
    "/calls/{slug}/decisions",
    response={200: DecisionPage, **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="Applications of a call with their decisions (staff)",
)
def list_decisions(
    request: HttpRequest, slug: str, filters: Query[DecisionFilter], paging: Query[PageParams]
) -> dict[str, Any]:
    call = sel.get_call_for_staff(require_authenticated(request), slug)
    qs = sel.applications_for_decision(call, filters.status)
    return paginate(request, qs, paging, rows=lambda page: [decision_out(a) for a in page])


@router.post(
    "/applications/{application_uuid}/decision",
    response={200: DecisionOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Decide an application (send the version you read: a concurrent decision is a 409)",
)
def decide_application(request: HttpRequest, application_uuid: UUID, payload: DecisionIn) -> dict[str, Any]:
    user = require_authenticated(request)
    application = sel.get_application_for_staff(user, application_uuid, P.DECIDE)
    application = selection_services.decide_application(
        application,
        actor=user,
        outcome=payload.outcome,
        note=payload.note,
        expected_version=payload.version,
        notify=payload.notify,
    )
    return decision_out(application)


@router.post(
    "/calls/{slug}/decisions",
    response={200: list[DecisionOut], **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="The same decision for many applications (all or nothing)",
)
def decide_applications(request: HttpRequest, slug: str, payload: BulkDecisionIn) -> list[dict[str, Any]]:
    user = require_authenticated(request)
    call = sel.get_call_for_staff(user, slug, P.DECIDE)
    wanted = {item.application: item.version for item in payload.applications}
    found = {
        a.uuid: a for a in Application.objects.filter(call=call, uuid__in=list(wanted)).select_related("call")
    }
    missing = [str(u) for u in wanted if u not in found]
    if missing:
        raise ValidationFailed(
            fields={"applications": [_("Unknown applications: %(ids)s.") % {"ids": ", ".join(missing)}]}
        )
    decided = selection_services.decide_applications(
        [(found[u], v) for u, v in wanted.items()],
        actor=user,
        outcome=payload.outcome,
        note=payload.note,
        notify=payload.notify,
    )
    return [decision_out(a) for a in decided]


@router.post(
    "/calls/{slug}/publish",
    response={200: CallResultsOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Publish the results: participants, letters, the public results page",
)
def publish_results(request: HttpRequest, slug: str, payload: PublishIn) -> dict[str, Any]:
    user = require_authenticated(request)
    call = sel.get_call_for_staff(user, slug, P.DECIDE)
    call = selection_services.publish_results(
        call, actor=user, expected_version=payload.version, quota_override=payload.quota_override
    )
    return {
        "slug": call.slug,
        "status": call.status,
        "results_published_at": call.results_published_at,
        "version": call.version,
    }


@router.get(
    "/calls/{slug}/appeals",
    response={200: AppealPage, **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="Appeals against the call's decisions (staff)",
)
def list_appeals(request: HttpRequest, slug: str, paging: Query[PageParams]) -> dict[str, Any]:
    call = sel.get_call_for_staff(require_authenticated(request), slug)
    return paginate(request, sel.appeals_of(call), paging, rows=lambda page: [appeal_out(a) for a in page])


@router.post(
    "/applications/{application_uuid}/appeals",
    response={201: AppealOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Appeal the decision on your application (within the appeal window)",
)
def file_appeal(request: HttpRequest, application_uuid: UUID, payload: AppealIn) -> Status[dict[str, Any]]:
    user = require_authenticated(request)
    application = selectors.get_application_for(user, application_uuid)
    appeal = selection_services.file_appeal(application, actor=user, reason=payload.reason)
    appeal.application = application
    return Status(201, appeal_out(appeal))


@router.post(
    "/appeals/{appeal_uuid}/decision",
    response={200: AppealOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Uphold (optionally changing the decision) or dismiss an appeal",
)
def decide_appeal(request: HttpRequest, appeal_uuid: UUID, payload: AppealDecisionIn) -> dict[str, Any]:
    user = require_authenticated(request)
    appeal = sel.get_appeal_for_staff(user, appeal_uuid, P.DECIDE)
    selection_services.decide_appeal(
        appeal,
        actor=user,
        uphold=payload.uphold,
        response=payload.response,
        outcome=payload.outcome,
        expected_version=payload.version,
    )
    return appeal_out(sel.get_appeal_for_staff(user, appeal_uuid, P.VIEW))


@router.get(
    "/calls/{slug}/events",
    response={200: EventPage, **errors(401, 403, 404)},
    auth=WRITE_AUTH,
    summary="The audit trail of the call's selection: who scored, assigned, decided what",
)
def list_selection_events(request: HttpRequest, slug: str, paging: Query[PageParams]) -> dict[str, Any]:
    call = sel.get_call_for_staff(require_authenticated(request), slug)

    def rows(page: Any) -> list[dict[str, Any]]:
        return [
            {
                "action": e.action,
                "application": e.application.reference if e.application else None,
                "round": e.round.title if e.round else None,
                "actor": str(e.actor) if e.actor else None,
                "data": e.data,
                "created_at": e.created_at,
            }
            for e in page
        ]

    return paginate(request, sel.events_of(call), paging, rows=rows)
