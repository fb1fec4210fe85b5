"""/api/v1/programs: programmes, calls and transitions, forms, applications — the same filters, rules and
errors as the pages (one error format; a record you may not see is a 404)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from innohub.accounts.tokens import create_api_token
from innohub.programs.models import Application, Call, FormField
from tests.api.utils import PAGE_FIELDS, assert_error, send
from tests.factories import OrganisationFactory, UserFactory
from tests.programs.calls_helpers import add_questions, make_call, member_org, upload
from tests.programs.factories import ApplicationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/programs"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token(user, scope: str = "write") -> Client:
    _token, raw = create_api_token(user, actor=user, name=f"test {scope}", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def staff(network, make_member):
    return make_member(network["hanoi"], "center_staff")


# --- programmes -----------------------------------------------------------------------------------


def test_programme_crud_and_transitions(staff, network):
    client = token(staff)
    partner = OrganisationFactory(center=network["hanoi"], slug="doi-tac")
    created = send(
        client,
        "post",
        f"{API}/programmes",
        {
            "center": "ha-noi",
            "kind": "exchange",
            "title_vi": "Trao đổi Việt – Hàn",
            "partners": ["doi-tac"],
            "languages": ["vi", "ko"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["partners"][0]["slug"] == partner.slug
    slug = body["slug"]
    patched = send(
        client,
        "patch",
        f"{API}/programmes/{slug}",
        {"version": body["version"], "title_en": "VN–KR exchange"},
    )
    assert patched.status_code == 200 and patched.json()["title_en"] == "VN–KR exchange"
    assert_error(
        send(client, "patch", f"{API}/programmes/{slug}", {"version": body["version"], "title_en": "x"}),
        409,
        "conflict",
    )
    active = send(client, "post", f"{API}/programmes/{slug}/transition", {"to": "active"})
    assert active.json()["status"] == "active"
    assert_error(
        send(client, "post", f"{API}/programmes/{slug}/transition", {"to": "draft"}), 409, "invalid_state"
    )
    assert_error(client.delete(f"{API}/programmes/{slug}"), 409, "invalid_state")


def test_programme_input_errors_name_the_field(staff):
    client = token(staff)
    body = assert_error(
        send(
            client, "post", f"{API}/programmes", {"center": "nowhere", "kind": "incubation", "title_vi": "X"}
        ),
        422,
        "validation_error",
    )
    assert "center" in body["fields"]
    body = assert_error(
        send(client, "post", f"{API}/programmes", {"center": "ha-noi", "kind": "party", "title_vi": "X"}),
        422,
        "validation_error",
    )
    assert "kind" in body["fields"]


def test_programme_writes_need_staff_of_the_center(network, make_member, staff):
    programme = ProgrammeFactory(center=network["hanoi"])
    other = token(make_member(network["haiphong"], "center_staff"))
    assert_error(
        send(other, "post", f"{API}/programmes", {"center": "ha-noi", "kind": "incubation", "title_vi": "X"}),
        403,
        "forbidden",
    )
    assert_error(
        send(other, "patch", f"{API}/programmes/{programme.slug}", {"version": 1, "title_en": "x"}),
        403,
        "forbidden",
    )
    assert_error(
        send(
            Client(), "post", f"{API}/programmes", {"center": "ha-noi", "kind": "incubation", "title_vi": "X"}
        ),
        401,
        "not_authenticated",
    )
    assert_error(
        send(
            token(staff, "read"),
            "post",
            f"{API}/programmes",
            {"center": "ha-noi", "kind": "incubation", "title_vi": "X"},
        ),
        403,
        "insufficient_scope",
    )


def test_anonymous_callers_see_public_active_programmes_only(network):
    ProgrammeFactory(center=network["hanoi"], slug="public-one")
    ProgrammeFactory(center=network["hanoi"], slug="draft-one", status="draft")
    ProgrammeFactory(center=network["hanoi"], slug="private-one", visibility="center")
    anon = Client()
    assert [p["slug"] for p in anon.get(f"{API}/programmes").json()["items"]] == ["public-one"]
    assert_error(anon.get(f"{API}/programmes/draft-one"), 404, "not_found")


# --- calls ----------------------------------------------------------------------------------------


def test_call_crud_transitions_and_form(staff, network):
    client = token(staff)
    ProgrammeFactory(center=network["hanoi"], slug="uom-tao")
    now = timezone.now()
    created = send(
        client,
        "post",
        f"{API}/programmes/uom-tao/calls",
        {
            "title_vi": "Kêu gọi 2027",
            "opens_at": (now - dt.timedelta(days=1)).isoformat(),
            "closes_at": (now + dt.timedelta(days=30)).isoformat(),
            "eligibility": {"organisation_kinds": ["startup"], "founded_year": {"min": 2019}},
        },
    )
    assert created.status_code == 201, created.content
    call = created.json()
    assert call["status"] == "draft" and call["application_counts"] == {}
    slug = call["slug"]
    assert_error(
        send(client, "post", f"{API}/calls/{slug}/transition", {"to": "published"}), 409, "invalid_state"
    )
    section = send(
        client, "post", f"{API}/calls/{slug}/form/sections", {"title_vi": "Chung", "title_en": "General"}
    )
    assert section.status_code == 201
    section_id = section.json()["id"]
    field = send(
        client,
        "post",
        f"{API}/form/sections/{section_id}/fields",
        {
            "kind": "choice",
            "label_vi": "Giai đoạn",
            "options": {"choices": [{"value": "idea", "label_vi": "Ý tưởng"}]},
        },
    )
    assert field.status_code == 201, field.content
    assert field.json()["key"] == "giai_doan"
    bad = assert_error(
        send(client, "post", f"{API}/form/sections/{section_id}/fields", {"kind": "choice", "label_vi": "X"}),
        422,
        "validation_error",
    )
    assert "options" in bad["fields"]
    second = send(
        client,
        "post",
        f"{API}/form/sections/{section_id}/fields",
        {"kind": "text", "label_vi": "Tên", "required": True},
    ).json()
    ordered = send(
        client,
        "post",
        f"{API}/form/sections/{section_id}/fields/order",
        {"ids": [second["id"], field.json()["id"]]},
    )
    assert [f["key"] for f in ordered.json()["fields"]] == ["ten", "giai_doan"]
    changed = send(client, "patch", f"{API}/form/fields/{second['id']}", {"label_en": "Name"})
    assert changed.json()["label_en"] == "Name"
    published = send(client, "post", f"{API}/calls/{slug}/transition", {"to": "published"})
    assert published.status_code == 200 and published.json()["is_open"] is True
    form = Client().get(f"{API}/calls/{slug}/form").json()
    assert [f["key"] for f in form[0]["fields"]] == ["ten", "giai_doan"]
    detail = Client().get(f"{API}/calls/{slug}").json()
    assert detail["application_counts"] is None  # staff only
    assert detail["eligibility_text"]
    assert_error(
        send(client, "patch", f"{API}/calls/{slug}", {"version": 1, "title_en": "x"}), 409, "conflict"
    )
    assert client.delete(f"{API}/form/fields/{second['id']}").status_code == 204
    assert FormField.objects.filter(section_id=section_id).count() == 1


def test_any_utc_offset_is_kept_as_its_instant_and_out_of_range_dates_are_a_422(staff, network):
    """Python accepts offsets up to ±24 h, PostgreSQL only ±15:59 (found by the API fuzzer: a 500)."""
    client = token(staff)
    ProgrammeFactory(center=network["hanoi"], slug="uom-tao")
    created = send(
        client,
        "post",
        f"{API}/programmes/uom-tao/calls",
        {"title_vi": "Kêu gọi", "opens_at": "2030-10-24T10:07:54-21:18", "closes_at": "2030-12-01T00:00:00Z"},
    )
    assert created.status_code == 201, created.content
    call = Call.objects.get(slug=created.json()["slug"])
    assert call.opens_at == dt.datetime(2030, 10, 25, 7, 25, 54, tzinfo=dt.UTC)
    too_late = send(
        client,
        "post",
        f"{API}/programmes/uom-tao/calls",
        {"title_vi": "Kêu gọi", "opens_at": "2030-01-01T00:00:00Z", "closes_at": "9999-12-31T23:00:00-21:00"},
    )
    assert_error(too_late, 422, "validation_error")


def test_call_list_filters_and_portal_visibility(network):
    hanoi = network["hanoi"]
    open_call = make_call(hanoi, slug="dang-mo")
    closed = make_call(
        hanoi,
        slug="da-dong",
        status="reviewing",
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=2),
    )
    make_call(hanoi, slug="nhap", status="draft")
    anon = Client()
    assert [c["slug"] for c in anon.get(f"{API}/calls").json()["items"]] == [open_call.slug, closed.slug]
    assert [c["slug"] for c in anon.get(f"{API}/calls", {"open": "true"}).json()["items"]] == ["dang-mo"]
    assert [c["slug"] for c in anon.get(f"{API}/calls", {"status": "reviewing"}).json()["items"]] == [
        "da-dong"
    ]
    assert_error(anon.get(f"{API}/calls/nhap"), 404, "not_found")


def test_staff_see_their_draft_calls(network, staff):
    make_call(network["hanoi"], slug="nhap", status="draft")
    assert token(staff).get(f"{API}/calls/nhap").status_code == 200


# --- applications ---------------------------------------------------------------------------------


@pytest.fixture
def call_with_form(network):
    call = make_call(network["hanoi"], slug="keu-goi")
    add_questions(
        call,
        {"key": "name", "kind": "text", "required": True, "label_vi": "Tên dự án"},
        {"key": "size", "kind": "number"},
        {"key": "deck", "kind": "file", "options": {"types": ["pdf"]}},
    )
    return call


def test_applicant_flow_over_the_api(network, call_with_form, staff):
    org, user = member_org(network["hanoi"], slug="lua-vang")
    client = token(user)
    started = send(client, "post", f"{API}/calls/keu-goi/applications", {"organisation": "lua-vang"})
    assert started.status_code == 201, started.content
    app = started.json()
    uuid = app["uuid"]
    assert app["status"] == "draft" and app["permissions"] == {"edit": True, "submit": True, "withdraw": True}
    assert_error(
        send(client, "post", f"{API}/calls/keu-goi/applications", {"organisation": "lua-vang"}),
        409,
        "already_applied",
    )
    saved = send(
        client,
        "patch",
        f"{API}/applications/{uuid}/answers",
        {"answers": {"size": "7"}, "version": app["version"]},
    )
    assert saved.json()["answers"] == {"size": 7}
    stale = assert_error(
        send(
            client,
            "patch",
            f"{API}/applications/{uuid}/answers",
            {"answers": {"size": "8"}, "version": app["version"]},
        ),
        409,
        "conflict",
    )
    assert stale["message"]
    wrong = assert_error(
        send(client, "patch", f"{API}/applications/{uuid}/answers", {"answers": {"size": "many"}}),
        422,
        "validation_error",
    )
    assert list(wrong["fields"]) == ["size"]
    incomplete = assert_error(
        send(client, "post", f"{API}/applications/{uuid}/submit", {}), 422, "incomplete"
    )
    assert list(incomplete["fields"]) == ["name"]
    uploaded = client.post(f"{API}/applications/{uuid}/files", {"field_key": "deck", "file": upload()})
    assert uploaded.status_code == 201, uploaded.content
    bad_file = client.post(
        f"{API}/applications/{uuid}/files", {"field_key": "deck", "file": upload("x.pdf", b"not a pdf")}
    )
    assert_error(bad_file, 422, "invalid_file")
    send(client, "patch", f"{API}/applications/{uuid}/answers", {"answers": {"name": "Lúa Vàng"}})
    submitted = send(client, "post", f"{API}/applications/{uuid}/submit", {})
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted" and body["submitted_version"] == 1
    assert body["versions"][0]["answers"]["deck"][0]["name"] == "deck.pdf"
    assert "path" not in body["versions"][0]["answers"]["deck"][0]
    mine = client.get(f"{API}/applications/mine").json()
    assert [a["uuid"] for a in mine["items"]] == [uuid]
    # the center's staff read it, without the working copy; strangers get a 404
    as_staff = token(staff).get(f"{API}/applications/{uuid}").json()
    assert as_staff["answers"] is None and as_staff["versions"][0]["number"] == 1
    assert_error(token(UserFactory()).get(f"{API}/applications/{uuid}"), 404, "not_found")
    listed = token(staff).get(f"{API}/calls/keu-goi/applications").json()
    assert [a["reference"] for a in listed["items"]] == [body["reference"]]
    withdrawn = send(client, "post", f"{API}/applications/{uuid}/withdraw", {"reason": "x"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert Application.objects.get(uuid=uuid).status == "withdrawn"


def test_start_requires_membership_and_an_open_call(network, call_with_form):
    org, user = member_org(network["hanoi"], slug="lua-vang")
    stranger = token(UserFactory())
    body = assert_error(
        send(stranger, "post", f"{API}/calls/keu-goi/applications", {"organisation": "lua-vang"}),
        422,
        "validation_error",
    )
    assert "organisation" in body["fields"]
    Call.objects.filter(pk=call_with_form.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert_error(
        send(token(user), "post", f"{API}/calls/keu-goi/applications", {"organisation": "lua-vang"}),
        409,
        "call_closed",
    )


def test_staff_list_of_applications_is_filtered_and_hides_drafts(network, call_with_form, staff):
    from innohub.taxonomy.models import Province

    hn, dn = Province.objects.get(code="01"), Province.objects.get(code="48")
    for i, (province, status) in enumerate(
        [(hn, "submitted"), (dn, "submitted"), (dn, "draft"), (hn, "rejected")]
    ):
        org = OrganisationFactory(center=network["hanoi"], province=province, name=f"Công ty Số {i}")
        ApplicationFactory(call=call_with_form, organisation=org, status=status, reference=f"HN-2027-{i:04d}")
    client = token(staff)
    url = f"{API}/calls/keu-goi/applications"
    assert client.get(url).json()["count"] == 3
    assert [a["reference"] for a in client.get(url, {"province": "48"}).json()["items"]] == ["HN-2027-0001"]
    assert [a["reference"] for a in client.get(url, {"status": "rejected"}).json()["items"]] == [
        "HN-2027-0003"
    ]
    assert [a["reference"] for a in client.get(url, {"q": "HN-2027-0000"}).json()["items"]] == [
        "HN-2027-0000"
    ]
    ordered = [a["reference"] for a in client.get(url, {"order": "reference"}).json()["items"]]
    assert ordered == sorted(ordered)
    # the call is public: a signed-in stranger sees it but not its applications (403); once the call is
    # off the portal it is hidden from them like a missing one (404)
    stranger = token(UserFactory())
    assert_error(stranger.get(url), 403, "forbidden")
    assert_error(Client().get(url), 401, "not_authenticated")
    Call.objects.filter(pk=call_with_form.pk).update(status=Call.Status.DRAFT)
    assert_error(stranger.get(url), 404, "not_found")
    assert client.get(url).json()["count"] == 3


def test_form_changes_need_staff(network, call_with_form, make_member):
    section = call_with_form.sections.first()
    other = token(make_member(network["haiphong"], "center_staff"))
    assert_error(
        send(other, "post", f"{API}/form/sections/{section.pk}/fields", {"kind": "text", "label_vi": "X"}),
        404,
        "not_found",
    )
    assert_error(
        send(other, "post", f"{API}/calls/keu-goi/form/sections", {"title_vi": "X"}), 403, "forbidden"
    )


def test_openapi_lists_the_programmes_operations():
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "get" in paths[f"{API}/calls"] and {} in paths[f"{API}/calls"]["get"]["security"]
    assert {"post"} <= set(paths[f"{API}/applications/{{application_uuid}}/submit"])
    page = schema["components"]["schemas"]["CallPage"]
    assert set(page["properties"]) == PAGE_FIELDS
    assert (
        json.dumps(paths[f"{API}/calls/{{slug}}/applications"]["get"]["parameters"]).count('"province"') == 1
    )
