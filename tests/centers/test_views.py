"""Workspace pages of the center network: the tree, opening, editing (with conflicts), deactivating."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from innohub.centers import services
from innohub.centers.models import Center
from innohub.core.errors import Conflict
from tests.factories import OrganisationFactory, UserFactory
from tests.workspace.i18n import tr

pytestmark = pytest.mark.django_db

LIST = reverse("workspace:centers-list")


def _rows(response) -> list[tuple[str, int]]:
    """(slug, depth) of the tree's rows, in page order."""
    assert response.status_code == 200, response.status_code
    return [
        (slug, int(depth))
        for slug, depth in re.findall(r'data-center="([^"]+)" data-depth="(\d+)"', response.content.decode())
    ]


def _form(**overrides):
    data = {
        "name_vi": "Trung tâm Đổi mới Sáng tạo Đại học Bách khoa",
        "name_en": "Polytechnic University Innovation Center",
        "short_name": "BK Innovation",
        "slug": "bach-khoa",
        "kind": "university",
        "province": "",
        "website": "https://bk.example.vn",
        "email": "lienhe@bk.example.vn",
        "phone": "024 3868 0000",
        "description_vi": "Ươm tạo khởi nghiệp sinh viên.",
        "description_en": "",
    }
    data.update(overrides)
    return data


def _edit_data(center: Center, **overrides):
    data = _form(
        name_vi=center.name_vi or center.name,
        name_en=center.name_en or "",
        short_name=center.short_name,
        slug=center.slug,
        kind=center.kind,
        website=center.website,
        email=center.email,
        phone=center.phone,
        description_vi=center.description_vi or "",
        version=center.version,
    )
    if center.parent_id:
        data["parent"] = center.parent_id
    data.update(overrides)
    return data


# --- the tree --------------------------------------------------------------------------------------


def test_the_tree_shows_the_centers_below_the_users_own(client, network, make_member):
    hanoi = network["hanoi"]
    child = services.create_center(
        actor=None, parent=hanoi, slug="bach-khoa", name="Bách khoa", kind="university"
    )
    OrganisationFactory(center=hanoi, name_vi="Công ty A")
    OrganisationFactory(center=hanoi, name_vi="Công ty B")
    OrganisationFactory(center=child)
    OrganisationFactory(center=network["haiphong"])
    client.force_login(make_member(hanoi, "center_admin"))
    response = client.get(LIST)
    assert _rows(response) == [("ha-noi", 0), ("bach-khoa", 1)], "not the parent, not the sibling"
    body = response.content.decode()
    assert reverse("workspace:centers-edit", args=["bach-khoa"]) in body
    assert reverse("workspace:centers-create", args=["ha-noi"]) in body
    # an administrator can close the child (they manage its parent) but not their own center
    assert reverse("workspace:centers-deactivate", args=["bach-khoa"]) in body
    assert reverse("workspace:centers-deactivate", args=["ha-noi"]) not in body
    hanoi_row = body[body.index('data-center="ha-noi"') : body.index('data-center="bach-khoa"')]
    assert re.search(r">\s*3\s*<", hanoi_row), "Hà Nội counts its own organisations and the one below"
    assert re.search(r">\s*2 của riêng trung tâm\s*<", hanoi_row)  # "%(own)s own" in Vietnamese


def test_the_national_center_sees_the_whole_network_in_tree_order(client, network, make_member):
    for key, name in (("hanoi", "Trung tâm Hà Nội"), ("haiphong", "Trung tâm Hải Phòng")):
        services.update_center(network[key], actor=None, name_vi=name)
    client.force_login(make_member(network["national"], "center_staff"))
    # siblings by name, accents folded ("Hà Nội" before "Hải Phòng")
    assert _rows(client.get(LIST)) == [("nssc", 0), ("mien-bac", 1), ("ha-noi", 2), ("hai-phong", 2)]
    client.force_login(UserFactory(is_superuser=True))
    assert [slug for slug, _depth in _rows(client.get(LIST))] == ["nssc", "mien-bac", "ha-noi", "hai-phong"]


def test_staff_see_the_tree_without_the_management_buttons(client, network, make_member):
    client.force_login(make_member(network["hanoi"], "center_staff"))
    body = client.get(LIST).content.decode()
    assert 'data-center="ha-noi"' in body
    assert "/edit/" not in body and "/deactivate/" not in body and "/new/" not in body


