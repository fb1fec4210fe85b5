"""Claiming an organisation's profile: the user asks, center staff decide, the owner can then edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innohub.directory.models import ClaimRequest, OrganisationMember
from tests.factories import OrganisationFactory
from tests.workspace.i18n import tr

pytestmark = pytest.mark.django_db


def test_claim_approve_then_owner_edits(client, network, make_member):
    org = OrganisationFactory(center=network["hanoi"], visibility="public", name="Công ty Mây Xanh")
    founder = make_member(network["haiphong"], "startup_member")
    staff = make_member(network["hanoi"], "center_staff")

    client.force_login(founder)
    edit_url = reverse("workspace:directory-organisation-edit", args=[org.slug])
    assert client.get(edit_url).status_code == 403
    response = client.post(
        reverse("workspace:directory-claim", args=[org.slug]), {"message": "Tôi là nhà sáng lập"}, follow=True
    )
    sent = "Your request to manage “%(name)s” was sent to its center. You will see the answer here."
    assert tr(sent, name=org.name) in response.content.decode()
    claim = ClaimRequest.objects.get(organisation=org, user=founder)
    assert claim.status == ClaimRequest.Status.PENDING

    client.force_login(staff)
    claims_page = client.get(reverse("workspace:directory-claims")).content.decode()
    assert "Công ty Mây Xanh" in claims_page and "Tôi là nhà sáng lập" in claims_page
    assert "Công ty Mây Xanh" in client.get(reverse("workspace:home")).content.decode()
    response = client.post(
        reverse("workspace:directory-claim-decide", args=[claim.uuid]), {"decision": "approve"}, follow=True
    )
    assert (
        tr("%(user)s now manages “%(name)s”.", user=str(founder), name=org.name) in response.content.decode()
    )
    assert OrganisationMember.objects.filter(organisation=org, user=founder, role="owner").exists()

    client.force_login(founder)
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url,
        {
            "kind": "startup",
            "name_vi": "Công ty Mây Xanh Mới",
            "visibility": "public",
            "version": org.version,
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name_vi == "Công ty Mây Xanh Mới"
    # Owners read the change history too.
    assert client.get(reverse("workspace:directory-organisation-history", args=[org.slug])).status_code == 200


def test_claim_decided_twice_is_an_error(client, network, make_member):
    org = OrganisationFactory(center=network["hanoi"], visibility="public")
    founder = make_member(network["hanoi"], "startup_member")
    staff = make_member(network["hanoi"], "center_staff")
    claim = ClaimRequest.objects.create(organisation=org, user=founder)
    client.force_login(staff)
    url = reverse("workspace:directory-claim-decide", args=[claim.uuid])
    client.post(url, {"decision": "reject", "note": "Không đủ bằng chứng"})
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert tr("This claim has already been decided.") in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimRequest.Status.REJECTED
    assert not OrganisationMember.objects.filter(organisation=org).exists()


def test_second_pending_claim_is_refused_with_message(client, network, make_member):
    org = OrganisationFactory(center=network["hanoi"], visibility="public")
    user = make_member(network["hanoi"], "startup_member")
    client.force_login(user)
    url = reverse("workspace:directory-claim", args=[org.slug])
    client.post(url)
    response = client.post(url, follow=True)
    already = "You have already asked to manage this organisation; staff will answer soon."
    assert tr(already) in response.content.decode()
    assert ClaimRequest.objects.filter(organisation=org).count() == 1


def test_staff_of_another_center_cannot_decide(client, network, make_member):
    org = OrganisationFactory(center=network["hanoi"], visibility="public")
    claim = ClaimRequest.objects.create(
        organisation=org, user=make_member(network["hanoi"], "startup_member")
    )
    client.force_login(make_member(network["haiphong"], "center_staff"))
    response = client.post(
        reverse("workspace:directory-claim-decide", args=[claim.uuid]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert "Công ty" not in client.get(reverse("workspace:directory-claims")).content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimRequest.Status.PENDING


def test_claims_page_is_for_staff_only(client, network, make_member):
    client.force_login(make_member(network["hanoi"], "mentor"))
    assert client.get(reverse("workspace:directory-claims")).status_code == 403
