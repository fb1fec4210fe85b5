"""Background work of the privacy app (django-tasks; `manage.py run_worker` runs it): building the
copy of a user's data. The task receives the request's id, never objects."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from innohub.core import progress as progress_api

logger = logging.getLogger(__name__)


def enqueue_export(data_request: Any, *, language: str) -> None:
    """Run the export once the transaction that created the request commits."""
    request_uuid = str(data_request.uuid)
    progress_id = data_request.progress_id

    def _enqueue() -> None:
        result = run_data_export.enqueue(request_uuid, language=language)
        if progress_id:
            progress_api.attach_task(progress_id, result.id)

    transaction.on_commit(_enqueue)


@task()
def run_data_export(request_uuid: str, language: str = "vi") -> dict[str, Any]:
    from innohub.privacy import services
    from innohub.privacy.models import DataRequest

    data_request = DataRequest.objects.select_related("user").filter(uuid=request_uuid).first()
    outcome: dict[str, Any] = {"data_request": request_uuid, "ok": False}
    if data_request is None or data_request.status not in (
        DataRequest.Status.PENDING,
        DataRequest.Status.RUNNING,
    ):
        return outcome  # deleted or already handled (a retried task must not redo a finished export)
    with translation.override(language or None):
        try:
            services.mark_export_running(data_request)
            reporter = progress_api.reporter(data_request.progress_id) if data_request.progress_id else None
            content = services.export_user_data(data_request.user, progress=reporter)
            services.complete_export(data_request, content)
        except Exception:
            logger.exception("personal data export %s failed", request_uuid)
            services.fail_export(
                data_request, _("The copy of your data could not be made because of an internal error.")
            )
            raise
    outcome["ok"] = True
    return outcome


def settle_lost_export(request_uuid: str, language: str = "vi") -> None:
    """The worker building this copy died (core.task_recovery): the request fails with the reason,
    so that the user is not left watching a progress bar that never moves."""
    from innohub.privacy import services
    from innohub.privacy.models import DataRequest

    data_request = DataRequest.objects.filter(
        uuid=request_uuid, status__in=[DataRequest.Status.PENDING, DataRequest.Status.RUNNING]
    ).first()
    if data_request is None:
        return
    with translation.override(language or None):
        services.fail_export(
            data_request,
            _("The copy of your data could not be finished because the server restarted. Please ask again."),
        )
