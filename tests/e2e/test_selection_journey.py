"""The selection journey in a real browser, in the Vietnamese and the English UI:

a visitor finds a startup in the directory without diacritics → its founder signs up, claims the
profile (staff approve the claim), finds the call on the portal and applies → the deadline passes,
staff open the blind review round, build the panel and run the automatic assignment → the assigned
reviewer scores blind → staff accept the application from the ranking and publish the results → the
founder reads the decision and its letter, and the public results page lists the startup.

Only the world the journey starts from is made in Python (the center, its staff and reviewers, the
startup's profile, a programme with a published call, its form and a draft review round with two
criteria). Every step of the journey is clicks and form fills. Form fields and buttons are found by
`name`/`value` or data attributes (the same in both languages); English wording is asserted only on
the English run, where it is the source text.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from innohub.directory.models import OrganisationMember
from innohub.directory.services import refresh_organisation_index
from innohub.programs.models import Application, Letter, Review, ReviewAssignment
from tests.factories import CenterFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.programs.factories import (
    CallFactory,
    CriterionFactory,
    FormFieldFactory,
    FormSectionFactory,
    ProgrammeFactory,
    ReviewRoundFactory,
)

pytestmark = [
    pytest.mark.e2e,
    # live_server needs a transactional database; serialized_rollback brings back the reference data
    # (roles, taxonomies) that the flush after a transactional test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Pass-word-123"  # tests.factories.UserFactory's password
FOUNDER_EMAIL = "nhasanglap@luavang.vn"
FOUNDER_PASSWORD = "Lua-vang-2027!"
ORG_VI = "Công ty Cổ phần Lúa Vàng"
ORG_EN = "Golden Rice JSC"
QUERY = "lua vang"  # no diacritics: the directory search folds them
CALL_TITLE = "Kêu gọi ươm tạo nông nghiệp 2027"
ROUND_TITLE = "Vòng chấm hồ sơ"
# answers that do not name the organisation: the round is blind
PROJECT = "Giống lúa chịu mặn cho đồng bằng"
PITCH = "Cảm biến độ mặn và giống lúa mới giúp nông dân giữ năng suất khi nước biển dâng."


@dataclass
class World:
    staff: Any
    reviewers: list[Any]
    org: Any
    call: Any
    round: Any


@pytest.fixture
def world() -> World:
    center = CenterFactory(kind="provincial", slug="can-tho", name="Trung tâm Khởi nghiệp Cần Thơ")
    staff = UserFactory(email="canbo@cantho.gov.vn", full_name="Trần Thị Cán Bộ")
    MembershipFactory(user=staff, center=center, role_code="center_admin")
    reviewers = []
    for n, name in enumerate(("Lê Văn Chuyên Gia", "Phạm Thị Thẩm Định"), start=1):
        reviewer = UserFactory(email=f"chuyengia{n}@example.vn", full_name=name)
        MembershipFactory(user=reviewer, center=center, role_code="reviewer")
        reviewers.append(reviewer)
    org = OrganisationFactory(
        center=center, kind="startup", slug="lua-vang", name_vi=ORG_VI, name_en=ORG_EN, visibility="public"
    )
    refresh_organisation_index(org)
    programme = ProgrammeFactory(
        center=center, title="Ươm tạo nông nghiệp Cần Thơ", slug="uom-tao-nong-nghiep"
    )
    call = CallFactory(programme=programme, title=CALL_TITLE, slug="uom-tao-2027")
    section = FormSectionFactory(call=call, title="Dự án", position=1)
    FormFieldFactory(section=section, key="project_name", kind="text", label="Tên dự án", required=True)
    FormFieldFactory(section=section, key="pitch", kind="long_text", label="Giới thiệu", required=True)
    FormFieldFactory(
        section=section,
        key="stage",
        kind="choice",
        label="Giai đoạn",
        required=True,
        options={
            "choices": [
                {"value": "idea", "label_vi": "Ý tưởng", "label_en": "Idea"},
                {"value": "mvp", "label_vi": "Sản phẩm mẫu", "label_en": "Prototype"},
            ]
        },
    )
    round_ = ReviewRoundFactory(
        call=call, title=ROUND_TITLE, status="draft", blind=True, per_item=1, capacity=5
    )
    CriterionFactory(round=round_, title="Đổi mới", weight=2, scale_min=0, scale_max=5)
    CriterionFactory(round=round_, title="Thị trường", weight=1, scale_min=0, scale_max=5)
    return World(staff=staff, reviewers=reviewers, org=org, call=call, round=round_)


# --- steps -----------------------------------------------------------------------------------------


def sign_in(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/accounts/login/")
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def sign_up(page: Any, base: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/accounts/signup/")
    form = page.locator("form").filter(has=page.locator("input[name=password1]"))
    form.locator("input[name=email]").fill(FOUNDER_EMAIL)
    form.locator("input[name=password1]").fill(FOUNDER_PASSWORD)
    form.locator("input[name=password2]").fill(FOUNDER_PASSWORD)
    form.locator("input[name=consent_account]").check()
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/signup/"))


def search_and_open_profile(page: Any, base: str, prefix: str, name: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}{prefix}/search/")
    box = page.locator("main").get_by_role("searchbox")
    box.fill(QUERY)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    page.locator("main").get_by_role("link", name=name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"{prefix}/organisations/lua-vang/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


# --- the journey -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_selection_journey(live_server: Any, new_page: Any, world: World, screenshot: Any, lang: str) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    prefix = "/en" if lang == "en" else ""
    locale = "en-US" if lang == "en" else "vi-VN"
    org_name = ORG_EN if lang == "en" else ORG_VI
    ws = f"{base}{prefix}/workspace"
    timings: dict[str, float] = {}
    started = time.monotonic()

    def lap(step: str) -> None:
        nonlocal started
        now = time.monotonic()
        timings[step] = round(now - started, 2)
        started = now

    # 1. A visitor finds the startup without diacritics and opens its profile.
    visitor = new_page(locale)
    search_and_open_profile(visitor, base, prefix, org_name)
    expect(visitor.locator("html")).to_have_attribute("lang", lang)
    lap("1 search")

    # 2. The founder signs up, finds the same profile and claims it; staff approve the claim.
    founder = new_page(locale)
    sign_up(founder, base)
    search_and_open_profile(founder, base, prefix, org_name)
    founder.locator(
        "main form[action$='/directory/organisations/lua-vang/claim/'] button[type=submit]"
    ).click()
    expect(founder.locator("#claim-title")).to_be_visible()  # the workspace page of the profile
    assert not OrganisationMember.objects.filter(organisation=world.org, user__email=FOUNDER_EMAIL).exists()

    staff = new_page(locale)
    sign_in(staff, base, world.staff.email)
    staff.goto(f"{ws}/directory/claims/")
    claim_row = staff.locator(".list-group-item").filter(has_text=FOUNDER_EMAIL)
    claim_row.locator("button[name=decision][value=approve]").click()
    expect(staff.locator(".list-group-item").filter(has_text=FOUNDER_EMAIL)).to_have_count(0)
    member = OrganisationMember.objects.get(organisation=world.org, user__email=FOUNDER_EMAIL)
    assert member.role == OrganisationMember.Role.OWNER
    lap("2 sign up + claim")

    # 3. The founder opens the portal's calls, the call, and applies.
    founder.goto(f"{base}{prefix}/calls/")
    founder.locator("main").get_by_role("link", name=CALL_TITLE).first.click()
    expect(founder).to_have_url(re.compile(rf"{prefix}/calls/{world.call.slug}/$"))
    founder.locator("[data-apply]").first.click()
    expect(founder).to_have_url(re.compile(rf"/workspace/programmes/apply/{world.call.slug}/$"))
    start = founder.locator("main form[method=post]").filter(has=founder.locator("[name=organisation]"))
    if start.locator("select[name=organisation]").count():
        start.locator("select[name=organisation]").select_option(str(world.org.pk))
    else:
        start.locator(f"input[name=organisation][value='{world.org.pk}']").check()
    start.locator("button[type=submit]").click()
    expect(founder).to_have_url(re.compile(r"/workspace/programmes/my/[0-9a-f-]{36}/$"))
    form = founder.locator("#application-form")
    form.locator("[name=project_name]").fill(PROJECT)
    form.locator("[name=pitch]").fill(PITCH)
    form.locator("input[name=stage][value=mvp]").check()
    form.locator("[data-submit]").click()
    application = Application.objects.get(call=world.call, organisation=world.org)
    expect(founder.get_by_role("alert").or_(founder.get_by_role("status")).first).to_contain_text(
        application.reference
    )
    application.refresh_from_db()
    assert application.status == "submitted"
    lap("3 apply")

    # Staff close the call before its deadline ("Close and start review" on the call's page).
    staff.goto(f"{ws}/programmes/calls/{world.call.slug}/")
    staff.locator("button[data-action=reviewing]").click()
    expect(staff.get_by_role("alert").or_(staff.get_by_role("status")).first).to_be_visible()
    world.call.refresh_from_db()
    assert world.call.status == "reviewing" and world.call.closes_at <= timezone.now()

    # 4. Staff open the round (the call moves to review), build the panel and run the assignment.
    staff.goto(f"{ws}/programmes/calls/{world.call.slug}/rounds/")
    staff.locator("main").get_by_role("link", name=ROUND_TITLE, exact=True).click()
    staff.locator("button[name=status][value=open]").click()
    expect(staff.locator("[data-round-status]")).to_have_attribute("data-round-status", "open")
    staff.locator(f"a[href$='/rounds/{world.round.uuid}/panel/']").click()
    for reviewer in world.reviewers:
        staff.locator("main input#reviewer").fill(reviewer.email)
        staff.locator("main input#reviewer").press("Enter")
        expect(staff.locator("main form[action*='/panel/'] input[name=is_lead]")).to_have_count(
            world.reviewers.index(reviewer) + 1
        )
    assert set(world.round.panel.values_list("reviewer__email", flat=True)) == {
        r.email for r in world.reviewers
    }
    staff.locator(f"a[href$='/rounds/{world.round.uuid}/assignment/']").first.click()
    staff.locator("[data-run-button]").click()
    # The test settings run tasks at once (ImmediateBackend, after the commit); the page shows the result.
    staff.goto(f"{ws}/programmes/rounds/{world.round.uuid}/assignment/")
    assignment = ReviewAssignment.objects.select_related("reviewer").get(
        round=world.round, application=application
    )
    expect(staff.locator("main")).to_contain_text(application.reference)
    expect(staff.locator("main")).to_contain_text(str(assignment.reviewer))
    lap("4 round + panel + assignment")

    # 5. The assigned reviewer scores blind.
    reviewer_page = new_page(locale)
    sign_in(reviewer_page, base, assignment.reviewer.email)
    reviewer_page.goto(f"{ws}/")
    reviewer_page.locator("nav a[href$='/workspace/programmes/reviews/']").click()  # "My reviews" in the menu
    reviewer_page.locator("main").get_by_role("link", name=application.reference).click()
    expect(reviewer_page.locator("[data-blind]")).to_be_visible()
    expect(reviewer_page.locator("[data-answer=project_name]")).to_contain_text(PROJECT)
    main_text = reviewer_page.locator("main").inner_text()
    assert ORG_VI not in main_text and ORG_EN not in main_text and "Lúa Vàng" not in main_text
    for criterion, score in zip(world.round.criteria.order_by("position", "pk"), (4, 3), strict=True):
        reviewer_page.locator(f"label[for='s{criterion.pk}-{score}']").click()
    reviewer_page.locator("[data-scorecard] button[name=action][value=submit]").click()
    expect(reviewer_page).not_to_have_url(re.compile(r"/reviews/[0-9a-f-]{36}/[0-9a-f-]{36}/$"))
    assignment.refresh_from_db()
    assert assignment.status == "submitted"
    assert Review.objects.filter(assignment=assignment).exists()
    lap("5 blind review")

    # 6. Staff open the ranking, accept the application and publish the results.
    staff.goto(f"{ws}/programmes/rounds/{world.round.uuid}/ranking/")
    expect(staff.locator("main")).to_contain_text(application.reference)
    staff.locator(f"a[href$='/calls/{world.call.slug}/decisions/']").first.click()
    staff.locator("main").get_by_role("link", name=application.reference).first.click()
    staff.locator("[data-decide-form] button[name=outcome][value=accepted]").click()
    application.refresh_from_db()
    assert application.status == "accepted"
    staff.goto(f"{ws}/programmes/calls/{world.call.slug}/decisions/")
    staff.locator(f"form[action$='/calls/{world.call.slug}/publish/'] button[type=submit]").click()
    expect(staff.locator(f"main a[href$='/calls/{world.call.slug}/results/']")).to_be_visible()
    world.call.refresh_from_db()
    assert world.call.status == "results_published"
    lap("6 decide + publish")

    # 7. The founder reads the decision and its letter; the public results list the startup.
    founder.goto(f"{ws}/programmes/my/")
    founder.locator(f"[data-application='{application.uuid}'] [data-decision-link]").click()
    expect(founder.locator("[data-decision]")).to_have_attribute("data-decision", "accepted")
    letter = Letter.objects.get(application=application, recipient__email=FOUNDER_EMAIL)
    expect(founder.locator("main article")).to_contain_text(letter.subject)
    if lang == "en":
        expect(founder.get_by_role("heading", name="Letters")).to_be_visible()
    results = new_page(locale)
    results.goto(f"{base}{prefix}/calls/{world.call.slug}/results/")
    expect(results.locator("[data-results]")).to_contain_text(org_name)
    results.locator("[data-results]").get_by_role("link", name=org_name).click()
    expect(results).to_have_url(re.compile(rf"{prefix}/organisations/lua-vang/$"))
    results.go_back()
    expect(results.locator("[data-results]")).to_contain_text(org_name)
    lap("7 decision + results")
    screenshot(founder, f"selection-{lang}-decision")
    screenshot(results, f"selection-{lang}")
    print(f"selection journey [{lang}] timings (s): {timings}")
