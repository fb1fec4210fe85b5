"""Query counts of the list pages do not grow with the number of rows shown (CONVENTIONS.md §17)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from innohub.directory.services import add_relation
from innohub.portal import views
from tests.content.factories import NewsArticleFactory

pytestmark = pytest.mark.django_db

#: (path, ceiling) — the ceiling is the pinned number of queries for an anonymous visitor
PAGES = [
    ("/", 6),
    ("/directory/", 12),
    # + 1: the province code is resolved to its ids once (then plain `province_id IN` conditions)
    ("/directory/?kind=startup&province=01&q=cong", 16),
    ("/directory/map/", 2),
    ("/people/", 6),
    ("/news/", 2),
    ("/centers/", 2),
    ("/search/?q=cong", 7),
    ("/c/mien-bac/", 8),
]


def _seed(network, provinces, make_org, make_person, n: int) -> None:
    centers = [network["hanoi"], network["haiphong"], network["regional"]]
    previous = None
    for i in range(n):
        org = make_org(
            centers[i % 3],
            f"Công ty {i:03d}",
            province=provinces["hanoi"] if i % 2 else provinces["hcm"],
            description_vi="<p>Mô tả</p>",
            tags=[f"tag{i % 4}", "AI"],
        )
        make_person(centers[i % 3], f"Người {i:03d}", organisation=org)
        NewsArticleFactory(center=centers[i % 3])
        if previous is not None:
            add_relation(org, previous, kind="member_of", actor=None)
        previous = org


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("path", "ceiling"), PAGES)
def test_list_pages_have_a_fixed_number_of_queries(
    client, network, provinces, make_org, make_person, path, ceiling, django_assert_max_num_queries
):
    _seed(network, provinces, make_org, make_person, 3)
    few = _count(client, path)
    _seed(network, provinces, make_org, make_person, 30)
    many = _count(client, path)
    assert many == few, f"{path}: {few} queries with 3 rows, {many} with 33"
    with django_assert_max_num_queries(ceiling):
        client.get(path)


def test_organisation_page_queries_do_not_grow_with_relations(
    client, network, provinces, make_org, make_person, django_assert_max_num_queries
):
    org = make_org(network["hanoi"], "Trung tâm", kind="incubator", tags=["AI", "IoT"])
    for i in range(3):
        add_relation(make_org(network["hanoi"], f"Startup {i}"), org, kind="incubated_by", actor=None)
        make_person(network["hanoi"], f"Người {i}", organisation=org)
    few = _count(client, f"/organisations/{org.slug}/")
    for i in range(3, 20):
        add_relation(make_org(network["hanoi"], f"Startup {i}"), org, kind="incubated_by", actor=None)
        make_person(network["hanoi"], f"Người {i}", organisation=org)
    assert _count(client, f"/organisations/{org.slug}/") == few
    with django_assert_max_num_queries(12):
        client.get(f"/organisations/{org.slug}/")


def test_signed_in_directory_is_pinned_too(client, network, provinces, make_org, make_person, make_member):
    client.force_login(make_member(network["hanoi"], "center_staff"))
    _seed(network, provinces, make_org, make_person, 3)
    few = _count(client, "/directory/")
    _seed(network, provinces, make_org, make_person, 25)
    assert _count(client, "/directory/") == few


@pytest.mark.parametrize(
    ("cache_seconds", "ceiling"),
    [
        (0, 12),  # nothing cached: count, facet counts and their labels, option lists, rows, tags
        (30, 1),  # a URL not cached yet for a list whose counts, options and cards are: its rows
    ],
)
def test_directory_queries_do_not_depend_on_the_page_size(
    client, network, provinces, make_org, make_person, monkeypatch, cache_seconds, ceiling
):
    _seed(network, provinces, make_org, make_person, 55)
    counts = {}
    for per_page in (10, 50):
        monkeypatch.setattr(views, "ORGANISATIONS_PER_PAGE", per_page)
        cache.clear()
        with override_settings(INNOHUB_PAGE_CACHE_SECONDS=cache_seconds):
            client.get("/directory/?from=elsewhere")  # same list, another URL: warms what is shared
            with CaptureQueriesContext(connection) as ctx:
                response = client.get("/directory/")
        assert response.content.decode().count('class="card card-link-stretched"') == per_page
        counts[per_page] = len(ctx.captured_queries)
    cache.clear()
    assert counts[10] == counts[50], counts
    assert counts[50] <= ceiling, counts
