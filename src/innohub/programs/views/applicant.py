"""The applicant's pages: my applications, start one as an organisation, the application form (saved
as it is typed, through HTMX), files, submission with the problems listed per question, withdrawal,
and the submitted versions.

Only members of the applying organisation reach these pages (others get the same 404 as for a missing
application; the center's staff are sent to their own page of the application). Every change goes
through programs.services.applications, which checks again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innohub.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from innohub.programs import access, answers, eligibility, selectors
from innohub.programs.forms import TEAM_ROWS_EXTRA, StartApplicationForm, WithdrawForm, answers_from_post
from innohub.programs.models import Application, ApplicationFile, FieldKind, FormField
from innohub.programs.services import applications as services
from innohub.programs.services.calls import LOCAL_TZ, local_time
from innohub.programs.views.calls_common import answer_rows, file_rows, report_rows


def _application(request: HttpRequest, uuid: Any) -> Application:
    try:
        return selectors.get_application_for(request.user, uuid)
    except NotFound:
        raise Http404 from None


def _applicant_application(request: HttpRequest, uuid: Any) -> Application:
    """The application, for a member of the applying organisation only (staff get a 404 here: their
    page is the staff detail)."""
    application = _application(request, uuid)
    if not getattr(application, "viewer_is_applicant", False):
        raise Http404
    return application


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- lists and starting ---------------------------------------------------------------------------


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = list(selectors.applications_for_applicant(request.user)[:200])
    open_calls = list(selectors.calls_for(request.user, selectors.CallFilters(open=True), portal=True)[:6])
    return render(
        request,
        "programs/applicant/my_applications.html",
        {
            "applications": applications,
            "open_calls": open_calls,
            "organisations": selectors.organisations_to_apply_with(request.user),
        },
    )


@login_required
def apply(request: HttpRequest, call_slug: str) -> HttpResponse:
    try:
        call = selectors.get_call_for(request.user, call_slug)
    except NotFound:
        raise Http404 from None
    organisations = selectors.organisations_to_apply_with(request.user)
    existing = {
        a.organisation_id: a
        for a in Application.objects.filter(call=call, organisation__in=[o.pk for o in organisations]).only(
            "uuid", "reference", "status", "organisation_id"
        )
    }
    available = [o for o in organisations if o.pk not in existing]
    status = 200
    form = StartApplicationForm(request.POST or None, organisations=available)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.start_application(
                call, form.cleaned_data["organisation"], actor=request.user
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            status = 409 if exc.status == 409 else 200
        else:
            messages.success(
                request,
                _("Your application %(reference)s was started. Your answers are saved as you type.")
                % {"reference": application.reference},
            )
            return redirect("workspace:programs-application-form", uuid=application.uuid)
    context = {
        "call": call,
        "form": form,
        "organisations": organisations,
        "available": available,
        "existing": [(o, existing[o.pk]) for o in organisations if o.pk in existing],
        "is_open": call.is_open(),
        "closes": local_time(call.closes_at),
        "opens": local_time(call.opens_at),
        "rules": eligibility.describe_rules(call.eligibility),
    }
    return render(request, "programs/applicant/apply.html", context, status=status)


# --- the form -------------------------------------------------------------------------------------


def _condition_attr(field: FormField) -> str:
    import json

    cond = field.condition or {}
    if not cond.get("field"):
        return ""
    values = [cond["equals"]] if "equals" in cond else list(cond.get("in") or [])
    return json.dumps({"field": cond["field"], "values": [str(v) for v in values]}, ensure_ascii=False)


def _questions(
    application: Application,
    fields: list[FormField],
    values: dict[str, Any],
    errors: dict[str, list[str]],
    files: list[ApplicationFile],
) -> list[dict[str, Any]]:
    """Sections of questions with everything their inputs need (values, choices, errors, files)."""
    applicable = answers.applicable_keys(fields, values)
    files_by_key: dict[str, list[dict[str, Any]]] = {}
    for row in file_rows(application, files):
        files_by_key.setdefault(row["field_key"], []).append(row)
    sections: list[dict[str, Any]] = []
    for field in fields:
        if not sections or sections[-1]["section"].pk != field.section_id:
            sections.append({"section": field.section, "questions": []})
        value = values.get(field.key)
        options = field.options or {}
        q: dict[str, Any] = {
            "field": field,
            "key": field.key,
            "kind": field.kind,
            "label": field.label,
            "help": field.help_text,
            "required": field.required,
            "value": value,
            "errors": errors.get(field.key, []),
            "applies": field.key in applicable,
            "condition": _condition_attr(field),
            "options": options,
        }
        if field.kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
            chosen = {
                str(v)
                for v in (value if isinstance(value, list) else [value] if value not in (None, "") else [])
            }
            q["choices"] = [
                {"value": v, "label": label, "checked": v in chosen} for v, label in answers.choices(field)
            ]
            q["widget"] = options.get("widget") or ("select" if len(q["choices"]) > 6 else "radio")
        elif field.kind == FieldKind.MONEY:
            q["amount"] = (
                value.get("amount") if isinstance(value, dict) else (value if value not in (None, "") else "")
            )
            q["currency"] = value.get("currency") if isinstance(value, dict) else answers.currencies(field)[0]
            q["currencies"] = answers.currencies(field)
        elif field.kind == FieldKind.TEAM:
            members = list(value or []) if isinstance(value, list) else []
            most = options.get("max") or answers.TEAM_MAX
            rows = min(max(len(members) + TEAM_ROWS_EXTRA, options.get("min") or 1), most)
            q["rows"] = [
                members[n] if n < len(members) else {"name": "", "role": "", "email": ""} for n in range(rows)
            ]
        elif field.kind == FieldKind.ORGANISATION:
            q["text"] = value.get("slug", "") if isinstance(value, dict) else (value or "")
            q["org_name"] = value.get("name", "") if isinstance(value, dict) else ""
        elif field.kind == FieldKind.FILE:
            q["files"] = files_by_key.get(field.key, [])
            q["accept"] = ",".join(f".{t}" for t in answers.file_types(field))
            q["types"] = ", ".join(t.upper() for t in answers.file_types(field))
            q["max_mb"] = options.get("max_mb", answers.DEFAULT_FILE_MB)
            q["max_files"] = answers.max_files(field)
            q["full"] = len(q["files"]) >= q["max_files"]
        elif field.kind == FieldKind.DATE:
            q["min"], q["max"] = options.get("min", ""), options.get("max", "")
        sections[-1]["questions"].append(q)
    return sections


def _form_context(
    request: HttpRequest,
    application: Application,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    summary: str | None = None,
) -> dict[str, Any]:
    call = application.call
    fields = services.form_fields(call)
    files = selectors.files_of(application)
    permissions = services.applicant_permissions(application, is_applicant=True)
    values = dict(application.answers or {}) if values is None else values
    errors = errors or {}
    labels = {f.key: f.label for f in fields}
    return {
        "application": application,
        "call": call,
        "programme": call.programme,
        "permissions": permissions,
        "sections": _questions(application, fields, values, errors, files),
        "error_list": [
            {"key": k, "label": labels.get(k, _("Eligibility") if k == "eligibility" else k), "messages": v}
            for k, v in errors.items()
        ],
        "summary": summary,
        "versions": selectors.versions_of(application),
        "report": report_rows(application.eligibility_report),
        "deadline": local_time(call.closes_at),
        "edits_until": local_time(call.edits_allowed_until) if call.edits_allowed_until else None,
        "saved_at": timezone.localtime(application.updated_at, LOCAL_TZ),
    }


@login_required
def application_form(request: HttpRequest, uuid: Any) -> HttpResponse:
    application = _application(request, uuid)
    if not getattr(application, "viewer_is_applicant", False):
        return redirect("workspace:programs-application-detail", uuid=application.uuid)
    context = _form_context(request, application)
    if not context["permissions"]["edit"]:
        fields = services.form_fields(application.call)
        versions = context["versions"]
        latest = versions[0] if versions else None
        context["answers"] = answer_rows(
            fields, latest.answers if latest else (application.answers or {}), application=application
        )
        context["latest"] = latest
        return render(request, "programs/applicant/application_view.html", context)
    return render(request, "programs/applicant/application_form.html", context)


def _post_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version") or "") or None
    except ValueError:
        return None


def _save_valid(
    request: HttpRequest, application: Application, *, check_version: bool = True
) -> tuple[Application, dict[str, list[str]], dict[str, Any]]:
    """Save the posted answers that are valid; return the problems of the others and what was posted
    (so the page shows what the user typed, not what was stored). Submitting does not check the
    version: the page's own autosave may have moved it a moment before, and what is submitted is
    exactly what the applicant sees."""
    fields = services.form_fields(application.call)
    raw = answers_from_post(fields, request.POST)
    _clean, errors = answers.clean_answers(fields, raw, user=request.user)
    valid = {k: v for k, v in raw.items() if k not in errors}
    version = _post_version(request) if check_version else None
    application = services.save_answers(application, valid, actor=request.user, expected_version=version)
    shown = {**(application.answers or {}), **{k: raw[k] for k in errors}}
    return application, errors, shown


@login_required
@require_POST
def autosave(request: HttpRequest, uuid: Any) -> HttpResponse:
    application = _applicant_application(request, uuid)
    fields = services.form_fields(application.call)
    labels = {f.key: f.label for f in fields}
    context: dict[str, Any] = {"application": application, "errors": {}, "field_errors": []}
    try:
        application, errors, _shown = _save_valid(request, application)
    except Conflict as exc:
        context.update(problem=str(exc.message), conflict=True)
    except DomainError as exc:
        context.update(problem=str(exc.message))
    else:
        context.update(
            application=application,
            errors=errors,
            error_list=[(labels.get(k, k), " ".join(v)) for k, v in errors.items()],
            field_errors=[
                (f.key, " ".join(errors.get(f.key, []))) for f in fields if f.kind != FieldKind.FILE
            ],
            saved_at=timezone.localtime(timezone.now(), LOCAL_TZ),
        )
    if not _is_htmx(request):
        if context.get("problem"):
            messages.error(request, context["problem"])
        elif context["errors"]:
            for label, text in context["error_list"]:
                messages.warning(request, f"{label}: {text}")
        else:
            messages.success(request, _("Your answers were saved."))
        return redirect("workspace:programs-application-form", uuid=application.uuid)
    return render(request, "programs/applicant/_autosave_status.html", context)


@login_required
@require_POST
def submit(request: HttpRequest, uuid: Any) -> HttpResponse:
    application = _applicant_application(request, uuid)
    shown: dict[str, Any] | None = None
    try:
        application, type_errors, shown = _save_valid(request, application, check_version=False)
        if type_errors:
            raise ValidationFailed(
                _(
                    "The application cannot be submitted yet: %(count)s questions need an answer or a correction."
                )
                % {"count": len(type_errors)},
                fields=type_errors,
                code="incomplete",
            )
        application = services.submit_application(application, actor=request.user)
    except ValidationFailed as exc:
        application = _applicant_application(request, uuid)  # the stored eligibility report, if any
        context = _form_context(
            request,
            application,
            values=shown,
            errors={k: [str(m) for m in v] for k, v in exc.fields.items()},
            summary=str(exc.message),
        )
        return render(request, "programs/applicant/application_form.html", context, status=200)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("workspace:programs-application-form", uuid=application.uuid)
    messages.success(
        request,
        _("Application %(reference)s was submitted (version %(number)s). You will hear from the center.")
        % {"reference": application.reference, "number": application.submitted_version},
    )
    return redirect("workspace:programs-application-form", uuid=application.uuid)


@login_required
def withdraw(request: HttpRequest, uuid: Any) -> HttpResponse:
    application = _applicant_application(request, uuid)
    permissions = services.applicant_permissions(application, is_applicant=True)
    if not permissions["withdraw"]:
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect("workspace:programs-application-form", uuid=application.uuid)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_application(application, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("Application %(reference)s was withdrawn.") % {"reference": application.reference}
            )
            return redirect("workspace:programs-my-applications")
    return render(request, "programs/applicant/withdraw.html", {"application": application, "form": form})


# --- files ----------------------------------------------------------------------------------------


def _files_fragment(
    request: HttpRequest, application: Application, field: FormField, error: str | None = None
) -> HttpResponse:
    files = [
        f for f in file_rows(application, selectors.files_of(application)) if f["field_key"] == field.key
    ]
    context = {
        "application": application,
        "q": {
            "key": field.key,
            "files": files,
            "full": len(files) >= answers.max_files(field),
            "max_files": answers.max_files(field),
        },
        "error": error,
        "editable": True,
    }
    return render(request, "programs/applicant/_files.html", context)


def _file_field(application: Application, key: str) -> FormField:
    field = FormField.objects.filter(section__call=application.call, key=key, kind=FieldKind.FILE).first()
    if field is None:
        raise Http404
    return field


@login_required
@require_POST
def file_upload(request: HttpRequest, uuid: Any, key: str) -> HttpResponse:
    application = _applicant_application(request, uuid)
    field = _file_field(application, key)
    upload = request.FILES.get(f"{key}__upload") or request.FILES.get("file")
    error = None
    if upload is None:
        error = _("Choose a file to upload.")
    else:
        try:
            services.upload_file(application, key, upload, actor=request.user)
        except DomainError as exc:
            error = str(exc.message)
    if _is_htmx(request):
        return _files_fragment(request, application, field, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The file was uploaded."))
    return redirect(reverse("workspace:programs-application-form", args=[application.uuid]) + f"#q-{key}")


@login_required
@require_POST
def file_remove(request: HttpRequest, uuid: Any, pk: int) -> HttpResponse:
    application = _applicant_application(request, uuid)
    stored = ApplicationFile.objects.filter(pk=pk, application=application).first()
    if stored is None:
        raise Http404
    field = _file_field(application, stored.field_key)
    error = None
    try:
        services.remove_file(stored, actor=request.user)
    except DomainError as exc:
        error = str(exc.message)
    if _is_htmx(request):
        return _files_fragment(request, application, field, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The file was removed."))
    return redirect(
        reverse("workspace:programs-application-form", args=[application.uuid]) + f"#q-{field.key}"
    )


@login_required
def file_download(request: HttpRequest, uuid: Any, pk: int) -> FileResponse:
    """For the applicant and the center's staff (get_application_for decides)."""
    application = _application(request, uuid)
    stored = ApplicationFile.objects.filter(pk=pk, application=application).first()
    if stored is None:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- versions -------------------------------------------------------------------------------------


@login_required
def version_detail(request: HttpRequest, uuid: Any, number: int) -> HttpResponse:
    application = _application(request, uuid)
    version = application.versions.filter(number=number).select_related("submitted_by").first()
    if version is None:
        raise Http404
    fields = services.form_fields(application.call)
    context = {
        "application": application,
        "call": application.call,
        "version": version,
        "answers": answer_rows(fields, version.answers, application=application),
        "is_applicant": getattr(application, "viewer_is_applicant", False),
        "staff": access.can_view_staff(request.user, application),
        "submitted_local": timezone.localtime(version.submitted_at, LOCAL_TZ),
    }
    return render(request, "programs/applicant/version_detail.html", context)
