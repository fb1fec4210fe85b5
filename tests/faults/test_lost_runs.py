"""Records that keep their own status (a data export, an assignment run) fail with a reason when the
worker running their task dies: core.task_recovery announces the failure and the apps settle them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from innohub.core import progress as progress_api
from innohub.core.task_recovery import recover_lost_tasks
from innohub.privacy.models import DataRequest
from innohub.privacy.tasks import run_data_export
from innohub.programs.models import AssignmentRun
from innohub.programs.tasks import run_assignment
from tests.factories import UserFactory
from tests.programs.factories import ReviewRoundFactory

pytestmark = pytest.mark.django_db(transaction=True)

BACKEND = DatabaseBackend("default", {"BACKEND": "django_tasks_db.DatabaseBackend"})


def _claimed_by_a_dead_worker(task_obj, args, kwargs) -> DBTaskResult:
    """A task row as a killed worker leaves it: RUNNING, claimed by a worker that holds no lease."""
    result = BACKEND.enqueue(task_obj, args, kwargs)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(f"dead-{uuid.uuid4().hex[:12]}")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    return row


def test_a_lost_data_export_fails_with_a_reason_in_the_users_language():
    user = UserFactory()
    progress = progress_api.start_progress("privacy.export")
    export = DataRequest.objects.create(
        user=user, kind=DataRequest.Kind.EXPORT, status=DataRequest.Status.RUNNING, progress_id=progress.pk
    )
    other = DataRequest.objects.create(user=UserFactory(), kind=DataRequest.Kind.EXPORT)
    row = _claimed_by_a_dead_worker(run_data_export, [str(export.uuid)], {"language": "en"})

    assert recover_lost_tasks(grace=timedelta(0)) == [str(row.pk)]

    export.refresh_from_db()
    assert export.status == DataRequest.Status.FAILED
    with translation.override("en"):
        assert "server restarted" in export.explanation
    progress.refresh_from_db()
    assert progress.status == progress.Status.FAILED
    other.refresh_from_db()
    assert other.status == DataRequest.Status.PENDING, "only the lost run's request is settled"


def test_a_lost_assignment_run_fails_and_no_longer_blocks_the_round():
    round_ = ReviewRoundFactory()
    run = AssignmentRun.objects.create(round=round_, status=AssignmentRun.Status.RUNNING)
    row = _claimed_by_a_dead_worker(run_assignment, [run.pk], {"language": "en"})

    assert recover_lost_tasks(grace=timedelta(0)) == [str(row.pk)]

    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.FAILED
    assert "server restarted" in run.error
    assert run.finished_at is not None


def test_a_finished_record_is_left_as_it_is():
    round_ = ReviewRoundFactory()
    run = AssignmentRun.objects.create(round=round_, status=AssignmentRun.Status.SUCCEEDED, objective=3.5)
    _claimed_by_a_dead_worker(run_assignment, [run.pk], {"language": "vi"})

    recover_lost_tasks(grace=timedelta(0))

    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.SUCCEEDED and run.error == ""
