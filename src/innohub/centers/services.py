"""Writes to centers. Every write goes through here (CONVENTIONS.md §2)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from innohub.centers.models import Center


@transaction.atomic
def create_center(*, actor: Any, parent: Center | None = None, **fields: Any) -> Center:
    center = Center(parent=parent, **fields)
    center.save()
    center.path = f"{parent.path if parent else '/'}{center.pk}/"
    center.save(update_fields=["path"])
    return center


@transaction.atomic
def move_center(center: Center, *, actor: Any, parent: Center | None) -> Center:
    """Re-parent a center and rewrite the materialised paths of its subtree."""
    if parent is not None and parent.path.startswith(center.path):
        from django.utils.translation import gettext as _

        from innohub.core.errors import ValidationFailed

        raise ValidationFailed(_("A center cannot be placed under itself or one of its descendants."))
    old_prefix = center.path
    new_prefix = f"{parent.path if parent else '/'}{center.pk}/"
    for c in Center.objects.select_for_update().filter(path__startswith=old_prefix):
        c.path = new_prefix + c.path[len(old_prefix) :]
        if c.pk == center.pk:
            c.parent = parent
        c.save(update_fields=["path", "parent"])
    center.refresh_from_db()
    return center
