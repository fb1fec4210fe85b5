"""What a user may see and do, derived from memberships and roles, computed once per user object.

`can(user, "directory.change", obj)` is the one permission check; `scope_for(user)` feeds the
ORM-level visibility filter (core.visibility).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PLATFORM_ADMIN = "platform_admin"
ALL = "*"


@dataclass
class AccessScope:
    is_platform_admin: bool = False
    is_network_member: bool = False
    # center id -> permission codes that hold there (inherited down the tree for staff roles)
    perms_by_center: dict[int, set[str]] = field(default_factory=dict)

    @property
    def center_ids(self) -> set[int]:
        return set(self.perms_by_center)

    def perms_at(self, center_id: int | None) -> set[str]:
        if center_id is None:
            return set()
        return self.perms_by_center.get(center_id, set())


_ANON = AccessScope()


def scope_for(user: Any) -> AccessScope:
    if user is None or not getattr(user, "is_authenticated", False):
        return _ANON
    cached = getattr(user, "_innohub_scope", None)
    if cached is not None:
        return cached
    from innohub.accounts.models import Membership
    from innohub.centers.models import Center

    scope = AccessScope(is_platform_admin=bool(user.is_superuser))
    memberships = list(
        Membership.objects.filter(user=user, center__is_active=True).select_related("role", "center")
    )
    descendant_paths: list[tuple[str, set[str]]] = []
    for m in memberships:
        perms = set(m.role.permissions or [])
        if m.role.code == PLATFORM_ADMIN or ALL in perms:
            scope.is_platform_admin = True
        if not perms:
            continue  # the "public" role grants nothing beyond an anonymous visitor
        scope.is_network_member = True
        scope.perms_by_center.setdefault(m.center_id, set()).update(perms)
        if m.role.applies_to_descendants:
            descendant_paths.append((m.center.path, perms))
    for path, perms in descendant_paths:
        for cid in Center.objects.filter(path__startswith=path).values_list("id", flat=True):
            scope.perms_by_center.setdefault(cid, set()).update(perms)
    user._innohub_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after memberships change."""
    if hasattr(user, "_innohub_scope"):
        del user._innohub_scope


def can(user: Any, action: str, obj: Any = None, *, center_id: int | None = None) -> bool:
    """Whether `user` may perform `action` ("app.verb") on `obj` (or in `center_id`)."""
    scope = scope_for(user)
    if scope.is_platform_admin:
        return True
    if obj is not None and center_id is None:
        center_id = getattr(obj, "center_id", None)
        if center_id is None and obj.__class__.__name__ == "Center":
            center_id = obj.pk
    if center_id is None:
        return any(action in p for p in scope.perms_by_center.values())
    return action in scope.perms_at(center_id)


def centers_where(user: Any, action: str) -> set[int]:
    scope = scope_for(user)
    return {cid for cid, perms in scope.perms_by_center.items() if action in perms}
