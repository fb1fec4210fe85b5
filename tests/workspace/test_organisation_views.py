"""Organisation pages of the workspace: create, edit (with conflicts), delete, relations, history."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from innohub.core.errors import Conflict
from innohub.directory import services
from innohub.directory.models import Organisation, OrganisationRelation
from tests.factories import OrganisationFactory, UserFactory
from tests.workspace.i18n import tr

pytestmark = pytest.mark.django_db

VALID_TAX_CODE = "0100109106"
DUPLICATE = (
    "An organisation with the same tax code or the same name in the same province already exists: %(name)s."
)
NOT_EDITABLE = (
    "You can see “%(name)s” but not edit it. Its center's staff and the people who manage the profile can; "
    "you may ask to manage it."
)
TOO_BIG = "The logo is %(size)s; the limit is %(limit)s. Upload a smaller image."


def _form(center=None, **overrides):
    data = {
        "kind": "startup",
        "name_vi": "Công ty Cổ phần Nông nghiệp Số Việt",
        "name_en": "",
        "short_name": "Nông Số",
        "tax_code": "",
        "description_vi": "",
        "description_en": "",
        "visibility": "public",
        "tags": "agritech, AI",
    }
    if center is not None:
        data["center"] = center.pk
    data.update(overrides)
    return data


def _edit_data(org, **overrides):
    data = _form(
        name_vi=org.name_vi or org.name, kind=org.kind, visibility=org.visibility, version=org.version
    )
    data.update(overrides)
    return data


def _create(user, center, **fields):
    fields.setdefault("kind", "startup")
    fields.setdefault("visibility", "public")
    return services.create_organisation(actor=user, center=center, **fields)


def test_create_organisation(client, network, staff, hanoi_province):
    client.force_login(staff)
    response = client.post(
        reverse("workspace:directory-organisation-create"),
        _form(network["hanoi"], tax_code="0100 109 106", province=hanoi_province.pk),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    org = Organisation.objects.get()
    assert org.name_vi == "Công ty Cổ phần Nông nghiệp Số Việt"
    assert org.tax_code == VALID_TAX_CODE
    assert org.created_by == staff
    assert sorted(t.name for t in org.tags.all()) == ["AI", "agritech"]
    assert response["Location"] == reverse("workspace:directory-organisation-edit", args=[org.slug])
    assert LogEntry.objects.get_for_object(org).filter(actor=staff).exists()


def test_invalid_tax_code_is_shown_on_the_field_and_nothing_is_written(client, network, staff):
    client.force_login(staff)
    response = client.post(
        reverse("workspace:directory-organisation-create"), _form(network["hanoi"], tax_code="0312345678")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_tax_code_error"' in body
    assert tr("This tax code's check digit is wrong.") in body
    assert 'value="Công ty Cổ phần Nông nghiệp Số Việt"' in body  # the input is kept
    assert not Organisation.objects.exists()


PHONE_ERROR = (
    "Not a phone number we can dial: write it with its area or mobile prefix (024 3826 4567, "
    "0912 345 678) or, outside Vietnam, with its country code (+82 2 312 3456)."
)


def test_a_phone_number_is_checked_and_kept_in_international_form(client, network, staff):
    client.force_login(staff)
    url = reverse("workspace:directory-organisation-create")
    response = client.post(url, _form(network["hanoi"], phone="gọi giờ hành chính"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_phone_error"' in body and tr(PHONE_ERROR) in body
    assert not Organisation.objects.exists()
    assert client.post(url, _form(network["hanoi"], phone="(024) 3826 4567")).status_code == 302
    assert Organisation.objects.get().phone == "+84 24 3826 4567"


def test_html_in_description_is_sanitised(client, network, staff):
    client.force_login(staff)
    client.post(
        reverse("workspace:directory-organisation-create"),
        _form(
            network["hanoi"],
            description_vi='<p onclick="steal()">Xin <strong>chào</strong></p><script>alert(1)</script>'
            '<a href="javascript:alert(2)">x</a>',
        ),
    )
    org = Organisation.objects.get()
    assert "<strong>chào</strong>" in org.description_vi
    assert "script" not in org.description_vi
    assert "onclick" not in org.description_vi
    assert "javascript:" not in org.description_vi
    page = client.get(reverse("workspace:directory-organisation-detail", args=[org.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_duplicate_warning_links_to_existing_record_and_can_be_overridden(
    client, network, staff, hanoi_province
):
    existing = _create(
        staff, network["hanoi"], name="Công ty TNHH Nông nghiệp Số Việt", province=hanoi_province
    )
    client.force_login(staff)
    url = reverse("workspace:directory-organisation-create")
    response = client.post(url, _form(network["hanoi"], province=hanoi_province.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert tr(DUPLICATE, name=existing.name) in body
    assert reverse("workspace:directory-organisation-detail", args=[existing.slug]) in body
    assert Organisation.objects.count() == 1
    response = client.post(url, _form(network["hanoi"], province=hanoi_province.pk, not_a_duplicate="on"))
    assert response.status_code == 302
    assert Organisation.objects.count() == 2


def test_duplicate_tax_code_on_edit_is_refused(client, network, staff):
    _create(staff, network["hanoi"], name="Một", tax_code=VALID_TAX_CODE)
    other = _create(staff, network["hanoi"], name="Hai")
    client.force_login(staff)
    response = client.post(
        reverse("workspace:directory-organisation-edit", args=[other.slug]),
        _edit_data(other, tax_code=VALID_TAX_CODE),
    )
    assert tr(DUPLICATE, name="Một") in response.content.decode()
    other.refresh_from_db()
    assert other.tax_code == ""


def test_edit_saves_and_bumps_version(client, network, staff):
    org = _create(staff, network["hanoi"], name="Cũ")
    client.force_login(staff)
    url = reverse("workspace:directory-organisation-edit", args=[org.slug])
    form_page = client.get(url).content.decode()
    assert f'name="version" value="{org.version}"' in form_page
    response = client.post(url, _edit_data(org, name_vi="Mới", visibility="center"))
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name_vi, org.visibility, org.version) == ("Mới", "center", 2)


def test_stale_edit_shows_conflict_and_keeps_input(client, network, staff):
    org = _create(staff, network["hanoi"], name="Gốc")
    stale_version = org.version
    services.update_organisation(org, actor=staff, expected_version=stale_version, short_name="Khác")
    client.force_login(staff)
    url = reverse("workspace:directory-organisation-edit", args=[org.slug])
    response = client.post(url, _edit_data(org, name_vi="Tên của tôi", version=stale_version))
    assert response.status_code == 409
    body = response.content.decode()
    assert tr(Conflict.default_message) in body
    assert 'value="Tên của tôi"' in body
    assert tr("now “%(value)s”", value="Khác") in body  # what the other edit changed
    org.refresh_from_db()
    assert org.name_vi == "Gốc" and org.short_name == "Khác"
    # Saving again from the kept form (which now carries the current version) applies the change.
    assert f'name="version" value="{org.version}"' in body
    response = client.post(url, _edit_data(org, name_vi="Tên của tôi", version=org.version))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name_vi == "Tên của tôi"


def test_invisible_and_unknown_organisations_are_the_same_404(client, network, make_member):
    creator = UserFactory()
    private = OrganisationFactory(center=network["haiphong"], visibility="private", created_by=creator)
    outsider = make_member(network["hanoi"], "center_staff")
    client.force_login(outsider)
    for name in ("edit", "detail", "history", "delete"):
        hidden = client.get(reverse(f"workspace:directory-organisation-{name}", args=[private.slug]))
        missing = client.get(reverse(f"workspace:directory-organisation-{name}", args=["no-such-org"]))
        assert hidden.status_code == missing.status_code == 404
    assert client.post(reverse("workspace:directory-claim", args=[private.slug])).status_code == 404


def test_visible_but_not_editable_is_403_with_message(client, network, make_member):
    org = OrganisationFactory(center=network["haiphong"], visibility="public")
    client.force_login(make_member(network["hanoi"], "startup_member"))
    response = client.get(reverse("workspace:directory-organisation-edit", args=[org.slug]))
    assert response.status_code == 403
    assert tr(NOT_EDITABLE, name=org.name) in response.content.decode()
    response = client.post(
        reverse("workspace:directory-organisation-edit", args=[org.slug]), _edit_data(org, name_vi="X")
    )
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.name != "X"


def test_delete_needs_confirmation_and_staff(client, network, staff, make_member):
    org = _create(staff, network["hanoi"], name="Sắp xoá")
    member = make_member(network["hanoi"], "startup_member")
    client.force_login(member)
    assert client.get(reverse("workspace:directory-organisation-delete", args=[org.slug])).status_code == 403
    assert client.post(reverse("workspace:directory-organisation-delete", args=[org.slug])).status_code == 403
    client.force_login(staff)
    page = client.get(reverse("workspace:directory-organisation-delete", args=[org.slug]))
    assert page.status_code == 200 and tr("Yes, delete") in page.content.decode()
    assert Organisation.objects.filter(pk=org.pk).exists()
    response = client.post(reverse("workspace:directory-organisation-delete", args=[org.slug]))
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=org.pk).exists()


def test_relations_add_and_remove(client, network, staff):
    startup = _create(staff, network["hanoi"], name="Khởi nghiệp A")
    incubator = _create(staff, network["hanoi"], name="Vườn ươm B", kind="incubator")
    client.force_login(staff)
    response = client.post(
        reverse("workspace:directory-relation-add", args=[startup.slug]),
        {"kind": "incubated_by", "target": incubator.slug, "since_year": 2023},
    )
    assert response.status_code == 302
    relation = OrganisationRelation.objects.get()
    assert (relation.source, relation.target, relation.kind) == (startup, incubator, "incubated_by")
    page = client.get(reverse("workspace:directory-organisation-edit", args=[startup.slug])).content.decode()
    assert "Vườn ươm B" in page
    # Same relation twice: a message, not a second row.
    response = client.post(
        reverse("workspace:directory-relation-add", args=[startup.slug]),
        {"kind": "incubated_by", "target": "Vườn ươm B"},
        follow=True,
    )
    assert tr("This relation already exists.") in response.content.decode()
    assert OrganisationRelation.objects.count() == 1
    client.post(reverse("workspace:directory-relation-remove", args=[startup.slug, relation.pk]))
    assert not OrganisationRelation.objects.exists()


def test_relation_to_unknown_organisation_is_a_message(client, network, staff):
    org = _create(staff, network["hanoi"], name="A")
    client.force_login(staff)
    response = client.post(
        reverse("workspace:directory-relation-add", args=[org.slug]),
        {"kind": "member_of", "target": "không tồn tại"},
        follow=True,
    )
    assert (
        tr("No organisation you can see matches “%(text)s”.", text="không tồn tại")
        in response.content.decode()
    )
    assert not OrganisationRelation.objects.exists()


def test_history_shows_change_with_actor(client, network, make_member):
    staff = make_member(network["hanoi"], "center_staff", full_name="Cán bộ Lê Văn Tám")
    org = _create(staff, network["hanoi"], name="Lịch sử")
    services.update_organisation(org, actor=staff, short_name="LS")
    client.force_login(staff)
    response = client.get(reverse("workspace:directory-organisation-history", args=[org.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cán bộ Lê Văn Tám" in body
    assert "LS" in body


def test_history_is_hidden_from_network_readers(client, network, make_member, staff):
    org = _create(staff, network["hanoi"], name="Kín", visibility="network")
    reader = make_member(network["haiphong"], "mentor")
    client.force_login(reader)
    assert client.get(reverse("workspace:directory-organisation-detail", args=[org.slug])).status_code == 200
    assert client.get(reverse("workspace:directory-organisation-history", args=[org.slug])).status_code == 403


def _png(size=(8, 8), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def test_logo_upload_checks_type_and_size(client, network, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    org = _create(staff, network["hanoi"], name="Logo")
    client.force_login(staff)
    url = reverse("workspace:directory-organisation-edit", args=[org.slug])
    gif = SimpleUploadedFile("logo.gif", _png(fmt="GIF"), content_type="image/gif")
    response = client.post(url, {**_edit_data(org), "logo": gif})
    assert tr("The logo must be a PNG, JPEG or WebP image.") in response.content.decode()
    assert 'id="id_logo_error"' in response.content.decode()
    with override_settings(INNOHUB_LOGO_MAX_BYTES=50):
        content = _png(size=(64, 64))
        big = SimpleUploadedFile("logo.png", content, content_type="image/png")
        response = client.post(url, {**_edit_data(org), "logo": big})
        message = tr(TOO_BIG, size=filesizeformat(len(content)), limit=filesizeformat(50))
        assert message in response.content.decode()
    org.refresh_from_db()
    assert not org.logo
    good = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = client.post(url, {**_edit_data(org), "logo": good})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.logo.name.endswith(".png")


def test_list_query_count_does_not_grow_with_rows(client, network, staff, django_assert_max_num_queries):
    client.force_login(staff)
    url = reverse("workspace:directory-organisation-list")
    for i in range(3):
        services.create_organisation(
            actor=staff, center=network["hanoi"], kind="startup", name=f"Tổ chức {i}", tags=["ai"]
        )
    client.get(url)  # warm caches (content types, templates)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(3, 30):
        services.create_organisation(
            actor=staff, center=network["hanoi"], kind="startup", name=f"Tổ chức {i}", tags=["ai", f"t{i}"]
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("Tổ chức ") >= 25


def test_list_filters_by_kind_and_text(client, network, staff):
    _create(staff, network["hanoi"], name="Quỹ Đầu tư Sao Khuê", kind="investor")
    _create(staff, network["hanoi"], name="Khởi nghiệp Lúa Vàng", kind="startup")
    client.force_login(staff)
    body = client.get(reverse("workspace:directory-organisation-list"), {"kind": "investor"}).content.decode()
    assert "Sao Khuê" in body and "Lúa Vàng" not in body
    body = client.get(reverse("workspace:directory-organisation-list"), {"q": "lua vang"}).content.decode()
    assert "Lúa Vàng" in body and "Sao Khuê" not in body
