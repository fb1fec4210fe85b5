from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "innohub.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # Connects the signals that invalidate cached anonymous answers, in every process that writes
        # (web, task worker, management commands), not only in those that load the URLconf.
        from innohub.core import cache  # noqa: F401
