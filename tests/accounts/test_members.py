"""Center members: role changes and removals keep at least one administrator; profile and leaving."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innohub.accounts import services
from innohub.accounts.models import Membership, Role
from innohub.core.errors import Forbidden, InvalidTransition
from tests.workspace.i18n import tr

pytestmark = pytest.mark.django_db


def _role(code):
    return Role.objects.get(code=code, center=None)


def _membership(user, center):
    return Membership.objects.select_related("role", "center").get(user=user, center=center)


def test_last_admin_cannot_be_demoted_but_one_of_two_can(client, network, make_member):
    hanoi = network["hanoi"]
    admin = make_member(hanoi, "center_admin")
    client.force_login(admin)
    own = _membership(admin, hanoi)
    url = reverse("workspace:account-member-role", args=[own.uuid])
    response = client.post(url, {f"m{own.pk}-role": _role("center_staff").pk}, follow=True)
    assert (
        tr("A center must keep at least one center administrator. Appoint another one first.")
        in response.content.decode()
    )
    assert _membership(admin, hanoi).role.code == "center_admin"

    second = make_member(hanoi, "center_admin")
    response = client.post(url, {f"m{own.pk}-role": _role("center_staff").pk}, follow=True)
    assert response.status_code == 200
    assert _membership(admin, hanoi).role.code == "center_staff"
    # Now `second` is the only admin: removing them is refused.
    with pytest.raises(InvalidTransition):
        services.remove_member(_membership(second, hanoi), actor=second)


def test_admin_changes_a_members_role_and_it_takes_effect(client, network, make_member):
    hanoi = network["hanoi"]
    admin = make_member(hanoi, "center_admin")
    mentor = make_member(hanoi, "mentor")
    m = _membership(mentor, hanoi)
    client.force_login(admin)
    client.post(
        reverse("workspace:account-member-role", args=[m.uuid]), {f"m{m.pk}-role": _role("center_staff").pk}
    )
    assert _membership(mentor, hanoi).role.code == "center_staff"
    client.post(reverse("workspace:account-member-remove", args=[m.uuid]))
    assert not Membership.objects.filter(user=mentor).exists()


def test_staff_cannot_change_roles(client, network, make_member):
    hanoi = network["hanoi"]
    staff = make_member(hanoi, "center_staff")
    mentor = make_member(hanoi, "mentor")
    m = _membership(mentor, hanoi)
    client.force_login(staff)
    response = client.post(
        reverse("workspace:account-member-role", args=[m.uuid]), {f"m{m.pk}-role": _role("center_admin").pk}
    )
    assert response.status_code == 403
    assert tr("Only the administrators of this center can change roles.") in response.content.decode()
    assert client.post(reverse("workspace:account-member-remove", args=[m.uuid])).status_code == 403
    assert _membership(mentor, hanoi).role.code == "mentor"


def test_members_page_of_a_center_i_do_not_belong_to_is_404(client, network, make_member):
    other = make_member(network["haiphong"], "mentor")
    m = _membership(other, network["haiphong"])
    client.force_login(make_member(network["hanoi"], "center_admin"))
    assert client.post(reverse("workspace:account-member-remove", args=[m.uuid])).status_code == 404
    assert client.get(reverse("workspace:account-center-members", args=["no-such-center"])).status_code == 404


def test_regional_admin_manages_members_of_centers_below(client, network, make_member):
    make_member(network["regional"], "center_admin")
    regional_admin = make_member(network["regional"], "center_admin")
    client.force_login(regional_admin)
    response = client.get(reverse("workspace:account-center-members", args=[network["hanoi"].slug]))
    assert response.status_code == 200
    assert tr("Send invitation") in response.content.decode()


def test_admin_cannot_demote_someone_above_them(network, make_member):
    hanoi = network["hanoi"]
    admin = make_member(hanoi, "center_admin")
    operator = make_member(hanoi, "platform_admin")
    with pytest.raises(Forbidden):
        services.remove_member(_membership(operator, hanoi), actor=admin)


def test_leave_center(client, network, make_member):
    hanoi = network["hanoi"]
    mentor = make_member(hanoi, "mentor")
    client.force_login(mentor)
    page = client.get(reverse("workspace:account-memberships"))
    assert hanoi.name in page.content.decode()
    m = _membership(mentor, hanoi)
    response = client.post(reverse("workspace:account-membership-leave", args=[m.uuid]), follow=True)
    assert (
        tr("You left %(center)s (%(role)s).", center=hanoi.name, role=m.role.name)
        in response.content.decode()
    )
    assert not Membership.objects.filter(user=mentor).exists()


def test_last_admin_cannot_leave(network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    with pytest.raises(InvalidTransition):
        services.leave_center(_membership(admin, network["hanoi"]), actor=admin)


def test_cannot_leave_for_someone_else(client, network, make_member):
    mentor = make_member(network["hanoi"], "mentor")
    other = make_member(network["hanoi"], "mentor")
    client.force_login(other)
    m = _membership(mentor, network["hanoi"])
    assert client.post(reverse("workspace:account-membership-leave", args=[m.uuid])).status_code == 404
    assert Membership.objects.filter(user=mentor).exists()


def test_profile_update_and_phone_error(client, make_member, network):
    user = make_member(network["hanoi"], "mentor")
    client.force_login(user)
    url = reverse("workspace:account-profile")
    response = client.post(
        url, {"full_name": "Trần Thị Mai", "phone": "+84 912 345 678", "preferred_language": "en"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.preferred_language) == ("Trần Thị Mai", "+84 912 345 678", "en")
    response = client.post(url, {"full_name": "X", "phone": "call me maybe", "preferred_language": "vi"})
    assert response.status_code == 200
    assert 'id="id_phone_error"' in response.content.decode()
    user.refresh_from_db()
    assert user.full_name == "Trần Thị Mai"


def test_membership_changes_are_audited_with_actor(network, make_member):
    from auditlog.models import LogEntry

    hanoi = network["hanoi"]
    admin = make_member(hanoi, "center_admin")
    mentor = make_member(hanoi, "mentor")
    m = _membership(mentor, hanoi)
    services.change_member_role(m, actor=admin, role=_role("reviewer"))
    entry = LogEntry.objects.get_for_object(m).order_by("-timestamp").first()
    assert entry.actor == admin
    assert "role" in entry.changes_dict
