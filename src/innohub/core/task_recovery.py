"""Tasks left "running" by a task worker that died (SIGKILL, the OOM killer, a lost machine).

django-tasks' database backend marks a task RUNNING when a worker claims it and appends the worker's id
to `DBTaskResult.worker_ids`; only that worker ever moves the row on. A worker that is killed mid-task
leaves the row RUNNING for ever — and the user's progress bar (core.models.TaskProgress) spinning.

Liveness without heartbeats: while it lives, every worker holds a *lease* on its id — a lock that the
database or the operating system drops by itself the moment the process is gone, so no clock or timeout
decides that a slow task is dead:

* PostgreSQL: a session advisory lock, keyed on the worker id, held on a dedicated connection. The server
  releases it when that connection ends, which it does when the process dies, on whatever machine.
* SQLite: an exclusive `flock` on a file next to the database file (SQLite is one machine by nature).

`manage.py db_worker` takes its lease when it starts its first task (the `task_started` receiver below);
`manage.py run_worker` takes it before it claims anything and also runs the recovery at start and then
periodically. The recovery (`recover_lost_tasks`, also `manage.py recover_stale_tasks`) takes every
RUNNING task whose last worker's lease is free, and marks it FAILED with the reason in the fields
django-tasks already has (`exception_class_path` = WorkerLost, `traceback` = the explanation); the task's
TaskProgress fails with a translated message that the status page and its JSON show; and
`task_finished` is sent, as the worker itself would, so that apps can settle their own records.

A task is failed, not re-queued: our tasks are not all safe to run twice (a data export mails a link,
an import's apply step must not run after the user saw a failure), and the user can start them again.

The grace period covers the moment between a plain `db_worker` claiming a task and taking its lease in
`task_started`: a task that started less than `grace` ago is never judged.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: tasks that started less recently than this are not judged (see the module docstring)
DEFAULT_GRACE_SECONDS = 60
#: first key of our two-key PostgreSQL advisory locks, so they never meet another module's locks
_PG_LEASE_CLASS = 0x1AB0

WORKER_LOST = "innohub.core.task_recovery.WorkerLost"


class WorkerLost(Exception):
    """Recorded as a task's exception when its worker stopped while running it."""


def grace_period() -> timedelta:
    return timedelta(seconds=getattr(settings, "INNOHUB_TASK_RECOVERY_GRACE_SECONDS", DEFAULT_GRACE_SECONDS))


# --- leases --------------------------------------------------------------------------------------


def _digest(worker_id: str, size: int) -> bytes:
    return hashlib.blake2b(worker_id.encode(), digest_size=size, person=b"innohub-worker").digest()


def _pg_key(worker_id: str) -> int:
    return int.from_bytes(_digest(worker_id, 4), "big", signed=True)


def _lease_dir(using: str) -> Path:
    configured = getattr(settings, "INNOHUB_TASK_LEASE_DIR", None)
    if configured:
        return Path(configured)
    name = str(connections[using].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        # an in-memory database lives in one process: its workers are threads of that process
        return Path(tempfile.gettempdir()) / f"innohub-workers-{os.getpid()}"
    path = Path(name)
    return path.with_name(f"{path.name}.workers")


def _lease_file(worker_id: str, using: str) -> Path:
    return _lease_dir(using) / f"{_digest(worker_id, 16).hex()}.lock"


class _Leases:
    """The leases this process holds: worker id → the connection or file descriptor that holds it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held: dict[tuple[str, str], Any] = {}


_leases = _Leases()


def hold_worker_lease(worker_id: str, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Hold the lease on `worker_id` until this process ends. Idempotent; re-takes a lease whose
    connection was lost (a database restart). Returns whether the lease is held."""
    with _leases.lock:
        current = _leases.held.get((using, worker_id))
        if current is not None and _still_held(current, using):
            return True
        _release(current, using)
        holder = _acquire(worker_id, using)
        if holder is None:
            _leases.held.pop((using, worker_id), None)
            logger.warning("task worker %s: its lease is held by another process", worker_id)
            return False
        _leases.held[(using, worker_id)] = holder
        return True


def release_worker_lease(worker_id: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give a lease up (tests; a worker that exits is released by the database or the kernel)."""
    with _leases.lock:
        _release(_leases.held.pop((using, worker_id), None), using)


def worker_is_alive(worker_id: str, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether some process holds the lease on `worker_id` (this one included)."""
    if connections[using].vendor == "postgresql":
        key = [_PG_LEASE_CLASS, _pg_key(worker_id)]
        with connections[using].cursor() as cursor:
            # take the lease and give it back at once: we only ask whether it is free
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            if not cursor.fetchone()[0]:
                return True
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            return False
    if connections[using].vendor == "sqlite":
        import fcntl

        path = _lease_file(worker_id, using)
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # also releases our probe lock
        with contextlib.suppress(OSError):
            path.unlink()  # the worker is gone; its lease file is not needed any more
        return False
    return True  # another database: no lease support, never declare a worker dead


def _acquire(worker_id: str, using: str) -> Any:
    wrapper = connections[using]
    if wrapper.vendor == "postgresql":
        params = wrapper.get_connection_params()
        params["application_name"] = f"innohub worker lease {worker_id}"[:63]
        conn = wrapper.get_new_connection(params)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_PG_LEASE_CLASS, _pg_key(worker_id)])
            if cursor.fetchone()[0]:
                return conn
        conn.close()
        return None
    if wrapper.vendor == "sqlite":
        import fcntl

        path = _lease_file(worker_id, using)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd
    return None


