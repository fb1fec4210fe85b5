"""Organisations over the API: filters shared with the UI, pagination, visibility, CRUD, relations, claims."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import RequestFactory

from innohub.core.api.pagination import MAX_PAGE_SIZE, PageParams, paginate
from innohub.directory.models import ClaimRequest, Organisation, OrganisationRelation
from innohub.taxonomy.models import Province, Stage
from tests.api.utils import assert_error, make_org, send, slugs
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/directory/organisations"


# --- list: pagination and filters -----------------------------------------------------------------


def test_a_misspelt_query_says_it_was_corrected(network, anon):
    org = make_org(network["hanoi"], "Đại học Bách khoa", kind="university")
    response = anon.get(ORGS, {"q": "Bách khao"})
    assert slugs(response) == [org.slug]
    corrected = response.json()
    assert corrected["relaxed"] is True and corrected["suggestion"] == "bach khoa"
    exact = anon.get(ORGS, {"q": "bach khoa"}).json()
    assert exact["count"] == 1 and exact["relaxed"] is False and exact["suggestion"] is None
    listed = anon.get(ORGS).json()  # no text query
    assert listed["relaxed"] is False and listed["suggestion"] is None
    people = anon.get("/api/v1/directory/people", {"q": "Bách khao"}).json()
    assert people["count"] == 0 and people["relaxed"] is False


def test_pagination_links_keep_the_filters(network, anon):
    for i in range(7):
        make_org(network["hanoi"], f"Công ty Số {i}", kind="startup")
    make_org(network["hanoi"], "Quỹ Đầu tư", kind="investor")
    first = anon.get(ORGS, {"kind": "startup", "page_size": 3}).json()
    assert (first["count"], first["pages"], first["page"], first["previous"]) == (7, 3, 1, None)
    assert len(first["items"]) == 3
    query = parse_qs(urlparse(first["next"]).query)
    assert query["page"] == ["2"] and query["kind"] == ["startup"] and query["page_size"] == ["3"]
    last = anon.get(ORGS, {"kind": "startup", "page_size": 3, "page": 3}).json()
    assert len(last["items"]) == 1 and last["next"] is None
    assert parse_qs(urlparse(last["previous"]).query)["page"] == ["2"]
    seen = {
        i["slug"]
        for p in (1, 2, 3)
        for i in anon.get(ORGS, {"kind": "startup", "page_size": 3, "page": p}).json()["items"]
    }
    assert len(seen) == 7, "pages do not overlap"
    past_end = anon.get(ORGS, {"page": 9}).json()
    assert past_end["items"] == [] and past_end["count"] == 8
    assert_error(anon.get(ORGS, {"page": 0}), 422, "validation_error")


def test_page_size_is_capped():
    request = RequestFactory().get(ORGS, {"page_size": 1000})
    page = paginate(request, list(range(250)), PageParams(page=1, page_size=1000))
    assert len(page["items"]) == MAX_PAGE_SIZE and page["pages"] == 3


def test_text_search_ignores_accents(network, anon):
    make_org(network["hanoi"], "Công nghệ Xanh Đà Lạt")
    make_org(network["hanoi"], "Nông sản Sạch")
    assert slugs(anon.get(ORGS, {"q": "cong nghe xanh da lat"})) == ["cong-nghe-xanh-da-lat"]
    assert slugs(anon.get(ORGS, {"q": "Nông"})) == ["nong-san-sach"]


def test_province_filter_accepts_former_province_codes(network, anon):
    tuyen_quang = Province.objects.get(code="08")  # absorbed Hà Giang (former code 02) in 2025
    make_org(network["hanoi"], "Chè Shan Tuyết", province=tuyen_quang)
    make_org(network["hanoi"], "Công ty Thủ đô", province=Province.objects.get(code="01"))
    assert slugs(anon.get(ORGS, {"province": "02"})) == ["che-shan-tuyet"]
    assert slugs(anon.get(ORGS, {"province": "08"})) == ["che-shan-tuyet"]
    assert sorted(slugs(anon.get(ORGS, {"province": "01,08"}))) == ["che-shan-tuyet", "cong-ty-thu-do"]


def test_kind_stage_center_and_year_filters_match_the_ui(network, anon):
    seed = Stage.objects.order_by("order").first()
    make_org(network["hanoi"], "Khởi nghiệp A", kind="startup", founded_year=2019, stage=seed)
    make_org(network["haiphong"], "Quỹ B", kind="investor", founded_year=2010)
    make_org(network["national"], "Vườn ươm C", kind="incubator", founded_year=2021)
    assert sorted(slugs(anon.get(ORGS, {"kind": "startup,investor"}))) == ["khoi-nghiep-a", "quy-b"]
    assert sorted(slugs(anon.get(f"{ORGS}?kind=startup&kind=incubator"))) == ["khoi-nghiep-a", "vuon-uom-c"]
    assert slugs(anon.get(ORGS, {"stage": seed.code})) == ["khoi-nghiep-a"]
    # a center includes the centers below it
    assert sorted(slugs(anon.get(ORGS, {"center": "mien-bac"}))) == ["khoi-nghiep-a", "quy-b"]
    assert sorted(slugs(anon.get(ORGS, {"founded_from": 2015}))) == ["khoi-nghiep-a", "vuon-uom-c"]
    assert slugs(anon.get(ORGS, {"founded_from": 2015, "founded_to": 2020})) == ["khoi-nghiep-a"]
    assert_error(anon.get(ORGS, {"founded_from": "last year"}), 422, "validation_error")


# --- visibility ------------------------------------------------------------------------------------


def test_center_only_record_is_invisible_outside_its_center_with_the_same_404(
    network, anon, make_member, token_client
):
    make_org(network["hanoi"], "Công ty Công khai")
    hidden = make_org(network["hanoi"], "Công ty Nội bộ", visibility="center")
    make_org(network["hanoi"], "Công ty Mạng lưới", visibility="network")
    assert slugs(anon.get(ORGS)) == ["cong-ty-cong-khai"]
    missing = anon.get(f"{ORGS}/khong-co-that")
    for client in (anon, token_client(make_member(network["haiphong"], "center_staff"))):
        for key in (hidden.slug, str(hidden.uuid)):
            response = client.get(f"{ORGS}/{key}")
            assert_error(response, 404, "not_found")
            assert response.json() == missing.json()
        assert hidden.slug not in slugs(client.get(ORGS))
    haiphong = token_client(make_member(network["haiphong"], "center_staff"))
    assert "cong-ty-mang-luoi" in slugs(haiphong.get(ORGS))
    for center in ("hanoi", "national"):  # own center, and the national center above it
        client = token_client(make_member(network[center], "center_staff"))
        assert client.get(f"{ORGS}/{hidden.slug}").status_code == 200
        assert hidden.slug in slugs(client.get(ORGS))


# --- CRUD ------------------------------------------------------------------------------------------


def test_create_read_update_delete(network, make_member, token_client):
    client = token_client(make_member(network["hanoi"], "center_staff"))
    payload = {
        "center": "ha-noi",
        "kind": "startup",
        "name_vi": "Công ty Nông nghiệp Thông minh",
        "name_en": "Smart Farming JSC",
        "description_vi": "<p>Cảm biến <script>alert(1)</script>đất</p>",
        "province": "02",
        "sectors": ["A", "62"],
        "stage": Stage.objects.order_by("order").first().code,
        "readiness_level": 4,
        "founded_year": 2021,
        "team_size": 12,
        "funding_raised_vnd": 2_500_000_000,
        "website": "https://nongnghiep.example.vn",
        "tags": ["IoT", "Nông nghiệp"],
        "social_links": {"facebook": "https://facebook.com/nnts"},
        "visibility": "network",
    }
    created = send(client, "post", ORGS, payload, HTTP_ACCEPT_LANGUAGE="en")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Smart Farming JSC" and body["name_vi"] == "Công ty Nông nghiệp Thông minh"
    assert body["province"]["code"] == "08" and body["legacy_province"]["code"] == "02"
    assert sorted(s["code"] for s in body["sectors"]) == ["62", "A"]
    assert body["readiness_level"]["level"] == 4 and body["funding_raised_vnd"] == 2_500_000_000
    assert sorted(body["tags"]) == ["IoT", "Nông nghiệp"]
    assert "<script>" not in body["description_vi"]
    assert body["permissions"] == {"change": True, "delete": True}
    assert body["version"] == 1

    by_uuid = client.get(f"{ORGS}/{body['uuid']}")
    assert by_uuid.json()["slug"] == body["slug"]

    patched = send(
        client,
        "patch",
        f"{ORGS}/{body['slug']}",
        {"version": 1, "team_size": 20, "tags": ["IoT"], "stage": None},
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["team_size"], patched.json()["tags"], patched.json()["stage"]) == (
        20,
        ["IoT"],
        None,
    )
    assert patched.json()["version"] == 2
    assert patched.json()["name_en"] == "Smart Farming JSC", "fields not sent are left alone"

    assert client.delete(f"{ORGS}/{body['slug']}").status_code == 204
    assert not Organisation.objects.filter(slug=body["slug"]).exists()
    assert_error(client.get(f"{ORGS}/{body['slug']}"), 404, "not_found")


def test_create_needs_permission_in_the_target_center(network, make_member, token_client):
    client = token_client(make_member(network["haiphong"], "center_staff"))
    payload = {"center": "ha-noi", "kind": "startup", "name_vi": "Không phải của tôi"}
    assert_error(send(client, "post", ORGS, payload), 403, "forbidden")
    payload["center"] = "no-such-center"
    body = assert_error(send(client, "post", ORGS, payload), 422, "validation_error")
    assert list(body["fields"]) == ["center"]


def test_a_phone_number_that_cannot_be_dialled_is_a_field_error(network, make_member, token_client):
    client = token_client(make_member(network["hanoi"], "center_staff"))
    payload = {"center": "ha-noi", "kind": "startup", "name_vi": "Sao Mai", "phone": "12"}
    body = assert_error(send(client, "post", ORGS, payload), 422, "validation_error")
    assert list(body["fields"]) == ["phone"]
    payload["phone"] = "0912.345.678"
    response = send(client, "post", ORGS, payload)
    assert response.status_code == 201, response.content
    assert Organisation.objects.get(name_vi="Sao Mai").phone == "+84 912 345 678"


def test_probable_duplicates_are_refused(network, make_member, token_client):
    make_org(network["hanoi"], "Công ty Trùng Tên", province=Province.objects.get(code="01"))
    client = token_client(make_member(network["hanoi"], "center_staff"))
    payload = {"center": "ha-noi", "kind": "startup", "name_vi": "CÔNG TY TRÙNG TÊN", "province": "01"}
    assert_error(send(client, "post", ORGS, payload), 422, "duplicate")


# --- relations and claims --------------------------------------------------------------------------


def test_relations_in_both_directions(network, make_member, token_client, anon):
    startup = make_org(network["hanoi"], "Khởi nghiệp Một")
    incubator = make_org(network["hanoi"], "Vườn ươm Hai", kind="incubator")
    hidden = make_org(network["haiphong"], "Quỹ Kín", kind="investor", visibility="center")
    client = token_client(make_member(network["hanoi"], "center_staff"))
    created = send(
        client,
        "post",
        f"{ORGS}/{startup.slug}/relations",
        {"target": str(incubator.uuid), "kind": "incubated_by", "since_year": 2022},
    )
    assert created.status_code == 201, created.content
    assert created.json()["direction"] == "out" and created.json()["other"]["slug"] == incubator.slug
    incoming = anon.get(f"{ORGS}/{incubator.slug}/relations").json()
    assert [(r["direction"], r["other"]["slug"], r["kind"]) for r in incoming] == [
        ("in", startup.slug, "incubated_by")
    ]
    body = assert_error(
        send(
            client, "post", f"{ORGS}/{startup.slug}/relations", {"target": hidden.slug, "kind": "invested_in"}
        ),
        422,
        "validation_error",
    )
    assert list(body["fields"]) == ["target"]
    assert_error(
        send(
            client,
            "post",
            f"{ORGS}/{startup.slug}/relations",
            {"target": incubator.slug, "kind": "incubated_by"},
        ),
        422,
        "duplicate",
    )
    relation_id = created.json()["id"]
    assert_error(anon.delete(f"/api/v1/directory/relations/{relation_id}"), 401, "not_authenticated")
    assert client.delete(f"/api/v1/directory/relations/{relation_id}").status_code == 204
    assert not OrganisationRelation.objects.filter(pk=relation_id).exists()


def test_claiming_a_profile(network, session_client):
    org = make_org(network["hanoi"], "Công ty Chờ Nhận")
    founder = UserFactory()
    client = session_client(founder)
    response = send(client, "post", f"{ORGS}/{org.slug}/claim", {"message": "Tôi là nhà sáng lập."})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending" and response.json()["organisation"]["slug"] == org.slug
    assert ClaimRequest.objects.filter(organisation=org, user=founder, status="pending").count() == 1
    assert_error(send(client, "post", f"{ORGS}/{org.slug}/claim", {}), 409, "invalid_state")


@pytest.mark.parametrize("area", ["organisations", "people"])
def test_a_text_query_with_a_filter_that_matches_nothing_is_an_empty_page(network, anon, area):
    """Found by tests/fuzz: an unknown center slug empties the queryset, and searching an empty
    queryset raised EmptyResultSet (a 500)."""
    make_org(network["hanoi"], "Công ty Sáng Tạo")
    response = anon.get(f"/api/v1/directory/{area}", {"q": "sang tao", "center": "no-such-center"})
    assert response.status_code == 200, response.content
    assert response.json()["items"] == [] and response.json()["count"] == 0
