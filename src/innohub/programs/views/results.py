"""Results for applicants and the public: the applicant's decision page (decision, letters, appeal) in
the workspace, and the portal's list of accepted organisations of a call, shown only once its results
are published.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innohub.core.errors import DomainError
from innohub.core.models import Visibility
from innohub.programs import selectors_review as sel
from innohub.programs.models import Appeal, Application, Call, Letter
from innohub.programs.services import selection as selection_services
from innohub.programs.views.review import domain_lookups, error_text


@login_required
@domain_lookups
def application_decision(request: HttpRequest, application_uuid: Any) -> HttpResponse:
    application = sel.get_application_for_applicant(request.user, application_uuid)
    call = application.call
    published = call.status == Call.Status.RESULTS_PUBLISHED
    until = selection_services.appeal_until(call)
    appeals = list(Appeal.objects.filter(application=application).order_by("-created_at"))
    can_appeal = (
        published
        and until is not None
        and timezone.now() <= until
        and application.status in selection_services.APPEALABLE
        and not appeals
    )
    context = {
        "application": application,
        "call": call,
        "published": published,
        # Before publication the applicant sees that review is under way, not a provisional decision.
        "status_label": application.get_status_display() if published else _("Being reviewed"),
        "letters": list(Letter.objects.filter(application=application, recipient_id=request.user.pk)),
        "appeals": appeals,
        "appeal_until": until,
        "can_appeal": can_appeal,
    }
    return render(request, "programs/results/application.html", context)


@login_required
@require_POST
@domain_lookups
def appeal(request: HttpRequest, application_uuid: Any) -> HttpResponse:
    application = sel.get_application_for_applicant(request.user, application_uuid)
    try:
        selection_services.file_appeal(application, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, _("Your appeal was filed. The programme staff will answer it here and by email.")
        )
    return redirect("workspace:results-application", application_uuid=application.uuid)


def call_results(request: HttpRequest, call_slug: str) -> HttpResponse:
    """The accepted organisations of a call, once its results are published (404 before)."""
    call = (
        Call.objects.select_related("programme", "programme__center")
        .filter(
            slug=call_slug,
            status=Call.Status.RESULTS_PUBLISHED,
            programme__visibility=Visibility.PUBLIC,
        )
        .first()
    )
    if call is None:
        raise Http404
    accepted = list(
        Application.objects.filter(call=call, status=Application.Status.ACCEPTED)
        .select_related("organisation", "organisation__province")
        .order_by("organisation__name")
    )
    context = {"call": call, "accepted": accepted}
    return render(request, "programs/results/call_results.html", context)
