"""A task worker killed mid-task (SIGKILL): the task ends FAILED with a visible reason, never stuck
"running" (core/task_recovery.py). Real `manage.py db_worker` / `run_worker` processes, on the test
database (SQLite: a file copy of it; PostgreSQL: the test database itself)."""

from __future__ import annotations

import signal
import subprocess
import uuid

import pytest
from django.urls import reverse
from django.utils import translation
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from innohub.core import progress as progress_api
from innohub.core.models import TaskProgress
from innohub.core.task_recovery import WORKER_LOST, lost_task_message
from tests.factories import UserFactory
from tests.faults.slow_tasks import run_until_killed
from tests.faults.support import MANAGE, ROOT, SharedDatabase, is_postgres, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _enqueue(owner):
    record = progress_api.start_progress("faults.slow", label="slow", owner=owner)
    backend = DatabaseBackend("default", {"BACKEND": "django_tasks_db.DatabaseBackend"})
    result = backend.enqueue(run_until_killed, [str(record.uuid)], {"language": "en"})
    progress_api.attach_task(record.pk, result.id)
    return record, result


def test_killed_worker_leaves_a_failed_task_with_the_reason_not_a_running_one(tmp_path, client):
    owner = UserFactory()
    record, result = _enqueue(owner)
    shared = SharedDatabase(tmp_path)
    shared.push()
    worker_id = f"faults-{uuid.uuid4().hex[:12]}"
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [*MANAGE, "db_worker", "--no-startup-delay", "--interval", "0.1", "--worker-id", worker_id],
        cwd=ROOT,
        env=shared.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(
            lambda: (
                worker.poll() is not None
                or shared.scalar(
                    "SELECT status FROM core_taskprogress WHERE uuid = ?",
                    "SELECT status FROM core_taskprogress WHERE uuid = %s",
                    [record.uuid.hex if not is_postgres() else record.uuid],
                )
                == "running"
            ),
            timeout=90,
            what="the worker to start the task",
        )
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)
        log.close()

    # Killed: the row still says RUNNING — nothing in django-tasks would ever change that.
    status = shared.scalar(
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s",
        [uuid.UUID(result.id).hex if not is_postgres() else uuid.UUID(result.id)],
    )
    assert status == "RUNNING"
    if is_postgres():
        # The server ends the dead process's sessions (and so its lease) once it notices the closed socket.
        wait_for(
            lambda: (
                not shared.scalar(
                    "",
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                    [f"innohub worker lease {worker_id}"[:63]],
                )
            ),
            timeout=30,
            what="PostgreSQL to end the killed worker's sessions",
        )

    # The next worker to start recovers it, then (--batch) runs what is queued and exits.
    restarted = subprocess.run(
        [
            *MANAGE,
            "run_worker",
            "--batch",
            "--no-startup-delay",
            "--recovery-grace",
            "0",
            "--recovery-interval",
            "0",
        ],
        cwd=ROOT,
        env=shared.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert "1 task(s) of stopped workers marked as failed." in restarted.stdout
    shared.pull()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and row.finished_at is not None
    assert row.exception_class_path == WORKER_LOST
    assert f"worker {worker_id} stopped while the task was running" in row.traceback
    record.refresh_from_db()
    with translation.override("en"):
        reason = lost_task_message()
    assert record.status == TaskProgress.Status.FAILED and record.finished
    assert record.message == reason, "in the language the task was started in"

    # …and the user sees why, on the status the page polls (JSON and the HTML fragment).
    client.force_login(owner)
    url = reverse("workspace:import-progress", kwargs={"progress_uuid": record.uuid})
    data = client.get(url, {"format": "json"}).json()
    assert data["status"] == "failed" and data["finished"] is True and data["message"] == reason
    page = client.get(url)
    assert page.status_code == 200 and "alert-danger" in page.text
    assert "worker running it stopped" in page.text
