"""A test-only task that runs until its worker is killed (tests/faults/test_worker_killed.py).

The worker subprocess imports it by path (`tests.faults.slow_tasks.run_until_killed`): manage.py puts
the repository root on sys.path."""

from __future__ import annotations

import time

from django_tasks import task

from innohub.core import progress as progress_api


@task()
def run_until_killed(progress_uuid: str, language: str = "vi") -> str:
    progress_api.mark_running(progress_uuid, message="working")
    deadline = time.monotonic() + 120  # never outlive a test run that failed to kill the worker
    while time.monotonic() < deadline:
        time.sleep(0.05)
    return "not killed"
