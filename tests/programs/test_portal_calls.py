"""Pages of calls and applications: the portal (list with countdown, call page with eligibility and
"Apply"), the applicant's pages (start, autosave through HTMX, files, submission errors per question,
withdrawal) and the staff pages (programmes, calls, form builder, applications, CSV).

Pages render in Vietnamese by default: assertions use status codes, URLs and data attributes, or /en/
URLs where English words are checked."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from innohub.programs.models import Application, ApplicationEvent, Call, FormField, FormSection, Programme
from innohub.programs.services import applications as app_services
from tests.factories import OrganisationFactory, UserFactory
from tests.programs.calls_helpers import PDF, add_questions, make_call, member_org, upload
from tests.programs.factories import ApplicationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

CHOICES = {
    "choices": [
        {"value": "yes", "label_vi": "Có", "label_en": "Yes"},
        {"value": "no", "label_vi": "Không", "label_en": "No"},
    ]
}


@pytest.fixture(autouse=True)
def _fresh_cache_and_default_language():
    cache.clear()
    translation.activate("vi")  # a request to /en/… leaves English active for reverse()
    yield
    translation.activate("vi")


def en(url: str) -> str:
    return url if url.startswith("/en/") else "/en" + url


@pytest.fixture
def staff(network, make_member):
    return make_member(network["hanoi"], "center_staff")


@pytest.fixture
def call(network):
    call = make_call(
        network["hanoi"],
        slug="keu-goi",
        title="Kêu gọi ươm tạo",
        eligibility={"organisation_kinds": ["startup"], "founded_year": {"min": 2018}},
    )
    add_questions(
        call,
        {
            "key": "project_name",
            "kind": "text",
            "required": True,
            "label_vi": "Tên dự án",
            "label_en": "Project name",
        },
        {
            "key": "has_revenue",
            "kind": "choice",
            "required": True,
            "options": CHOICES,
            "label_vi": "Có doanh thu?",
            "label_en": "Any revenue?",
        },
        {
            "key": "revenue",
            "kind": "money",
            "required": True,
            "options": {"currency": "VND"},
            "condition": {"field": "has_revenue", "equals": "yes"},
        },
        {"key": "team", "kind": "team", "options": {"max": 5}},
        {"key": "deck", "kind": "file", "options": {"types": ["pdf"], "max_mb": 1}},
    )
    return call


# --- portal ---------------------------------------------------------------------------------------


def test_portal_lists_published_calls_with_a_countdown(client, network, call):
    make_call(network["hanoi"], slug="nhap", status="draft")
    make_call(
        network["hanoi"],
        slug="cu",
        status="reviewing",
        opens_at=timezone.now() - dt.timedelta(days=40),
        closes_at=timezone.now() - dt.timedelta(days=3),
    )
    hidden_programme = ProgrammeFactory(center=network["hanoi"], visibility="center")
    make_call(network["hanoi"], slug="noi-bo", programme=hidden_programme)
    response = client.get(reverse("portal:calls"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-call="([^"]+)"', html) == ["keu-goi", "cu"]  # newest deadline first
    countdown = re.search(r'data-countdown="([^"]+)"[^>]*>([^<]+)<', html)
    assert countdown and countdown.group(1).startswith(str(call.closes_at.year))
    assert 'data-phase="open"' in html and 'data-phase="closed"' in html
    assert "programs/programs.js" in html and "<script>" not in html.split("</main>")[0]
    english = client.get(en(reverse("portal:calls"))).content.decode()
    assert re.search(r"\d+ days and \d+ hours? left", english)
    assert client.get(reverse("portal:calls"), {"open": "1"}).content.decode().count('data-call="') == 1


def test_call_page_shows_eligibility_in_words_and_apply(client, call):
    response = client.get(en(reverse("portal:call-detail", args=[call.slug])))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Open to: Startup." in html and "Founded in 2018 or later." in html
    assert reverse("workspace:programs-apply", args=[call.slug]) in html
    assert "Project name" in html  # what to prepare
    assert client.get(reverse("portal:call-detail", args=["no-such-call"])).status_code == 404


def test_draft_calls_are_not_on_the_portal(client, network):
    make_call(network["hanoi"], slug="nhap", status="draft")
    assert client.get(reverse("portal:call-detail", args=["nhap"])).status_code == 404


# --- applicant pages --------------------------------------------------------------------------------


@pytest.fixture
def applicant(network):
    org, user = member_org(network["hanoi"], founded_year=2020, name="Công ty Lúa Vàng")
    return org, user


def _start(client, call, org) -> Application:
    response = client.post(reverse("workspace:programs-apply", args=[call.slug]), {"organisation": org.pk})
    assert response.status_code == 302, response.content
    application = Application.objects.get(call=call, organisation=org)
    assert response["Location"] == reverse("workspace:programs-application-form", args=[application.uuid])
    return application


def test_apply_then_autosave_through_htmx(client, call, applicant):
    org, user = applicant
    client.force_login(user)
    application = _start(client, call, org)
    page = client.get(reverse("workspace:programs-application-form", args=[application.uuid]))
    html = page.content.decode()
    assert 'hx-trigger="change delay:500ms, input delay:3s"' in html
    assert 'data-condition="{&quot;field&quot;: &quot;has_revenue&quot;' in html
    assert re.search(r'id="q-revenue"[^>]*class|class="question mb-4 d-none" id="q-revenue"', html)
    save_url = reverse("workspace:programs-application-autosave", args=[application.uuid])
    response = client.post(
        save_url,
        {
            "version": application.version,
            "project_name": "Lúa Vàng",
            "has_revenue__present": "1",
            "team__0__name": "An",
            "team__0__role": "CEO",
            "team__1__name": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert re.search(r'data-saved-at="\d\d:\d\d"', fragment)
    assert f'value="{application.version + 1}" hx-swap-oob="true"' in fragment
    application.refresh_from_db()
    assert application.answers == {
        "project_name": "Lúa Vàng",
        "team": [{"name": "An", "role": "CEO", "email": ""}],
    }


def test_autosave_keeps_the_good_answers_and_flags_the_bad(client, call, applicant):
    org, user = applicant
    client.force_login(user)
    application = _start(client, call, org)
    response = client.post(
        en(reverse("workspace:programs-application-autosave", args=[application.uuid])),
        {"version": application.version, "project_name": "Lúa", "revenue": "a lot"},
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert "data-autosave-errors" in fragment
    assert re.search(r'id="q-revenue-error"[^>]*>Enter a number\.<', fragment)
    application.refresh_from_db()
    assert application.answers == {"project_name": "Lúa"}


def test_autosave_from_a_stale_window_is_refused(client, call, applicant):
    org, user = applicant
    client.force_login(user)
    application = _start(client, call, org)
    url = reverse("workspace:programs-application-autosave", args=[application.uuid])
    client.post(url, {"version": application.version, "project_name": "A"}, HTTP_HX_REQUEST="true")
    response = client.post(url, {"version": application.version, "project_name": "B"}, HTTP_HX_REQUEST="true")
    assert "data-autosave-problem" in response.content.decode()
    assert 'id="application-version"' not in response.content.decode()
    application.refresh_from_db()
    assert application.answers["project_name"] == "A"


def test_submit_lists_the_problems_per_question(client, call, applicant):
    org, user = applicant
    client.force_login(user)
    application = _start(client, call, org)
    response = client.post(
        en(reverse("workspace:programs-application-submit", args=[application.uuid])),
        {"version": application.version, "has_revenue__present": "1", "has_revenue": "yes"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-error-summary" in html
    assert set(re.findall(r'data-error-for="([^"]+)"', html)) == {"project_name", "revenue"}
    assert 'href="#q-project_name"' in html
    assert "“Project name” is required." in html
    application.refresh_from_db()
    assert application.status == "draft" and application.answers == {"has_revenue": "yes"}


def test_upload_then_submit_then_view_the_version(client, call, applicant):
    org, user = applicant
    client.force_login(user)
    application = _start(client, call, org)
    up = client.post(
        reverse("workspace:programs-application-file-upload", args=[application.uuid, "deck"]),
        {"deck__upload": upload()},
        HTTP_HX_REQUEST="true",
    )
    assert up.status_code == 200 and "data-file=" in up.content.decode()
    bad = client.post(
        en(reverse("workspace:programs-application-file-upload", args=[application.uuid, "deck"])),
        {"deck__upload": upload("deck.pdf", b"\x89PNG\r\n\x1a\n")},
        HTTP_HX_REQUEST="true",
    )
    assert "is not a PDF file" in bad.content.decode()
    response = client.post(
        reverse("workspace:programs-application-submit", args=[application.uuid]),
        {
            "version": application.version,
            "project_name": "Lúa Vàng",
            "has_revenue__present": "1",
            "has_revenue": "no",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.submitted_version) == ("submitted", 1)
    version = client.get(reverse("workspace:programs-application-version", args=[application.uuid, 1]))
    assert version.status_code == 200 and 'data-version="1"' in version.content.decode()
    stored = application.files.get()
    download = client.get(reverse("workspace:programs-application-file", args=[application.uuid, stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert 'filename="deck.pdf"' in download["Content-Disposition"]


def test_ineligible_organisation_sees_the_reasons(client, call, network):
    org, user = member_org(network["hanoi"], founded_year=2010)
    client.force_login(user)
    application = _start(client, call, org)
    response = client.post(
        en(reverse("workspace:programs-application-submit", args=[application.uuid])),
        {
            "version": application.version,
            "project_name": "A",
            "has_revenue__present": "1",
            "has_revenue": "no",
        },
    )
    html = response.content.decode()
    assert 'data-error-for="eligibility"' in html and "founded in 2010" in html
    assert 'data-rule="founded_year" data-passed="false"' in html


def test_closed_draft_is_read_only(client, call, applicant):
    org, user = applicant
    client.force_login(user)
    application = _start(client, call, org)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(reverse("workspace:programs-application-form", args=[application.uuid]))
    assert "data-read-only" in page.content.decode() and "data-autosave" not in page.content.decode()
    response = client.post(
        reverse("workspace:programs-application-autosave", args=[application.uuid]), {"project_name": "x"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers == {}


def test_withdraw_asks_first(client, call, applicant):
    org, user = applicant
    client.force_login(user)
    application = _start(client, call, org)
    url = reverse("workspace:programs-application-withdraw", args=[application.uuid])
    assert client.get(url).status_code == 200
    assert Application.objects.get(pk=application.pk).status == "draft"
    response = client.post(url, {"reason": "Không kịp"})
    assert response["Location"] == reverse("workspace:programs-my-applications")
    assert Application.objects.get(pk=application.pk).status == "withdrawn"


def test_apply_page_explains_what_is_missing(client, call, network, applicant):
    client.force_login(UserFactory())
    assert (
        "data-no-organisation"
        in client.get(reverse("workspace:programs-apply", args=[call.slug])).content.decode()
    )
    org, user = applicant
    client.force_login(user)
    application = _start(client, call, org)
    page = client.get(reverse("workspace:programs-apply", args=[call.slug])).content.decode()
    assert "data-existing" in page and str(application.uuid) in page
    my = client.get(reverse("workspace:programs-my-applications")).content.decode()
    assert f'data-application="{application.uuid}"' in my


def test_people_without_staff_rights_are_sent_to_their_applications(client, applicant):
    client.force_login(applicant[1])
    response = client.get(reverse("workspace:programs-programme-list"))
    assert response["Location"] == reverse("workspace:programs-my-applications")


# --- staff pages ------------------------------------------------------------------------------------


def test_staff_create_a_programme_and_a_call(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("workspace:programs-programme-create"),
        {
            "center": staff.memberships.get().center_id,
            "kind": "incubation",
            "title_vi": "Ươm tạo mới",
            "budget_currency": "VND",
            "visibility": "public",
        },
    )
    programme = Programme.objects.get(title_vi="Ươm tạo mới")
    assert response["Location"] == reverse("workspace:programs-programme-detail", args=[programme.slug])
    opens = timezone.localtime() - dt.timedelta(hours=1)
    response = client.post(
        reverse("workspace:programs-call-create", args=[programme.slug]),
        {
            "title_vi": "Đợt 1",
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (opens + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
            "appeal_days": 7,
            "rule_kinds": ["startup"],
            "rule_founded_min": 2019,
            "quotas": "",
        },
    )
    call = Call.objects.get(programme=programme)
    assert response["Location"] == reverse("workspace:programs-form-builder", args=[call.slug])
    assert call.eligibility == {"organisation_kinds": ["startup"], "founded_year": {"min": 2019}}


def test_call_form_shows_rule_errors_on_their_fields(client, staff, call):
    client.force_login(staff)
    before = call.version
    data = {
        "version": call.version,
        "title_vi": call.title,
        "opens_at": "2027-01-10T08:00",
        "closes_at": "2027-02-01T08:00",
        "appeal_days": 7,
        "quotas": "[not json",
    }
    response = client.post(en(reverse("workspace:programs-call-edit", args=[call.slug])), data)
    assert response.status_code == 200 and "Enter valid JSON" in response.content.decode()
    data.update(quotas="", rule_founded_min=2020, rule_founded_max=2010)
    response = client.post(en(reverse("workspace:programs-call-edit", args=[call.slug])), data)
    html = response.content.decode()
    assert re.search(r'id="id_rule_founded_min_error"[^>]*>“min” cannot be greater than “max”\.', html), html[
        -3000:
    ]
    call.refresh_from_db()
    assert call.version == before


def test_publish_button_refuses_with_the_reason(client, staff, network):
    draft = make_call(network["hanoi"], slug="nhap", status="draft")
    client.force_login(staff)
    response = client.post(
        en(reverse("workspace:programs-call-status", args=[draft.slug])),
        {"to": "published", "version": draft.version},
        follow=True,
    )
    assert "at least one question" in response.content.decode()
    assert Call.objects.get(pk=draft.pk).status == "draft"


def test_form_builder_htmx_add_edit_move_delete(client, staff, network):
    draft = make_call(network["hanoi"], slug="nhap", status="draft")
    client.force_login(staff)
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(
        reverse("workspace:programs-form-section-add", args=[draft.slug]),
        {"title_vi": "Chung", "title_en": "General"},
        **htmx,
    )
    assert response.status_code == 200 and 'data-section="' in response.content.decode()
    section = FormSection.objects.get(call=draft)
    add_url = reverse("workspace:programs-form-field-add", args=[draft.slug, section.pk])
    assert "data-field-form" in client.get(add_url, **htmx).content.decode()
    bad = client.post(add_url, {"kind": "choice", "label_vi": "Giai đoạn"}, **htmx)
    assert bad["HX-Retarget"] == f"#section-{section.pk}-new-field"
    for key, kind, extra in (
        ("name", "text", {}),
        ("stage", "choice", {"choices_text": "idea | Ý tưởng | Idea\nmvp | MVP"}),
    ):
        ok = client.post(
            add_url, {"kind": kind, "label_vi": key, "key": key, "required": "on", **extra}, **htmx
        )
        assert ok.status_code == 200 and f'data-field="{key}"' in ok.content.decode()
    stage = FormField.objects.get(key="stage")
    assert stage.options["choices"][0] == {"value": "idea", "label_vi": "Ý tưởng", "label_en": "Idea"}
    edit = client.post(
        reverse("workspace:programs-form-field-edit", args=[draft.slug, stage.pk]),
        {
            "kind": "choice",
            "label_vi": "Giai đoạn",
            "label_en": "Stage",
            "key": "stage",
            "choices_text": "idea | Ý tưởng",
            "condition_field": "name",
            "condition_values": "x",
        },
        **htmx,
    )
    assert edit.status_code == 200
    stage.refresh_from_db()
    assert stage.label_en == "Stage" and stage.condition == {"field": "name", "equals": "x"}
    client.post(
        reverse("workspace:programs-form-field-move", args=[draft.slug, stage.pk]),
        {"direction": "up"},
        **htmx,
    )
    assert list(
        FormField.objects.filter(section=section).order_by("position").values_list("key", flat=True)
    ) == ["stage", "name"]
    refused = client.post(
        reverse(
            "workspace:programs-form-field-delete", args=[draft.slug, FormField.objects.get(key="name").pk]
        ),
        **htmx,
    )
    assert "alert-danger" in refused.content.decode()  # "stage" depends on it
    client.post(reverse("workspace:programs-form-field-delete", args=[draft.slug, stage.pk]), **htmx)
    assert list(FormField.objects.values_list("key", flat=True)) == ["name"]
    # without HTMX the same buttons redirect to the builder
    plain = client.post(
        reverse("workspace:programs-form-section-move", args=[draft.slug, section.pk]), {"direction": "up"}
    )
    assert plain["Location"] == reverse("workspace:programs-form-builder", args=[draft.slug])


def test_application_list_filters_and_csv(client, staff, call, network):
    from innohub.taxonomy.models import Province

    danang = Province.objects.get(code="48")
    rows = []
    for i, status in enumerate(["submitted", "submitted", "draft", "rejected"]):
        org = OrganisationFactory(
            center=network["hanoi"], name=f"=Công ty {i}", province=danang if i == 1 else None
        )
        app = ApplicationFactory(call=call, organisation=org, status=status, reference=f"HN-2027-{i:04d}")
        app.versions.create(number=1, answers={"project_name": f"Dự án {i}", "has_revenue": "no"})
        rows.append(app)
    client.force_login(staff)
    url = reverse("workspace:programs-application-list", args=[call.slug])
    html = client.get(url).content.decode()
    assert set(re.findall(r'data-application="([^"]+)"', html)) == {str(rows[i].uuid) for i in (0, 1, 3)}
    assert re.findall(
        r'data-application="([^"]+)"', client.get(url, {"province": "48"}).content.decode()
    ) == [str(rows[1].uuid)]
    export = client.get(
        reverse("workspace:programs-application-export", args=[call.slug]),
        {"status": "submitted", "order": "reference"},
    )
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == 3
    assert [r[0] for r in table[1:]] == ["HN-2027-0000", "HN-2027-0001"]
    assert table[1][1] == "'=Công ty 0"  # a spreadsheet formula is neutralised
    assert "Dự án 0" in table[1]


def test_staff_application_page_shows_versions_files_and_events(client, staff, call, applicant):
    org, user = applicant
    application = app_services.start_application(call, org, actor=user)
    app_services.save_answers(application, {"project_name": "Lúa", "has_revenue": "no"}, actor=user)
    app_services.upload_file(application, "deck", upload(), actor=user)
    app_services.submit_application(application, actor=user)
    client.force_login(staff)
    html = client.get(
        reverse("workspace:programs-application-detail", args=[application.uuid])
    ).content.decode()
    assert 'data-answer-key="project_name"' in html
    assert reverse("workspace:programs-application-version", args=[application.uuid, 1]) in html
    assert "application.submitted" in html and "deck.pdf" in html
    assert ApplicationEvent.objects.filter(application=application).count() >= 3
    # drafts stay with the applicant
    other_org, other_user = member_org(network_center(call))
    draft = app_services.start_application(call, other_org, actor=other_user)
    assert client.get(reverse("workspace:programs-application-detail", args=[draft.uuid])).status_code == 404


def network_center(call):
    return call.programme.center
