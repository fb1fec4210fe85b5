"""Anonymous portal pages come from a short-lived cache that every relevant write invalidates (ADR 0007)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innohub.directory.services import update_organisation
from innohub.portal import views
from tests.content.factories import NewsArticleFactory

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


def test_a_repeated_anonymous_page_costs_no_query_and_a_write_shows_at_once(client, network, make_org):
    org = make_org(network["hanoi"], "Công ty Bộ nhớ đệm")
    first = client.get("/directory/")
    assert first.status_code == 200 and "Công ty Bộ nhớ đệm" in first.content.decode()
    n, again = _queries(client, "/directory/")
    assert n == 0 and again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    make_org(network["hanoi"], "Công ty Mới")
    assert "Công ty Mới" in client.get("/directory/").content.decode(), "a save invalidates the page"
    update_organisation(org, actor=None, name_vi="Công ty Đổi tên")
    html = client.get(reverse("portal:organisation", args=[org.slug])).content.decode()
    assert "Công ty Đổi tên" in html
    assert "Công ty Đổi tên" in client.get("/directory/").content.decode()


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
