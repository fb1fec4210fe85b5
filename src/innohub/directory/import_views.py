"""Workspace pages for importing and exporting the directory (mounted at /workspace/import/).

Upload → a dry-run task builds the preview (counts, first rows, every error with its line) → the user
confirms → the import task writes everything or nothing. Both runs are background tasks; the page polls
their TaskProgress with HTMX (`hx-trigger="every 1s"`) until they finish. Exports stream the filtered
list the user is looking at, restricted to what the user may see.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innohub.accounts.access import can, centers_where, scope_for
from innohub.accounts.web import forbidden
from innohub.centers.models import Center
from innohub.core import progress as progress_api
from innohub.core.errors import NotFound
from innohub.core.models import TaskProgress
from innohub.directory import exporters, selectors
from innohub.directory.filters import DirectoryFilters
from innohub.directory.importers import IMPORT_KINDS, ORGANISATIONS, PEOPLE, ImportFileError, check_size
from innohub.directory.tasks import IMPORT_APPLY, IMPORT_PREVIEW, enqueue_import

IMPORT_KIND_PREFIX = "directory.import"
RECENT = 10
_ALLOWED_SUFFIXES = (".csv", ".xlsx", ".txt", ".tsv")


def importable_centers(user: Any) -> list[Center]:
    if scope_for(user).is_platform_admin:
        return list(Center.objects.filter(is_active=True).order_by("path"))
    ids = centers_where(user, "directory.import")
    return list(Center.objects.filter(pk__in=ids, is_active=True).order_by("path"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV UTF-8 or Excel .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file lists"),
        choices=[(ORGANISATIONS, gettext_lazy("Organisations")), (PEOPLE, gettext_lazy("People"))],
        initial=ORGANISATIONS,
    )
    center = forms.ModelChoiceField(
        label=gettext_lazy("Import into center"), queryset=Center.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, centers: list[Center], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["center"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Center.objects.filter(pk__in=[c.pk for c in centers]).order_by("path")
        if len(centers) == 1:
            field.initial = centers[0].pk

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc.message), code="file_too_large") from None
        name = (upload.name or "").lower()
        if not name.endswith(_ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                _("Only CSV (UTF-8) and Excel (.xlsx) files can be imported; “%(name)s” is neither.")
                % {"name": upload.name},
                code="unsupported_format",
            )
        return upload


def _safe_filename(name: str) -> str:
    base = re.sub(r"[^\w.\-]+", "_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1], flags=re.UNICODE)
    return base.strip("._")[:100] or "import.csv"


def _language(request: HttpRequest) -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _import_progress(request: HttpRequest, progress_uuid: Any) -> TaskProgress:
    try:
        progress = progress_api.get_progress_for(request.user, progress_uuid)
    except NotFound:
        raise Http404 from None
    if not progress.kind.startswith(IMPORT_KIND_PREFIX):
        raise Http404
    return progress


def _recent_imports(user: Any) -> list[TaskProgress]:
    return list(
        TaskProgress.objects.filter(owner=user, kind__startswith=IMPORT_KIND_PREFIX).order_by("-created_at")[
            :RECENT
        ]
    )


# --- import --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    centers = importable_centers(request.user)
    if not centers:
        return forbidden(request, _("You may not import into any center."))
    form = ImportForm(request.POST or None, request.FILES or None, centers=centers)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        center = form.cleaned_data["center"]
        if not can(request.user, "directory.import", center_id=center.pk):
            return forbidden(request, _("You may not import into this center."))
        key = uuid.uuid4()
        filename = _safe_filename(upload.name)
        with transaction.atomic():
            path = default_storage.save(f"imports/{key}/{filename}", upload)
            progress = progress_api.start_progress(
                IMPORT_PREVIEW,
                label=upload.name,
                owner=request.user,
                report={
                    "params": {
                        "path": path,
                        "filename": upload.name,
                        "kind": form.cleaned_data["kind"],
                        "center_id": center.pk,
                        "center_name": center.name,
                        "actor_id": request.user.pk,
                        "size": upload.size,
                    }
                },
            )
            enqueue_import(progress, dry_run=True, language=_language(request))
        return redirect("workspace:import-detail", progress_uuid=progress.uuid)
    return render(
        request,
        "directory/import_start.html",
        {
            "form": form,
            "recent": _recent_imports(request.user),
            "max_size": filesizeformat(settings.INNOHUB_IMPORT_MAX_BYTES),
            "kinds": IMPORT_KINDS,
        },
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, progress_uuid: uuid.UUID) -> HttpResponse:
    progress = _import_progress(request, progress_uuid)
    return render(request, "directory/import_detail.html", _progress_context(request, progress))


@login_required
@require_GET
def progress_status(request: HttpRequest, progress_uuid: uuid.UUID) -> HttpResponse:
    """The polled status: JSON for `Accept: application/json` (or ?format=json), else an HTML fragment."""
    try:
        progress = progress_api.get_progress_for(request.user, progress_uuid)
    except NotFound:
        raise Http404 from None
    accept = request.headers.get("Accept", "")
    if request.GET.get("format") == "json" or ("application/json" in accept and "text/html" not in accept):
        data = progress_api.progress_as_dict(progress)
        result = (progress.report or {}).get("result")
        if progress.finished and isinstance(result, dict):
            data["result"] = result
        return JsonResponse(data)
    return render(request, "directory/import_progress.html", _progress_context(request, progress))


def _progress_context(request: HttpRequest, progress: TaskProgress) -> dict[str, Any]:
    report = progress.report or {}
    result = report.get("result") if progress.finished else None
    params = report.get("params") or {}
    can_apply = bool(
        progress.kind == IMPORT_PREVIEW
        and progress.status == TaskProgress.Status.SUCCEEDED
        and isinstance(result, dict)
        and result.get("ok")
        and result.get("new")
        and not report.get("applied_as")
        and progress.owner_id == request.user.pk
    )
    return {
        "progress": progress,
        "params": params,
        "result": result,
        "is_preview": progress.kind == IMPORT_PREVIEW,
        "can_apply": can_apply,
        "applied_as": report.get("applied_as"),
        "preview_of": report.get("preview_of"),
        "kind_label": _("People") if params.get("kind") == PEOPLE else _("Organisations"),
    }


@login_required
@require_POST
def import_apply(request: HttpRequest, progress_uuid: uuid.UUID) -> HttpResponse:
    preview = _import_progress(request, progress_uuid)
    if preview.owner_id != request.user.pk or preview.kind != IMPORT_PREVIEW:
        raise Http404
    with transaction.atomic():
        locked = TaskProgress.objects.select_for_update().get(pk=preview.pk)
        report = dict(locked.report or {})
        if report.get("applied_as"):  # a second click: show the import already running
            return redirect("workspace:import-detail", progress_uuid=report["applied_as"])
        result = report.get("result") or {}
        if locked.status != TaskProgress.Status.SUCCEEDED or not result.get("ok"):
            return forbidden(request, _("Only a preview without errors can be imported."))
        params = dict(report.get("params") or {})
        if not can(request.user, "directory.import", center_id=params.get("center_id")):
            return forbidden(request, _("You may not import into this center."))
        params["actor_id"] = request.user.pk
        apply = progress_api.start_progress(
            IMPORT_APPLY,
            label=locked.label,
            owner=request.user,
            total=int(result.get("rows") or 0),
            report={"params": params, "preview_of": str(locked.uuid)},
        )
        report["applied_as"] = str(apply.uuid)
        locked.report = report
        locked.save(update_fields=["report", "updated_at"])
        enqueue_import(apply, dry_run=False, language=_language(request))
    return redirect("workspace:import-detail", progress_uuid=apply.uuid)


@login_required
@require_GET
def import_errors(request: HttpRequest, progress_uuid: uuid.UUID) -> FileResponse:
    """Every error of a run as CSV (the page shows the first ones)."""
    progress = _import_progress(request, progress_uuid)
    result = (progress.report or {}).get("result") or {}
    path = result.get("errors_file")
    if not path or not default_storage.exists(path):
        raise Http404
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=f"import-errors-{str(progress.uuid)[:8]}.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in IMPORT_KINDS:
        raise Http404
    language = "vi" if request.GET.get("headers") == "vi" else "en"
    response = HttpResponse(
        exporters.template_csv(kind, language=language), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


# --- export --------------------------------------------------------------------------------------


@login_required
@require_GET
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """Export the list the user is looking at (the same filter parameters), limited to what they see."""
    if kind not in IMPORT_KINDS or fmt not in exporters.FORMATS:
        raise Http404
    filters = DirectoryFilters.from_querydict(request.GET)
    qs: Any = (
        selectors.organisations_for(request.user, filters)
        if kind == ORGANISATIONS
        else selectors.people_for(request.user, filters)
    )
    language = "vi" if request.GET.get("headers") == "vi" else "en"
    if fmt == exporters.CSV:
        chunks, content_type, filename = exporters.stream_csv(kind, qs, language=language)
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            chunks, content_type=content_type
        )
    else:
        export_fn = exporters.export_organisations if kind == ORGANISATIONS else exporters.export_people
        data, content_type, filename = export_fn(qs, fmt, language=language)
        response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_url(kind: str, fmt: str, filters: DirectoryFilters | None = None) -> str:
    """Link to export a filtered list (for list pages of other modules)."""
    from urllib.parse import urlencode

    url = reverse("workspace:import-export", kwargs={"kind": kind, "fmt": fmt})
    params = (filters or DirectoryFilters()).as_params()
    return f"{url}?{urlencode(params, doseq=True)}" if params else url
