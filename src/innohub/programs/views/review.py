"""Staff pages of review rounds (/workspace/programmes/): rounds and their scorecards, panels,
conflicts of interest, reviewer assignment (runs with progress, the matrix with hand edits) and the
ranking with its XLSX export.

Reads go through programs.selectors_review, writes through the review services. Someone without
`programs.view` at the call's center gets the same 404 as for a missing round; staff without the
action's permission get a 403 page. A refused write shows the service's translated message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innohub.accounts.models import User
from innohub.accounts.web import apply_domain_error, error_status, forbidden
from innohub.core.errors import DomainError, Forbidden, NotFound
from innohub.programs import exports
from innohub.programs import permissions as P
from innohub.programs import selectors_review as sel
from innohub.programs.models import (
    Application,
    ConflictOfInterest,
    Criterion,
    PanelMember,
    ReviewAssignment,
    ReviewRound,
)
from innohub.programs.services import assignment as assignment_services
from innohub.programs.services import conflicts as conflict_services
from innohub.programs.services import review as review_services

# --- shared by the review, selection and reviewer pages -------------------------------------------


def domain_lookups(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Lookups raise NotFound (→ 404, the same as a missing record) or Forbidden (→ the 403 page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden as exc:
            return forbidden(request, exc.message)

    return wrapper


def error_text(exc: DomainError) -> str:
    """The main message followed by the per-field messages (for flash messages)."""
    details = [str(m) for msgs in (exc.fields or {}).values() for m in msgs]
    main = str(exc.message)
    if details and main == str(type(exc).default_message):
        return " ".join(details)
    return " ".join([main, *details])


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def round_tabs(round_: ReviewRound, active: str) -> dict[str, Any]:
    return {"round": round_, "call": round_.call, "tab": active}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- forms ----------------------------------------------------------------------------------------


class BootstrapForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = css


class RoundForm(BootstrapForm):
    title_vi = forms.CharField(label=gettext_lazy("Title (Vietnamese)"), max_length=255)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=255, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ReviewRound.Kind.choices)
    instructions_vi = forms.CharField(
        label=gettext_lazy("Reviewer instructions (Vietnamese)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    instructions_en = forms.CharField(
        label=gettext_lazy("Reviewer instructions (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    blind = forms.BooleanField(
        label=gettext_lazy("Blind review (reviewers do not see who applied)"), required=False
    )
    per_item = forms.IntegerField(
        label=gettext_lazy("Reviewers per application"), min_value=1, max_value=1000
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Applications per reviewer"), min_value=1, max_value=1000
    )
    normalisation = forms.ChoiceField(
        label=gettext_lazy("Ranking"), choices=ReviewRound.Normalisation.choices
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Reviews due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class CriterionForm(BootstrapForm):
    title_vi = forms.CharField(label=gettext_lazy("Criterion (Vietnamese)"), max_length=255)
    title_en = forms.CharField(label=gettext_lazy("Criterion (English)"), max_length=255, required=False)
    guidance_vi = forms.CharField(
        label=gettext_lazy("Guidance for reviewers (Vietnamese)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    guidance_en = forms.CharField(
        label=gettext_lazy("Guidance for reviewers (English)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    weight = forms.DecimalField(label=gettext_lazy("Weight"), max_digits=6, decimal_places=2, initial=1)
    scale_min = forms.IntegerField(label=gettext_lazy("Lowest score"), initial=0)
    scale_max = forms.IntegerField(label=gettext_lazy("Highest score"), initial=10)
    comment_required = forms.BooleanField(label=gettext_lazy("Comment required"), required=False)


ROUND_ALIASES = {"title": "title_vi", "instructions": "instructions_vi"}
CRITERION_ALIASES = {"title": "title_vi", "guidance": "guidance_vi"}


def _round_initial(round_: ReviewRound) -> dict[str, Any]:
    return {
        **{
            key: getattr(round_, key)
            for key in ("title_vi", "title_en", "instructions_vi", "instructions_en")
        },
        "kind": round_.kind,
        "blind": round_.blind,
        "per_item": round_.per_item,
        "capacity": round_.capacity,
        "normalisation": round_.normalisation,
        "closes_at": round_.closes_at,
    }


# --- rounds ---------------------------------------------------------------------------------------


@login_required
@domain_lookups
def round_list(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = sel.get_call_for_staff(request.user, call_slug)
    can_manage = sel.staff_may(request.user, P.MANAGE, call)
    form = RoundForm(
        initial={"kind": ReviewRound.Kind.PANEL, "per_item": 3, "capacity": 10, "normalisation": "none"}
    )
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Forbidden()
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                round_ = review_services.create_round(call, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc, ROUND_ALIASES)
                status = error_status(exc)
            else:
                messages.success(request, _("The round “%(title)s” was created.") % {"title": round_.title})
                return redirect("workspace:review-round", round_uuid=round_.uuid)
    context = {
        "call": call,
        "rounds": list(sel.rounds_of(call)),
        "form": form,
        "can_manage": can_manage,
        "call_tab": "rounds",
    }
    return render(request, "programs/review/round_list.html", context, status=status)


@login_required
@domain_lookups
def round_detail(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid)
    can_manage = sel.staff_may(request.user, P.MANAGE, round_.call)
    form = RoundForm(initial=_round_initial(round_))
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Forbidden()
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                review_services.update_round(
                    round_,
                    actor=request.user,
                    expected_version=_int(request.POST.get("version")),
                    **form.cleaned_data,
                )
            except DomainError as exc:
                apply_domain_error(form, exc, ROUND_ALIASES)
                status = error_status(exc)
            else:
                messages.success(request, _("The round was saved."))
                return redirect("workspace:review-round", round_uuid=round_.uuid)
    criteria = sel.criteria_of(round_)
    context = {
        **round_tabs(round_, "overview"),
        "form": form,
        "criteria": criteria,
        "total_weight": sum(c.weight for c in criteria),
        "criterion_form": CriterionForm(),
        "can_manage": can_manage,
        "scored": review_services._scores_exist(round_),
        "panel_size": PanelMember.objects.filter(round=round_).count(),
        "transitions": ReviewRound.TRANSITIONS.get(round_.status, ()),
    }
    return render(request, "programs/review/round_detail.html", context, status=status)


@login_required
@require_POST
@domain_lookups
def round_status(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid, P.MANAGE)
    target = request.POST.get("status")
    version = _int(request.POST.get("version"))
    try:
        if target == ReviewRound.Status.OPEN:
            review_services.open_round(round_, actor=request.user, expected_version=version)
            messages.success(request, _("The round is open: reviewers can now score their applications."))
        elif target == ReviewRound.Status.CLOSED:
            review_services.close_round(round_, actor=request.user, expected_version=version)
            messages.success(request, _("The round is closed."))
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect("workspace:review-round", round_uuid=round_.uuid)


@login_required
@require_POST
@domain_lookups
def criterion_add(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid, P.MANAGE)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            review_services.add_criterion(round_, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The criterion was added."))
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[k].label}: {' '.join(str(e) for e in v)}"
                for k, v in form.errors.items()
                if k in form.fields
            ),
        )
    return redirect(reverse("workspace:review-round", kwargs={"round_uuid": round_.uuid}) + "#criteria")


@login_required
@domain_lookups
def criterion_edit(request: HttpRequest, round_uuid: Any, criterion_id: int) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid)
    criterion = Criterion.objects.filter(pk=criterion_id, round=round_).first()
    if criterion is None:
        raise Http404
    can_manage = sel.staff_may(request.user, P.MANAGE, round_.call)
    form = CriterionForm(
        initial={
            k: getattr(criterion, k)
            for k in (
                "title_vi",
                "title_en",
                "guidance_vi",
                "guidance_en",
                "weight",
                "scale_min",
                "scale_max",
                "comment_required",
            )
        }
    )
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Forbidden()
        try:
            if request.POST.get("action") == "delete":
                review_services.remove_criterion(criterion, actor=request.user)
                messages.success(request, _("The criterion was removed."))
                return redirect(
                    reverse("workspace:review-round", kwargs={"round_uuid": round_.uuid}) + "#criteria"
                )
            form = CriterionForm(request.POST)
            if form.is_valid():
                review_services.update_criterion(criterion, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The criterion was saved."))
                return redirect(
                    reverse("workspace:review-round", kwargs={"round_uuid": round_.uuid}) + "#criteria"
                )
        except DomainError as exc:
            apply_domain_error(form, exc, CRITERION_ALIASES)
            status = error_status(exc)
    context = {
        **round_tabs(round_, "overview"),
        "criterion": criterion,
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "programs/review/criterion_form.html", context, status=status)


# --- panel ----------------------------------------------------------------------------------------


def _panel_candidates(round_: ReviewRound) -> list[User]:
    """Accounts with the review permission at the call's center (directly, or through a role that
    applies to the centers below), not yet on the panel: two queries."""
    from django.db.models import Q

    from innohub.accounts.models import Membership

    center = round_.call.programme.center
    ancestor_ids = [int(p) for p in center.path.strip("/").split("/") if p]
    on_panel = PanelMember.objects.filter(round=round_).values("reviewer_id")
    memberships = (
        Membership.objects.filter(center__is_active=True, user__is_active=True)
        .filter(Q(center=center) | Q(center_id__in=ancestor_ids, role__applies_to_descendants=True))
        .exclude(user_id__in=on_panel)
        .select_related("role", "user")
    )
    users = {
        m.user_id: m.user
        for m in memberships
        if P.REVIEW in (m.role.permissions or []) or "*" in (m.role.permissions or [])
    }
    return sorted(users.values(), key=lambda u: (str(u).casefold(), u.pk))


@login_required
@domain_lookups
def panel(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid)
    can_manage = sel.staff_may(request.user, P.MANAGE, round_.call)
    if request.method == "POST":
        if not can_manage:
            raise Forbidden()
        email = (request.POST.get("reviewer") or "").strip()
        reviewer = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
        if reviewer is None:
            messages.error(request, _("No account has this email address."))
        else:
            try:
                review_services.add_panel_member(
                    round_,
                    reviewer,
                    actor=request.user,
                    is_lead=bool(request.POST.get("is_lead")),
                    capacity=request.POST.get("capacity") or None,
                )
            except DomainError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("%(name)s is on the panel.") % {"name": reviewer})
        return redirect("workspace:review-panel", round_uuid=round_.uuid)
    context = {
        **round_tabs(round_, "panel"),
        "members": sel.panel_of(round_),
        "candidates": _panel_candidates(round_) if can_manage else [],
        "can_manage": can_manage,
    }
    return render(request, "programs/review/panel.html", context)


@login_required
@require_POST
@domain_lookups
def panel_member(request: HttpRequest, round_uuid: Any, member_id: int) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid, P.MANAGE)
    member = PanelMember.objects.select_related("reviewer").filter(pk=member_id, round=round_).first()
    if member is None:
        raise Http404
    try:
        if request.POST.get("action") == "remove":
            review_services.remove_panel_member(member, actor=request.user)
            messages.success(request, _("%(name)s was taken off the panel.") % {"name": member.reviewer})
        else:
            review_services.update_panel_member(
                member,
                actor=request.user,
                is_lead=bool(request.POST.get("is_lead")),
                capacity=request.POST.get("capacity") or None,
            )
            messages.success(request, _("The panel was saved."))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect("workspace:review-panel", round_uuid=round_.uuid)


# --- conflicts ------------------------------------------------------------------------------------


@login_required
@domain_lookups
def conflicts(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid)
    can_manage = sel.staff_may(request.user, P.MANAGE, round_.call)
    if request.method == "POST":
        if not can_manage:
            raise Forbidden()
        try:
            if request.POST.get("action") == "detect":
                created = conflict_services.detect_conflicts(round_, actor=request.user)
                messages.success(
                    request, _("%(count)s new conflicts found in the directory.") % {"count": len(created)}
                )
            else:
                application = (
                    sel.round_applications(round_)
                    .filter(uuid=_uuid_or_none(request.POST.get("application")))
                    .first()
                )
                reviewer = (
                    PanelMember.objects.filter(round=round_, reviewer_id=_int(request.POST.get("reviewer")))
                    .select_related("reviewer")
                    .first()
                )
                if application is None or reviewer is None:
                    messages.error(request, _("Choose an application and a reviewer of the panel."))
                else:
                    application.call = round_.call
                    conflict_services.record_conflict(
                        application,
                        reviewer.reviewer,
                        actor=request.user,
                        reason=request.POST.get("reason"),
                        detail=request.POST.get("detail", ""),
                    )
                    messages.success(request, _("The conflict was recorded."))
        except DomainError as exc:
            messages.error(request, error_text(exc))
        return redirect("workspace:review-conflicts", round_uuid=round_.uuid)
    context = {
        **round_tabs(round_, "conflicts"),
        "conflicts": sel.conflicts_of(round_),
        "applications": list(sel.round_applications(round_)) if can_manage else [],
        "members": sel.panel_of(round_) if can_manage else [],
        "reasons": ConflictOfInterest.Reason.choices,
        "can_manage": can_manage,
    }
    return render(request, "programs/review/conflicts.html", context)


def _uuid_or_none(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@login_required
@require_POST
@domain_lookups
def conflict_remove(request: HttpRequest, round_uuid: Any, conflict_id: int) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid, P.MANAGE)
    conflict = ConflictOfInterest.objects.filter(pk=conflict_id, application__call_id=round_.call_id).first()
    if conflict is None:
        raise Http404
    try:
        conflict_services.remove_conflict(conflict, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The conflict was removed."))
    return redirect("workspace:review-conflicts", round_uuid=round_.uuid)


# --- assignment -----------------------------------------------------------------------------------


def _run_context(round_: ReviewRound) -> dict[str, Any]:
    run = sel.latest_run(round_)
    return {"round": round_, "run": run, "progress": run.progress if run else None}


@login_required
@domain_lookups
def assignment(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid)
    matrix = sel.assignment_matrix(round_)
    for member in matrix.panel:
        member.load = matrix.per_reviewer.get(member.reviewer_id, 0)  # type: ignore[attr-defined]
        member.cap = matrix.capacity[member.reviewer_id]  # type: ignore[attr-defined]
    context = {
        **round_tabs(round_, "assignment"),
        **_run_context(round_),
        "matrix": matrix,
        "rows": matrix.rows(),
        "can_manage": sel.staff_may(request.user, P.MANAGE, round_.call),
    }
    return render(request, "programs/review/assignment.html", context)


@login_required
@require_POST
@domain_lookups
def assignment_run(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid, P.MANAGE)
    try:
        assignment_services.start_assignment_run(round_, actor=request.user, language=get_language() or "vi")
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.info(request, _("The assignment is being computed; this page shows its progress."))
    return redirect(reverse("workspace:review-assignment", kwargs={"round_uuid": round_.uuid}) + "#run")


@login_required
@domain_lookups
def assignment_status(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    """The latest run's progress (polled by HTMX every second until it finishes)."""
    round_ = sel.get_round_for_staff(request.user, round_uuid)
    context = _run_context(round_)
    response = render(request, "programs/review/_run_status.html", context)
    run = context["run"]
    if (
        request.GET.get("poll")
        and is_htmx(request)
        and run is not None
        and run.status in ("succeeded", "failed")
    ):
        response["HX-Refresh"] = "true"  # the run just finished: reload the page to show the new matrix
    return response


