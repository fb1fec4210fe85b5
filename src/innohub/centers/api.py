"""/api/v1/centers: the network of support centers (national → regional → provincial / partner).

Anyone may read the active centers (they are the public face of the network). Writes need the
"centers.change" permission: at the parent to open or close a center, at the center itself to edit it
(center administrators hold it for their center and the centers below). A root center can only be
opened or closed by a platform administrator. DELETE deactivates: records and history keep pointing
at the center.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from innohub.accounts.access import can, centers_where, scope_for
from innohub.centers import services
from innohub.centers.models import Center
from innohub.centers.schemas import CenterDetailOut, CenterIn, CenterOut, CenterPatch
from innohub.core.api.auth import READ_AUTH, WRITE_AUTH, api_user
from innohub.core.api.errors import errors
from innohub.core.api.pagination import PageParams, page_of, paginate
from innohub.core.errors import NotFound, ValidationFailed
from innohub.taxonomy.models import Province

router = Router(tags=["centers"])

CenterPage = page_of(CenterOut, "CenterPage")


class CenterFilterParams(Schema):
    kind: list[str] | None = Field(None, description="Center kinds; repeat or separate with commas.")
    province: str | None = Field(None, description="Province code.")
    parent: str | None = Field(None, description="Slug of a center: only the centers directly below it.")
    within: str | None = Field(None, description="Slug of a center: it and every center below it.")
    include_inactive: bool = Field(
        False, description="Also the inactive centers where the caller is staff (centers.view)."
    )


def _may_see_inactive(user: Any, center: Center | None = None) -> bool:
    """Staff see the inactive centers of the part of the network they work in (their centers and the
    centers below); nobody else does."""
    return bool(getattr(user, "is_authenticated", False) and can(user, "centers.view", center))


def _centers(user: Any, *, include_inactive: bool = False) -> QuerySet[Center]:
    qs = Center.objects.select_related("parent", "province")
    if not (include_inactive and _may_see_inactive(user)):
        return qs.filter(is_active=True)
    if scope_for(user).is_platform_admin:
        return qs
    return qs.filter(Q(is_active=True) | Q(pk__in=sorted(centers_where(user, "centers.view"))))


def _get_center(user: Any, slug: str) -> Center:
    center = (
        Center.objects.select_related("parent", "province")
        .prefetch_related(Prefetch("children", queryset=Center.objects.order_by("path")))
        .filter(slug=slug)
        .first()
    )
    if center is None or (not center.is_active and not _may_see_inactive(user, center)):
        raise NotFound()
    return center


def _province(code: str | None) -> Province | None:
    if not code:
        return None
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise ValidationFailed(fields={"province": [_("Unknown code: %(code)s.") % {"code": code}]})
    return province


def _parent(slug: str | None) -> Center | None:
    if not slug:
        return None
    parent = Center.objects.filter(slug=slug, is_active=True).first()
    if parent is None:
        raise ValidationFailed(fields={"parent": [_("Unknown center: %(slug)s.") % {"slug": slug}]})
    return parent


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


@router.get(
    "", response={200: CenterPage, **errors(401, 422)}, auth=READ_AUTH, summary="List centers (tree order)"
)
def list_centers(
    request: HttpRequest, filters: Query[CenterFilterParams], paging: Query[PageParams]
) -> dict[str, Any]:
    user = api_user(request)
    qs = _centers(user, include_inactive=filters.include_inactive)
    if kinds := _split(filters.kind):
        qs = qs.filter(kind__in=kinds)
    if filters.province:
        qs = qs.filter(province__code=filters.province)
    if filters.parent:
        qs = qs.filter(parent__slug=filters.parent)
    if filters.within:
        root = Center.objects.filter(slug=filters.within).first()
        qs = qs.filter(path__startswith=root.path) if root is not None else qs.none()
    return paginate(request, qs.order_by("path"), paging)


@router.get(
    "/{slug}", response={200: CenterDetailOut, **errors(401, 404)}, auth=READ_AUTH, summary="One center"
)
def get_center(request: HttpRequest, slug: str) -> Center:
    return _get_center(api_user(request), slug)


@router.post(
    "",
    response={201: CenterDetailOut, **errors(401, 403, 422)},
    auth=WRITE_AUTH,
    summary="Open a center below a parent",
)
def create_center(request: HttpRequest, payload: CenterIn) -> Status[Center]:
    user = api_user(request)
    parent = _parent(payload.parent)
    data = payload.dict(exclude_none=True, exclude={"parent", "province"})
    data["kind"] = payload.kind.value
    for key in ("name_en", "short_name", "description_vi", "description_en", "website", "email", "phone"):
        data.setdefault(key, "")
    center = services.create_center(actor=user, parent=parent, province=_province(payload.province), **data)
    return Status(201, _get_center(user, center.slug))


@router.patch(
    "/{slug}",
    response={200: CenterDetailOut, **errors(401, 403, 404, 409, 422)},
    auth=WRITE_AUTH,
    summary="Change a center (send the version you read)",
)
def update_center(request: HttpRequest, slug: str, payload: CenterPatch) -> Center:
    user = api_user(request)
    center = _get_center(user, slug)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key == "province":
            fields[key] = _province(value)
        elif key == "parent":
            fields[key] = _parent(value)
        elif key in ("kind", "slug", "name_vi"):
            if value is not None:
                fields[key] = value.value if hasattr(value, "value") else value
        else:
            fields[key] = value or ""
    center = services.update_center(center, actor=user, expected_version=version, **fields)
    return _get_center(user, center.slug)


@router.delete(
    "/{slug}",
    response={204: None, **errors(401, 403, 404, 409)},
    auth=WRITE_AUTH,
    summary="Deactivate a center",
)
def deactivate_center(request: HttpRequest, slug: str) -> Status[None]:
    user = api_user(request)
    services.deactivate_center(_get_center(user, slug), actor=user)
    return Status(204, None)
