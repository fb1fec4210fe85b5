"""Privacy pages of the workspace (/workspace/account/privacy/): my consents, a copy of my data,
deleting my account, who accessed my data; and the open requests for center administrators.

A copy of someone's data is served to that person only: any other user — administrators included —
gets the same 404 as for a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innohub.accounts.web import apply_domain_error, forbidden
from innohub.core.errors import DomainError, NotFound
from innohub.privacy import selectors, services
from innohub.privacy.forms import DecisionForm, EraseAccountForm
from innohub.privacy.models import DataRequest

PAGE_SIZE = 50


def _language(request: HttpRequest) -> str:
    return translation.get_language() or "vi"


@login_required
@require_GET
def privacy_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "purposes": selectors.purposes_for(user),
        "missing_required": services.missing_required_consents(user),
        "requests": list(selectors.data_requests_of(user)[:10]),
        "access_count": selectors.access_log_about(user).count(),
        "may_handle_requests": services.may_handle_requests(user),
        "section": "consents",
    }
    return render(request, "privacy/home.html", context)


@login_required
@require_POST
def consent_set(request: HttpRequest, code: str) -> HttpResponse:
    choice = request.POST.get("granted")
    if choice not in ("0", "1"):
        return HttpResponseBadRequest(_("Say whether you give or withdraw your consent."))
    try:
        purpose = services.get_purpose(code)
    except NotFound:
        raise Http404 from None
    try:
        services.set_consent(
            request.user, purpose, granted=choice == "1", actor=request.user, source="settings"
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if choice == "1":
            messages.success(
                request,
                _("Thank you: your consent to “%(purpose)s” was recorded.") % {"purpose": purpose.name},
            )
        else:
            messages.success(
                request, _("Your consent to “%(purpose)s” was withdrawn.") % {"purpose": purpose.name}
            )
    return redirect("workspace:privacy")


# --- a copy of my data ---------------------------------------------------------------------------


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    try:
        data_request = services.request_export(request.user, actor=request.user, language=_language(request))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("workspace:privacy")
    return redirect("workspace:privacy-export", uuid=data_request.uuid)


def _my_export(request: HttpRequest, key: uuid.UUID) -> DataRequest:
    try:
        return services.export_for_download(request.user, key)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def export_detail(request: HttpRequest, uuid: uuid.UUID) -> HttpResponse:
    data_request = _my_export(request, uuid)
    return render(
        request,
        "privacy/export.html",
        {"data_request": data_request, "progress": data_request.progress, "section": "data"},
    )


@login_required
@require_GET
def export_progress(request: HttpRequest, uuid: uuid.UUID) -> HttpResponse:
    data_request = _my_export(request, uuid)
    return render(
        request,
        "privacy/_export_status.html",
        {"data_request": data_request, "progress": data_request.progress},
    )


@login_required
@require_GET
def export_download(request: HttpRequest, uuid: uuid.UUID) -> FileResponse:
    data_request = _my_export(request, uuid)
    if not data_request.downloadable:
        raise Http404
    try:
        handle = data_request.result_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=data_request.result_file.name.rsplit("/", 1)[-1],
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- deleting my account -------------------------------------------------------------------------


@login_required
def erase(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = EraseAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            data_request, report = services.request_erasure(
                user, actor=user, note=form.cleaned_data.get("note") or ""
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if report is None:
                messages.warning(
                    request,
                    _(
                        "Your account cannot be deleted yet: %(reason)s Your request stays open for the center's administrators."
                    )
                    % {"reason": data_request.explanation},
                )
                return redirect("workspace:privacy")
            logout(request)
            return render(request, "privacy/erased.html", {"report": report})
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "plan": services.erasure_plan(user), "section": "erase"},
    )


# --- who accessed my data -----------------------------------------------------------------------


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.access_log_about(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/access_log.html", {"page": page, "section": "access"})


# --- center administrators -----------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not services.may_handle_requests(request.user):
        return forbidden(
            request, _("Only the administrators of a center handle other people's data requests.")
        )
    return None


@login_required
@require_GET
def requests_list(request: HttpRequest) -> HttpResponse:
    refused = _staff_only(request)
    if refused is not None:
        return refused
    rows: list[Any] = list(selectors.open_requests_for(request.user)[:200])
    for row in rows:
        row.form = DecisionForm(prefix=f"r{row.pk}")
    return render(request, "privacy/requests.html", {"rows": rows})


@login_required
@require_POST
def request_decide(request: HttpRequest, uuid: uuid.UUID) -> HttpResponse:
    refused = _staff_only(request)
    if refused is not None:
        return refused
    data_request = selectors.open_requests_for(request.user).filter(uuid=uuid).first()
    if data_request is None:
        raise Http404
    form = DecisionForm(request.POST, prefix=f"r{data_request.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose whether to carry out or decline the request."))
        return redirect("workspace:privacy-requests")
    try:
        services.decide_data_request(
            data_request,
            actor=request.user,
            approve=form.cleaned_data["decision"] == "process",
            explanation=form.cleaned_data.get("explanation") or "",
        )
    except DomainError as exc:
        detail = " ".join(str(m) for msgs in exc.fields.values() for m in msgs)
        messages.error(request, f"{exc.message} {detail}".strip())
    else:
        messages.success(request, _("The request was handled."))
    return redirect("workspace:privacy-requests")
