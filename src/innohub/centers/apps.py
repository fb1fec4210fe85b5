from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "innohub.centers"
    label = "centers"
    verbose_name = _("Centers")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Center

        # `path` is derived from `parent` (materialised path); the parent change is what people read.
        auditlog.register(Center, exclude_fields=["version", "updated_at", "path"])
