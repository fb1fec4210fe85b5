"""The workspace navigation: the work in one row, one's own account in a second row on its pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = [
    "workspace:account-profile",
    "workspace:account-memberships",
    "workspace:account-tokens",
    "workspace:privacy",
    "account_email",
    "account_change_password",
    "mfa_index",
]


def en(name: str) -> str:
    with translation.override("en"):
        return reverse(name)


def _rows(html: str) -> dict[str, list[str]]:
    """aria-label of each workspace <nav> -> the hrefs in it."""
    return {
        label: re.findall(r'href="([^"]+)"', body)
        for label, body in re.findall(
            r'<nav class="(?:workspace|account)-nav[^"]*" aria-label="([^"]+)">(.*?)</nav>', html, re.S
        )
    }


def test_work_pages_show_one_row_with_a_way_to_the_account(client, network, make_member):
    client.force_login(make_member(network["hanoi"], "center_staff"))
    rows = _rows(client.get(en("workspace:home")).content.decode())
    assert list(rows) == ["Workspace"]
    assert en("workspace:account-profile") in rows["Workspace"]
    assert not {en(name) for name in ACCOUNT_PAGES[1:]} & set(rows["Workspace"])


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_each_account_page_shows_every_account_page_and_marks_itself(client, network, make_member, name):
    client.force_login(make_member(network["hanoi"], "center_staff"))
    html = client.get(en(name)).content.decode()
    rows = _rows(html)
    assert list(rows) == ["Workspace", "My account"]
    assert rows["My account"] == [en(n) for n in ACCOUNT_PAGES]
    current = re.search(r'<nav class="account-nav.*?</nav>', html, re.S).group(0)
    assert re.findall(r'aria-current="page" href="([^"]+)"', current) == [en(name)]
