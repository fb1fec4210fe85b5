"""Request and response schemas of /api/v1/programs review, assignment and selection endpoints.

Inputs are ninja Schemas (validated, documented); outputs are plain pydantic models (core.api.schemas
explains why) built from dicts by the small functions at the bottom.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from innohub.core.api.schemas import Out

# --- inputs ---------------------------------------------------------------------------------------


class RoundIn(Schema):
    title: str = Field(..., description="Title in Vietnamese.")
    title_en: str = ""
    kind: str = Field("panel", description="screening, panel, interview or final.")
    instructions: str = ""
    instructions_en: str = ""
    blind: bool = False
    per_item: int = Field(3, description="Reviewers per application.")
    capacity: int = Field(10, description="Applications per reviewer (default for the panel).")
    normalisation: str = Field("none", description="none (raw weighted scores) or zscore.")
    closes_at: dt.datetime | None = None


class RoundPatch(Schema):
    version: int = Field(..., description="The version you read; 409 if it changed since.")
    title: str | None = None
    title_en: str | None = None
    kind: str | None = None
    instructions: str | None = None
    instructions_en: str | None = None
    blind: bool | None = None
    per_item: int | None = None
    capacity: int | None = None
    normalisation: str | None = None
    closes_at: dt.datetime | None = None


class RoundStatusIn(Schema):
    status: str = Field(..., description="open or closed.")
    version: int | None = None


class CriterionIn(Schema):
    title: str
    title_en: str = ""
    guidance: str = ""
    guidance_en: str = ""
    weight: float = 1
    scale_min: int = 0
    scale_max: int = 10
    comment_required: bool = False
    position: int | None = None


class CriterionPatch(Schema):
    title: str | None = None
    title_en: str | None = None
    guidance: str | None = None
    guidance_en: str | None = None
    weight: float | None = None
    scale_min: int | None = None
    scale_max: int | None = None
    comment_required: bool | None = None
    position: int | None = None


class PanelIn(Schema):
    reviewer: str = Field(..., description="The reviewer's email (an account with the review permission).")
    is_lead: bool = False
    capacity: int | None = Field(None, description="Overrides the round's capacity for this reviewer.")


class PanelPatch(Schema):
    is_lead: bool | None = None
    capacity: int | None = Field(None, description="Send null to fall back to the round's capacity.")


class ConflictIn(Schema):
    application: UUID
    reviewer: str = Field(..., description="The reviewer's email.")
    reason: str = Field(
        ..., description="same_organisation, investor, mentor, incubator, family, personal or other."
    )
    detail: str = ""


class DeclareIn(Schema):
    reason: str
    detail: str = ""


class BidIn(Schema):
    value: int = Field(
        ..., description="-1 rather not, 0 no preference (removes the bid), 1 interested, 2 eager."
    )


class AssignmentIn(Schema):
    application: UUID
    reviewer: str = Field(..., description="The reviewer's email.")
    locked: bool = False


class LockIn(Schema):
    locked: bool


class ReviewIn(Schema):
    version: int | None = Field(None, description="The review's version you read (0 or null for a new one).")
    scores: dict[str, float | None] = Field(default_factory=dict, description="criterion id → score")
    comments: dict[str, str] = Field(default_factory=dict, description="criterion id → comment")
    comment: str = ""


class AbstainIn(Schema):
    reason: str
    version: int | None = None


class DecisionIn(Schema):
    outcome: str = Field(..., description="shortlisted, accepted, waitlisted or rejected.")
    note: str = ""
    version: int = Field(..., description="The application's version you read; 409 if someone decided since.")
    notify: bool = Field(False, description="Send the decision letter now (after publication it always is).")


class BulkItem(Schema):
    application: UUID
    version: int


class BulkDecisionIn(Schema):
    outcome: str
    note: str = ""
    applications: list[BulkItem]
    notify: bool = False


class PublishIn(Schema):
    version: int | None = None
    quota_override: str = Field("", description="Reason to publish although a quota is not met.")


class AppealIn(Schema):
    reason: str


class AppealDecisionIn(Schema):
    uphold: bool
    response: str
    outcome: str | None = Field(
        None, description="With uphold: the new decision (accepted, waitlisted, shortlisted)."
    )
    version: int | None = None


# --- outputs --------------------------------------------------------------------------------------


class PersonRef(Out):
    id: int
    name: str
    email: str | None = None


class ApplicationRef(Out):
    uuid: UUID
    reference: str
    organisation: str | None = Field(None, description="Hidden (null) to reviewers of a blind round.")


class CriterionOut(Out):
    id: int
    position: int
    title: str
    guidance: str
    weight: float
    scale_min: int
    scale_max: int
    comment_required: bool


class RoundOut(Out):
    uuid: UUID
    call: str
    position: int
    kind: str
    title: str
    instructions: str
    blind: bool
    per_item: int
    capacity: int
    normalisation: str
    status: str
    closes_at: dt.datetime | None
    version: int
    criteria: list[CriterionOut]


class PanelOut(Out):
    id: int
    reviewer: PersonRef
    is_lead: bool
    capacity: int | None
    effective_capacity: int
    assigned: int = 0
    reviewed: int = 0


class ConflictOut(Out):
    id: int
    application: ApplicationRef
    reviewer: PersonRef
    source: str
    reason: str
    reason_label: str
    detail: str
    created_at: dt.datetime


class BidOut(Out):
    application: ApplicationRef
    value: int


class RunOut(Out):
    id: int
    round: UUID
    status: str
    objective: float | None
    error: str
    progress: int = Field(0, description="Percent done.")
    message: str = ""
    added: int | None = None
    removed: int | None = None
    kept: int | None = None
    applications: int | None = None
    reviewers: int | None = None
    matrix_sha256: str | None = None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class AssignmentOut(Out):
    id: int
    application: ApplicationRef
    reviewer: PersonRef
    source: str
    locked: bool
    status: str
    affinity: float | None


class MyReviewOut(Out):
    round: UUID
    round_title: str
    round_status: str
    application: ApplicationRef
    status: str
    total: float | None


class ScoreOut(Out):
    value: float
    comment: str


class ReviewOut(Out):
    version: int
    scores: dict[str, ScoreOut]
    comment: str
    total: float | None
    submitted_at: dt.datetime | None
    abstain_reason: str


class ReviewAnswerOut(Out):
    key: str
    label: str
    kind: str
    value: Any = None
    hidden: bool = False


class ReviewSectionOut(Out):
    title: str
    answers: list[ReviewAnswerOut]


class ScorecardOut(Out):
    round: UUID
    round_title: str
    instructions: str
    blind: bool
    status: str
    application: ApplicationRef
    sections: list[ReviewSectionOut]
    criteria: list[CriterionOut]
    review: ReviewOut | None


class RankingRowOut(Out):
    rank: int | None
    tied: bool
    application: ApplicationRef
    status: str
    reviews: int
    mean_total: float | None
    score: float | None
    criteria: dict[str, float]


class RankingOut(Out):
    round: UUID
    normalisation: str
    rows: list[RankingRowOut]


class DecisionOut(Out):
    uuid: UUID
    reference: str
    organisation: str
    status: str
    version: int
    decided_at: dt.datetime | None
    decision_note: str


class AppealOut(Out):
    uuid: UUID
    application: ApplicationRef
    status: str
    reason: str
    response: str
    version: int
    created_at: dt.datetime
    decided_at: dt.datetime | None


class CallResultsOut(Out):
    slug: str
    status: str
    results_published_at: dt.datetime | None
    version: int


class EventOut(Out):
    action: str
    application: str | None
    round: str | None
    actor: str | None
    data: dict[str, Any]
    created_at: dt.datetime


# --- builders -------------------------------------------------------------------------------------


def person_ref(user: Any, *, with_email: bool = True) -> dict[str, Any]:
    return {"id": user.pk, "name": str(user), "email": user.email if with_email else None}


def application_ref(application: Any, *, blind: bool = False) -> dict[str, Any]:
    return {
        "uuid": application.uuid,
        "reference": application.reference,
        "organisation": None if blind else application.organisation.name,
    }


def criterion_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "position": c.position,
        "title": c.title,
        "guidance": c.guidance or "",
        "weight": float(c.weight),
        "scale_min": c.scale_min,
        "scale_max": c.scale_max,
        "comment_required": c.comment_required,
    }


def round_out(round_: Any, criteria: list[Any]) -> dict[str, Any]:
    return {
        "uuid": round_.uuid,
        "call": round_.call.slug,
        "position": round_.position,
        "kind": round_.kind,
        "title": round_.title,
        "instructions": round_.instructions or "",
        "blind": round_.blind,
        "per_item": round_.per_item,
        "capacity": round_.capacity,
        "normalisation": round_.normalisation,
        "status": round_.status,
        "closes_at": round_.closes_at,
        "version": round_.version,
        "criteria": [criterion_out(c) for c in criteria],
    }


def run_out(run: Any) -> dict[str, Any]:
    progress = run.progress
    return {
        "id": run.pk,
        "round": run.round.uuid,
        "status": run.status,
        "objective": run.objective,
        "error": run.error,
        "progress": progress.percent if progress else (100 if run.status in ("succeeded", "failed") else 0),
        "message": progress.message if progress else "",
        "added": run.result.get("added"),
        "removed": run.result.get("removed"),
        "kept": run.result.get("kept"),
        "applications": len(run.inputs.get("applications", [])) if run.inputs else None,
        "reviewers": len(run.inputs.get("reviewers", [])) if run.inputs else None,
        "matrix_sha256": run.inputs.get("matrix_sha256") if run.inputs else None,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


def assignment_out(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "application": application_ref(a.application),
        "reviewer": person_ref(a.reviewer),
        "source": a.source,
        "locked": a.locked,
        "status": a.status,
        "affinity": a.affinity,
    }


def review_out(review: Any) -> dict[str, Any] | None:
    if review is None:
        return None
    return {
        "version": review.version,
        "scores": {
            str(s.criterion_id): {"value": float(s.value), "comment": s.comment} for s in review.scores.all()
        },
        "comment": review.comment,
        "total": review.total,
        "submitted_at": review.submitted_at,
        "abstain_reason": review.abstain_reason,
    }


def decision_out(a: Any) -> dict[str, Any]:
    return {
        "uuid": a.uuid,
        "reference": a.reference,
        "organisation": a.organisation.name,
        "status": a.status,
        "version": a.version,
        "decided_at": a.decided_at,
        "decision_note": a.decision_note,
    }


def appeal_out(appeal: Any) -> dict[str, Any]:
    return {
        "uuid": appeal.uuid,
        "application": application_ref(appeal.application),
        "status": appeal.status,
        "reason": appeal.reason,
        "response": appeal.response,
        "version": appeal.version,
        "created_at": appeal.created_at,
        "decided_at": appeal.decided_at,
    }


def conflict_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "application": application_ref(c.application),
        "reviewer": person_ref(c.reviewer),
        "source": c.source,
        "reason": c.reason,
        "reason_label": str(c.get_reason_display()),
        "detail": c.detail,
        "created_at": c.created_at,
    }
