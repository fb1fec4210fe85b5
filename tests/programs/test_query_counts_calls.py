"""Query counts of the list pages and list endpoints of calls and applications do not grow with the
number of rows (no N+1), and stay under a pinned maximum."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from innohub.directory.models import OrganisationMember
from innohub.taxonomy.models import Province
from tests.factories import OrganisationFactory
from tests.programs.calls_helpers import add_questions, make_call
from tests.programs.factories import ApplicationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reset():
    cache.clear()
    translation.activate("vi")


def _world(network, make_member, rows: int):
    """`rows` calls (each with one application) of one center, plus the staff user and an applicant
    who is a member of every applying organisation."""
    hanoi = network["hanoi"]
    staff = make_member(hanoi, "center_staff")
    applicant = make_member(hanoi, "startup_member")
    province = Province.objects.get(code="01")
    programme = ProgrammeFactory(center=hanoi)
    first = None
    for i in range(rows):
        call = make_call(hanoi, programme=programme if i % 2 else None)
        add_questions(call, {"key": "name", "kind": "text"})
        org = OrganisationFactory(center=hanoi, province=province)
        OrganisationMember.objects.create(organisation=org, user=applicant, role="owner")
        ApplicationFactory(call=call, organisation=org, reference=f"Q-{i:04d}")
        first = first or call
        if i:  # the first call also gets many applications
            ApplicationFactory(
                call=first,
                organisation=OrganisationFactory(center=hanoi, province=province),
                reference=f"R-{i:04d}",
            )
    return staff, applicant, first


def _count(client: Client, url: str, params: dict | None = None) -> int:
    client.get(url, params or {})  # warm per-process caches (content types, taxonomies)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


PAGES = [
    # (name, args, who, pinned maximum)
    ("portal:calls", False, None, 2),  # count, page
    ("workspace:programs-programme-list", False, "staff", 6),  # session, user, scope (2), count, page
    ("workspace:programs-application-list", True, "staff", 9),
    ("workspace:programs-my-applications", False, "applicant", 6),
]


@pytest.mark.parametrize(("name", "needs_call", "who", "maximum"), PAGES)
def test_list_pages_do_not_grow_with_rows(
    network, make_member, django_assert_max_num_queries, name, needs_call, who, maximum
):
    staff, applicant, call = _world(network, make_member, 4)
    client = Client()
    if who:
        client.force_login(staff if who == "staff" else applicant)
    url = reverse(name, args=[call.slug] if needs_call else [])
    small = _count(client, url)
    # three times as many rows
    more_staff, more_applicant, _ = _world_more(network, make_member, call, staff, applicant)
    large = _count(client, url)
    assert small == large, f"{name}: {small} queries with few rows, {large} with more"
    with django_assert_max_num_queries(maximum):
        client.get(url)


def _world_more(network, make_member, call, staff, applicant):
    hanoi = network["hanoi"]
    province = Province.objects.get(code="01")
    for i in range(8):
        more = make_call(hanoi)
        org = OrganisationFactory(center=hanoi, province=province)
        OrganisationMember.objects.create(organisation=org, user=applicant, role="owner")
        ApplicationFactory(call=more, organisation=org, reference=f"M-{i:04d}")
        ApplicationFactory(
            call=call,
            organisation=OrganisationFactory(center=hanoi, province=province),
            reference=f"N-{i:04d}",
        )
    return staff, applicant, call


ENDPOINTS = [
    ("/api/v1/programs/calls", None, 2),  # count, page
    ("/api/v1/programs/programmes", None, 2),
    ("/api/v1/programs/calls/{slug}/applications", "staff", 7),
    ("/api/v1/programs/applications/mine", "applicant", 4),
]


@pytest.mark.parametrize(("url", "who", "maximum"), ENDPOINTS)
def test_list_endpoints_do_not_grow_with_page_size(network, make_member, settings, url, who, maximum):
    settings.INNOHUB_API_CACHE_SECONDS = 0  # measure the database work, not the anonymous cache
    staff, applicant, call = _world(network, make_member, 12)
    client = Client()
    if who:
        client.force_login(staff if who == "staff" else applicant)
    url = url.format(slug=call.slug)
    small = _count(client, url, {"page_size": 2})
    large = _count(client, url, {"page_size": 10})
    assert small == large <= maximum, (small, large)
