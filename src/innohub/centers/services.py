"""Writes to centers. Every write goes through here (CONVENTIONS.md §2): the workspace pages, the API,
the admin and the demo data call these.

Who may do what ("centers.change" is held by center administrators for their center and the centers
below it):

* open a center: "centers.change" at its parent; a root center (no parent): platform administrators;
* change a center: "centers.change" at the center; moving it also needs "centers.change" at the new
  parent (a root: platform administrators);
* deactivate a center: "centers.change" at its parent (a center cannot switch itself off); a root:
  platform administrators.

`actor=None` is the system itself (demo data, fixtures): no permission check. Each write runs in a
transaction, locks the rows it changes and is recorded by django-auditlog with the actor set here, so
API and CLI writes are attributed too.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from innohub.accounts.access import can, scope_for
from innohub.centers.models import Center
from innohub.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from innohub.core.validators import check_phone


def _actor_context(actor: Any) -> Any:
    return set_actor(actor) if getattr(actor, "pk", None) else nullcontext()


def may_open_center_below(actor: Any, parent: Center | None) -> bool:
    """Whether `actor` may open a center below `parent` (None: a root center)."""
    if parent is None:
        return scope_for(actor).is_platform_admin
    return can(actor, "centers.change", center_id=parent.pk)


def may_change_center(actor: Any, center: Center) -> bool:
    return can(actor, "centers.change", center_id=center.pk)


def may_deactivate_center(actor: Any, center: Center) -> bool:
    """Managing the parent, not the center itself: a center cannot switch itself off."""
    if center.parent_id is None:
        return scope_for(actor).is_platform_admin
    return can(actor, "centers.change", center_id=center.parent_id)


def _check_slug(slug: Any, *, exclude_pk: int | None = None) -> None:
    if not slug:
        raise ValidationFailed(fields={"slug": [_("This field is required.")]})
    qs = Center.objects.filter(slug=slug)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationFailed(fields={"slug": [_("Another center already uses this slug.")]})


@transaction.atomic
def create_center(*, actor: Any, parent: Center | None = None, **fields: Any) -> Center:
    if actor is not None and not may_open_center_below(actor, parent):
        raise Forbidden()
    if parent is not None:
        parent = Center.objects.select_for_update().get(pk=parent.pk)
        if not parent.is_active:
            raise ValidationFailed(
                fields={"parent": [_("Centers cannot be opened below an inactive center.")]}
            )
    if not (fields.get("name_vi") or fields.get("name") or "").strip():
        raise ValidationFailed(fields={"name_vi": [_("The name is required.")]})
    _check_slug(fields.get("slug"))
    check_phone(fields)
    with _actor_context(actor):
        center = Center(parent=parent, **fields)
        center.save()
    # The path needs the new id. It is derived data (not audited), so it is set without a second save
    # that would log a second change for one act.
    center.path = f"{parent.path if parent else '/'}{center.pk}/"
    Center.objects.filter(pk=center.pk).update(path=center.path)
    return center


@transaction.atomic
def move_center(center: Center, *, actor: Any, parent: Center | None) -> Center:
    """Re-parent a center and rewrite the materialised paths of its subtree (permission: update_center)."""
    if parent is not None and parent.path.startswith(center.path):
        raise ValidationFailed(
            fields={"parent": [_("A center cannot be placed under itself or one of its descendants.")]}
        )
    old_prefix = center.path
    new_prefix = f"{parent.path if parent else '/'}{center.pk}/"
    with _actor_context(actor):
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
    locked = Center.objects.select_for_update().get(pk=center.pk)
    if actor is not None and not may_change_center(actor, locked):
        raise Forbidden()
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    unknown = set(fields) - set(CENTER_FIELDS) - {"parent"}
    if unknown:
        raise ValidationFailed(fields={k: [_("This field cannot be changed here.")] for k in sorted(unknown)})
    if "slug" in fields:
        _check_slug(fields["slug"], exclude_pk=locked.pk)
    if "name_vi" in fields and not (fields["name_vi"] or "").strip():
        raise ValidationFailed(fields={"name_vi": [_("The name is required.")]})
    check_phone(fields)
    if "parent" in fields:
        parent = fields.pop("parent")
        if actor is not None and not may_open_center_below(actor, parent):
            raise Forbidden()
        if parent != locked.parent:
            locked = move_center(locked, actor=actor, parent=parent)
    with _actor_context(actor):
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.version = F("version") + 1
        locked.save()
    locked.refresh_from_db()
    return locked


@transaction.atomic
def deactivate_center(center: Center, *, actor: Any, expected_version: int | None = None) -> Center:
    """Centers are never deleted (records and history point at them); they stop being active.

    Only someone who manages the parent center may do it (a center cannot switch itself off), and only
    once the centers below it have been deactivated or moved elsewhere.
    """
    locked = Center.objects.select_for_update().get(pk=center.pk)
    if actor is not None and not may_deactivate_center(actor, locked):
        raise Forbidden()
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    if not locked.is_active:
        raise InvalidTransition(_("This center is already inactive."))
    if Center.objects.filter(parent=locked, is_active=True).exists():
        raise InvalidTransition(_("Deactivate or move the centers below this one first."))
    with _actor_context(actor):
        locked.is_active = False
        locked.version = F("version") + 1
        locked.save(update_fields=["is_active", "version", "updated_at"])
    locked.refresh_from_db()
    return locked
