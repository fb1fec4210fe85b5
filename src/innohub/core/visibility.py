"""Visibility enforced in the ORM: `Model.objects.visible_to(user)`.

Rules (ARCHITECTURE.md): public → everyone; network → members of any center; center → members of
the owner center (and staff of the centers above it); private → the creator and named people.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from innohub.core.models import Visibility

M = TypeVar("M", bound=models.Model)


class VisibleQuerySet(models.QuerySet[M]):
    #: name of the M2M to users who may see a private record, if the model has one
    shared_with_field: str | None = "shared_with"

    def visible_to(self, user: Any) -> VisibleQuerySet[M]:
        from innohub.accounts.access import scope_for

        scope = scope_for(user)
        if scope.is_platform_admin:
            return self.all()
        cond = Q(visibility=Visibility.PUBLIC)
        if not getattr(user, "is_authenticated", False):
            return self.filter(cond)
        if scope.is_network_member:
            cond |= Q(visibility=Visibility.NETWORK)
        if scope.center_ids:
            cond |= Q(center_id__in=sorted(scope.center_ids)) & ~Q(visibility=Visibility.PRIVATE)
        cond |= Q(created_by=user)
        if self.shared_with_field:
            private = self.filter(**{self.shared_with_field: user}).values("pk")
            cond |= Q(pk__in=private)
        return self.filter(cond)

    def public(self) -> VisibleQuerySet[M]:
        return self.filter(visibility=Visibility.PUBLIC)
