import pytest

from innohub.directory.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _names(user):
    return set(Organisation.objects.visible_to(user).values_list("slug", flat=True))


def test_visibility_levels_per_role(network, make_member):
    hanoi, haiphong, national = network["hanoi"], network["haiphong"], network["national"]
    OrganisationFactory(center=hanoi, slug="pub", visibility="public")
    OrganisationFactory(center=hanoi, slug="net", visibility="network")
    OrganisationFactory(center=hanoi, slug="ctr", visibility="center")
    creator = UserFactory()
    OrganisationFactory(center=hanoi, slug="prv", visibility="private", created_by=creator)

    from django.contrib.auth.models import AnonymousUser

    assert _names(AnonymousUser()) == {"pub"}
    hanoi_staff = make_member(hanoi, "center_staff")
    assert _names(hanoi_staff) == {"pub", "net", "ctr"}
    haiphong_staff = make_member(haiphong, "center_staff")
    assert _names(haiphong_staff) == {"pub", "net"}
    national_staff = make_member(national, "center_staff")
    assert _names(national_staff) == {"pub", "net", "ctr"}, "national center sees the network below it"
    public_role = make_member(hanoi, "public")
    assert "net" not in _names(public_role)
    assert _names(creator) >= {"pub", "prv"}
