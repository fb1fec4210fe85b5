"""The reviewer's workspace (/workspace/programmes/reviews/): my reviews by round, the scorecard (draft,
submit, abstain), bids and declaring a conflict of interest.

A reviewer sees only their own assignments. Someone not on the round's panel gets a 404; a panel member
opening an application they have a conflict with, or that is not assigned to them, gets a 403 page
saying which. In a blind round the applicant's identity is hidden (selectors_review.reviewer_view).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innohub.core.errors import DomainError
from innohub.programs import selectors_review as sel
from innohub.programs.models import Application, Bid, ConflictOfInterest, ReviewAssignment, ReviewRound
from innohub.programs.services import conflicts as conflict_services
from innohub.programs.services import review as review_services
from innohub.programs.views.review import _int, domain_lookups, error_text

BID_CHOICES = (
    (2, "Eager to review"),
    (1, "Interested"),
    (0, "No preference"),
    (-1, "Rather not"),
)


def _bid_choices() -> list[tuple[int, str]]:
    labels = {2: _("Eager to review"), 1: _("Interested"), 0: _("No preference"), -1: _("Rather not")}
    return [(value, labels[value]) for value, _label in BID_CHOICES]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My reviews, grouped by round (open rounds first)."""
    rounds: OrderedDict[int, dict[str, Any]] = OrderedDict()
    for a in sel.my_assignments(request.user):
        group = rounds.setdefault(a.round_id, {"round": a.round, "assignments": [], "done": 0})
        group["assignments"].append(a)
        if a.status != ReviewAssignment.Status.PENDING:
            group["done"] += 1
    groups = sorted(rounds.values(), key=lambda g: g["round"].status != ReviewRound.Status.OPEN)
    panels = [
        p for p in sel.my_panels(request.user) if p.round_id not in rounds or p.round.status != "closed"
    ]
    return render(request, "programs/reviewer/home.html", {"groups": groups, "panels": panels})


def _plain(value: Any) -> str:
    """7.00 → "7", 7.50 → "7.5" (what the form shows and the scale buttons compare with)."""
    text = f"{value:f}" if hasattr(value, "is_finite") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scores_from_post(request: HttpRequest, criteria: list[Any]) -> tuple[dict[int, str], dict[int, str]]:
    scores = {c.pk: (request.POST.get(f"score_{c.pk}") or "").strip() for c in criteria}
    comments = {c.pk: request.POST.get(f"comment_{c.pk}") or "" for c in criteria}
    return scores, comments


@login_required
@domain_lookups
def scorecard(request: HttpRequest, round_uuid: Any, application_uuid: Any) -> HttpResponse:
    assignment = sel.get_assignment_for_reviewer(request.user, round_uuid, application_uuid)
    round_ = assignment.round
    criteria = sel.criteria_of(round_)
    errors: dict[str, list[str]] = {}
    error_message = ""
    posted: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        scores, comments = _scores_from_post(request, criteria)
        posted = {"scores": scores, "comments": comments, "comment": request.POST.get("comment", "")}
        action = request.POST.get("action", "save")
        try:
            if action == "submit":
                review_services.submit_review(
                    assignment,
                    actor=request.user,
                    scores=scores,
                    comments=comments,
                    comment=posted["comment"],
                    expected_version=_int(request.POST.get("version")),
                )
                messages.success(
                    request,
                    _("Your review of %(reference)s was submitted. Thank you!")
                    % {"reference": assignment.application.reference},
                )
                return redirect("workspace:reviewer-home")
            review_services.save_review_draft(
                assignment,
                actor=request.user,
                scores=scores,
                comments=comments,
                comment=posted["comment"],
                expected_version=_int(request.POST.get("version")),
            )
            messages.success(request, _("Your draft was saved."))
            return redirect(
                "workspace:reviewer-scorecard",
                round_uuid=round_.uuid,
                application_uuid=assignment.application.uuid,
            )
        except DomainError as exc:
            errors = {k: [str(m) for m in v] for k, v in (exc.fields or {}).items()}
            error_message = str(exc.message)
            status = 200 if exc.status in (400, 422) else exc.status
    review = sel.review_of(assignment)
    saved = {s.criterion_id: s for s in review.scores.all()} if review else {}
    rows = []
    for c in criteria:
        score = saved.get(c.pk)
        rows.append(
            {
                "criterion": c,
                "value": posted["scores"].get(c.pk) if posted else (_plain(score.value) if score else ""),
                "comment": posted["comments"].get(c.pk) if posted else (score.comment if score else ""),
                "score_errors": errors.get(f"score_{c.pk}", []),
                "comment_errors": errors.get(f"comment_{c.pk}", []),
                "scale": range(c.scale_min, c.scale_max + 1) if c.scale_max - c.scale_min <= 10 else None,
            }
        )
    editable = (
        round_.status == ReviewRound.Status.OPEN and assignment.status != ReviewAssignment.Status.ABSTAINED
    )
    context = {
        "assignment": assignment,
        "round": round_,
        "application": assignment.application,
        "view": sel.reviewer_view(assignment.application, blind=round_.blind),
        "rows": rows,
        "review": review,
        "comment": posted["comment"] if posted else (review.comment if review else ""),
        "error_message": error_message,
        "editable": editable,
        "total_weight": sum(c.weight for c in criteria),
    }
    return render(request, "programs/reviewer/scorecard.html", context, status=status)


