"""A center admin invites by email; the invitee accepts through the mailed link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from innohub.accounts import services
from innohub.accounts.access import can
from innohub.accounts.models import Invitation, Membership, Role
from innohub.core.errors import Forbidden, InvalidTransition, ValidationFailed
from tests.factories import UserFactory
from tests.workspace.i18n import tr

pytestmark = pytest.mark.django_db


def _role(code):
    return Role.objects.get(code=code, center=None)


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*invitations/[\w-]+/)", message.body).group(1)


def test_invite_mail_accept_creates_membership(
    client, network, make_member, django_capture_on_commit_callbacks
):
    hanoi = network["hanoi"]
    admin = make_member(hanoi, "center_admin")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workspace:account-center-invite", args=[hanoi.slug]),
            {"email": "Mai.Tran@Example.vn", "role": _role("center_staff").pk},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(center=hanoi)
    assert invitation.email == "mai.tran@example.vn"
    assert invitation.expires_at - timezone.now() > timedelta(days=13)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mai.tran@example.vn"]
    link = _link(message)
    raw = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == Invitation.hash_token(raw) and raw not in invitation.token_hash
    assert hanoi.name in message.body

    invitee = UserFactory(email="mai.tran@example.vn")
    client.force_login(invitee)
    page = client.get(link)
    assert page.status_code == 200
    assert tr("Accept the invitation") in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.filter(user=invitee, center=hanoi, role__code="center_staff").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.accepted_at is not None

    # The link is spent now.
    again = client.post(link)
    assert again.status_code == 409
    assert tr("This invitation has already been used.") in again.content.decode()


def test_accepting_refreshes_permissions_of_the_same_user_object(network, make_member):
    hanoi = network["hanoi"]
    admin = make_member(hanoi, "center_admin")
    _inv, raw = services.invite_member(hanoi, actor=admin, email="x@example.vn", role=_role("center_staff"))
    user = UserFactory(email="x@example.vn")
    assert not can(user, "directory.approve_claim", hanoi)
    services.accept_invitation(raw, user=user)
    assert can(user, "directory.approve_claim", hanoi)


def test_expired_invitation_gives_a_clear_message(client, network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    invitation, raw = services.invite_member(
        network["hanoi"], actor=admin, email="late@example.vn", role=_role("mentor")
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(UserFactory(email="late@example.vn"))
    url = reverse("workspace:account-invitation", args=[raw])
    body = client.get(url).content.decode()
    assert tr("This invitation has expired or was withdrawn. Ask the center for a new one.") in body
    assert tr("Accept the invitation") not in body
    assert client.post(url).status_code == 409
    assert not Membership.objects.filter(user__email="late@example.vn").exists()


def test_invitation_for_another_address_is_refused(network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    _inv, raw = services.invite_member(
        network["hanoi"], actor=admin, email="a@example.vn", role=_role("mentor")
    )
    with pytest.raises(InvalidTransition, match="a@example.vn"):
        services.accept_invitation(raw, user=UserFactory(email="b@example.vn"))


def test_unknown_token_is_404_with_message(client):
    client.force_login(UserFactory())
    response = client.get(reverse("workspace:account-invitation", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert (
        tr("This invitation link is not valid. Check that you copied the whole link.")
        in response.content.decode()
    )


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client, network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    _inv, raw = services.invite_member(
        network["hanoi"], actor=admin, email="n@example.vn", role=_role("mentor")
    )
    url = reverse("workspace:account-invitation", args=[raw])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"] and "next=" in response["Location"]


def test_staff_without_invite_right_gets_403_outsider_gets_404(client, network, make_member):
    hanoi = network["hanoi"]
    url = reverse("workspace:account-center-invite", args=[hanoi.slug])
    data = {"email": "z@example.vn", "role": _role("mentor").pk}
    client.force_login(make_member(hanoi, "center_staff"))
    assert client.get(reverse("workspace:account-center-members", args=[hanoi.slug])).status_code == 200
    assert client.post(url, data).status_code == 403
    client.force_login(make_member(network["haiphong"], "center_admin"))
    assert client.post(url, data).status_code == 404
    assert client.get(reverse("workspace:account-center-members", args=[hanoi.slug])).status_code == 404
    assert not Invitation.objects.exists()


def test_center_admin_cannot_hand_out_platform_admin(network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    with pytest.raises(ValidationFailed) as exc:
        services.invite_member(
            network["hanoi"], actor=admin, email="p@example.vn", role=_role("platform_admin")
        )
    assert "role" in exc.value.fields
    assert "platform_admin" not in {r.code for r in services.grantable_roles(network["hanoi"], admin)}


def test_role_of_another_center_is_refused(network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    foreign = Role.objects.create(code="jury", name="Jury", center=network["haiphong"], permissions=[])
    with pytest.raises(ValidationFailed):
        services.invite_member(network["hanoi"], actor=admin, email="j@example.vn", role=foreign)


def test_duplicate_pending_invitation_is_refused_on_the_email_field(client, network, make_member):
    hanoi = network["hanoi"]
    admin = make_member(hanoi, "center_admin")
    services.invite_member(hanoi, actor=admin, email="d@example.vn", role=_role("mentor"))
    client.force_login(admin)
    response = client.post(
        reverse("workspace:account-center-invite", args=[hanoi.slug]),
        {"email": "d@example.vn", "role": _role("mentor").pk},
    )
    assert response.status_code == 200
    assert (
        tr("An invitation to this address for this role is already pending. Revoke it first.")
        in response.content.decode()
    )
    assert Invitation.objects.count() == 1


def test_revoked_invitation_cannot_be_accepted(client, network, make_member):
    hanoi = network["hanoi"]
    admin = make_member(hanoi, "center_admin")
    invitation, raw = services.invite_member(hanoi, actor=admin, email="r@example.vn", role=_role("mentor"))
    client.force_login(admin)
    response = client.post(reverse("workspace:account-invitation-revoke", args=[invitation.uuid]))
    assert response.status_code == 302
    with pytest.raises(InvalidTransition):
        services.accept_invitation(raw, user=UserFactory(email="r@example.vn"))
    with pytest.raises(InvalidTransition):
        services.revoke_invitation(invitation, actor=admin)


def test_non_admin_cannot_invite_through_the_service(network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    with pytest.raises(Forbidden):
        services.invite_member(network["hanoi"], actor=staff, email="q@example.vn", role=_role("mentor"))


def test_invitation_is_audited_without_the_token(network, make_member):
    from auditlog.models import LogEntry

    admin = make_member(network["hanoi"], "center_admin")
    invitation, raw = services.invite_member(
        network["hanoi"], actor=admin, email="au@example.vn", role=_role("mentor")
    )
    entry = LogEntry.objects.get_for_object(invitation).get()
    assert entry.actor == admin
    assert "token_hash" not in entry.changes_dict
    assert raw not in str(entry.changes)
