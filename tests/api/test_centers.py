"""Centers over the API: public tree, writes by the administrators of the parent."""

from __future__ import annotations

import pytest

from innohub.centers.models import Center
from tests.api.utils import assert_error, send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CENTERS = "/api/v1/centers"


def test_anyone_reads_the_tree(network, anon):
    body = anon.get(CENTERS).json()
    assert [(c["slug"], c["parent"], c["depth"]) for c in body["items"]] == [
        ("nssc", None, 0),
        ("mien-bac", "nssc", 1),
        ("ha-noi", "mien-bac", 2),
        ("hai-phong", "mien-bac", 2),
    ]
    assert sorted(c["slug"] for c in anon.get(CENTERS, {"parent": "mien-bac"}).json()["items"]) == [
        "ha-noi",
        "hai-phong",
    ]
    assert [c["slug"] for c in anon.get(CENTERS, {"kind": "national"}).json()["items"]] == ["nssc"]
    assert len(anon.get(CENTERS, {"within": "mien-bac"}).json()["items"]) == 3
    detail = anon.get(f"{CENTERS}/mien-bac").json()
    assert sorted(detail["children"]) == ["ha-noi", "hai-phong"]
    assert_error(anon.get(f"{CENTERS}/khong-co"), 404, "not_found")


def test_parent_administrator_opens_edits_and_closes_a_center(network, make_member, token_client):
    admin = token_client(make_member(network["regional"], "center_admin"))
    payload = {
        "slug": "bac-ninh",
        "name_vi": "Trung tâm Bắc Ninh",
        "kind": "provincial",
        "parent": "mien-bac",
        "province": "24",
    }
    created = send(admin, "post", CENTERS, payload)
    assert created.status_code == 201, created.content
    assert (created.json()["parent"], created.json()["province"]["code"]) == ("mien-bac", "24")
    assert Center.objects.get(slug="bac-ninh").path.startswith(network["regional"].path)
    assert_error(send(admin, "post", CENTERS, payload), 422, "validation_error")

    patched = send(
        admin,
        "patch",
        f"{CENTERS}/bac-ninh",
        {"version": 1, "name_en": "Bac Ninh Center", "website": "https://bn.example.vn"},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["name_en"] == "Bac Ninh Center" and patched.json()["version"] == 2
    assert_error(send(admin, "patch", f"{CENTERS}/bac-ninh", {"version": 1, "phone": "1"}), 409, "conflict")

    assert admin.delete(f"{CENTERS}/bac-ninh").status_code == 204
    assert Center.objects.get(slug="bac-ninh").is_active is False
    assert "bac-ninh" not in [c["slug"] for c in admin.get(CENTERS, {"page_size": 100}).json()["items"]]
    inactive = admin.get(CENTERS, {"include_inactive": "true", "page_size": 100}).json()["items"]
    assert "bac-ninh" in [c["slug"] for c in inactive], "staff may list inactive centers"


def test_staff_and_strangers_may_not_change_centers(network, make_member, token_client, anon):
    staff = token_client(make_member(network["regional"], "center_staff"))
    payload = {"slug": "x", "name_vi": "X", "kind": "provincial", "parent": "mien-bac"}
    assert_error(send(staff, "post", CENTERS, payload), 403, "forbidden")
    assert_error(send(staff, "patch", f"{CENTERS}/ha-noi", {"version": 1, "phone": "1"}), 403, "forbidden")
    hanoi_admin = token_client(make_member(network["hanoi"], "center_admin"))
    # a center cannot close itself: that takes an administrator of its parent
    assert_error(hanoi_admin.delete(f"{CENTERS}/ha-noi"), 403, "forbidden")
    assert_error(send(hanoi_admin, "post", CENTERS, {**payload, "parent": None}), 403, "forbidden")
    assert_error(send(anon, "post", CENTERS, payload), 401, "not_authenticated")


def test_moving_and_closing_respect_the_tree(network, make_member, token_client):
    national_admin = token_client(make_member(network["national"], "center_admin"))
    moved = send(national_admin, "patch", f"{CENTERS}/hai-phong", {"version": 1, "parent": "nssc"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["parent"] == "nssc" and moved.json()["depth"] == 1
    cycle = send(national_admin, "patch", f"{CENTERS}/mien-bac", {"version": 1, "parent": "ha-noi"})
    assert_error(cycle, 422, "validation_error")
    assert_error(national_admin.delete(f"{CENTERS}/mien-bac"), 409, "invalid_state")
    root = token_client(UserFactory(is_superuser=True))
    created = send(root, "post", CENTERS, {"slug": "doi-tac", "name_vi": "Đối tác", "kind": "partner"})
    assert created.status_code == 201 and created.json()["parent"] is None
