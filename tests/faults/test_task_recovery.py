"""core.task_recovery in one process: a busy worker's task is left alone, a dead one's fails with the
reason, the grace period protects a task that has just been claimed, db_worker takes its lease."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_tasks.signals import task_finished, task_started
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from innohub.core import progress as progress_api
from innohub.core.models import TaskProgress
from innohub.core.task_recovery import (
    WORKER_LOST,
    hold_worker_lease,
    lost_task_message,
    recover_lost_tasks,
    release_worker_lease,
    worker_is_alive,
)
from tests.faults.slow_tasks import run_until_killed

pytestmark = pytest.mark.django_db(transaction=True)

BACKEND = DatabaseBackend("default", {"BACKEND": "django_tasks_db.DatabaseBackend"})


def _running(worker_id: str, *, started_ago: float = 120, language: str | None = None):
    record = progress_api.start_progress("faults.slow")
    kwargs = {"language": language} if language else {}
    result = BACKEND.enqueue(run_until_killed, [str(record.uuid)], kwargs)
    progress_api.attach_task(record.pk, result.id)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(seconds=started_ago))
    progress_api.mark_running(record.pk)
    return record, row


@pytest.fixture
def worker_id():
    worker = f"faults-{uuid.uuid4().hex[:12]}"
    yield worker
    release_worker_lease(worker)


def test_a_live_workers_task_is_left_alone_and_failed_once_the_worker_is_gone(worker_id):
    assert hold_worker_lease(worker_id)
    record, row = _running(worker_id)
    assert worker_is_alive(worker_id)
    assert recover_lost_tasks(grace=timedelta(0)) == []
    row.refresh_from_db()
    assert row.status == "RUNNING"

    release_worker_lease(worker_id)  # what the database / the kernel does when the process dies
    assert not worker_is_alive(worker_id)
    finished = []

    def _receiver(sender, task_result, **kwargs):
        finished.append(task_result.id)

    task_finished.connect(_receiver)
    try:
        assert recover_lost_tasks(grace=timedelta(0)) == [str(row.pk)]
    finally:
        task_finished.disconnect(_receiver)
    row.refresh_from_db()
    record.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == WORKER_LOST
    assert record.status == TaskProgress.Status.FAILED
    with translation.override("vi"):
        assert record.message == lost_task_message(), "no language given: the site's default"
    assert record.report["error"] == "worker_lost"
    assert finished == [str(row.pk)], "receivers hear of the failure as if the worker had sent it"
    assert recover_lost_tasks(grace=timedelta(0)) == [], "recovered once"


def test_grace_period_protects_a_task_claimed_a_moment_ago(worker_id, settings):
    settings.INNOHUB_TASK_RECOVERY_GRACE_SECONDS = 60
    _, fresh = _running(worker_id, started_ago=1)
    _, old = _running(worker_id, started_ago=600, language="en")
    assert recover_lost_tasks() == [str(old.pk)]
    fresh.refresh_from_db()
    assert fresh.status == "RUNNING"


def test_finished_and_queued_tasks_are_never_touched(worker_id):
    _, done = _running(worker_id)
    done.set_successful("ok")
    record = progress_api.start_progress("faults.slow")
    queued = BACKEND.enqueue(run_until_killed, [str(record.uuid)], {})
    assert recover_lost_tasks(grace=timedelta(0)) == []
    assert DBTaskResult.objects.get(pk=done.pk).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=queued.id).status == "READY"


def test_db_worker_takes_its_lease_when_it_starts_a_task(worker_id):
    _, row = _running(worker_id)
    assert not worker_is_alive(worker_id)
    task_started.send(sender=DatabaseBackend, task_result=row.task_result)
    assert worker_is_alive(worker_id)
    assert recover_lost_tasks(grace=timedelta(0)) == []
