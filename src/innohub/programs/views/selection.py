"""Staff pages of the selection (/workspace/programmes/): decisions (one or many at once), decision
letters, publication of results, appeals and the audit trail of who scored, assigned and decided what.

Every decision form carries the version of the application it was made on, so when two staff decide
the same application at once the second sees a conflict message and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from innohub.core.errors import DomainError, Forbidden
from innohub.programs import permissions as P
from innohub.programs import selectors_review as sel
from innohub.programs.models import Appeal, Application, Call, Letter, LetterTemplate, ReviewAssignment
from innohub.programs.services import selection as selection_services
from innohub.programs.views.review import _int, domain_lookups, error_text

PAGE_SIZE = 50
DECISION_LABELS = {
    "shortlisted": ("btn-outline-primary", gettext_lazy("Shortlist")),
    "accepted": ("btn-success", gettext_lazy("Accept")),
    "waitlisted": ("btn-outline-warning", gettext_lazy("Waitlist")),
    "rejected": ("btn-outline-danger", gettext_lazy("Reject")),
}


def _call_context(call: Call, user: Any, tab: str) -> dict[str, Any]:
    return {
        "call": call,
        "call_tab": tab,
        "can_decide": sel.staff_may(user, P.DECIDE, call),
        "appeal_until": selection_services.appeal_until(call),
    }


@login_required
@domain_lookups
def decisions(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = sel.get_call_for_staff(request.user, call_slug)
    if request.method == "POST":
        if not sel.staff_may(request.user, P.DECIDE, call):
            raise Forbidden()
        selected = request.POST.getlist("application")
        versions = {
            k.removeprefix("version-"): v for k, v in request.POST.items() if k.startswith("version-")
        }
        found = {
            str(a.uuid): a
            for a in Application.objects.filter(call=call, uuid__in=[s for s in selected if _valid_uuid(s)])
        }
        try:
            decided = selection_services.decide_applications(
                [(found[s], _int(versions.get(s))) for s in selected if s in found],
                actor=request.user,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
                notify=bool(request.POST.get("notify")),
            )
        except DomainError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("%(count)s applications decided.") % {"count": len(decided)})
        return redirect(request.get_full_path())
    status = request.GET.get("status") or None
    if status not in Application.Status.values:
        status = None
    page = Paginator(sel.applications_for_decision(call, status), PAGE_SIZE).get_page(request.GET.get("page"))
    ranks = _latest_ranks(call, [a.pk for a in page.object_list])
    for application in page.object_list:
        application.rank = ranks.get(application.pk)  # type: ignore[attr-defined]
    counts = dict(
        Application.objects.filter(call=call).values_list("status").annotate(n=Count("pk")).order_by()
    )
    context = {
        **_call_context(call, request.user, "decisions"),
        "page": page,
        "status": status,
        "statuses": [
            (value, label, counts.get(value, 0))
            for value, label in Application.Status.choices
            if value != "draft"
        ],
        "decisions": [(value, *DECISION_LABELS[value]) for value in Application.DECISIONS],
        "quotas": selection_services.quota_report(call),
        "accepted": counts.get(Application.Status.ACCEPTED, 0),
        "query_string": f"status={status}" if status else "",
    }
    return render(request, "programs/selection/decisions.html", context)


def _valid_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _latest_ranks(call: Call, ids: list[int]) -> dict[int, tuple[int | None, str]]:
    """Each application's rank in the last round of the call that has reviews."""
    last = (
        ReviewAssignment.objects.filter(round__call=call, status=ReviewAssignment.Status.SUBMITTED)
        .select_related("round", "round__call")
        .order_by("-round__position", "-round_id")
        .first()
    )
    if last is None:
        return {}
    rows = sel.ranking(last.round)
    return {r.application.pk: (r.rank, last.round.title) for r in rows if r.application.pk in ids}


@login_required
@domain_lookups
def decide(request: HttpRequest, application_uuid: Any) -> HttpResponse:
    application = sel.get_application_for_staff(request.user, application_uuid)
    call = application.call
    if request.method == "POST":
        if not sel.staff_may(request.user, P.DECIDE, call):
            raise Forbidden()
        try:
            selection_services.decide_application(
                application,
                actor=request.user,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
                expected_version=_int(request.POST.get("version")),
                notify=bool(request.POST.get("notify")),
            )
        except DomainError as exc:
            messages.error(request, error_text(exc))
        else:
            application.refresh_from_db()
            messages.success(
                request,
                _("%(reference)s: %(status)s.")
                % {"reference": application.reference, "status": application.get_status_display()},
            )
        return redirect("workspace:selection-decide", application_uuid=application.uuid)
    reviews = list(
        ReviewAssignment.objects.filter(application=application)
        .select_related("round", "reviewer", "review")
        .order_by("round__position", "reviewer__full_name")
    )
    context = {
        **_call_context(call, request.user, "decisions"),
        "application": application,
        "reviews": reviews,
        "allowed": [
            (value, *DECISION_LABELS[value])
            for value in Application.DECISIONS
            if value in Application.TRANSITIONS.get(application.status, ())
        ],
        "events": list(sel.events_of(call, application=application)[:100]),
        "letters": list(Letter.objects.filter(application=application).select_related("recipient")[:20]),
        "appeals": list(
            Appeal.objects.filter(application=application).select_related("filed_by", "decided_by")
        ),
    }
    return render(request, "programs/selection/decide.html", context)


