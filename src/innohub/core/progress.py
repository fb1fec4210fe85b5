"""Progress of background work (core.models.TaskProgress): started by the view or command that enqueues
a task, advanced by the task, polled by the UI (HTMX) and printed by the CLI.

Writes are throttled so that a loop over 100,000 rows touches the database about a hundred times, not
100,000 times. The throttle state lives in the process that runs the task; that is fine because only
that process advances a given progress record.

A progress write made inside a transaction is only visible to pollers when that transaction commits:
long tasks therefore do their slow, row-by-row work outside the transaction and keep only the final
writes inside it (see directory.importers).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import Q

from innohub.accounts.access import scope_for
from innohub.core.errors import NotFound
from innohub.core.models import TaskProgress

#: write at least every this many seconds while work advances …
MIN_INTERVAL_SECONDS = 0.5
#: … or whenever this fraction of the total has been done since the last write
MIN_FRACTION = 0.01

_last_write: dict[str, tuple[float, int]] = {}

ProgressCallback = Callable[[int, int, str], None]


def _key(progress_id: Any) -> str:
    if isinstance(progress_id, TaskProgress):
        return str(progress_id.uuid)
    return str(progress_id)


def _filter(progress_id: Any) -> Q:
    """Accept a TaskProgress, its uuid (object or string) or its integer pk."""
    if isinstance(progress_id, TaskProgress):
        return Q(pk=progress_id.pk)
    if isinstance(progress_id, int):
        return Q(pk=progress_id)
    try:
        return Q(uuid=uuid.UUID(str(progress_id)))
    except ValueError:
        return Q(pk=int(progress_id))


def start_progress(
    kind: str,
    label: str = "",
    owner: Any = None,
    total: int = 0,
    *,
    report: dict[str, Any] | None = None,
) -> TaskProgress:
    """A queued progress record; the caller enqueues the task (on commit) with the record's uuid."""
    return TaskProgress.objects.create(
        kind=kind[:64],
        label=(label or "")[:255],
        owner=owner if getattr(owner, "pk", None) else None,
        total=max(0, int(total or 0)),
        report=report or {},
    )


def attach_task(progress_id: Any, task_result_id: str) -> None:
    TaskProgress.objects.filter(_filter(progress_id)).update(task_result_id=str(task_result_id)[:64])


def mark_running(progress_id: Any, *, total: int | None = None, message: str | None = None) -> None:
    fields: dict[str, Any] = {"status": TaskProgress.Status.RUNNING}
    if total is not None:
        fields["total"] = max(0, int(total))
    if message is not None:
        fields["message"] = str(message)
    _update(progress_id, fields)
    _last_write[_key(progress_id)] = (time.monotonic(), 0)


def advance(
    progress_id: Any,
    done: int,
    total: int | None = None,
    message: str | None = None,
    *,
    force: bool = False,
) -> bool:
    """Record how far the task is. Returns whether the database was written (throttled)."""
    key = _key(progress_id)
    now = time.monotonic()
    last_time, last_done = _last_write.get(key, (0.0, -1))
    step = max(1, int((total or 0) * MIN_FRACTION))
    due = (
        force
        or message is not None
        or (total is not None and done >= total)
        or done - last_done >= step
        or (now - last_time >= MIN_INTERVAL_SECONDS and done != last_done)
    )
    if not due:
        return False
    fields: dict[str, Any] = {"done": max(0, int(done)), "status": TaskProgress.Status.RUNNING}
    if total is not None:
        fields["total"] = max(0, int(total))
    if message is not None:
        fields["message"] = str(message)
    _update(progress_id, fields)
    _last_write[key] = (now, done)
    return True


def finish(progress_id: Any, report: dict[str, Any] | None = None, *, message: str = "") -> None:
    """The task ended as intended (an import that refused a bad file also "succeeds": its report says why)."""
    fields: dict[str, Any] = {"status": TaskProgress.Status.SUCCEEDED, "message": str(message)}
    if report is not None:
        fields["report"] = _merge_report(progress_id, report)
    row = TaskProgress.objects.filter(_filter(progress_id)).values("total").first()
    if row is not None:
        fields["done"] = row["total"]
    _update(progress_id, fields)
    _last_write.pop(_key(progress_id), None)


def fail(progress_id: Any, message: str, *, report: dict[str, Any] | None = None) -> None:
    """The task could not do its work (a crash, a missing file); `message` is shown to the user."""
    fields: dict[str, Any] = {"status": TaskProgress.Status.FAILED, "message": str(message)}
    if report is not None:
        fields["report"] = _merge_report(progress_id, report)
    _update(progress_id, fields)
    _last_write.pop(_key(progress_id), None)


def reporter(progress_id: Any) -> ProgressCallback:
    """A `(done, total, message)` callback for code that should not know about TaskProgress."""

    def _report(done: int, total: int, message: str = "") -> None:
        advance(progress_id, done, total, message or None)

    return _report


def _merge_report(progress_id: Any, report: dict[str, Any]) -> dict[str, Any]:
    current = TaskProgress.objects.filter(_filter(progress_id)).values_list("report", flat=True).first()
    merged: dict[str, Any] = dict(current or {})
    merged.update(report)
    return merged


def _update(progress_id: Any, fields: dict[str, Any]) -> None:
    from django.utils import timezone

    fields.setdefault("updated_at", timezone.now())
    TaskProgress.objects.filter(_filter(progress_id)).update(**fields)


# --- reads ----------------------------------------------------------------------------------------


def can_view_progress(user: Any, progress: TaskProgress) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if progress.owner_id is not None and progress.owner_id == user.pk:
        return True
    return bool(user.is_staff or scope_for(user).is_platform_admin)


def get_progress_for(user: Any, progress_uuid: Any) -> TaskProgress:
    """The owner's (or staff's) progress record; anyone else gets the same 404 as for a missing one."""
    try:
        key = uuid.UUID(str(progress_uuid))
    except ValueError:
        raise NotFound() from None
    progress = TaskProgress.objects.filter(uuid=key).first()
    if progress is None or not can_view_progress(user, progress):
        raise NotFound()
    return progress


def progress_as_dict(progress: TaskProgress) -> dict[str, Any]:
    return {
        "id": str(progress.uuid),
        "kind": progress.kind,
        "label": progress.label,
        "status": progress.status,
        "status_display": str(progress.get_status_display()),
        "done": progress.done,
        "total": progress.total,
        "percent": progress.percent,
        "finished": progress.finished,
        "message": progress.message,
        "created_at": progress.created_at.isoformat() if progress.created_at else None,
        "updated_at": progress.updated_at.isoformat() if progress.updated_at else None,
    }
