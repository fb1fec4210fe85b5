"""Anonymous reads are served from a short-lived cache that any directory change invalidates."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from innohub.directory.services import update_organisation
from tests.api.utils import make_org, slugs

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/directory/organisations"


def test_repeated_anonymous_read_costs_no_query_and_changes_show_at_once(
    network, anon, django_assert_num_queries
):
    org = make_org(network["hanoi"], "Công ty Bộ nhớ đệm")
    first = anon.get(ORGS, {"page_size": 5})
    with django_assert_num_queries(0):
        again = anon.get(ORGS, {"page_size": 5})
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    make_org(network["hanoi"], "Công ty Mới")
    assert "cong-ty-moi" in slugs(anon.get(ORGS, {"page_size": 5})), "a save invalidates the cache"
    update_organisation(org, actor=None, short_name="BNĐ", tags=["AI"])
    detail = anon.get(f"{ORGS}/{org.slug}").json()
    assert detail["short_name"] == "BNĐ" and detail["tags"] == ["AI"]


def test_languages_and_callers_are_kept_apart(
    network, anon, make_member, token_client, django_assert_num_queries
):
    make_org(network["hanoi"], "Công ty Nội bộ", visibility="center")
    make_org(network["hanoi"], "Công ty Công khai")
    vi = anon.get(ORGS, HTTP_ACCEPT_LANGUAGE="vi")
    en = anon.get(ORGS, HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["items"][0]["kind_label"] == "Startup"
    assert vi["Content-Language"] == "vi" and en["Content-Language"] == "en"
    assert anon.get(ORGS, HTTP_ACCEPT_LANGUAGE="en").content == en.content
    staff = token_client(make_member(network["hanoi"], "center_staff"))
    assert "cong-ty-noi-bo" in slugs(staff.get(ORGS)), "signed-in callers never get the anonymous page"
    assert "cong-ty-noi-bo" not in slugs(anon.get(ORGS))


@override_settings(INNOHUB_API_CACHE_SECONDS=0)
def test_the_cache_can_be_turned_off(network, anon):
    make_org(network["hanoi"], "Công ty Không đệm")
    anon.get(ORGS)
    with CaptureQueriesContext(connection) as ctx:
        anon.get(ORGS)
    assert len(ctx.captured_queries) > 0