def test_members_without_a_staff_role_are_refused(client, network, make_member):
    client.force_login(make_member(network["hanoi"], "startup_member"))
    assert client.get(LIST).status_code == 403
    client.force_login(UserFactory())
    assert client.get(LIST).status_code == 403


def test_inactive_centers_are_listed_on_request(client, network, make_member):
    old = services.create_center(actor=None, parent=network["hanoi"], slug="cu", name="Cũ", kind="university")
    services.deactivate_center(old, actor=None)
    client.force_login(make_member(network["hanoi"], "center_admin"))
    assert [s for s, _d in _rows(client.get(LIST))] == ["ha-noi"]
    assert [s for s, _d in _rows(client.get(LIST, {"inactive": "1"}))] == ["ha-noi", "cu"]


def test_the_tree_costs_the_same_queries_for_a_bigger_network(
    client, network, make_member, django_assert_max_num_queries
):
    admin = make_member(network["national"], "center_admin")
    client.force_login(admin)
    client.get(LIST)  # warm the session and the per-process caches
    with django_assert_max_num_queries(12) as small:
        client.get(LIST)
    for i in range(15):
        parent = services.create_center(
            actor=None, parent=network["hanoi"], slug=f"c{i}", name=f"C {i}", kind="university"
        )
        OrganisationFactory(center=parent)
        services.create_center(actor=None, parent=parent, slug=f"c{i}-x", name=f"C {i} X", kind="partner")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST)
    assert len(_rows(response)) == 4 + 30


def test_the_menu_links_to_the_tree_for_staff_only(client, network, make_member):
    client.force_login(make_member(network["hanoi"], "center_staff"))
    assert f'href="{LIST}"' in client.get(reverse("workspace:home")).content.decode()
    client.force_login(make_member(network["hanoi"], "startup_member"))
    assert f'href="{LIST}"' not in client.get(reverse("workspace:home")).content.decode()


# --- opening a center --------------------------------------------------------------------------


