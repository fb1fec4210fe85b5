"""Taxonomies: public reads (with the pre-2025 province mapping), writes for platform administrators."""

from __future__ import annotations

import pytest

from innohub.taxonomy.models import Province, Stage
from tests.api.utils import assert_error, make_org, send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TAX = "/api/v1/taxonomy"


def test_provinces_carry_the_former_provinces_they_absorbed(anon):
    provinces = anon.get(f"{TAX}/provinces").json()
    assert len(provinces) == 34
    tuyen_quang = next(p for p in provinces if p["code"] == "08")
    assert {lp["code"] for lp in tuyen_quang["legacy_provinces"]} >= {"02", "08"}
    legacy = anon.get(f"{TAX}/legacy-provinces").json()
    assert len(legacy) == 63
    assert next(lp for lp in legacy if lp["code"] == "02")["province"] == "08"
    assert anon.get(f"{TAX}/provinces/08").json()["name_en"]


def test_reference_lists(anon):
    sections = anon.get(f"{TAX}/sectors", {"level": 1}).json()
    assert sections and all(s["level"] == 1 and s["parent"] is None for s in sections)
    divisions = anon.get(f"{TAX}/sectors", {"parent": "J"}).json()
    assert divisions and all(s["parent"] == "J" for s in divisions)
    assert [r["level"] for r in anon.get(f"{TAX}/readiness-levels").json()] == list(range(1, 10))
    stages = anon.get(f"{TAX}/stages").json()
    assert [s["code"] for s in stages] == list(Stage.objects.order_by("order").values_list("code", flat=True))
    assert any(c["iso2"] == "VN" for c in anon.get(f"{TAX}/countries").json())
    assert anon.get(f"{TAX}/science-fields").json()


def test_communes_are_paginated_and_filtered_by_province(anon):
    page = anon.get(f"{TAX}/communes", {"province": "01", "page_size": 10}).json()
    assert page["count"] > 100 and len(page["items"]) == 10
    assert all(c["province"] == "01" for c in page["items"])
    found = anon.get(f"{TAX}/communes", {"province": "01", "q": "ba dinh"}).json()["items"]
    assert any(c["name"] == "Phường Ba Đình" for c in found)
    # a former province code lists the communes of the province that absorbed it
    assert (
        anon.get(f"{TAX}/communes", {"province": "02", "page_size": 1}).json()["items"][0]["province"] == "08"
    )


def test_only_platform_administrators_write(network, make_member, token_client, anon):
    payload = {"code": "pilot", "order": 99, "name_vi": "Thí điểm", "name_en": "Pilot"}
    assert_error(send(anon, "post", f"{TAX}/stages", payload), 401, "not_authenticated")
    staff = token_client(make_member(network["hanoi"], "center_admin"))
    assert_error(send(staff, "post", f"{TAX}/stages", payload), 403, "forbidden")
    admin = token_client(UserFactory(is_superuser=True))
    created = send(admin, "post", f"{TAX}/stages", payload)
    assert created.status_code == 201, created.content
    assert anon.get(f"{TAX}/stages").json()[-1]["code"] == "pilot", "the cached list is refreshed"
    body = assert_error(send(admin, "post", f"{TAX}/stages", payload), 422, "validation_error")
    assert "code" in body["fields"]
    patched = send(admin, "patch", f"{TAX}/stages/pilot", {"name_en": "Pilot run"}, HTTP_ACCEPT_LANGUAGE="en")
    assert patched.json()["name"] == "Pilot run"
    assert admin.delete(f"{TAX}/stages/pilot").status_code == 204
    assert_error(admin.get(f"{TAX}/stages/pilot"), 404, "not_found")


def test_a_term_in_use_cannot_be_deleted(network, token_client):
    make_org(network["hanoi"], "Công ty Hà Nội", province=Province.objects.get(code="01"))
    admin = token_client(UserFactory(is_superuser=True))
    assert_error(admin.delete(f"{TAX}/provinces/01"), 409, "protected")
    sector = send(
        admin,
        "post",
        f"{TAX}/sectors",
        {"code": "99", "level": 2, "parent": "ZZ", "name_vi": "Khác"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert assert_error(sector, 422, "validation_error")["fields"] == {"parent": ["Unknown code: ZZ."]}
