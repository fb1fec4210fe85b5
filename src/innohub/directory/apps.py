from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "innohub.directory"
    label = "directory"
    verbose_name = _("Ecosystem directory")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Organisation, OrganisationRelation, Person, PersonRelation

        auditlog.register(
            Organisation,
            m2m_fields={"sectors", "science_fields", "tags"},
            exclude_fields=["search_text", "name_key", "version", "updated_at"],
        )
        auditlog.register(Person, exclude_fields=["search_text", "name_key", "version", "updated_at"])
        auditlog.register(OrganisationRelation)
        auditlog.register(PersonRelation)
