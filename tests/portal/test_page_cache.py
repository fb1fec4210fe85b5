"""Anonymous portal pages come from a short-lived cache: an edit refreshes its record's pages at once, lists
follow within the cache time, hiding or deleting anything empties it (ADR 0007)."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innohub.directory.services import delete_organisation, delete_person, update_organisation, update_person
from innohub.portal import views
from tests.content.factories import NewsArticleFactory
from tests.test_redis_cache import REDIS_URL
from tests.test_redis_cache import _redis_up as redis_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache():
    """The cache on (test settings turn it off), and empty: a test must not see another's pages."""
    cache.clear()
    with override_settings(INNOHUB_PAGE_CACHE_SECONDS=30):
        yield
    cache.clear()


def _queries(client, path: str, **headers) -> tuple[int, HttpResponse]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, headers=headers)
    return len(ctx.captured_queries), response


def test_a_repeated_anonymous_page_costs_no_query_and_an_edit_shows_on_its_record_at_once(
    client, network, make_org, django_capture_on_commit_callbacks
):
    org = make_org(network["hanoi"], "Công ty Bộ nhớ đệm")
    first = client.get("/directory/")
    assert first.status_code == 200 and "Công ty Bộ nhớ đệm" in first.content.decode()
    n, again = _queries(client, "/directory/")
    assert n == 0 and again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    page = reverse("portal:organisation", args=[org.slug])
    assert "Công ty Bộ nhớ đệm" in client.get(page).content.decode()
    assert _queries(client, page)[0] == 0
    with django_capture_on_commit_callbacks(execute=True):
        update_organisation(org, actor=None, name_vi="Công ty Đổi tên")
    assert "Công ty Đổi tên" in client.get(page).content.decode(), "the record's own page is fresh at once"
    assert _queries(client, page)[0] == 0, "and cached again"
    n, listed = _queries(client, "/directory/?page=1")
    assert n > 0 and "Công ty Đổi tên" in listed.content.decode(), "a list not cached yet shows the new card"


def test_lists_follow_an_edit_within_the_cache_time(
    client, network, make_org, django_capture_on_commit_callbacks
):
    org = make_org(network["hanoi"], "Công ty Bộ nhớ đệm")
    with override_settings(INNOHUB_PAGE_CACHE_SECONDS=2):
        client.get("/directory/")
        with django_capture_on_commit_callbacks(execute=True):
            update_organisation(org, actor=None, name_vi="Công ty Đổi tên")
            make_org(network["hanoi"], "Công ty Mới")
        html = client.get("/directory/").content.decode()
        assert "Công ty Bộ nhớ đệm" in html and "Công ty Mới" not in html, "the list is the cached one"
        time.sleep(2.1)
        html = client.get("/directory/").content.decode()
    assert "Công ty Đổi tên" in html and "Công ty Mới" in html and "Công ty Bộ nhớ đệm" not in html


@pytest.mark.parametrize("change", ["hide", "delete"])
def test_hiding_or_deleting_a_record_empties_every_page_at_once(
    client, network, make_org, make_person, change, django_capture_on_commit_callbacks
):
    org = make_org(network["hanoi"], "Công ty Sắp ẩn")
    person = make_person(network["hanoi"], "Lê Sắp Ẩn", organisation=org)
    pages = [
        "/directory/",
        "/people/",
        "/search/?q=sap",
        f"/organisations/{org.slug}/",
        f"/people/{person.slug}/",
    ]
    for path in pages:
        assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        if change == "hide":
            update_organisation(org, actor=None, visibility="center")
            update_person(person, actor=None, visibility="private")
        else:
            delete_person(person, actor=None)
            delete_organisation(org, actor=None)
    for path in pages[:3]:
        html = client.get(path).content.decode()
        assert "Sắp ẩn" not in html and "Sắp Ẩn" not in html, path
    assert client.get(pages[3]).status_code == 404
    assert client.get(pages[4]).status_code == 404


