"""People over the API: the same filters and visibility as organisations; contact data for editors only."""

from __future__ import annotations

import pytest

from innohub.taxonomy.models import Province
from tests.api.utils import assert_error, make_org, make_person, send, slugs

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/directory/people"


def test_list_filters_and_visibility(network, anon, make_member, token_client):
    make_person(network["hanoi"], "Nguyễn Văn An", province=Province.objects.get(code="08"))
    make_person(network["haiphong"], "Trần Thị Bình")
    make_person(network["hanoi"], "Lê Nội Bộ", visibility="center")
    assert sorted(slugs(anon.get(PEOPLE))) == ["nguyen-van-an", "tran-thi-binh"]
    assert slugs(anon.get(PEOPLE, {"q": "nguyen van"})) == ["nguyen-van-an"]
    assert slugs(anon.get(PEOPLE, {"province": "02"})) == ["nguyen-van-an"], "former province code"
    assert slugs(anon.get(PEOPLE, {"center": "hai-phong"})) == ["tran-thi-binh"]
    assert_error(anon.get(f"{PEOPLE}/le-noi-bo"), 404, "not_found")
    staff = token_client(make_member(network["hanoi"], "center_staff"))
    assert "le-noi-bo" in slugs(staff.get(PEOPLE))


def test_contact_details_only_for_editors(network, anon, make_member, token_client):
    person = make_person(network["hanoi"], "Phạm Chuyên Gia", email="gia@example.vn", phone="0901234567")
    public = anon.get(f"{PEOPLE}/{person.slug}").json()
    assert public["email"] is None and public["phone"] is None and public["personal_id"] is None
    assert public["permissions"] == {"change": False, "delete": False}
    staff = token_client(make_member(network["hanoi"], "center_staff"))
    detail = staff.get(f"{PEOPLE}/{person.slug}").json()
    assert detail["email"] == "gia@example.vn" and detail["permissions"]["change"] is True


def test_create_update_delete(network, make_member, token_client):
    org = make_org(network["hanoi"], "Công ty Cố vấn")
    client = token_client(make_member(network["hanoi"], "center_staff"))
    payload = {
        "center": "ha-noi",
        "full_name": "Hoàng Kiều Bào",
        "title": "CTO",
        "organisation": org.slug,
        "country": "kr",
        "is_overseas_vietnamese": True,
        "personal_id": "001099012345",
        "tags": ["AI"],
        "visibility": "public",
    }
    created = send(client, "post", PEOPLE, payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["organisation"]["slug"] == org.slug and body["country"]["iso2"] == "KR"
    assert body["is_overseas_vietnamese"] is True and body["personal_id"] == "001099012345"
    stale = {"version": 0, "title": "CEO"}
    assert_error(send(client, "patch", f"{PEOPLE}/{body['slug']}", stale), 409, "conflict")
    patched = send(
        client, "patch", f"{PEOPLE}/{body['slug']}", {"version": 1, "title": "CEO", "organisation": None}
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["title"], patched.json()["organisation"], patched.json()["version"]) == (
        "CEO",
        None,
        2,
    )
    bad = send(client, "patch", f"{PEOPLE}/{body['slug']}", {"version": 2, "personal_id": "12345"})
    assert list(assert_error(bad, 422, "validation_error")["fields"]) == ["personal_id"]
    assert client.delete(f"{PEOPLE}/{body['slug']}").status_code == 204
    assert_error(client.get(f"{PEOPLE}/{body['slug']}"), 404, "not_found")
