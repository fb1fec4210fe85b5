"""The Content-Security-Policy in a real browser: the main pages load without a single violation.

A violation shows up twice in chromium: as a console error ("Refused to execute inline script …",
"Refused to apply inline style …") and as a `securitypolicyviolation` event in the page. Both are
collected; the policy itself is asserted too, so that a test passing on a page without a policy is
impossible.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                              " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text}")
            if "Content Security Policy" in msg.text or msg.text.startswith("Refused to")
            else None
        ),
    )
    return problems


def visit(page: Any, url: str, problems: list[str]) -> None:
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, (url, response and response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, (url, policy)
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0], (url, policy)
    problems.extend(f"{url}: {v}" for v in page.evaluate("window.__cspViolations"))


def sign_in(page: Any, base: str, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])


def test_main_pages_load_without_csp_violations(live_server, new_page):
    member = MembershipFactory(role_code="center_staff")
    org = OrganisationFactory(center=member.center, name="Công ty Cổ phần Thử Nghiệm An Toàn")
    base = live_server.url

    anonymous = new_page()
    problems = watch(anonymous)
    for path in [
        "/",
        "/directory/",
        f"/organisations/{org.slug}/",
        "/search/?q=thu+nghiem",
        "/accounts/login/",
        "/accounts/signup/",
        "/en/",
    ]:
        visit(anonymous, base + path, problems)

    # The API docs: Swagger UI is drawn by its static script, so the operations must be on the page.
    visit(anonymous, base + "/api/v1/docs", problems)
    anonymous.locator(".opblock").first.wait_for()
    assert anonymous.locator(".opblock").count() > 10

    signed_in = new_page()
    problems += watch(signed_in)
    sign_in(signed_in, base, member.user)
    for path in ["/workspace/", "/workspace/account/memberships/", "/accounts/email/"]:
        visit(signed_in, base + path, problems)

    assert problems == []


def test_confirmation_moved_out_of_inline_handlers_still_asks(live_server, new_page):
    """The "leave this center?" question was an inline onsubmit handler; it is core/behaviour.js now."""
    member = MembershipFactory(role_code="center_staff")
    page = new_page()
    problems = watch(page)
    sign_in(page, live_server.url, member.user)
    visit(page, live_server.url + "/workspace/account/memberships/", problems)
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    form = page.locator("form[data-confirm]").first
    form.locator("button[type=submit]").click()
    page.wait_for_timeout(300)
    assert len(asked) == 1 and asked[0]
    assert "/workspace/account/memberships/" in page.url  # cancelled: nothing was sent
    assert member.__class__.objects.filter(pk=member.pk).exists()
    assert problems == []


def test_staff_admin_loads_without_csp_violations(live_server, new_page):
    """The admin's one relaxation ('unsafe-eval' for unfold's Alpine.js, core/csp.py) is enough, and the
    modeltranslation tabs' jQuery UI comes from our static files, not a CDN."""
    admin = UserFactory(is_staff=True, is_superuser=True)
    page = new_page()
    problems = watch(page)
    sign_in(page, live_server.url, admin)
    for path in [
        "/ops/admin/",
        "/ops/admin/directory/organisation/",
        "/ops/admin/directory/organisation/add/",
    ]:
        visit(page, live_server.url + path, problems)
    assert problems == []
