"""Workspace pages of the center network: the tree a user works in, opening a center below one,
editing a center (and moving it), deactivating one.

Who sees what comes from accounts.access: the tree shows the centers where the user holds
"centers.view" (staff roles hold it for their center and the centers below; platform administrators
see the whole network). Changes need "centers.change" (center administrators), checked again by
centers.services inside the transaction. Centers are public, so a center the user may not act on is a
403 page, not a 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innohub.accounts.access import can, centers_where, scope_for
from innohub.accounts.models import Membership
from innohub.accounts.web import apply_domain_error, error_status, forbidden
from innohub.centers import services
from innohub.centers.forms import CenterForm
from innohub.centers.models import Center
from innohub.core.errors import Conflict, DomainError
from innohub.core.text import fold
from innohub.directory.models import Organisation

VIEW = "centers.view"
CHANGE = "centers.change"


# --- lookups -------------------------------------------------------------------------------------


def _managed_ids(user: Any) -> set[int] | None:
    """Ids of the centers `user` works in (None: every center, for a platform administrator)."""
    if scope_for(user).is_platform_admin:
        return None
    return centers_where(user, VIEW)


def _center(slug: str) -> Center:
    center = Center.objects.select_related("parent", "province").filter(slug=slug).first()
    if center is None:
        raise Http404
    return center


# --- the tree ------------------------------------------------------------------------------------


@dataclass
class Node:
    center: Center
    depth: int
    organisations: int = 0
    organisations_below: int = 0
    members: int = 0
    active_children: int = 0
    may_change: bool = False
    may_deactivate: bool = False
    may_view_members: bool = False
    children: list[Node] = field(default_factory=list)


def network_of(user: Any, *, include_inactive: bool) -> tuple[list[Node], int]:
    """The centers `user` works in as a depth-first list (siblings by name), with per-center counts and
    what the user may do on each row; and how many inactive centers were left out.

    A fixed number of queries whatever the size of the network: the centers, organisations per center,
    members per center. Permissions come from the user's cached scope.
    """
    managed = _managed_ids(user)
    qs = Center.objects.select_related("province").order_by("path")
    if managed is not None:
        qs = qs.filter(pk__in=sorted(managed))
    centers = list(qs)
    ids = [c.pk for c in centers]
    # order_by(): a model's default ordering would otherwise join the GROUP BY (one group per name).
    org_counts: dict[int, int] = dict(
        Organisation.objects.filter(center_id__in=ids)
        .order_by()
        .values("center_id")
        .annotate(n=Count("id"))
        .values_list("center_id", "n")
    )
    member_counts: dict[int, int] = dict(
        Membership.objects.filter(center_id__in=ids)
        .order_by()
        .values("center_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("center_id", "n")
    )
    nodes = {c.pk: Node(center=c, depth=0) for c in centers}
    children: dict[int | None, list[Node]] = defaultdict(list)
    for node in nodes.values():
        c = node.center
        node.organisations = org_counts.get(c.pk, 0)
        node.members = member_counts.get(c.pk, 0)
        node.may_change = can(user, CHANGE, center_id=c.pk)
        node.may_view_members = can(user, "accounts.view_members", center_id=c.pk)
        parent_key = c.parent_id if c.parent_id in nodes else None
        children[parent_key].append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (fold(str(n.center.name)), n.center.pk))

    out: list[Node] = []
    hidden = 0

    def walk(node: Node, depth: int) -> int:
        """Depth-first; returns the organisations of the node's subtree (the network aggregate)."""
        nonlocal hidden
        node.depth = depth
        node.children = children.get(node.center.pk, [])
        node.active_children = sum(1 for child in node.children if child.center.is_active)
        node.may_deactivate = (
            node.center.is_active
            and node.active_children == 0
            and services.may_deactivate_center(user, node.center)
        )
        if node.center.is_active or include_inactive:
            out.append(node)
        else:
            hidden += 1
        total = node.organisations
        for child in node.children:
            total += walk(child, depth + 1)
        node.organisations_below = total
        return total

    for root in children.get(None, []):
        walk(root, 0)
    return out, hidden