def test_every_public_page_is_cached_for_anonymous_visitors(client, network, make_org, make_person):
    org = make_org(network["hanoi"], "Sao Mai", description_vi="<p>Mô tả</p>")
    person = make_person(network["hanoi"], "Lê Bách", organisation=org)
    article = NewsArticleFactory(center=network["hanoi"])
    paths = [
        "/",
        "/en/",
        "/directory/",
        "/directory/?kind=startup&page=1",
        "/directory/map/",
        "/people/",
        "/news/",
        f"/news/{article.slug}/",
        "/centers/",
        "/search/?q=sao",
        "/c/mien-bac/",
        f"/organisations/{org.slug}/",
        f"/people/{person.slug}/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        # nothing that belongs to one visitor: no CSRF token, no cookie
        assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html, path
        assert not response.cookies, (path, list(response.cookies))
        n, again = _queries(client, path)
        assert n == 0 and again.content == response.content, path


def test_languages_and_htmx_fragments_are_kept_apart(client, network, make_org):
    make_org(network["hanoi"], "Sao Mai")
    vi = client.get("/directory/").content.decode()
    en = client.get("/en/directory/").content.decode()
    assert '<html lang="vi"' in vi and '<html lang="en"' in en
    fragment = client.get("/directory/", headers={"HX-Request": "true", "HX-Target": "directory-results"})
    assert "<html" not in fragment.content.decode() and "Sao Mai" in fragment.content.decode()
    assert "<html" in client.get("/directory/").content.decode(), "the full page is not the fragment"
    assert "HX-Target" in client.get("/directory/")["Vary"]


def test_signed_in_visitors_are_never_served_nor_stored(client, network, make_org, make_member):
    make_org(network["hanoi"], "Công ty Công khai")
    make_org(network["hanoi"], "Công ty Nội bộ", visibility="center")
    assert "Công ty Nội bộ" not in client.get("/directory/").content.decode()
    client.force_login(make_member(network["hanoi"], "center_staff"))
    n, response = _queries(client, "/directory/")
    assert n > 0 and "Công ty Nội bộ" in response.content.decode()
    client.logout()
    assert "Công ty Nội bộ" not in client.get("/directory/").content.decode()


def test_a_missing_page_is_not_cached(client, network, make_org):
    assert client.get("/organisations/sao-moi/").status_code == 404
    make_org(network["hanoi"], "Sao Mới", slug="sao-moi")
    assert client.get("/organisations/sao-moi/").status_code == 200


def test_news_and_center_changes_invalidate_too(client, network):
    assert "Khai mạc Techfest" not in client.get("/news/").content.decode()
    NewsArticleFactory(center=network["hanoi"], title_vi="Khai mạc Techfest")
    assert "Khai mạc Techfest" in client.get("/news/").content.decode()
    network["hanoi"].name_vi = "Trung tâm Đổi tên"
    network["hanoi"].save()
    assert "Trung tâm Đổi tên" in client.get("/centers/").content.decode()


def test_a_flashed_message_is_shown_to_its_visitor_only(client, network, make_member):
    client.get("/")  # the home page is now cached for every anonymous visitor
    client.force_login(make_member(network["hanoi"], "center_staff"))
    landing = client.post(reverse("account_logout"), follow=True)  # "You have signed out." is flashed
    assert landing.redirect_chain[-1][0] == "/" and 'class="alert' in landing.content.decode()
    n, after = _queries(client, "/")
    assert 'class="alert' not in after.content.decode(), "the page with the message was not stored"
    assert n == 0, "once the message is shown, the visitor is served from the cache again"


@override_settings(ROOT_URLCONF="tests.portal.page_cache_urls")
def test_answers_that_set_anything_for_their_visitor_are_not_stored(client):
    """The CSRF token, a flashed message, a session write or a cookie of the view's own: each makes the
    answer one visitor's, and the cache sits outside the middleware that turns them into cookies."""
    from tests.portal import page_cache_urls

    page_cache_urls.CALLS.clear()
    for name in ("with_token", "with_cookie", "with_message", "with_session", "plain", "unmarked"):
        for _ in range(2):
            anonymous = Client()  # a fresh visitor each time: no cookie from the previous answer
            assert anonymous.get(f"/{name}/").status_code == 200
    assert [
        *("token", "token", "cookie", "cookie", "message", "message", "session", "session"),
        *("plain", "unmarked", "unmarked"),
    ] == page_cache_urls.CALLS


@override_settings(INNOHUB_PAGE_CACHE_SECONDS=0)
def test_the_cache_can_be_turned_off(client, network, make_org):
    make_org(network["hanoi"], "Sao Mai")
    client.get("/directory/")
    n, _response = _queries(client, "/directory/")
    assert n > 0


def test_a_page_not_cached_yet_reuses_the_cached_counts_and_cards(client, network, make_org, monkeypatch):
    """Another page number (or another URL for the same list) only reads its rows, and the tags of
    the cards it has to render: the count, the facet counts, the option lists and the cards already
    rendered are shared."""
    monkeypatch.setattr(views, "ORGANISATIONS_PER_PAGE", 5)
    for i in range(12):
        make_org(network["hanoi"], f"Công ty {i:02d}", tags=[f"tag-{i:02d}"])
    client.get("/directory/?page=1")
    n, response = _queries(client, "/directory/?page=2")
    html = response.content.decode()
    assert "Công ty 05" in html and "#tag-05" in html and "Công ty 00" not in html
    assert n == 2, "the page's rows, and the tags of its five cards"
    n, response = _queries(client, "/directory/?page=2&utm_source=mail")
    assert response.content.decode().count("#tag-0") == 5
    assert n == 1, "the page's rows: their cards are cached"


def check_record_versions(org, capture) -> None:
    """An entry that showed a record is served only while the record keeps the version it showed,
    also when its reader loaded the record before an edit committed and stored the page after."""
    from django.test import RequestFactory

    from innohub.core import cache as shared

    reader = RequestFactory().get("/organisations/x/")
    shared.depends_on(reader, org)
    key = shared.key("test", ("record-versions", org.pk))
    assert shared.store_response(key, HttpResponse("v1"), 30, 1000, request=reader)
    assert shared.cached_response(key).content == b"v1"
    late = RequestFactory().get("/organisations/x/")
    shared.depends_on(late, org)  # loaded before the edit below commits…
    with capture(execute=True):
        update_organisation(org, actor=None, short_name="Mới")
    assert shared.cached_response(key) is None, "the edit made the entry stale"
    assert shared.store_response(key, HttpResponse("late"), 30, 1000, request=late)  # …stored after it
    assert shared.cached_response(key) is None, "a page of the old version is never served"
    fresh = RequestFactory().get("/organisations/x/")
    org.refresh_from_db()
    shared.depends_on(fresh, org)
    assert shared.store_response(key, HttpResponse("v2"), 30, 1000, request=fresh)
    assert shared.cached_response(key).content == b"v2"


def test_a_cached_answer_is_served_only_while_its_record_keeps_its_version(
    network, make_org, django_capture_on_commit_callbacks
):
    check_record_versions(make_org(network["hanoi"], "Sao Mai"), django_capture_on_commit_callbacks)


@pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_record_versions_live_in_redis_too(network, make_org, django_capture_on_commit_callbacks):
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    with override_settings(CACHES=redis):
        caches["default"].clear()
        try:
            check_record_versions(make_org(network["hanoi"], "Sao Mai"), django_capture_on_commit_callbacks)
        finally:
            caches["default"].clear()
