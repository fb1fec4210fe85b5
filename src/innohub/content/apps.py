from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "innohub.content"
    label = "content"
    verbose_name = _("News and content")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import NewsArticle

        auditlog.register(NewsArticle, exclude_fields=["version", "updated_at"])