def test_an_administrator_opens_a_center_below_theirs(client, network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    client.force_login(admin)
    url = reverse("workspace:centers-create", args=["ha-noi"])
    page = client.get(url)
    assert page.status_code == 200 and 'name="slug"' in page.content.decode()
    response = client.post(url, _form())
    assert response.status_code == 302 and response["Location"] == LIST
    center = Center.objects.get(slug="bach-khoa")
    assert center.parent == network["hanoi"] and center.path.startswith(network["hanoi"].path)
    assert (center.name_vi, center.kind, center.website) == (
        "Trung tâm Đổi mới Sáng tạo Đại học Bách khoa",
        "university",
        "https://bk.example.vn",
    )
    assert [s for s, _d in _rows(client.get(LIST))] == ["ha-noi", "bach-khoa"]


def test_invalid_input_is_refused_field_by_field_in_the_users_language(client, network, make_member):
    client.force_login(make_member(network["hanoi"], "center_admin"))
    url = reverse("workspace:centers-create", args=["ha-noi"])
    response = client.post(url, _form(slug="hai-phong", name_vi="", website="not a url"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "is-invalid" in body
    assert tr("This field is required.") in body  # the name
    assert tr("Another center already uses this slug.") in body, "every problem at once"
    assert Center.objects.count() == 4, "nothing is written"
    response = client.post(url, _form(slug="hai-phong"))
    assert tr("Another center already uses this slug.") in response.content.decode()
    assert "Một trung tâm khác đã sử dụng slug này." in response.content.decode(), "Vietnamese by default"
    english = client.post(f"/en{url}", _form(slug="hai-phong"))
    assert "Another center already uses this slug." in english.content.decode()
    assert Center.objects.count() == 4


def test_staff_and_other_centers_cannot_open_centers(client, network, make_member):
    url = reverse("workspace:centers-create", args=["ha-noi"])
    for user in (
        make_member(network["hanoi"], "center_staff"),
        make_member(network["haiphong"], "center_admin"),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, _form()).status_code == 403
    assert not Center.objects.filter(slug="bach-khoa").exists()
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("workspace:centers-create", args=["khong-co"])).status_code == 404


# --- editing a center ---------------------------------------------------------------------------


def test_an_administrator_edits_their_center(client, network, make_member):
    hanoi = network["hanoi"]
    client.force_login(make_member(hanoi, "center_admin"))
    url = reverse("workspace:centers-edit", args=["ha-noi"])
    page = client.get(url).content.decode()
    assert f'name="version" value="{hanoi.version}"' in page
    assert 'name="parent"' not in page, "a center administrator has nowhere else to put their center"
    response = client.post(url, _edit_data(hanoi, phone="024 3826 1111", name_en="Hanoi Center"))
    assert response.status_code == 302
    hanoi.refresh_from_db()
    assert (hanoi.phone, hanoi.name_en, hanoi.parent, hanoi.version) == (
        "+84 24 3826 1111",
        "Hanoi Center",
        network["regional"],
        2,
    )


def test_a_stale_edit_gets_a_conflict_message_and_keeps_the_input(client, network, make_member):
    hanoi = network["hanoi"]
    admin = make_member(hanoi, "center_admin")
    stale = hanoi.version
    services.update_center(hanoi, actor=admin, expected_version=stale, phone="024 3826 0000")
    client.force_login(admin)
    url = reverse("workspace:centers-edit", args=["ha-noi"])
    response = client.post(url, _edit_data(hanoi, version=stale, phone="0912 345 678", short_name="Của tôi"))
    assert response.status_code == 409
    body = response.content.decode()
    assert tr(Conflict.default_message) in body
    assert 'value="Của tôi"' in body
    hanoi.refresh_from_db()
    assert (hanoi.phone, hanoi.short_name) == ("+84 24 3826 0000", "")
    assert f'name="version" value="{hanoi.version}"' in body
    response = client.post(url, _edit_data(hanoi, phone="0912 345 678", short_name="Của tôi"))
    assert response.status_code == 302
    hanoi.refresh_from_db()
    assert (hanoi.phone, hanoi.short_name) == ("+84 912 345 678", "Của tôi")


def test_moving_a_center_offers_only_allowed_parents(client, network, make_member):
    regional_admin = make_member(network["regional"], "center_admin")
    client.force_login(regional_admin)
    url = reverse("workspace:centers-edit", args=["hai-phong"])
    page = client.get(url).content.decode()
    options = re.findall(r'<option value="(\d*)"', page[page.index('name="parent"') :].split("</select>")[0])
    assert set(options) == {str(network["regional"].pk), str(network["hanoi"].pk)}, (
        "not the national center, not root"
    )
    haiphong = network["haiphong"]
    assert client.post(url, _edit_data(haiphong, parent=network["hanoi"].pk)).status_code == 302
    haiphong.refresh_from_db()
    assert haiphong.parent == network["hanoi"] and haiphong.path.startswith(network["hanoi"].path)
    refused = client.post(url, _edit_data(haiphong, parent=network["national"].pk))
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()
    haiphong.refresh_from_db()
    assert haiphong.parent == network["hanoi"]


def test_staff_cannot_edit(client, network, make_member):
    client.force_login(make_member(network["hanoi"], "center_staff"))
    url = reverse("workspace:centers-edit", args=["ha-noi"])
    assert client.get(url).status_code == 403
    assert client.post(url, _edit_data(network["hanoi"], phone="9")).status_code == 403
    network["hanoi"].refresh_from_db()
    assert network["hanoi"].phone != "9"


# --- deactivating -----------------------------------------------------------------------------


def test_deactivating_a_center(client, network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    child = services.create_center(
        actor=None, parent=network["hanoi"], slug="bach-khoa", name="BK", kind="university"
    )
    client.force_login(admin)
    url = reverse("workspace:centers-deactivate", args=["bach-khoa"])
    assert client.get(url).status_code == 405
    response = client.post(url, {"version": child.version}, follow=True)
    child.refresh_from_db()
    assert child.is_active is False
    assert response.redirect_chain[-1][0] == LIST
    # its own center: the administrators of the parent decide
    assert client.post(reverse("workspace:centers-deactivate", args=["ha-noi"])).status_code == 403
    assert Center.objects.get(slug="ha-noi").is_active


def test_deactivation_refusals_are_explained(client, network, make_member):
    regional_admin = make_member(network["regional"], "center_admin")
    client.force_login(regional_admin)
    services.create_center(
        actor=None, parent=network["hanoi"], slug="bach-khoa", name="BK", kind="university"
    )
    response = client.post(reverse("workspace:centers-deactivate", args=["ha-noi"]), follow=True)
    assert tr("Deactivate or move the centers below this one first.") in response.content.decode()
    haiphong = network["haiphong"]
    response = client.post(
        reverse("workspace:centers-deactivate", args=["hai-phong"]),
        {"version": haiphong.version - 1},
        follow=True,
    )
    assert tr(Conflict.default_message) in response.content.decode()
    assert Center.objects.filter(is_active=True).count() == 5
