"""Every write to accounts and memberships (CONVENTIONS.md §2): views, API, admin actions and the CLI
call these.

Membership changes at one center are serialised by locking the center row, so two admins demoting each
other at the same moment cannot leave a center without an administrator.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from auditlog.context import set_actor
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innohub.accounts.access import ALL, PLATFORM_ADMIN, can, forget_scope, scope_for
from innohub.accounts.models import Invitation, Membership, Role, User
from innohub.centers.models import Center
from innohub.core.errors import Forbidden, InvalidTransition, ValidationFailed
from innohub.core.validators import clean_field, validate_phone

INVITATION_VALID_FOR = timedelta(days=14)
CENTER_ADMIN = "center_admin"
# Languages the mail body is written in, whatever the inviter's UI language: Vietnamese first.
INVITATION_MAIL_LANGUAGES = ("vi", "en")


# --- roles a user may hand out -------------------------------------------------------------------


def grantable_roles(center: Center, actor: Any) -> list[Role]:
    """Roles `actor` may give at `center`: the system roles and the center's own, and never a role
    carrying a permission the actor does not hold there (no privilege escalation by invitation)."""
    scope = scope_for(actor)
    roles = Role.objects.filter(center__isnull=True) | Role.objects.filter(center=center)
    out: list[Role] = []
    held = scope.perms_at(center.pk)
    for role in roles.order_by("code"):
        perms = set(role.permissions or [])
        if scope.is_platform_admin or role.code != PLATFORM_ADMIN and ALL not in perms and perms <= held:
            out.append(role)
    return out


def _check_role_grantable(center: Center, actor: Any, role: Role) -> None:
    if role.center_id not in (None, center.pk):
        raise ValidationFailed(fields={"role": [_("This role belongs to another center.")]})
    if actor is not None and role.pk not in {r.pk for r in grantable_roles(center, actor)}:
        raise ValidationFailed(
            fields={"role": [_("You cannot give a role with more rights than your own.")]}, code="role"
        )


def _check_may_touch(center: Center, actor: Any, membership: Membership) -> None:
    """A center admin cannot demote or remove someone holding a role above their own."""
    if actor is not None and membership.role_id not in {r.pk for r in grantable_roles(center, actor)}:
        raise Forbidden(_("This member holds a role with more rights than your own."))


def _lock_center(center: Center) -> Center:
    return Center.objects.select_for_update().get(pk=center.pk)


def _other_admins(center: Center, exclude_pk: int) -> int:
    return (
        Membership.objects.filter(center=center, role__code=CENTER_ADMIN)
        .exclude(pk=exclude_pk)
        .values("user_id")
        .distinct()
        .count()
    )


def _keep_one_admin(membership: Membership) -> None:
    if membership.role.code == CENTER_ADMIN and _other_admins(membership.center, membership.pk) == 0:
        raise InvalidTransition(
            _("A center must keep at least one center administrator. Appoint another one first."),
            code="last_admin",
        )


# --- invitations ---------------------------------------------------------------------------------


def invitation_path(raw_token: str) -> str:
    """The accept page, in the default language (no language prefix)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("workspace:account-invitation", args=[raw_token])


def _invitation_mail(invitation: Invitation, raw_token: str, base_url: str) -> tuple[str, str]:
    link = base_url.rstrip("/") + invitation_path(raw_token)
    inviter = str(invitation.invited_by) if invitation.invited_by_id else "InnoHub"
    subjects: list[str] = []
    bodies: list[str] = []
    for lang in INVITATION_MAIL_LANGUAGES:
        with translation.override(lang):
            center_name = getattr(invitation.center, f"name_{lang}", None) or invitation.center.name
            role_name = getattr(invitation.role, f"name_{lang}", None) or invitation.role.name
            params = {
                "inviter": inviter,
                "center": center_name,
                "role": role_name,
                "link": link,
                "date": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y"),
            }
            subjects.append(_("Invitation to join %(center)s on InnoHub") % params)
            bodies.append(
                _(
                    "%(inviter)s invites you to join %(center)s on InnoHub as %(role)s.\n\n"
                    "Open this link to accept (sign up first with this email address if you have no "
                    "account yet):\n%(link)s\n\n"
                    "The invitation is valid until %(date)s. If you did not expect it, ignore this message."
                )
                % params
            )
    # Until a language's catalogue is compiled its text equals the English one: say it once.
    subject = " / ".join(dict.fromkeys(subjects))
    return subject, "\n\n----------\n\n".join(dict.fromkeys(bodies))


@transaction.atomic
def invite_member(
    center: Center, *, actor: Any, email: str, role: Role, base_url: str | None = None
) -> tuple[Invitation, str]:
    """Create an invitation and mail its link after commit. Returns (invitation, raw token); only the
    hash of the token is stored."""
    if not can(actor, "accounts.invite", center):
        raise Forbidden()
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise ValidationFailed(fields={"email": [_("Enter a valid email address.")]})
    _check_role_grantable(center, actor, role)
    _lock_center(center)
    if Membership.objects.filter(center=center, user__email__iexact=email, role=role).exists():
        raise ValidationFailed(
            fields={"email": [_("This person already has this role at this center.")]}, code="duplicate"
        )
    if Invitation.objects.filter(
        center=center,
        email__iexact=email,
        role=role,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ValidationFailed(
            fields={
                "email": [
                    _("An invitation to this address for this role is already pending. Revoke it first.")
                ]
            },
            code="duplicate",
        )
    raw = secrets.token_urlsafe(32)
    with set_actor(actor):
        invitation = Invitation.objects.create(
            email=email,
            center=center,
            role=role,
            invited_by=actor if getattr(actor, "pk", None) else None,
            token_hash=Invitation.hash_token(raw),
            expires_at=timezone.now() + INVITATION_VALID_FOR,
        )
    subject, body = _invitation_mail(
        invitation, raw, str(base_url or getattr(settings, "INNOHUB_BASE_URL", "http://localhost:8000"))
    )
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)
    )
    return invitation, raw


