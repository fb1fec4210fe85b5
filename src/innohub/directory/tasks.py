"""Background work of the directory (django-tasks; `manage.py run_worker` runs it).

An import is two tasks on one uploaded file: a dry run (the preview) and, after the user confirms,
the real import. Each run has its own TaskProgress, which holds the parameters (`report["params"]`),
the progress the UI polls and, at the end, the import report (`report["result"]`) — the record of who
imported what, when, and with which outcome.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from innohub.core import progress as progress_api
from innohub.core.errors import DomainError
from innohub.core.models import TaskProgress

logger = logging.getLogger(__name__)

IMPORT_PREVIEW = "directory.import.preview"
IMPORT_APPLY = "directory.import.apply"


def enqueue_import(progress: TaskProgress, *, dry_run: bool, language: str) -> None:
    """Run the import task once the current transaction (which created `progress`) commits."""
    progress_uuid = str(progress.uuid)

    def _enqueue() -> None:
        result = run_directory_import.enqueue(progress_uuid, dry_run=dry_run, language=language)
        progress_api.attach_task(progress_uuid, result.id)

    transaction.on_commit(_enqueue)


@task()
def run_directory_import(progress_uuid: str, dry_run: bool = True, language: str = "vi") -> dict[str, Any]:
    from innohub.accounts.models import User
    from innohub.centers.models import Center
    from innohub.directory.importers import ImportSource, issues_csv, run_import

    progress = TaskProgress.objects.get(uuid=progress_uuid)
    params = dict(progress.report.get("params") or {})
    path = params.get("path", "")
    outcome: dict[str, Any] = {"progress": progress_uuid, "ok": False}
    with translation.override(language or None):
        try:
            progress_api.mark_running(progress.pk, message=_("Reading the file…"))
            try:
                with default_storage.open(path, "rb") as fh:
                    data = fh.read()
            except (FileNotFoundError, OSError):
                progress_api.fail(
                    progress.pk, _("The uploaded file is no longer available; upload it again.")
                )
                return outcome
            actor_id = params.get("actor_id")
            actor = User.objects.filter(pk=int(actor_id)).first() if actor_id else None
            center = Center.objects.get(pk=params["center_id"])
            report = run_import(
                ImportSource(name=params.get("filename") or path, data=data),
                kind=params["kind"],
                actor=actor,
                center=center,
                dry_run=dry_run,
                progress=progress_api.reporter(progress.pk),
            )
            result = report.as_dict()
            if report.errors:
                errors_path = default_storage.save(
                    f"imports/{progress_uuid}/errors.csv", ContentFile(issues_csv(report.errors))
                )
                result["errors_file"] = errors_path
            progress_api.finish(progress.pk, {"result": result}, message=str(report.summary()))
            outcome["ok"] = report.ok
            return outcome
        except DomainError as exc:
            progress_api.fail(progress.pk, str(exc.message))
            return outcome
        except Exception:
            logger.exception("directory import %s failed", progress_uuid)
            progress_api.fail(
                progress.pk, _("The import stopped because of an internal error. Nothing was written.")
            )
            raise
        finally:
            if not dry_run and path:
                # The data is now in the directory (or refused); do not keep personal data around.
                try:
                    default_storage.delete(path)
                except OSError:
                    logger.warning("could not delete import file %s", path)
