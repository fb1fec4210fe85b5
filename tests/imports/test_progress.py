"""core.progress: throttled writes, terminal states, the polling views' visibility rule."""

from __future__ import annotations

import pytest

from innohub.core import progress
from innohub.core.errors import NotFound
from innohub.core.models import TaskProgress
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_advance_is_throttled_to_about_one_write_per_percent(django_assert_max_num_queries):
    record = progress.start_progress("test", label="x", total=10_000)
    progress.mark_running(record.pk)
    writes = 0
    with django_assert_max_num_queries(110):
        for done in range(1, 10_001):
            writes += progress.advance(record.pk, done, 10_000)
    assert 90 <= writes <= 105
    record.refresh_from_db()
    assert record.done == 10_000 and record.percent == 100 and record.status == "running"


def test_messages_and_finish_and_fail():
    record = progress.start_progress("test", total=4)
    assert record.status == TaskProgress.Status.QUEUED
    assert progress.advance(record.uuid, 1, 4, "Checking rows…")
    record.refresh_from_db()
    assert record.message == "Checking rows…" and record.percent == 25
    progress.finish(record.pk, {"result": {"ok": True}}, message="done")
    record.refresh_from_db()
    assert record.finished and record.status == "succeeded" and record.done == 4
    assert record.report == {"result": {"ok": True}}

    other = progress.start_progress("test", report={"params": {"a": 1}})
    progress.fail(str(other.uuid), "boom", report={"error": "x"})
    other.refresh_from_db()
    assert other.status == "failed" and other.message == "boom"
    assert other.report == {"params": {"a": 1}, "error": "x"}, "the parameters are kept"


def test_get_progress_for_owner_staff_and_others():
    owner, stranger, operator = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    record = progress.start_progress("test", owner=owner)
    assert progress.get_progress_for(owner, record.uuid) == record
    assert progress.get_progress_for(operator, str(record.uuid)) == record
    with pytest.raises(NotFound):
        progress.get_progress_for(stranger, record.uuid)
    with pytest.raises(NotFound):
        progress.get_progress_for(owner, "not-a-uuid")
