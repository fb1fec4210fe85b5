"""The operators' admin (/ops/admin/): every registered model's pages open; only staff get in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innohub.accounts import services
from innohub.accounts.models import ApiToken, Invitation, Membership, Role, User
from innohub.accounts.tokens import create_api_token
from innohub.centers.models import Center
from innohub.directory.models import ClaimRequest, Organisation, OrganisationRelation, Person, Tag
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    User,
    Role,
    Membership,
    Invitation,
    ApiToken,
    Center,
    Organisation,
    Person,
    OrganisationRelation,
    ClaimRequest,
    Tag,
]


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("ops@example.vn", "Pass-word-123")


@pytest.fixture
def one_of_each(network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    a = OrganisationFactory(center=network["hanoi"])
    b = OrganisationFactory(center=network["hanoi"])
    OrganisationRelation.objects.create(source=a, target=b, kind="member_of")
    PersonFactory(center=network["hanoi"])
    ClaimRequest.objects.create(organisation=a, user=admin)
    Tag.objects.create(name="AI", slug="ai")
    services.invite_member(
        network["hanoi"], actor=admin, email="i@example.vn", role=Role.objects.get(code="mentor")
    )
    create_api_token(admin, actor=admin, name="script")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_change_and_add_pages_open(client, operator, one_of_each, model):
    client.force_login(operator)
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    assert client.get(reverse(f"{prefix}_changelist"), {"q": "a"}).status_code == 200
    assert client.get(reverse(f"{prefix}_change", args=[model.objects.first().pk])).status_code == 200
    add = client.get(reverse(f"{prefix}_add"))
    assert add.status_code in (200, 403)  # invitations, tokens and claims are not added by hand


def test_non_staff_cannot_open_admin(client, network):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_user_admin_creates_email_user(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.staff@example.vn",
            "password1": "Rất-khó-đoán-42",
            "password2": "Rất-khó-đoán-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="new.staff@example.vn").check_password("Rất-khó-đoán-42")


def test_center_admin_add_keeps_materialised_path(client, operator, network):
    client.force_login(operator)
    response = client.post(
        reverse("admin:centers_center_add"),
        {
            "name_vi": "Trung tâm Đà Nẵng",
            "short_name": "da-nang",
            "slug": "da-nang",
            "kind": "provincial",
            "parent": network["regional"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    center = Center.objects.get(slug="da-nang")
    assert center.path == f"{network['regional'].path}{center.pk}/"


def test_admin_cannot_remove_the_last_center_admin(client, operator, network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    membership = Membership.objects.get(user=admin)
    client.force_login(operator)
    client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert Membership.objects.filter(pk=membership.pk).exists()
