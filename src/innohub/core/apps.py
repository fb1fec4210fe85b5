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
