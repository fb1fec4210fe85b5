"""The workspace dashboard: what a signed-in user needs first each day.

My centers and roles, my organisations, claims waiting for my decision, recent changes I may see and
quick links. Every block is one query whatever the number of rows.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from innohub.accounts.access import centers_where, scope_for
from innohub.accounts.models import Membership
from innohub.directory.models import ClaimRequest, Organisation, OrganisationMember

RECENT_CHANGES = 10


def pending_claims_for(user: Any):  # type: ignore[no-untyped-def]
    """Pending profile claims the user may decide (staff of the organisation's center)."""
    qs = ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING)
    if not scope_for(user).is_platform_admin:
        qs = qs.filter(organisation__center_id__in=sorted(centers_where(user, "directory.approve_claim")))
    return qs.select_related("organisation", "organisation__center", "user").order_by("created_at")


def recent_changes_for(user: Any, limit: int = RECENT_CHANGES) -> list[LogEntry]:
    """Latest directory changes: everything in the centers whose history the user may read, plus the
    user's own edits."""
    org_type = ContentType.objects.get_for_model(Organisation)
    cond = Q(actor=user)
    scope = scope_for(user)
    if scope.is_platform_admin:
        cond |= Q(content_type=org_type)
    else:
        history_centers = sorted(centers_where(user, "directory.view_history"))
        if history_centers:
            org_ids = Organisation.objects.filter(center_id__in=history_centers).values("pk")
            cond |= Q(content_type=org_type, object_id__in=org_ids)
    return list(
        LogEntry.objects.filter(cond).select_related("actor", "content_type").order_by("-timestamp")[:limit]
    )


#: organisations listed on the dashboard; the rest are counted and left to the directory list
MY_ORGANISATIONS_SHOWN = 10


@login_required
def workspace_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_memberships = list(
        Membership.objects.filter(user=user)  # type: ignore[misc]
        .select_related("center", "role")
        .order_by("center__name", "role__code")
    )
    member_roles = dict(
        OrganisationMember.objects.filter(user=user).values_list("organisation_id", "role")  # type: ignore[misc]
    )
    mine = Organisation.objects.filter(Q(pk__in=list(member_roles)) | Q(created_by=user))  # type: ignore[misc]
    my_orgs = list(mine.select_related("center").order_by("name")[: MY_ORGANISATIONS_SHOWN + 1])
    # Staff who entered hundreds of records get the first few and the number, not a page of buttons.
    my_orgs_total = mine.count() if len(my_orgs) > MY_ORGANISATIONS_SHOWN else len(my_orgs)
    my_orgs = my_orgs[:MY_ORGANISATIONS_SHOWN]
    for org in my_orgs:
        org.my_role = member_roles.get(org.pk)  # type: ignore[attr-defined]
    claims = list(pending_claims_for(user)[:10])
    my_claims = list(
        ClaimRequest.objects.filter(user=user)  # type: ignore[misc]
        .select_related("organisation")
        .order_by("-created_at")[:5]
    )
    admin_centers = {
        m.center.pk: m.center
        for m in my_memberships
        if "accounts.view_members" in set(m.role.permissions or []) or "*" in (m.role.permissions or [])
    }
    context = {
        "memberships": my_memberships,
        "organisations": my_orgs,
        "organisations_total": my_orgs_total,
        "claims": claims,
        "my_claims": my_claims,
        "changes": recent_changes_for(user),
        "admin_centers": list(admin_centers.values()),
        "can_add": scope_for(user).is_platform_admin or bool(centers_where(user, "directory.add")),
    }
    return render(request, "accounts/dashboard.html", context)