@login_required
def center_list(request: HttpRequest) -> HttpResponse:
    managed = _managed_ids(request.user)
    if managed is not None and not managed:
        return forbidden(request, _("Only the staff of a center see its network here."))
    include_inactive = request.GET.get("inactive") == "1"
    nodes, hidden = network_of(request.user, include_inactive=include_inactive)
    context = {"nodes": nodes, "hidden_inactive": hidden, "include_inactive": include_inactive}
    return render(request, "centers/center_list.html", context)


# --- open, edit, deactivate ----------------------------------------------------------------------


@login_required
def center_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Open a center below `slug`."""
    parent = _center(slug)
    if not services.may_open_center_below(request.user, parent):
        return forbidden(
            request,
            _("Only the administrators of “%(name)s” can open centers below it.") % {"name": parent.name},
        )
    if not parent.is_active:
        return forbidden(request, _("Centers cannot be opened below an inactive center."))
    status = 200
    if request.method == "POST":
        form = CenterForm(request.POST)
        if form.is_valid():
            try:
                center = services.create_center(actor=request.user, parent=parent, **form.service_fields())
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(request, _("“%(name)s” was opened.") % {"name": center.name})
                return redirect("workspace:centers-list")
    else:
        form = CenterForm(initial={"kind": _default_kind(parent), "province": parent.province_id})
    return render(
        request,
        "centers/center_form.html",
        {"form": form, "parent": parent, "creating": True},
        status=status,
    )


def _default_kind(parent: Center) -> str:
    return {"national": "regional", "regional": "provincial"}.get(parent.kind, "university")


def _new_parent_choices(user: Any, center: Center) -> list[Center]:
    """Active centers where `user` may open centers, outside `center`'s own subtree."""
    qs = Center.objects.filter(is_active=True).exclude(path__startswith=center.path).order_by("path")
    if not scope_for(user).is_platform_admin:
        qs = qs.filter(pk__in=sorted(centers_where(user, CHANGE)))
    return list(qs)


@login_required
def center_edit(request: HttpRequest, slug: str) -> HttpResponse:
    center = _center(slug)
    if not services.may_change_center(request.user, center):
        return forbidden(
            request, _("Only the administrators of “%(name)s” can change it.") % {"name": center.name}
        )
    form_kwargs: dict[str, Any] = {
        "editing": True,
        "parents": _new_parent_choices(request.user, center),
        "may_be_root": scope_for(request.user).is_platform_admin,
    }
    status = 200
    conflict: str | None = None
    if request.method == "POST":
        form = CenterForm(request.POST, instance=center, **form_kwargs)
        if form.is_valid():
            try:
                center = services.update_center(
                    center,
                    actor=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_fields(),
                )
            except Conflict as exc:
                conflict = str(exc.message)
                status = error_status(exc)
                # Keep what the user typed, now carrying the current version: saving again after a
                # look at the current record is a deliberate, not a silent, overwrite.
                current = _center(slug)
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = CenterForm(data, instance=current, **form_kwargs)
                form.is_valid()
                center = current
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(request, _("Your changes to “%(name)s” were saved.") % {"name": center.name})
                return redirect("workspace:centers-list")
    else:
        form = CenterForm(instance=center, **form_kwargs)
    context = {
        "form": form,
        "center": center,
        "parent": center.parent,
        "creating": False,
        "conflict": conflict,
        "may_deactivate": center.is_active and services.may_deactivate_center(request.user, center),
    }
    return render(request, "centers/center_form.html", context, status=status)


@login_required
@require_POST
def center_deactivate(request: HttpRequest, slug: str) -> HttpResponse:
    center = _center(slug)
    if not services.may_deactivate_center(request.user, center):
        return forbidden(
            request,
            _("Only the administrators of the center above “%(name)s” can deactivate it.")
            % {"name": center.name},
        )
    version = request.POST.get("version")
    try:
        services.deactivate_center(
            center,
            actor=request.user,
            expected_version=int(version) if version and version.isdigit() else None,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("“%(name)s” was deactivated. Its records and history are kept.") % {"name": center.name},
        )
    return redirect("workspace:centers-list")
