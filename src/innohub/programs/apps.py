from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "innohub.programs"
    label = "programs"
    verbose_name = _("Programmes and calls")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Application, Call, Criterion, Programme, ReviewAssignment, ReviewRound

        for model in (Programme, Call, ReviewRound, Criterion):
            auditlog.register(model, exclude_fields=["version", "updated_at"])
        auditlog.register(Application, exclude_fields=["version", "updated_at", "search_text", "answers"])
        auditlog.register(ReviewAssignment)

        from innohub.core.task_recovery import on_worker_lost

        from .tasks import run_assignment, settle_lost_run

        on_worker_lost(run_assignment, settle_lost_run)
