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


# Fields of a center that `update_center` may change (the tree position goes through `move_center`).
CENTER_FIELDS = (
    "name_vi",
    "name_en",
    "short_name",
    "slug",
    "kind",
    "province",
    "description_vi",
    "description_en",
    "website",
    "email",
    "phone",
)


@transaction.atomic
def update_center(
    center: Center, *, actor: Any, expected_version: int | None = None, **fields: Any
) -> Center:
    """Change a center's fields; a stale `expected_version` is refused (optimistic concurrency).

    `parent` (a Center or None) moves the center in the tree; that needs "centers.change" at the new
    parent as well (a root center: platform administrators only).
    """
    from django.db.models import F
    from django.utils.translation import gettext as _

    from innohub.accounts.access import can, scope_for
    from innohub.core.errors import Conflict, Forbidden, ValidationFailed

    locked = Center.objects.select_for_update().get(pk=center.pk)
    if actor is not None and not can(actor, "centers.change", locked):
        raise Forbidden()
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    if "parent" in fields:
        parent = fields.pop("parent")
        if parent is None:
            if actor is not None and not scope_for(actor).is_platform_admin:
                raise Forbidden()
        elif actor is not None and not can(actor, "centers.change", center_id=parent.pk):
            raise Forbidden()
        if parent != locked.parent:
            locked = move_center(locked, actor=actor, parent=parent)
    unknown = set(fields) - set(CENTER_FIELDS)
    if unknown:
        raise ValidationFailed(fields={k: [_("This field cannot be changed here.")] for k in sorted(unknown)})
    if "slug" in fields and Center.objects.filter(slug=fields["slug"]).exclude(pk=locked.pk).exists():
        raise ValidationFailed(fields={"slug": [_("Another center already uses this slug.")]})
    if "name_vi" in fields and not (fields["name_vi"] or "").strip():
        raise ValidationFailed(fields={"name_vi": [_("The name is required.")]})
    for key, value in fields.items():
        setattr(locked, key, value)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    return locked


@transaction.atomic
def deactivate_center(center: Center, *, actor: Any) -> Center:
    """Centers are never deleted (records and history point at them); they stop being active.

    Only someone who manages the parent center may do it (a center cannot switch itself off), and only
    once the centers below it have been deactivated or moved elsewhere.
    """
    from django.utils.translation import gettext as _

    from innohub.accounts.access import can, scope_for
    from innohub.core.errors import Forbidden, InvalidTransition

    locked = Center.objects.select_for_update().get(pk=center.pk)
    if actor is not None:
        allowed = (
            scope_for(actor).is_platform_admin
            if locked.parent_id is None
            else can(actor, "centers.change", center_id=locked.parent_id)
        )
        if not allowed:
            raise Forbidden()
    if not locked.is_active:
        raise InvalidTransition(_("This center is already inactive."))
    if Center.objects.filter(parent=locked, is_active=True).exists():
        raise InvalidTransition(_("Deactivate or move the centers below this one first."))
    locked.is_active = False
    locked.save(update_fields=["is_active", "updated_at"])
    return locked
