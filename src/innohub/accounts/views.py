"""Account pages of the workspace: profile, my memberships, API tokens, center members and invitations.

Views are thin: parse a form, call a service, show the outcome. Records the user may not see are a
404 exactly like missing ones; visible records the user may not act on are a 403 page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innohub.accounts import services
from innohub.accounts.access import can
from innohub.accounts.forms import ApiTokenForm, InviteForm, MemberRoleForm, ProfileForm
from innohub.accounts.models import ApiToken, Invitation, Membership
from innohub.accounts.web import apply_domain_error, error_status, forbidden
from innohub.centers.models import Center
from innohub.core.errors import DomainError

MEMBER_PAGE_PERMS = ("accounts.view_members", "accounts.manage_members", "accounts.invite")


# --- profile and my memberships ------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.update_profile(user, actor=user, **form.cleaned_data)  # type: ignore[arg-type]
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("workspace:account-profile")
    else:
        form = ProfileForm(
            initial={
                "full_name": user.full_name,  # type: ignore[union-attr]
                "phone": user.phone,  # type: ignore[union-attr]
                "preferred_language": user.preferred_language,  # type: ignore[union-attr]
            }
        )
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def memberships(request: HttpRequest) -> HttpResponse:
    rows = (
        Membership.objects.filter(user=request.user)  # type: ignore[misc]
        .select_related("center", "role")
        .order_by("center__name", "role__code")
    )
    return render(request, "accounts/memberships.html", {"memberships": rows})


@login_required
@require_POST
def leave(request: HttpRequest, uuid: str) -> HttpResponse:
    membership = (
        Membership.objects.filter(uuid=uuid, user=request.user).select_related("center", "role").first()  # type: ignore[misc]
    )
    if membership is None:
        raise Http404
    try:
        services.leave_center(membership, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("You left %(center)s (%(role)s).") % {"center": membership.center, "role": membership.role},
        )
    return redirect("workspace:account-memberships")


# --- API tokens ----------------------------------------------------------------------------------


def _tokens_module() -> Any:
    """The API engineer's token services (create_api_token / revoke_api_token)."""
    from innohub.accounts import tokens

    return tokens


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    raw_token = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires_at"]
        expires_at = (
            timezone.make_aware(dt.datetime.combine(expires, dt.time(23, 59, 59))) if expires else None
        )
        if expires_at is not None and expires_at <= timezone.now():
            form.add_error("expires_at", _("The expiry date must be in the future."))
        else:
            try:
                _token, raw_token = _tokens_module().create_api_token(
                    request.user,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires_at=expires_at,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")  # type: ignore[misc]
    return render(
        request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "raw_token": raw_token}
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()  # type: ignore[misc]
    if token is None:
        raise Http404
    try:
        _tokens_module().revoke_api_token(token, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("workspace:account-tokens")


# --- center members and invitations --------------------------------------------------------------


def _center_for_members(user: Any, slug: str) -> Center:
    center = Center.objects.filter(slug=slug, is_active=True).first()
    if center is None or not any(can(user, perm, center) for perm in MEMBER_PAGE_PERMS):
        raise Http404
    return center


def _members_context(request: HttpRequest, center: Center, invite_form: InviteForm | None = None) -> dict:
    user = request.user
    roles = services.grantable_roles(center, user)
    rows = list(
        Membership.objects.filter(center=center)
        .select_related("user", "role")
        .order_by("user__full_name", "user__email", "role__code")
    )
    may_manage = can(user, "accounts.manage_members", center)
    may_invite = can(user, "accounts.invite", center)
    grantable = {r.pk for r in roles}
    for m in rows:
        m.role_form = (  # type: ignore[attr-defined]
            MemberRoleForm(initial={"role": m.role_id}, roles=roles, prefix=f"m{m.pk}")
            if may_manage and m.role_id in grantable
            else None
        )
    pending = (
        Invitation.objects.filter(center=center, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("role", "invited_by")
        .order_by("-created_at")
    )
    return {
        "center": center,
        "memberships": rows,
        "invitations": pending,
        "may_manage": may_manage,
        "may_invite": may_invite,
        "invite_form": invite_form or (InviteForm(roles=roles) if may_invite else None),
    }


@login_required
def center_members(request: HttpRequest, slug: str) -> HttpResponse:
    center = _center_for_members(request.user, slug)
    return render(request, "accounts/center_members.html", _members_context(request, center))


@login_required
@require_POST
def center_invite(request: HttpRequest, slug: str) -> HttpResponse:
    center = _center_for_members(request.user, slug)
    if not can(request.user, "accounts.invite", center):
        return forbidden(request, _("Only the administrators of this center can invite people."))
    form = InviteForm(request.POST, roles=services.grantable_roles(center, request.user))
    status = 200
    if form.is_valid():
        try:
            services.invite_member(
                center,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
            status = error_status(exc)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s. It is valid for 14 days.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("workspace:account-center-members", slug=center.slug)
    return render(
        request, "accounts/center_members.html", _members_context(request, center, form), status=status
    )


def _membership_for_admin(user: Any, uuid: str) -> Membership:
    membership = Membership.objects.filter(uuid=uuid).select_related("center", "role", "user").first()
    if membership is None or not any(can(user, perm, membership.center) for perm in MEMBER_PAGE_PERMS):
        raise Http404
    return membership


@login_required
@require_POST
def member_role(request: HttpRequest, uuid: str) -> HttpResponse:
    membership = _membership_for_admin(request.user, uuid)
    if not can(request.user, "accounts.manage_members", membership.center):
        return forbidden(request, _("Only the administrators of this center can change roles."))
    roles = services.grantable_roles(membership.center, request.user)
    form = MemberRoleForm(request.POST, roles=roles, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered roles."))
    else:
        try:
            services.change_member_role(membership, actor=request.user, role=form.cleaned_data["role"])
        except DomainError as exc:
            messages.error(request, " ".join([str(exc.message), *sum(exc.fields.values(), [])]))
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s.") % {"user": membership.user, "role": form.cleaned_data["role"]},
            )
    return redirect("workspace:account-center-members", slug=membership.center.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, uuid: str) -> HttpResponse:
    membership = _membership_for_admin(request.user, uuid)
    if not can(request.user, "accounts.manage_members", membership.center):
        return forbidden(request, _("Only the administrators of this center can remove members."))
    try:
        services.remove_member(membership, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(user)s no longer has the role %(role)s here.")
            % {"user": membership.user, "role": membership.role},
        )
    return redirect("workspace:account-center-members", slug=membership.center.slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, uuid: str) -> HttpResponse:
    invitation = Invitation.objects.filter(uuid=uuid).select_related("center").first()
    if invitation is None or not any(can(request.user, p, invitation.center) for p in MEMBER_PAGE_PERMS):
        raise Http404
    if not can(request.user, "accounts.invite", invitation.center):
        return forbidden(request, _("Only the administrators of this center can withdraw invitations."))
    try:
        services.revoke_invitation(invitation, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("workspace:account-center-members", slug=invitation.center.slug)


@login_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    problem = services.invitation_problem(invitation, request.user)
    status = 200 if invitation is not None else 404
    if request.method == "POST" and problem is None:
        try:
            membership = services.accept_invitation(token, user=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            problem, status = str(exc.message), error_status(exc)
        else:
            messages.success(
                request,
                _("Welcome to %(center)s. Your role: %(role)s.")
                % {"center": membership.center, "role": membership.role},
            )
            return redirect("workspace:home")
    elif problem is not None and invitation is not None:
        status = 409 if request.method == "POST" else 200
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "problem": problem},
        status=status,
    )