@login_required
@require_POST
@domain_lookups
def abstain(request: HttpRequest, round_uuid: Any, application_uuid: Any) -> HttpResponse:
    assignment = sel.get_assignment_for_reviewer(request.user, round_uuid, application_uuid)
    try:
        review_services.abstain_review(assignment, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect(
            "workspace:reviewer-scorecard",
            round_uuid=assignment.round.uuid,
            application_uuid=assignment.application.uuid,
        )
    messages.success(
        request,
        _("You abstained from reviewing %(reference)s.") % {"reference": assignment.application.reference},
    )
    return redirect("workspace:reviewer-home")


@login_required
@domain_lookups
def declare_conflict(request: HttpRequest, round_uuid: Any, application_uuid: Any) -> HttpResponse:
    user: Any = request.user
    member = sel.get_panel_membership(user, round_uuid)
    round_ = member.round
    application = (
        Application.objects.select_related("organisation", "call", "call__programme")
        .filter(uuid=sel._uuid(application_uuid), call_id=round_.call_id)
        .first()
    )
    if application is None:
        raise Http404
    if request.method == "POST":
        try:
            conflict_services.declare_conflict(
                application,
                actor=request.user,
                reason=request.POST.get("reason"),
                detail=request.POST.get("detail", ""),
            )
        except DomainError as exc:
            messages.error(request, error_text(exc))
            return redirect(
                "workspace:reviewer-conflict", round_uuid=round_.uuid, application_uuid=application.uuid
            )
        messages.success(
            request,
            _(
                "Your conflict of interest with %(reference)s is recorded; the application was taken off your list."
            )
            % {"reference": application.reference},
        )
        return redirect("workspace:reviewer-home")
    context = {
        "round": round_,
        "application": application,
        "blind": round_.blind,
        "declared": list(ConflictOfInterest.objects.filter(application=application, reviewer=user)),
        "reasons": ConflictOfInterest.Reason.choices,
    }
    return render(request, "programs/reviewer/conflict.html", context)


@login_required
@domain_lookups
def bids(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    user: Any = request.user
    member = sel.get_panel_membership(user, round_uuid)
    round_ = member.round
    conflicted = set(
        ConflictOfInterest.objects.filter(reviewer=user, application__call_id=round_.call_id).values_list(
            "application_id", flat=True
        )
    )
    applications = [
        a
        for a in sel.round_applications(round_).prefetch_related("organisation__sectors")
        if a.pk not in conflicted
    ]
    if request.method == "POST":
        by_uuid = {str(a.uuid): a for a in applications}
        changed = 0
        try:
            for key, value in request.POST.items():
                if key.startswith("bid-") and key[4:] in by_uuid:
                    current = request.POST.get(f"current-{key[4:]}")
                    if current != value:
                        review_services.set_bid(round_, by_uuid[key[4:]], actor=request.user, value=value)
                        changed += 1
        except DomainError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Your bids were saved (%(count)s changed).") % {"count": changed})
        return redirect("workspace:reviewer-bids", round_uuid=round_.uuid)
    mine = dict(Bid.objects.filter(round=round_, reviewer=user).values_list("application_id", "value"))
    for a in applications:
        a.my_bid = mine.get(a.pk, 0)  # type: ignore[attr-defined]
    context = {
        "round": round_,
        "applications": applications,
        "choices": _bid_choices(),
        "editable": round_.status != ReviewRound.Status.CLOSED,
    }
    return render(request, "programs/reviewer/bids.html", context)
