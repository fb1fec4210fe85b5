from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "innohub.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Consent, ConsentPurpose, DataRequest

        auditlog.register(ConsentPurpose)
        auditlog.register(Consent)
        # The note and explanation may quote personal circumstances; who handled what, when, stays.
        auditlog.register(
            DataRequest, exclude_fields=["note", "explanation", "result_file", "version", "updated_at"]
        )

        from django.db.models.signals import post_migrate

        from innohub.core.reference_data import ensure_rows
        from innohub.core.task_recovery import on_worker_lost

        from .defaults import sync_default_purposes
        from .tasks import run_data_export, settle_lost_export

        on_worker_lost(run_data_export, settle_lost_export)

        post_migrate.connect(
            ensure_rows("privacy", "ConsentPurpose", sync_default_purposes),
            sender=self,
            weak=False,
            dispatch_uid="consent-purposes",
        )
