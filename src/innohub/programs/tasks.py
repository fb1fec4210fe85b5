"""Background work of the selection (django-tasks; `manage.py run_worker` runs it).

An assignment run is queued by `services.assignment.start_assignment_run` once its transaction
commits; the task receives the run's id, reports progress on the run's TaskProgress (polled by the
assignment page) and stores its inputs, result and error on the AssignmentRun.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from innohub.core import progress as progress_api
from innohub.core.errors import DomainError

logger = logging.getLogger(__name__)


def enqueue_assignment(run: Any, *, language: str = "vi") -> None:
    run_id = run.pk
    progress_id = run.progress_id

    def _enqueue() -> None:
        result = run_assignment.enqueue(run_id, language=language)
        if progress_id:
            progress_api.attach_task(progress_id, result.id)

    transaction.on_commit(_enqueue)


@task()
def run_assignment(run_id: int, language: str = "vi") -> dict[str, Any]:
    from innohub.programs.models import AssignmentRun
    from innohub.programs.services.assignment import _fail, execute_run

    with translation.override(language or None):
        run = AssignmentRun.objects.select_related("started_by", "round").get(pk=run_id)
        try:
            run = execute_run(run_id)
        except DomainError as exc:
            _fail(run, str(exc.message))
        except Exception:
            logger.exception("assignment run %s failed", run_id)
            _fail(run, _("The assignment stopped because of an internal error. Nothing was changed."))
            raise
        run.refresh_from_db()
        return {"run": run_id, "status": run.status, "objective": run.objective}


def settle_lost_run(run_id: int, language: str = "vi") -> None:
    """The worker computing this run died (core.task_recovery): the run fails with the reason instead
    of staying "running" and blocking the next one."""
    from innohub.programs.models import AssignmentRun
    from innohub.programs.services.assignment import _fail

    run = AssignmentRun.objects.filter(
        pk=run_id, status__in=[AssignmentRun.Status.QUEUED, AssignmentRun.Status.RUNNING]
    ).first()
    if run is None:
        return
    with translation.override(language or None):
        _fail(
            run, _("The assignment stopped because the server restarted. Nothing was changed; run it again.")
        )
