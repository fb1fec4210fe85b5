"""On a phone the workspace's tab rows are wider than the screen: each row is scrolled so that the
page's own tab shows (core/static/core/behaviour.js, data-scroll-to-active)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_csp import sign_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_active_tabs_are_scrolled_into_view_on_a_phone(live_server: Any, chromium: Any) -> None:
    member = MembershipFactory(role_code="center_staff")
    base = live_server.url
    context = chromium.new_context(locale="vi-VN", viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, base, member.user)
        page.goto(f"{base}/workspace/account/tokens/", wait_until="networkidle")
        for row in ("nav.workspace-nav ul", "nav.account-nav ul"):
            box = page.evaluate(
                """(selector) => {
                    const row = document.querySelector(selector);
                    const tab = row.querySelector('.active');
                    const r = row.getBoundingClientRect(), t = tab.getBoundingClientRect();
                    return {wide: row.scrollWidth > row.clientWidth, left: t.left - r.left, right: r.right - t.right};
                }""",
                row,
            )
            assert box["wide"], f"{row} fits the screen: nothing to scroll"
            assert box["left"] >= -1 and box["right"] >= -1, (row, box)  # whole pixels of scrolling
    finally:
        context.close()
