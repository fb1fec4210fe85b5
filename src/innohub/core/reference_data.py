"""Reference rows that data migrations create (system roles, consent purposes) come back after a
`flush` — which Django runs after every transactional test and operators may run by hand — as
contenttypes and the taxonomies do (taxonomy/apps.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps as global_apps
from django.db import connections


def ensure_rows(app_label: str, model_name: str, sync: Callable[[Any], None]) -> Callable[..., None]:
    """A post_migrate receiver that calls `sync(model)` when the model's table exists and is empty."""

    def receiver(sender: Any, using: str, apps: Any = None, **kwargs: Any) -> None:
        registry = apps or global_apps
        try:
            model = registry.get_model(app_label, model_name)
        except LookupError:  # migrated back before the model existed
            return
        if model._meta.db_table not in connections[using].introspection.table_names():
            return
        if not model.objects.using(using).exists():
            sync(model)

    return receiver
