"""Shared fixtures: users with roles in a small center network."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.factories import CenterFactory, MembershipFactory, UserFactory


@pytest.fixture
def network(db):
    """National → regional → two provincial centers."""
    national = CenterFactory(kind="national", slug="nssc", name="Trung tâm Hỗ trợ Khởi nghiệp Quốc gia")
    regional = CenterFactory(kind="regional", parent=national, slug="mien-bac")
    hanoi = CenterFactory(kind="provincial", parent=regional, slug="ha-noi")
    haiphong = CenterFactory(kind="provincial", parent=regional, slug="hai-phong")
    return {"national": national, "regional": regional, "hanoi": hanoi, "haiphong": haiphong}


@pytest.fixture
def make_member(db):
    def _make(center, role_code: str, **user_kwargs):
        user = UserFactory(**user_kwargs)
        MembershipFactory(user=user, center=center, role_code=role_code)
        return user

    return _make


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request to an /en/ page leaves English active in the thread: give the next test the default."""
    yield
    translation.deactivate()


@pytest.fixture
def english():
    """Service messages in English, for tests that assert their wording (pages default to Vietnamese)."""
    with translation.override("en"):
        yield