def _still_held(holder: Any, using: str) -> bool:
    if isinstance(holder, int):
        return True  # a flock lasts as long as the descriptor
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _release(holder: Any, using: str) -> None:
    if holder is None:
        return
    with contextlib.suppress(Exception):
        if isinstance(holder, int):
            os.close(holder)
        else:
            # Unlock first: closing the connection alone frees the lock only once the server's backend
            # has noticed and exited, so a check right after the release could still find it held.
            with contextlib.suppress(Exception), holder.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock_all()")
            holder.close()


def on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """`task_started` receiver: a plain `db_worker` takes its lease when it starts a task."""
    from django_tasks_db.backend import DatabaseBackend

    if not (isinstance(sender, type) and issubclass(sender, DatabaseBackend)):
        return
    worker_ids = list(getattr(task_result, "worker_ids", None) or [])
    if worker_ids:
        try:
            hold_worker_lease(worker_ids[-1])
        except Exception:  # never let bookkeeping stop the task itself
            logger.exception("task worker %s: could not take its lease", worker_ids[-1])


# --- recovery ------------------------------------------------------------------------------------


def lost_task_message() -> str:
    return _(
        "The task stopped because the worker running it stopped (it was restarted or killed) before the "
        "task finished. Start the task again."
    )


def recover_lost_tasks(*, grace: timedelta | None = None, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Fail every RUNNING task whose worker is gone; return their ids."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - (grace_period() if grace is None else grace)
    candidates = list(
        DBTaskResult.objects.using(using)
        .running()
        .filter(started_at__lte=cutoff)
        .values_list("id", "worker_ids")
    )
    recovered: list[str] = []
    for task_id, worker_ids in candidates:
        worker_id = worker_ids[-1] if worker_ids else ""
        if worker_id and worker_is_alive(worker_id, using):
            continue
        if _fail_lost_task(task_id, worker_ids, using):
            recovered.append(str(task_id))
    return recovered


def _fail_lost_task(task_id: Any, worker_ids: list[str], using: str) -> bool:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from innohub.core import progress as progress_api
    from innohub.core.models import TaskProgress

    with transaction.atomic(using=using):
        result = DBTaskResult.objects.using(using).select_for_update().filter(pk=task_id).running().first()
        if result is None or list(result.worker_ids) != list(worker_ids):
            return False  # finished meanwhile, or claimed again
        worker_id = worker_ids[-1] if worker_ids else "?"
        result.status = TaskResultStatus.FAILED
        result.finished_at = timezone.now()
        result.return_value = None
        result.exception_class_path = WORKER_LOST
        result.traceback = (
            f"{WORKER_LOST}: worker {worker_id} stopped while the task was running "
            f"(its lease was free at {result.finished_at.isoformat()}); the task was not retried.\n"
        )
        result.save(
            update_fields=["status", "finished_at", "return_value", "exception_class_path", "traceback"]
        )
        kwargs = (result.args_kwargs or {}).get("kwargs") or {}
        language = kwargs.get("language") if isinstance(kwargs.get("language"), str) else None
        with translation.override(language or settings.LANGUAGE_CODE):
            message = lost_task_message()
        for progress_id in (
            TaskProgress.objects.using(using)
            .filter(
                task_result_id=str(task_id),
                status__in=[TaskProgress.Status.QUEUED, TaskProgress.Status.RUNNING],
            )
            .values_list("pk", flat=True)
        ):
            progress_api.fail(progress_id, message, report={"error": "worker_lost"})
        logger.warning("task %s (%s) failed: worker %s is gone", task_id, result.task_path, worker_id)
        transaction.on_commit(lambda: _announce(result), using=using)
    return True


def _announce(result: Any) -> None:
    """Send `task_finished` as the worker would have, for receivers that settle their own records."""
    from django_tasks_db.compat import task_finished

    try:
        task_result = result.task_result
        sender = type(result.task.get_backend())
    except Exception:  # the task's code is gone (renamed module): nothing can listen for it
        logger.warning("task %s: not announced, its task could not be loaded", result.pk)
        return
    task_finished.send(sender=sender, task_result=task_result)


# --- apps that keep their own status ---------------------------------------------------------------


def on_worker_lost(task_obj: Any, handler: Any) -> None:
    """Call `handler(*args, **kwargs)` — the arguments the task was enqueued with — when the recovery
    fails a run of `task_obj` because its worker died, so that an app whose own record says "running"
    (an assignment run, a data export) can fail it too, with its own message."""
    from django_tasks_db.compat import task_finished

    module_path = task_obj.module_path

    def receiver(sender: Any, task_result: Any, **kwargs: Any) -> None:
        errors = getattr(task_result, "errors", None) or []
        if task_result.task.module_path != module_path or not errors:
            return
        if errors[-1].exception_class_path != WORKER_LOST:
            return
        try:
            handler(*task_result.args, **task_result.kwargs)
        except Exception:  # a receiver must not stop the others
            logger.exception("task %s: settling a lost run failed", task_result.id)

    task_finished.connect(receiver, weak=False, dispatch_uid=f"innohub.worker_lost.{module_path}")
