"""A data subject with a directory profile, an organisation, a token and consents, and the center
staff around them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from innohub.accounts.tokens import create_api_token
from innohub.directory.models import OrganisationMember
from innohub.directory.services import create_person
from innohub.privacy import services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "Pass-word-123"
PERSONAL_ID = "001099012345"


@pytest.fixture(autouse=True)
def _default_language():
    """A request to an /en/ page leaves English active in the test thread: start every test (and its
    `reverse()` calls) in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def hanoi(network):
    return network["hanoi"]


@pytest.fixture
def subject(hanoi):
    """Lan: a startup founder at Hà Nội with a public directory profile and an API token."""
    user = UserFactory(email="lan.founder@example.vn", full_name="Nguyễn Thị Lan", phone="+84 912 345 678")
    MembershipFactory(user=user, center=hanoi, role_code="startup_member")
    services.grant_consent(user, "account", actor=user, source="signup")
    services.grant_consent(user, "directory_profile", actor=user, source="signup")
    org = OrganisationFactory(center=hanoi, name="Công ty Lúa Vàng")
    OrganisationMember.objects.create(organisation=org, user=user, role="owner")
    create_api_token(user, actor=user, name="script", scope="write")
    return user


@pytest.fixture
def subject_person(subject, hanoi):
    return create_person(
        actor=None,
        center=hanoi,
        full_name="Nguyễn Thị Lan",
        email="lan.private@example.vn",
        phone="+84 987 654 321",
        personal_id=PERSONAL_ID,
        bio_vi="Nhà sáng lập",
        visibility="public",
        user=subject,
    )


@pytest.fixture
def other_user(hanoi):
    """Someone else at the same center, whose data must never appear in Lan's export."""
    user = UserFactory(email="minh.other@example.vn", full_name="Trần Văn Minh", phone="+84 900 000 111")
    MembershipFactory(user=user, center=hanoi, role_code="startup_member")
    services.grant_consent(user, "account", actor=user)
    create_api_token(user, actor=user, name="other-script", scope="read")
    create_person(
        actor=None,
        center=hanoi,
        full_name="Trần Văn Minh",
        email="minh.private@example.vn",
        personal_id="079088000111",
        user=user,
    )
    return user


@pytest.fixture
def staff(hanoi, make_member):
    return make_member(hanoi, "center_staff", full_name="Cán bộ Hà")


@pytest.fixture
def center_admin(hanoi, make_member):
    return make_member(hanoi, "center_admin", full_name="Quản trị Hà Nội")
