"""Shared reads of the directory: visibility, filters, search and eager loading decided once here."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch, QuerySet

from innohub.core.errors import NotFound
from innohub.core.search import text_search
from innohub.directory.filters import DirectoryFilters
from innohub.directory.models import Organisation, OrganisationRelation, Person, Tag


def organisations_for(user: Any, filters: DirectoryFilters | None = None) -> QuerySet[Organisation]:
    """Organisations `user` may see, filtered and (with a query) ordered by relevance."""
    filters = filters or DirectoryFilters()
    qs = Organisation.objects.visible_to(user)
    qs = filters.apply_structured(qs)
    qs = qs.select_related("province", "stage", "center").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug"))
    )
    if filters.q:
        return text_search(qs, filters.q)
    return qs.order_by("name", "pk")


def people_for(user: Any, filters: DirectoryFilters | None = None) -> QuerySet[Person]:
    filters = filters or DirectoryFilters()
    qs = Person.objects.visible_to(user)
    qs = filters.apply_structured(qs, is_org=False)
    qs = qs.select_related("organisation", "province", "country", "center")
    if filters.q:
        return text_search(qs, filters.q)
    return qs.order_by("full_name", "pk")


def _lookup(value: str) -> dict[str, Any]:
    try:
        return {"uuid": uuid.UUID(str(value))}
    except ValueError:
        return {"slug": value}


def get_organisation_for(user: Any, key: str) -> Organisation:
    """By slug or UUID; a record the user may not see is the same 404 as a missing one."""
    obj = (
        Organisation.objects.visible_to(user)
        .select_related(
            "province", "legacy_province", "stage", "center", "country", "readiness_level", "commune"
        )
        .prefetch_related("sectors", "science_fields", "tags")
        .filter(**_lookup(key))
        .first()
    )
    if obj is None:
        raise NotFound()
    return obj


def get_person_for(user: Any, key: str) -> Person:
    obj = (
        Person.objects.visible_to(user)
        .select_related("organisation", "province", "country", "center")
        .prefetch_related("sectors", "science_fields", "tags")
        .filter(**_lookup(key))
        .first()
    )
    if obj is None:
        raise NotFound()
    return obj


def relations_of(user: Any, org: Organisation) -> list[OrganisationRelation]:
    """Relations in both directions, only to organisations the user may see."""
    visible = Organisation.objects.visible_to(user).values("pk")
    out = OrganisationRelation.objects.filter(source=org, target__in=visible).select_related("target")
    inc = OrganisationRelation.objects.filter(target=org, source__in=visible).select_related("source")
    return list(out) + list(inc)
