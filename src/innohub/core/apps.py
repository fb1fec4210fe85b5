from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "innohub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Search triggers are dropped when a migration rebuilds a SQLite table; put them back.
        from innohub.core.search import signals

        signals.connect()

        # A task worker holds a lease on its id while it runs tasks, so that one that dies mid-task
        # can be told from one that is busy (core/task_recovery.py).
        from django_tasks.signals import task_started

        from innohub.core.task_recovery import on_task_started

        task_started.connect(on_task_started, dispatch_uid="innohub.core.task_lease")
