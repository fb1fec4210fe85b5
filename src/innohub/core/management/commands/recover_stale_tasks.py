"""Fail the tasks left "running" by a task worker that is gone (core/task_recovery.py).

`run_worker` does this at start and periodically; this command is for a deployment that runs the plain
`db_worker`, from cron or by hand after a crash."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from innohub.core.task_recovery import grace_period, recover_lost_tasks


class Command(BaseCommand):
    help = "Mark the tasks whose worker stopped while running them as failed, with the reason."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--grace",
            type=float,
            default=None,
            help="Leave alone tasks that started less than this many seconds ago (default: "
            "INNOHUB_TASK_RECOVERY_GRACE_SECONDS or 60).",
        )

    def handle(self, *args: Any, grace: float | None, **options: Any) -> None:
        ids = recover_lost_tasks(grace=grace_period() if grace is None else timedelta(seconds=grace))
        for task_id in ids:
            self.stdout.write(f"failed (worker gone): {task_id}")
        if options["verbosity"] >= 1:
            self.stdout.write(f"{len(ids)} task(s) recovered.")
