"""The number of queries of a list endpoint does not grow with the page size (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from innohub.directory.services import get_or_create_tag
from innohub.taxonomy.models import Province, Stage
from tests.api.utils import make_org, make_person

pytestmark = pytest.mark.django_db

ROWS = 60


@pytest.fixture
def directory(network):
    province = Province.objects.get(code="01")
    stage = Stage.objects.order_by("order").first()
    tags = [get_or_create_tag(name) for name in ("AI", "IoT", "Fintech")]
    centers = [network["hanoi"], network["haiphong"], network["national"]]
    for i in range(ROWS):
        org = make_org(
            centers[i % 3], f"Công ty Đếm {i:03d}", province=province, stage=stage, visibility="public"
        )
        org.tags.set(tags[: 1 + i % 3])
        person = make_person(centers[i % 3], f"Người Đếm {i:03d}", province=province, organisation=org)
        person.tags.set(tags[:2])
    return network


def _count(client, url: str, page_size: int) -> int:
    client.get(url, {"page_size": 1})  # warm per-process caches (taxonomies, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["items"]) == page_size
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "anon_max"),
    [
        ("/api/v1/directory/organisations", 3),  # count, page, tags
        ("/api/v1/directory/people", 3),  # count, page, tags
        ("/api/v1/centers", 2),
    ],
)
def test_list_query_count_is_independent_of_page_size(
    directory, anon, make_member, session_client, token_client, django_assert_max_num_queries, url, anon_max
):
    if url.endswith("centers"):
        from tests.factories import CenterFactory

        for i in range(ROWS):
            CenterFactory(parent=directory["regional"], slug=f"extra-{i}")
    small, large = (5, 50)
    assert _count(anon, url, small) == _count(anon, url, large) <= anon_max
    staff = make_member(directory["hanoi"], "center_staff")
    # a signed-in caller adds a fixed cost: session (or token), user, memberships, centers below
    for client in (session_client(staff), token_client(staff)):
        assert _count(client, url, small) == _count(client, url, large) <= anon_max + 4
    with django_assert_max_num_queries(anon_max):
        anon.get(url, {"page_size": 100})
