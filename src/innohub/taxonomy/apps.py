from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import connections
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

TAXONOMY_MODELS = (
    "Province",
    "LegacyProvince",
    "Commune",
    "Sector",
    "ScienceField",
    "ReadinessLevel",
    "Stage",
    "Country",
)


def _clear_cache(**kwargs: Any) -> None:
    from .selectors import clear_cache

    clear_cache()


def ensure_taxonomies(sender: AppConfig, using: str, apps: Any = None, **kwargs: Any) -> None:
    """After `migrate` or `flush`: reload the taxonomies if their tables are empty.

    Migration 0002 loads them once, but `flush` — which Django runs after every transactional test —
    empties every table; reloading here (as contenttypes and auth re-create their rows) keeps the
    reference data there for the tests and operators that come next.
    """
    _clear_cache()
    registry = apps or global_apps
    try:
        province = registry.get_model("taxonomy", "Province")
    except LookupError:  # migrated back to zero
        return
    connection = connections[using]
    if province._meta.db_table not in connection.introspection.table_names():
        return
    if QuerySet(model=province, using=using).exists():
        return
    from .loader import load_all

    load_all(apps=registry, using=using)


class TaxonomyConfig(AppConfig):
    name = "innohub.taxonomy"
    label = "taxonomy"
    verbose_name = _("Taxonomy")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Edits by platform administrators (taxonomy.services, the admin) are audited; the loader
        # writes in bulk, which sends no signal, so loading the shipped data leaves no log rows.
        for name in TAXONOMY_MODELS:
            auditlog.register(self.get_model(name))
        post_migrate.connect(ensure_taxonomies, sender=self, dispatch_uid="taxonomy.ensure_taxonomies")
        for name in TAXONOMY_MODELS:
            model = self.get_model(name)
            post_save.connect(_clear_cache, sender=model, dispatch_uid=f"taxonomy.clear_cache.save.{name}")
            post_delete.connect(
                _clear_cache, sender=model, dispatch_uid=f"taxonomy.clear_cache.delete.{name}"
            )