@login_required
@require_POST
@domain_lookups
def assignment_edit(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid, P.MANAGE)
    # One form per matrix row: its buttons send "op" = "<action>:<reviewer id>".
    action, _sep, reviewer_id = (request.POST.get("op") or "").partition(":")
    if not action:
        action, reviewer_id = request.POST.get("action", ""), request.POST.get("reviewer", "")
    application = Application.objects.filter(
        uuid=_uuid_or_none(request.POST.get("application")), call_id=round_.call_id
    ).first()
    reviewer_pk = _int(reviewer_id)
    reviewer = User.objects.filter(pk=reviewer_pk).first() if reviewer_pk is not None else None
    if application is None or reviewer is None:
        messages.error(request, _("Choose an application and a reviewer of the panel."))
        return redirect("workspace:review-assignment", round_uuid=round_.uuid)
    application.call = round_.call
    existing = ReviewAssignment.objects.filter(
        round=round_, application=application, reviewer=reviewer
    ).first()
    try:
        if action == "add":
            assignment_services.add_assignment(round_, application, reviewer, actor=request.user, lock=True)
            messages.success(
                request,
                _("%(name)s now reviews %(reference)s (locked).")
                % {"name": reviewer, "reference": application.reference},
            )
        elif existing is None:
            messages.error(
                request,
                _("%(name)s is not assigned to %(reference)s.")
                % {"name": reviewer, "reference": application.reference},
            )
        elif action == "remove":
            assignment_services.remove_assignment(existing, actor=request.user)
            messages.success(request, _("The assignment was removed."))
        elif action in ("lock", "unlock"):
            assignment_services.set_assignment_lock(existing, actor=request.user, locked=action == "lock")
            messages.success(
                request,
                _("The assignment is locked.") if action == "lock" else _("The assignment is unlocked."),
            )
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect(
        reverse("workspace:review-assignment", kwargs={"round_uuid": round_.uuid})
        + f"#app-{application.uuid}"
    )


# --- ranking --------------------------------------------------------------------------------------


def _normalisation(request: HttpRequest, round_: ReviewRound) -> str:
    value = request.GET.get("normalisation")
    return value if value in ReviewRound.Normalisation.values else round_.normalisation


@login_required
@domain_lookups
def ranking(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid)
    normalisation = _normalisation(request, round_)
    criteria = sel.criteria_of(round_)
    rows = sel.ranking(round_, normalisation)
    for row in rows:
        row.criteria_list = [row.criteria.get(c.pk) for c in criteria]  # type: ignore[attr-defined]
    context = {
        **round_tabs(round_, "ranking"),
        "rows": rows,
        "criteria": criteria,
        "normalisation": normalisation,
        "normalisations": ReviewRound.Normalisation.choices,
        "can_decide": sel.staff_may(request.user, P.DECIDE, round_.call),
    }
    return render(request, "programs/review/ranking.html", context)


@login_required
@domain_lookups
def ranking_export(request: HttpRequest, round_uuid: Any) -> HttpResponse:
    round_ = sel.get_round_for_staff(request.user, round_uuid)
    data = exports.ranking_workbook(round_, _normalisation(request, round_))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="ranking-{round_.call.slug}-{round_.position}.xlsx"'
    )
    return response