def find_invitation(raw_token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("center", "role", "invited_by")
        .filter(token_hash=Invitation.hash_token(raw_token or ""))
        .first()
    )


def invitation_problem(invitation: Invitation | None, user: Any) -> str | None:
    """Why `user` cannot accept this invitation (translated), or None if they can."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied the whole link.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired or was withdrawn. Ask the center for a new one.")
    if user is not None and (getattr(user, "email", "") or "").lower() != invitation.email.lower():
        return _("This invitation was sent to %(email)s. Sign in with that address to accept it.") % {
            "email": invitation.email
        }
    return None


@transaction.atomic
def accept_invitation(raw_token: str, *, user: User) -> Membership:
    found = find_invitation(raw_token)
    invitation = (
        Invitation.objects.select_for_update().select_related("center", "role").get(pk=found.pk)
        if found is not None
        else None
    )
    problem = invitation_problem(invitation, user)
    if problem is not None:
        raise InvalidTransition(problem, code="invitation")
    assert invitation is not None
    with set_actor(user):
        membership, _created = Membership.objects.get_or_create(
            user=user, center=invitation.center, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    forget_scope(user)
    return membership


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, actor: Any) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not can(actor, "accounts.invite", center_id=locked.center_id):
        raise Forbidden()
    if locked.accepted_at is not None:
        raise InvalidTransition(_("This invitation has already been accepted; remove the member instead."))
    if locked.expires_at <= timezone.now():
        raise InvalidTransition(_("This invitation is no longer open."))
    with set_actor(actor):
        locked.expires_at = timezone.now()
        locked.save(update_fields=["expires_at", "updated_at"])
    return locked


# --- memberships ---------------------------------------------------------------------------------


@transaction.atomic
def change_member_role(membership: Membership, *, actor: Any, role: Role) -> Membership:
    if not can(actor, "accounts.manage_members", center_id=membership.center_id):
        raise Forbidden()
    center = _lock_center(membership.center)
    locked = Membership.objects.select_for_update().select_related("role", "center").get(pk=membership.pk)
    if locked.role_id == role.pk:
        return locked
    _check_may_touch(center, actor, locked)
    _check_role_grantable(center, actor, role)
    if locked.role.code == CENTER_ADMIN and role.code != CENTER_ADMIN:
        _keep_one_admin(locked)
    if Membership.objects.filter(user_id=locked.user_id, center=center, role=role).exists():
        raise ValidationFailed(fields={"role": [_("This person already has this role at this center.")]})
    try:
        with transaction.atomic(), set_actor(actor):
            locked.role = role
            locked.version = F("version") + 1
            locked.save(update_fields=["role", "version", "updated_at"])
    except IntegrityError:
        raise ValidationFailed(
            fields={"role": [_("This person already has this role at this center.")]}
        ) from None
    locked.refresh_from_db()
    forget_scope(locked.user)
    return locked


@transaction.atomic
def remove_member(membership: Membership, *, actor: Any) -> None:
    if not can(actor, "accounts.manage_members", center_id=membership.center_id):
        raise Forbidden()
    center = _lock_center(membership.center)
    locked = (
        Membership.objects.select_for_update().select_related("role", "center", "user").get(pk=membership.pk)
    )
    _check_may_touch(center, actor, locked)
    _keep_one_admin(locked)
    with set_actor(actor):
        locked.delete()
    forget_scope(locked.user)


@transaction.atomic
def leave_center(membership: Membership, *, actor: Any) -> None:
    if getattr(actor, "pk", None) != membership.user_id:
        raise Forbidden()
    _lock_center(membership.center)
    locked = Membership.objects.select_for_update().select_related("role", "center").get(pk=membership.pk)
    _keep_one_admin(locked)
    with set_actor(actor):
        locked.delete()
    forget_scope(actor)


# --- profile -------------------------------------------------------------------------------------


@transaction.atomic
def update_profile(
    user: User, *, actor: Any, full_name: str, phone: str = "", preferred_language: str = "vi"
) -> User:
    if getattr(actor, "pk", None) != user.pk and not scope_for(actor).is_platform_admin:
        raise Forbidden()
    errors: dict[str, list[str]] = {}
    full_name = (full_name or "").strip()
    if len(full_name) > 255:
        errors["full_name"] = [_("The name is too long (at most 255 characters).")]
    phone_fields = {"phone": (phone or "").strip()}
    clean_field(phone_fields, "phone", validate_phone, errors)
    phone = phone_fields["phone"]
    if preferred_language not in dict(settings.LANGUAGES):
        errors["preferred_language"] = [_("Choose one of the offered languages.")]
    if errors:
        raise ValidationFailed(fields=errors)
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.full_name = full_name
    locked.phone = phone
    locked.preferred_language = preferred_language
    with set_actor(actor):
        locked.save(update_fields=["full_name", "phone", "preferred_language"])
    user.full_name, user.phone, user.preferred_language = full_name, phone, preferred_language
    return user


# --- sign-in lockout -------------------------------------------------------------------------------


def unlock_after_password_reset(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """A password reset proves control of the mailbox, so it lifts a django-axes lockout on that
    address (connected to allauth's `password_reset` signal)."""
    from axes.utils import reset

    email = user.email if user is not None else ""
    if email:
        reset(username=email)
