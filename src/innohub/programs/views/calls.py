"""Staff pages of programmes, calls, application forms and applications (/workspace/programmes/).

Reads go through programs.selectors, writes through programs.services. A record the user cannot see is
a 404; a visible one (a published call) the user may not work on is a 403 page saying why. The form
builder answers HTMX requests with the rebuilt builder (or the form with its errors, retargeted) and
plain POSTs with a redirect, so it works without JavaScript too.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innohub.accounts.access import centers_where, scope_for
from innohub.accounts.web import apply_domain_error, error_status, forbidden
from innohub.centers.models import Center
from innohub.core.errors import Conflict, DomainError, NotFound
from innohub.directory.models import OrganisationKind
from innohub.programs import access, answers, eligibility, selectors
from innohub.programs import permissions as P
from innohub.programs.forms import (
    CALL_ERROR_ALIASES,
    FIELD_ERROR_ALIASES,
    CallForm,
    FieldForm,
    ProgrammeForm,
    SectionForm,
    StatusForm,
)
from innohub.programs.models import Application, ApplicationVersion, Call, FormField, FormSection, Programme
from innohub.programs.services import calls as call_services
from innohub.programs.services import forms as form_services
from innohub.programs.services import programmes as programme_services
from innohub.programs.views.calls_common import answer_rows, file_rows, report_rows
from innohub.taxonomy.models import Province

PAGE_SIZE = 25
#: call transitions offered on the call page (deciding and publishing results happen in selection)
CALL_ACTIONS = {
    Call.Status.PUBLISHED: ("btn-success", "Publish"),
    Call.Status.DRAFT: ("btn-outline-secondary", "Back to draft"),
    Call.Status.REVIEWING: ("btn-primary", "Close and start review"),
    Call.Status.ARCHIVED: ("btn-outline-danger", "Archive"),
}
PROGRAMME_ACTIONS = {
    Programme.Status.ACTIVE: ("btn-success", "Make active"),
    Programme.Status.ARCHIVED: ("btn-outline-danger", "Archive"),
}


def _action_label(label: str) -> str:
    labels = {
        "Publish": _("Publish"),
        "Back to draft": _("Back to draft"),
        "Close and start review": _("Close and start review"),
        "Archive": _("Archive"),
        "Make active": _("Make active"),
    }
    return labels[label]


# --- lookups -------------------------------------------------------------------------------------


def _programme(request: HttpRequest, slug: str) -> Programme:
    try:
        return selectors.get_programme_for(request.user, slug)
    except NotFound:
        raise Http404 from None


def _call(request: HttpRequest, slug: str) -> Call:
    try:
        return selectors.get_call_for(request.user, slug)
    except NotFound:
        raise Http404 from None


def _not_staff(request: HttpRequest) -> HttpResponse:
    return forbidden(request, _("Only the staff of the programme's center work on its programmes and calls."))


def _staff_centers(user: Any, action: str) -> list[Center]:
    qs = Center.objects.filter(is_active=True).order_by("path")
    if not scope_for(user).is_platform_admin:
        qs = qs.filter(pk__in=sorted(centers_where(user, action)))
    return list(qs)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- programmes ----------------------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    admin = scope_for(user).is_platform_admin
    view_centers = centers_where(user, P.VIEW)
    if not admin and not view_centers:  # applicants: their own applications
        return redirect("workspace:programs-my-applications")
    filters = selectors.ProgrammeFilters.from_querydict(request.GET)
    qs = selectors.programmes_for(user, filters)
    if not admin:
        qs = qs.filter(center_id__in=sorted(view_centers))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filters": filters,
        "kinds": Programme._meta.get_field("kind").choices,
        "statuses": Programme.Status.choices,
        "can_add": admin or bool(centers_where(user, P.MANAGE)),
    }
    return render(request, "programs/calls/programme_list.html", context)


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    centers = _staff_centers(request.user, P.MANAGE)
    if not centers:
        return forbidden(request, _("Only the staff of a center can create its programmes."))
    status = 200
    if request.method == "POST":
        form = ProgrammeForm(request.POST, centers=centers)
        if form.is_valid():
            try:
                programme = programme_services.create_programme(
                    actor=request.user, center=form.cleaned_data["center"], **form.service_fields()
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(
                    request, _("The programme “%(title)s” was created.") % {"title": programme.title}
                )
                return redirect("workspace:programs-programme-detail", slug=programme.slug)
    else:
        form = ProgrammeForm(centers=centers)
    return render(
        request, "programs/calls/programme_form.html", {"form": form, "creating": True}, status=status
    )


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    if not access.can_view_staff(request.user, programme):
        return _not_staff(request)
    calls = list(programme.calls.order_by("-closes_at", "-id"))
    counts: dict[int, int] = {}
    for row in (
        Application.objects.filter(call__programme=programme)
        .exclude(status=Application.Status.DRAFT)
        .values("call_id")
        .annotate(n=Count("id"))
    ):
        counts[row["call_id"]] = row["n"]
    for call in calls:
        call.submitted_count = counts.get(call.pk, 0)  # type: ignore[attr-defined]
    may_manage = access.can_manage(request.user, programme)
    actions = [
        {"to": to, "css": css, "label": _action_label(label)}
        for to, (css, label) in PROGRAMME_ACTIONS.items()
        if to in programme_services.PROGRAMME_TRANSITIONS.get(programme.status, ())
    ]
    context = {
        "programme": programme,
        "calls": calls,
        "may_manage": may_manage,
        "actions": actions if may_manage else [],
        "partners": list(programme.partners.only("slug", "name")),
    }
    return render(request, "programs/calls/programme_detail.html", context)


@login_required
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    if not access.can_manage(request.user, programme):
        return _not_staff(request)
    status = 200
    conflict = None
    if request.method == "POST":
        form = ProgrammeForm(request.POST, instance=programme)
        if form.is_valid():
            try:
                programme = programme_services.update_programme(
                    programme,
                    actor=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_fields(),
                )
            except Conflict as exc:
                conflict = str(exc.message)
                status = error_status(exc)
                data = request.POST.copy()
                data["version"] = str(Programme.objects.only("version").get(pk=programme.pk).version)
                form = ProgrammeForm(data, instance=programme)
                form.is_valid()
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(
                    request, _("Your changes to “%(title)s” were saved.") % {"title": programme.title}
                )
                return redirect("workspace:programs-programme-detail", slug=programme.slug)
    else:
        form = ProgrammeForm(instance=programme)
    context = {"form": form, "programme": programme, "creating": False, "conflict": conflict}
    return render(request, "programs/calls/programme_form.html", context, status=status)


@login_required
@require_POST
def programme_status(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    if not access.can_manage(request.user, programme):
        return _not_staff(request)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            programme_services.set_programme_status(
                programme,
                form.cleaned_data["to"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("The programme is now “%(state)s”.")
                % {"state": _status_label(Programme, form.cleaned_data["to"])},
            )
    return redirect("workspace:programs-programme-detail", slug=programme.slug)


def _status_label(model: Any, value: str) -> str:
    return str(dict(model.Status.choices).get(value, value))


# --- calls ----------------------------------------------------------------------------------------


def _call_form_response(
    request: HttpRequest,
    form: CallForm,
    *,
    programme: Programme,
    call: Call | None,
    status: int = 200,
    conflict: str | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "programme": programme,
        "call": call,
        "creating": call is None,
        "conflict": conflict,
    }
    return render(request, "programs/calls/call_form.html", context, status=status)


@login_required
def call_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    if not access.can_manage(request.user, programme):
        return _not_staff(request)
    status = 200
    if request.method == "POST":
        form = CallForm(request.POST)
        if form.is_valid():
            try:
                call = call_services.create_call(programme, actor=request.user, **form.service_fields())
            except DomainError as exc:
                apply_domain_error(form, exc, CALL_ERROR_ALIASES)
                status = error_status(exc)
            else:
                messages.success(
                    request,
                    _(
                        "The call “%(title)s” was created as a draft. Build its application form, then publish it."
                    )
                    % {"title": call.title},
                )
                return redirect("workspace:programs-form-builder", call_slug=call.slug)
    else:
        now = timezone.localtime()
        form = CallForm(
            initial={
                "opens_at": now.replace(minute=0, second=0, microsecond=0),
                "closes_at": (now + dt.timedelta(days=30)).replace(
                    hour=17, minute=0, second=0, microsecond=0
                ),
                "appeal_days": 7,
            }
        )
    return _call_form_response(request, form, programme=programme, call=None, status=status)


@login_required
def call_detail(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _call(request, call_slug)
    if not access.can_view_staff(request.user, call):
        return _not_staff(request)
    may_manage = access.can_manage(request.user, call)
    counts = selectors.call_application_counts(call)
    sections = selectors.form_of(call)
    actions = [
        {"to": to, "css": css, "label": _action_label(label)}
        for to, (css, label) in CALL_ACTIONS.items()
        if to in Call.TRANSITIONS.get(call.status, ())
    ]
    status_rows = [
        (value, label, counts.get(value, 0))
        for value, label in Application.Status.choices
        if counts.get(value)
    ]
    context = {
        "call": call,
        "programme": call.programme,
        "may_manage": may_manage,
        "actions": actions if may_manage else [],
        "rules": eligibility.describe_rules(call.eligibility),
        "quotas": [{"label": eligibility.quota_label(q), **q} for q in call.quotas or []],
        "quota_status": eligibility.quota_status(
            call,
            Application.objects.filter(call=call, status__in=selectors.STAFF_APPLICATION_STATUSES).only(
                "id", "organisation_id"
            ),
        ),
        "status_rows": status_rows,
        "submitted_total": sum(n for s, n in counts.items() if s != Application.Status.DRAFT),
        "draft_count": counts.get(Application.Status.DRAFT, 0),
        "sections": sections,
        "question_count": sum(len(s.fields.all()) for s in sections),
        "events": selectors.call_events(call, 20),
        "now": timezone.now(),
    }
    return render(request, "programs/calls/call_detail.html", context)


@login_required
def call_edit(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _call(request, call_slug)
    if not access.can_manage(request.user, call):
        return _not_staff(request)
    status = 200
    conflict = None
    if request.method == "POST":
        form = CallForm(request.POST, instance=call)
        if form.is_valid():
            try:
                call = call_services.update_call(
                    call,
                    actor=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_fields(),
                )
            except Conflict as exc:
                conflict = str(exc.message)
                status = error_status(exc)
                data = request.POST.copy()
                data["version"] = str(Call.objects.only("version").get(pk=call.pk).version)
                form = CallForm(data, instance=call)
                form.is_valid()
            except DomainError as exc:
                apply_domain_error(form, exc, CALL_ERROR_ALIASES)
                status = error_status(exc)
            else:
                messages.success(
                    request, _("Your changes to “%(title)s” were saved.") % {"title": call.title}
                )
                return redirect("workspace:programs-call-detail", call_slug=call.slug)
    else:
        form = CallForm(instance=call)
    return _call_form_response(
        request, form, programme=call.programme, call=call, status=status, conflict=conflict
    )


@login_required
@require_POST
def call_status(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _call(request, call_slug)
    if not access.can_manage(request.user, call):
        return _not_staff(request)
    form = StatusForm(request.POST)
    if form.is_valid():
        to = form.cleaned_data["to"]
        try:
            call_services.transition_call(
                call,
                to,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                close_early=True,  # the button says "Close and start review"
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The call is now “%(state)s”.") % {"state": _status_label(Call, to)})
    return redirect("workspace:programs-call-detail", call_slug=call.slug)


# --- form builder ---------------------------------------------------------------------------------


def _builder_context(call: Call) -> dict[str, Any]:
    sections = selectors.form_of(call)
    all_fields = [f for s in sections for f in s.fields.all()]
    by_key = {f.key: f for f in all_fields}
    for section in sections:
        for field in section.fields.all():
            cond = field.condition or {}
            field.condition_label = (  # type: ignore[attr-defined]
                by_key[cond["field"]].label if cond.get("field") in by_key else cond.get("field")
            )
            values = [cond["equals"]] if "equals" in cond else cond.get("in", [])
            field.condition_values = ", ".join(str(v) for v in values)  # type: ignore[attr-defined]
            field.options_summary = _options_summary(field)  # type: ignore[attr-defined]
    return {
        "call": call,
        "sections": sections,
        "editable": call.status in (Call.Status.DRAFT, Call.Status.PUBLISHED),
        "locked": form_services.structure_locked(call),
        "section_form": SectionForm(auto_id="new-section-%s"),
    }


def _options_summary(field: FormField) -> str:
    options = field.options or {}
    if field.kind in ("choice", "multi_choice"):
        return "; ".join(answers.choice_label(c) for c in options.get("choices", []))
    if field.kind == "file":
        return _("%(types)s, up to %(mb)s MB, %(files)s file(s)") % {
            "types": ", ".join(t.upper() for t in answers.file_types(field)),
            "mb": options.get("max_mb", answers.DEFAULT_FILE_MB),
            "files": answers.max_files(field),
        }
    if field.kind == "money":
        return ", ".join(answers.currencies(field))
    parts = []
    if options.get("min") is not None:
        parts.append(f"≥ {options['min']}")
    if options.get("max") is not None:
        parts.append(f"≤ {options['max']}")
    if options.get("max_length"):
        parts.append(_("at most %(n)s characters") % {"n": options["max_length"]})
    return ", ".join(parts)


def _builder_call(request: HttpRequest, call_slug: str) -> Call | HttpResponse:
    call = _call(request, call_slug)
    if not access.can_manage(request.user, call):
        return _not_staff(request)
    return call


def _builder_done(request: HttpRequest, call: Call, message: str | None = None) -> HttpResponse:
    if _is_htmx(request):
        context = _builder_context(call)
        context["flash"] = message
        return render(request, "programs/calls/_builder.html", context)
    if message:
        messages.success(request, message)
    return redirect("workspace:programs-form-builder", call_slug=call.slug)


def _builder_error(request: HttpRequest, call: Call, exc: DomainError) -> HttpResponse:
    if _is_htmx(request):
        context = _builder_context(call)
        context["error"] = " ".join([str(exc.message), *[str(m) for v in exc.fields.values() for m in v]])
        return render(request, "programs/calls/_builder.html", context)
    messages.error(request, str(exc.message))
    return redirect("workspace:programs-form-builder", call_slug=call.slug)


@login_required
def form_builder(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _builder_call(request, call_slug)
    if isinstance(call, HttpResponse):
        return call
    return render(request, "programs/calls/form_builder.html", _builder_context(call))


def _section_of(call: Call, pk: int) -> FormSection:
    section = FormSection.objects.filter(pk=pk, call=call).select_related("call").first()
    if section is None:
        raise Http404
    return section


def _field_of(call: Call, pk: int) -> FormField:
    field = FormField.objects.filter(pk=pk, section__call=call).select_related("section__call").first()
    if field is None:
        raise Http404
    return field


def _fragment_or_page(
    request: HttpRequest, template: str, context: dict[str, Any], target: str | None = None
) -> HttpResponse:
    """An edit form: the fragment for HTMX (retargeted to its slot when re-shown with errors), a page
    otherwise."""
    if _is_htmx(request):
        response = render(request, template, context)
        if target:
            response["HX-Retarget"] = target
            response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "programs/calls/builder_edit_page.html", {**context, "fragment": template})


@login_required
@require_POST
def section_add(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _builder_call(request, call_slug)
    if isinstance(call, HttpResponse):
        return call
    form = SectionForm(request.POST, auto_id="new-section-%s")
    if form.is_valid():
        try:
            form_services.add_section(call, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return _builder_done(request, call, _("The section was added."))
    context = {
        "call": call,
        "form": form,
        "action": reverse("workspace:programs-form-section-add", args=[call.slug]),
    }
    return _fragment_or_page(request, "programs/calls/_section_form.html", context, target="#new-section")


@login_required
def section_edit(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = _builder_call(request, call_slug)
    if isinstance(call, HttpResponse):
        return call
    section = _section_of(call, pk)
    action = reverse("workspace:programs-form-section-edit", args=[call.slug, section.pk])
    auto_id = f"section-{section.pk}-%s"
    if request.method == "POST":
        form = SectionForm(request.POST, auto_id=auto_id)
        if form.is_valid():
            try:
                form_services.update_section(section, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return _builder_done(request, call, _("The section was saved."))
    else:
        form = SectionForm(
            initial={
                k: getattr(section, k, "") for k in ("title_vi", "title_en", "help_text_vi", "help_text_en")
            },
            auto_id=auto_id,
        )
    context = {"call": call, "form": form, "action": action, "section": section}
    return _fragment_or_page(
        request, "programs/calls/_section_form.html", context, target=f"#section-{section.pk}-edit"
    )


def _direction(request: HttpRequest) -> str:
    return "up" if request.POST.get("direction") == "up" else "down"


def _builder_action(
    request: HttpRequest, call_slug: str, change: Callable[[Call], Any], message: str | None = None
) -> HttpResponse:
    """One form-builder change (remove or move a section or question): the call's manager only; a
    refused change shows its message on the builder; success re-renders it."""
    call = _builder_call(request, call_slug)
    if isinstance(call, HttpResponse):
        return call
    try:
        change(call)
    except DomainError as exc:
        return _builder_error(request, call, exc)
    return _builder_done(request, call, message)


@login_required
@require_POST
def section_delete(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    return _builder_action(
        request,
        call_slug,
        lambda call: form_services.delete_section(_section_of(call, pk), actor=request.user),
        _("The section was removed."),
    )


@login_required
@require_POST
def section_move(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    direction = _direction(request)
    return _builder_action(
        request,
        call_slug,
        lambda call: form_services.move_section(_section_of(call, pk), direction, actor=request.user),
    )


def _other_fields(call: Call) -> list[FormField]:
    return list(
        FormField.objects.filter(section__call=call).only("id", "key", "label", "label_vi", "label_en")
    )


@login_required
def field_add(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = _builder_call(request, call_slug)
    if isinstance(call, HttpResponse):
        return call
    section = _section_of(call, pk)
    others = _other_fields(call)
    auto_id = f"new-field-{section.pk}-%s"
    if request.method == "POST":
        form = FieldForm(request.POST, others=others, auto_id=auto_id)
        if form.is_valid():
            try:
                form_services.add_field(section, actor=request.user, **form.service_fields())
            except DomainError as exc:
                apply_domain_error(form, exc, FIELD_ERROR_ALIASES)
            else:
                return _builder_done(request, call, _("The question was added."))
    else:
        form = FieldForm(others=others, initial={"kind": "text"}, auto_id=auto_id)
    context = {
        "call": call,
        "form": form,
        "section": section,
        "action": reverse("workspace:programs-form-field-add", args=[call.slug, section.pk]),
    }
    return _fragment_or_page(
        request, "programs/calls/_field_form.html", context, target=f"#section-{section.pk}-new-field"
    )


@login_required
def field_edit(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = _builder_call(request, call_slug)
    if isinstance(call, HttpResponse):
        return call
    field = _field_of(call, pk)
    others = _other_fields(call)
    auto_id = f"field-{field.pk}-%s"
    if request.method == "POST":
        form = FieldForm(request.POST, others=others, instance=field, auto_id=auto_id)
        if form.is_valid():
            try:
                form_services.update_field(field, actor=request.user, **form.service_fields())
            except DomainError as exc:
                apply_domain_error(form, exc, FIELD_ERROR_ALIASES)
            else:
                return _builder_done(request, call, _("The question was saved."))
    else:
        form = FieldForm(others=others, instance=field, auto_id=auto_id)
    context = {
        "call": call,
        "form": form,
        "field": field,
        "action": reverse("workspace:programs-form-field-edit", args=[call.slug, field.pk]),
    }
    return _fragment_or_page(
        request, "programs/calls/_field_form.html", context, target=f"#field-{field.pk}-edit"
    )


@login_required
@require_POST
def field_delete(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    return _builder_action(
        request,
        call_slug,
        lambda call: form_services.delete_field(_field_of(call, pk), actor=request.user),
        _("The question was removed."),
    )


@login_required
@require_POST
def field_move(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    direction = _direction(request)
    return _builder_action(
        request,
        call_slug,
        lambda call: form_services.move_field(_field_of(call, pk), direction, actor=request.user),
    )


# --- applications ---------------------------------------------------------------------------------


def _staff_applications(
    request: HttpRequest, call_slug: str
) -> tuple[Call, selectors.ApplicationFilters, QuerySet[Application]] | HttpResponse:
    call = _call(request, call_slug)
    if not access.can_view_staff(request.user, call):
        return _not_staff(request)
    filters = selectors.ApplicationFilters.from_querydict(request.GET)
    return call, filters, selectors.applications_for_staff(request.user, call, filters)


@login_required
def application_list(request: HttpRequest, call_slug: str) -> HttpResponse:
    found = _staff_applications(request, call_slug)
    if isinstance(found, HttpResponse):
        return found
    call, filters, qs = found
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.call_application_counts(call)
    context = {
        "call": call,
        "programme": call.programme,
        "page_obj": page,
        "filters": filters,
        "statuses": [(v, label) for v, label in Application.Status.choices if v != Application.Status.DRAFT],
        "provinces": list(Province.objects.order_by("name").only("code", "name")),
        "kinds": OrganisationKind.choices,
        "orderings": [
            ("-submitted", _("Newest first")),
            ("submitted", _("Oldest first")),
            ("reference", _("Reference")),
            ("organisation", _("Organisation")),
        ],
        "draft_count": counts.get(Application.Status.DRAFT, 0),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "programs/calls/application_list.html", context)


EXPORT_CHUNK = 500


class _Echo:
    def write(self, value: str) -> str:
        return value


def _guard(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def export_rows(call: Call, qs: QuerySet[Application]) -> Iterator[list[str]]:
    """Header, then one row per application with the answers of its latest submitted version."""
    fields = [f for f in form_services_fields(call) if f.kind != "file"]
    file_fields = [f for f in form_services_fields(call) if f.kind == "file"]
    yield [
        _("Reference"),
        _("Organisation"),
        _("Province"),
        _("Status"),
        _("Submitted at"),
        _("Version"),
        *[f"{f.label} [{f.key}]" for f in fields],
        *[f"{f.label} [{f.key}]" for f in file_fields],
    ]
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        apps = {
            a.pk: a for a in qs.model.objects.filter(pk__in=chunk).select_related("organisation__province")
        }
        versions = {
            (v.application_id, v.number): v.answers
            for v in ApplicationVersion.objects.filter(application_id__in=chunk).only(
                "application_id", "number", "answers"
            )
        }
        for pk in chunk:
            a = apps[pk]
            submitted = versions.get((a.pk, a.submitted_version), {})
            yield [
                a.reference,
                a.organisation.name,
                a.organisation.province.name if a.organisation.province else "",
                str(a.get_status_display()),
                timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
                str(a.submitted_version),
                *[answers.display_value(f, submitted.get(f.key)) for f in fields],
                *["; ".join(x.get("name", "") for x in submitted.get(f.key) or []) for f in file_fields],
            ]


def form_services_fields(call: Call) -> list[FormField]:
    return [f for s in selectors.form_of(call) for f in s.fields.all()]


@login_required
def application_export(request: HttpRequest, call_slug: str) -> HttpResponse | StreamingHttpResponse:
    found = _staff_applications(request, call_slug)
    if isinstance(found, HttpResponse):
        return found
    call, _filters, qs = found
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"  # Excel reads UTF-8 only with a byte-order mark
        for row in export_rows(call, qs):
            yield writer.writerow([_guard(c) for c in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{call.slug}-applications-{stamp}.csv"'
    return response


@login_required
def application_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    try:
        application = selectors.get_application_for(request.user, uuid)
    except NotFound:
        raise Http404 from None
    if getattr(application, "viewer_is_applicant", False) and not access.can_view_staff(
        request.user, application
    ):
        return redirect("workspace:programs-application-form", uuid=application.uuid)
    call = application.call
    versions = selectors.versions_of(application)
    fields = form_services_fields(call)
    latest = versions[0] if versions else None
    context = {
        "application": application,
        "call": call,
        "programme": call.programme,
        "versions": versions,
        "latest": latest,
        "answers": answer_rows(
            fields, latest.answers if latest else {}, request_user=request.user, application=application
        ),
        "files": file_rows(application, selectors.files_of(application)),
        "report": report_rows(application.eligibility_report),
        "events": selectors.events_of(application),
    }
    return render(request, "programs/calls/application_detail.html", context)
