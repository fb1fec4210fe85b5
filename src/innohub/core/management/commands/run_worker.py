"""`manage.py db_worker` plus the recovery of tasks whose worker died (core/task_recovery.py).

Before it claims anything the worker fails the tasks that dead workers left "running" (its own earlier
life included, when it is restarted with the same --worker-id), then takes its lease, and while it runs
a thread repeats the recovery every --recovery-interval seconds — so the survivors of a pool of workers
clean up after one that was killed on another machine.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from innohub.core.task_recovery import grace_period, hold_worker_lease, recover_lost_tasks

logger = logging.getLogger(__name__)


class Command(DbWorkerCommand):
    help = "Run a database task worker that also fails the tasks of workers that stopped mid-task."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--recovery-grace",
            type=float,
            default=None,
            help="Leave alone tasks that started less than this many seconds ago (default: "
            "INNOHUB_TASK_RECOVERY_GRACE_SECONDS or 60).",
        )
        parser.add_argument(
            "--recovery-interval",
            type=float,
            default=60.0,
            help="Seconds between two recoveries while the worker runs; 0 runs it only at start.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options.pop("recovery_grace")
        interval = options.pop("recovery_interval")
        grace = grace_period() if seconds is None else timedelta(seconds=seconds)
        worker_id = options["worker_id"]

        ids = recover_lost_tasks(grace=grace)
        if ids and options["verbosity"] >= 1:
            self.stdout.write(f"{len(ids)} task(s) of stopped workers marked as failed.")
        hold_worker_lease(worker_id)
        if interval > 0:
            threading.Thread(
                target=_recover_periodically,
                args=(worker_id, grace, interval),
                name="innohub-task-recovery",
                daemon=True,
            ).start()
        super().handle(*args, **options)


def _recover_periodically(worker_id: str, grace: timedelta, interval: float) -> None:
    stop = threading.Event()
    while not stop.wait(interval):
        try:
            hold_worker_lease(worker_id)  # taken again if a database restart dropped it
            recover_lost_tasks(grace=grace)
        except Exception:
            logger.exception("task recovery failed; trying again in %s s", interval)
        finally:
            connections.close_all()  # this thread's connections only
