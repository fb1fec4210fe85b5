"""Mentors, advisers, founders and investors on the public pages: the organisation lists the people tied
to it, the person lists the organisations, both only what the visitor may see, in a fixed number of
queries."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from innohub.directory.services import add_person_relation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _queries(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_organisation_page_shows_its_mentors_and_hides_private_profiles(network, make_org, make_person):
    org = make_org(network["hanoi"], "Công ty Lúa Vàng")
    mentor = make_person(network["hanoi"], "Phạm Minh Châu")
    hidden = make_person(network["hanoi"], "Đỗ Văn Kín", visibility="private")
    add_person_relation(mentor, org, actor=None, kind="mentor_of", since_year=2023)
    add_person_relation(hidden, org, actor=None, kind="advisor_of")

    page = client_get(f"/en/organisations/{org.slug}/")
    assert "Mentors, advisers, founders and investors" in page
    assert "Phạm Minh Châu" in page and "since 2023" in page
    assert f"/en/people/{mentor.slug}/" in page
    assert "Đỗ Văn Kín" not in page and "Advisers" not in page


def test_the_person_page_shows_the_organisations_they_mentor(network, make_org, make_person):
    org = make_org(network["hanoi"], "Công ty Lúa Vàng")
    private_org = make_org(network["hanoi"], "Công ty Bí Mật", visibility="private")
    mentor = make_person(network["hanoi"], "Phạm Minh Châu")
    add_person_relation(mentor, org, actor=None, kind="mentor_of", since_year=2022, until_year=2025)
    add_person_relation(mentor, private_org, actor=None, kind="investor_of")

    page = client_get(f"/en/people/{mentor.slug}/")
    assert "Mentor of" in page and "Công ty Lúa Vàng" in page and "2022–2025" in page
    assert "Công ty Bí Mật" not in page and "Investor in" not in page


def test_no_ties_no_section(network, make_org, make_person):
    org = make_org(network["hanoi"], "Công ty Lúa Vàng")
    person = make_person(network["hanoi"], "Phạm Minh Châu")
    assert 'id="person-ties"' not in client_get(f"/organisations/{org.slug}/")
    assert 'id="person-ties"' not in client_get(f"/people/{person.slug}/")


def test_ties_cost_the_same_queries_however_many(client, network, make_org, make_person):
    org = make_org(network["hanoi"], "Công ty Lúa Vàng")
    person = make_person(network["hanoi"], "Phạm Minh Châu")
    add_person_relation(person, org, actor=None, kind="mentor_of")
    first_org, first_person = (
        _queries(client, f"/organisations/{org.slug}/"),
        _queries(client, f"/people/{person.slug}/"),
    )
    for i in range(5):
        other = make_org(network["hanoi"], f"Công ty Số {i}")
        add_person_relation(person, other, actor=None, kind="advisor_of")
        add_person_relation(make_person(network["hanoi"], f"Cố vấn {i}"), org, actor=None, kind="mentor_of")
    assert _queries(client, f"/organisations/{org.slug}/") == first_org
    assert _queries(client, f"/people/{person.slug}/") == first_person


def client_get(path: str) -> str:
    from django.test import Client

    cache.clear()
    response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()