@login_required
@domain_lookups
def letters(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = sel.get_call_for_staff(request.user, call_slug)
    if request.method == "POST":
        if not sel.staff_may(request.user, P.DECIDE, call):
            raise Forbidden()
        try:
            selection_services.save_letter_template(
                call,
                request.POST.get("outcome", ""),
                actor=request.user,
                subject_vi=request.POST.get("subject_vi", ""),
                body_vi=request.POST.get("body_vi", ""),
                subject_en=request.POST.get("subject_en", ""),
                body_en=request.POST.get("body_en", ""),
            )
        except DomainError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The letter template was saved."))
        return redirect("workspace:selection-letters", call_slug=call.slug)
    templates = {t.outcome: t for t in LetterTemplate.objects.filter(call=call)}
    from django.utils import translation

    outcomes = []
    for value in Application.DECISIONS:
        defaults = {}
        for lang in ("vi", "en"):
            with translation.override(lang):
                subject, body = selection_services.DEFAULT_LETTERS[value]
                defaults[lang] = (_(subject), _(body))
        outcomes.append(
            {
                "value": value,
                "label": Application.Status(value).label,
                "template": templates.get(value),
                "defaults": defaults,
            }
        )
    sent = Paginator(
        Letter.objects.filter(application__call=call)
        .select_related("application", "recipient")
        .order_by("-sent_at"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        **_call_context(call, request.user, "letters"),
        "outcomes": outcomes,
        "placeholders": selection_services.PLACEHOLDERS,
        "sent": sent,
    }
    return render(request, "programs/selection/letters.html", context)


@login_required
@require_POST
@domain_lookups
def publish(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = sel.get_call_for_staff(request.user, call_slug, P.DECIDE)
    try:
        selection_services.publish_results(
            call,
            actor=request.user,
            expected_version=_int(request.POST.get("version")),
            quota_override=request.POST.get("quota_override", ""),
        )
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The results are published; the letters are on their way."))
    return redirect("workspace:selection-decisions", call_slug=call.slug)


@login_required
@domain_lookups
def appeals(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = sel.get_call_for_staff(request.user, call_slug)
    context = {
        **_call_context(call, request.user, "appeals"),
        "appeals": list(sel.appeals_of(call)),
        "outcomes": [(v, Application.Status(v).label) for v in selection_services.APPEAL_OUTCOMES],
    }
    return render(request, "programs/selection/appeals.html", context)


@login_required
@require_POST
@domain_lookups
def appeal_decide(request: HttpRequest, appeal_uuid: Any) -> HttpResponse:
    appeal = sel.get_appeal_for_staff(request.user, appeal_uuid, P.DECIDE)
    uphold = request.POST.get("decision") == "uphold"
    try:
        selection_services.decide_appeal(
            appeal,
            actor=request.user,
            uphold=uphold,
            response=request.POST.get("response", ""),
            outcome=(request.POST.get("outcome") or None) if uphold else None,
            expected_version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The appeal was upheld.") if uphold else _("The appeal was dismissed."))
    return redirect("workspace:selection-appeals", call_slug=appeal.application.call.slug)


@login_required
@domain_lookups
def audit(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = sel.get_call_for_staff(request.user, call_slug)
    events = sel.events_of(call)
    action = request.GET.get("action") or ""
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_call_context(call, request.user, "audit"),
        "page": page,
        "action": action,
        "action_choices": [
            ("application.", _("Applications and decisions")),
            ("review.", _("Reviews and scores")),
            ("assignment.", _("Assignment")),
            ("conflict.", _("Conflicts of interest")),
            ("round.", _("Rounds")),
            ("panel.", _("Panels")),
            ("appeal.", _("Appeals")),
            ("letter", _("Letters")),
            ("call.", _("Call")),
        ],
        "query_string": f"action={action}" if action else "",
    }
    return render(request, "programs/selection/audit.html", context)
