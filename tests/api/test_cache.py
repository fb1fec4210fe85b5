"""Anonymous reads are served from a short-lived cache: an edit refreshes the record's detail at once, hiding
or deleting anything empties the cache (ADR 0005, 0007)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from innohub.directory.services import get_or_create_tag, update_organisation
from tests.api.utils import make_org, slugs

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/directory/organisations"


def test_repeated_anonymous_read_costs_no_query_and_an_edit_shows_in_its_detail_at_once(
    network, anon, django_assert_num_queries, django_capture_on_commit_callbacks
):
    org = make_org(network["hanoi"], "Công ty Bộ nhớ đệm")
    get_or_create_tag("AI")  # a new tag is a change of its own (every list of tags shows it)
    first = anon.get(ORGS, {"page_size": 5})
    with django_assert_num_queries(0):
        again = anon.get(ORGS, {"page_size": 5})
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert anon.get(f"{ORGS}/{org.slug}").json()["short_name"] == ""
    with django_capture_on_commit_callbacks(execute=True):
        update_organisation(org, actor=None, short_name="BNĐ", tags=["AI"])
    detail = anon.get(f"{ORGS}/{org.slug}").json()
    assert detail["short_name"] == "BNĐ" and detail["tags"] == ["AI"]
    with django_assert_num_queries(0):
        assert anon.get(f"{ORGS}/{org.slug}").json() == detail
    # the list follows within the cache time (tests/portal/test_page_cache.py waits for it)
    assert anon.get(ORGS, {"page_size": 5}).content == first.content


def test_hiding_an_organisation_empties_the_cache_at_once(network, anon, django_capture_on_commit_callbacks):
    org = make_org(network["hanoi"], "Công ty Sắp ẩn")
    assert "cong-ty-sap-an" in slugs(anon.get(ORGS))
    assert anon.get(f"{ORGS}/{org.slug}").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        update_organisation(org, actor=None, visibility="network")
    assert "cong-ty-sap-an" not in slugs(anon.get(ORGS))
    assert anon.get(f"{ORGS}/{org.slug}").status_code == 404


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
