"""The main journey in a real browser: sign up → create an organisation in the workspace → the portal
search finds it without diacritics → its public page shows it, in the Vietnamese and the English UI.

Form fields are found by their `name` (the same in every language); English labels and roles are
asserted on the English UI, where the wording is the source text and does not depend on .po files.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from stdnum.vn import mst

from innohub.accounts.models import Membership, Role, User
from innohub.centers.services import create_center
from innohub.directory.models import Organisation
from innohub.taxonomy.models import Province

pytestmark = [
    pytest.mark.e2e,
    # live_server needs a transactional database. serialized_rollback brings back the reference
    # data (taxonomies, roles) that the flush after a transactional test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ORG_NAME = "Công ty Cổ phần Đổi Mới Sáng Tạo Thử Nghiệm"
ORG_NAME_EN = "Experimental Innovation JSC"
DESCRIPTION_VI = "Nền tảng kết nối nhà sáng lập với chuyên gia cố vấn ở Hà Nội."
DESCRIPTION_EN = "A platform that connects founders with mentors in Hanoi."
QUERY = "doi moi sang tao thu nghiem"  # no diacritics: search folds them
EMAIL = "founder@example.vn"
PASSWORD = "Khoi-nghiep-2025!"


def valid_tax_code(body: str = "010987653") -> str:
    code = body + mst.calc_check_digit(body)
    assert mst.is_valid(code)
    return code


@pytest.fixture
def hanoi_center() -> Any:
    province = Province.objects.get(codename="ha_noi")
    return create_center(
        actor=None,
        kind="provincial",
        slug="ha-noi",
        name_vi="Trung tâm Hỗ trợ Khởi nghiệp Đổi mới Sáng tạo Hà Nội",
        name_en="Hanoi Innovation Startup Support Center",
        province=province,
    )


def sign_up(page: Any, base: str) -> User:
    from playwright.sync_api import expect

    page.goto(f"{base}/accounts/signup/")
    form = page.locator("form").filter(has=page.locator("input[name=password1]"))
    form.locator("input[name=email]").fill(EMAIL)
    form.locator("input[name=password1]").fill(PASSWORD)
    if form.locator("input[name=password2]").count():
        form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("input[name=consent_account]").check()  # the required consent (innohub.privacy)
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/signup/"))
    return User.objects.get(email=EMAIL)


def create_organisation(page: Any, base: str, tax_code: str) -> Organisation:
    from playwright.sync_api import expect

    page.goto(f"{base}/workspace/directory/organisations/new/")
    form = page.locator("form[method=post]").filter(has=page.locator("[name=name_vi]"))
    form.locator("[name=kind]").select_option("startup")
    form.locator("[name=name_vi]").fill(ORG_NAME)
    form.locator("[name=name_en]").fill(ORG_NAME_EN)
    form.locator("[name=tax_code]").fill(tax_code)
    form.locator("[name=description_vi]").fill(DESCRIPTION_VI)
    form.locator("[name=description_en]").fill(DESCRIPTION_EN)
    form.locator("[name=province]").select_option(label="Thành phố Hà Nội")
    form.locator("input[name=visibility][value=public]").check()
    form.locator("button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/organisations/new/"))
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(ORG_NAME)
    return Organisation.objects.get(name_vi=ORG_NAME)


def search_and_open(page: Any, base: str, prefix: str, expected_link: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}{prefix}/search/")
    box = page.locator("main").get_by_role("searchbox")
    box.fill(QUERY)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    result = page.locator("main").get_by_role("link", name=expected_link, exact=True)
    expect(result).to_be_visible()
    result.click()
    expect(page).to_have_url(re.compile(rf"{prefix}/organisations/[\w-]+/$"))


@pytest.mark.e2e
def test_sign_up_create_search_and_view_in_vietnamese_and_english(
    live_server: Any, page: Any, new_page: Any, hanoi_center: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    tax_code = valid_tax_code()

    # 1. A founder signs up with email and password.
    user = sign_up(page, base)

    # 2. Creating organisations needs a membership with "directory.add". In production a center admin
    #    invites the founder; here the test grants the startup-member role right after sign-up.
    Membership.objects.create(
        user=user, center=hanoi_center, role=Role.objects.get(code="startup_member", center=None)
    )

    # 3. The founder creates the organisation in the workspace.
    org = create_organisation(page, base, tax_code)
    assert org.center_id == hanoi_center.pk
    assert org.tax_code == tax_code
    assert org.visibility == "public"
    assert org.created_by_id == user.pk

    # 4. Anyone (a fresh, anonymous browser) finds it on the Vietnamese portal without diacritics …
    visitor = new_page()
    search_and_open(visitor, base, "", ORG_NAME)
    expect(visitor.locator("html")).to_have_attribute("lang", "vi")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(visitor.locator("main")).to_contain_text(DESCRIPTION_VI)
    assert visitor.url.rstrip("/").endswith(f"/organisations/{org.slug}")
    screenshot(visitor, "journey-vi")

    # 5. … and on the English portal, with English labels and the English name and description.
    search_and_open(visitor, base, "/en", ORG_NAME_EN)
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(ORG_NAME_EN)
    expect(visitor.locator("main")).to_contain_text(DESCRIPTION_EN)
    expect(visitor.get_by_role("heading", name="About")).to_be_visible()
    breadcrumb = visitor.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link", name="Home")).to_be_visible()
    expect(breadcrumb.get_by_role("link", name="Directory")).to_be_visible()
    expect(breadcrumb).to_contain_text("Startup")
    screenshot(visitor, "journey-en")

    # The English search page speaks English too.
    visitor.goto(f"{base}/en/search/?q={QUERY.replace(' ', '+')}")
    expect(visitor.get_by_role("heading", name="Search", level=1)).to_be_visible()
    expect(visitor.locator("main").get_by_label("Search organisations and people")).to_have_value(QUERY)
    expect(visitor.locator("main").get_by_role("button", name="Search")).to_be_visible()
    expect(visitor.locator("main").get_by_role("status")).to_contain_text("1 organisation")
