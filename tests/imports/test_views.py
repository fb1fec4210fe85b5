"""Workspace import pages: upload → preview task → confirm → import task, progress polling, exports,
and who may do what."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from innohub.core.models import TaskProgress
from innohub.directory.importers import ImportSource, run_import
from innohub.directory.models import Organisation, Person
from innohub.directory.services import create_organisation
from innohub.taxonomy.models import Province
from tests.factories import UserFactory
from tests.imports.conftest import VALID_TAX, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

START = reverse("workspace:import-start")


def _upload(client, center, data: bytes, *, name="orgs.csv", kind="organisations"):
    return client.post(
        START,
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "kind": kind, "center": center.pk},
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _rows(n=3):
    return [[f"Công ty Sáng Tạo {i}", "startup", "", "01", "62", "2020", "", "AI"] for i in range(n)]


def test_upload_preview_then_import(staff_client, staff, hanoi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(staff_client, hanoi, csv_bytes(_rows()))
    preview = TaskProgress.objects.get(kind="directory.import.preview")
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:import-detail", kwargs={"progress_uuid": preview.uuid})
    assert preview.owner == staff and preview.status == "succeeded" and preview.task_result_id
    assert preview.report["result"]["new"] == 3 and preview.report["result"]["dry_run"] is True
    assert Organisation.objects.count() == 0, "the preview writes nothing"

    page = staff_client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Công ty Sáng Tạo 0" in html, "the preview table shows the rows"
    apply_url = reverse("workspace:import-apply", kwargs={"progress_uuid": preview.uuid})
    assert apply_url in html and "hx-trigger" not in html, "a finished run stops polling"

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(apply_url)
    run = TaskProgress.objects.get(kind="directory.import.apply")
    assert response["Location"] == reverse("workspace:import-detail", kwargs={"progress_uuid": run.uuid})
    assert run.status == "succeeded" and run.report["result"]["created"] == 3
    assert run.done == run.total == 3
    assert Organisation.objects.filter(center=hanoi, created_by=staff).count() == 3

    # A second click does not import twice: it shows the import already made.
    again = staff_client.post(apply_url)
    assert again["Location"] == response["Location"]
    assert Organisation.objects.count() == 3


def test_preview_with_errors_shows_them_and_offers_no_import(
    staff_client, hanoi, django_capture_on_commit_callbacks
):
    rows = _rows()
    rows[1][3] = "Atlantis"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(staff_client, hanoi, csv_bytes(rows))
    preview = TaskProgress.objects.get()
    result = preview.report["result"]
    assert result["ok"] is False and result["errors"][0]["line"] == 3
    html = staff_client.get(response["Location"]).content.decode()
    assert (
        "Atlantis" in html and "Tỉnh/thành phố “Atlantis” không xác định" in html
    )  # pages are Vietnamese by default
    assert reverse("workspace:import-apply", kwargs={"progress_uuid": preview.uuid}) not in html
    refused = staff_client.post(reverse("workspace:import-apply", kwargs={"progress_uuid": preview.uuid}))
    assert refused.status_code == 403
    errors = staff_client.get(reverse("workspace:import-errors", kwargs={"progress_uuid": preview.uuid}))
    assert errors.status_code == 200
    body = b"".join(errors.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1][:2] == ["3", "province"]
    assert Organisation.objects.count() == 0


def test_progress_polling_fragment_and_json(staff_client, staff):
    from innohub.core import progress

    record = progress.start_progress("directory.import.apply", label="big.csv", owner=staff, total=200)
    progress.advance(record.pk, 50, 200, "Checking rows…")
    url = reverse("workspace:import-progress", kwargs={"progress_uuid": record.uuid})
    fragment = staff_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "25%" in fragment and "Checking rows" in fragment
    data = staff_client.get(url, HTTP_ACCEPT="application/json").json()
    assert data["percent"] == 25 and data["status"] == "running" and data["finished"] is False
    progress.finish(record.pk, {"result": {"ok": True, "summary": "done", "dry_run": False, "created": 200}})
    data = staff_client.get(url + "?format=json").json()
    assert data["finished"] is True and data["percent"] == 100 and data["result"]["created"] == 200


def test_progress_is_private_to_its_owner_and_staff(client, staff, hanoi, make_member):
    from innohub.core import progress

    record = progress.start_progress("directory.import.preview", label="x.csv", owner=staff)
    url = reverse("workspace:import-progress", kwargs={"progress_uuid": record.uuid})
    detail = reverse("workspace:import-detail", kwargs={"progress_uuid": record.uuid})
    other_staff = make_member(hanoi, "center_staff")
    client.force_login(other_staff)
    assert client.get(url).status_code == 404
    assert client.get(detail).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302, "anonymous visitors are sent to log in"


@pytest.mark.parametrize("role", ["startup_member", "reviewer", "public"])
def test_users_without_import_permission_get_403(client, hanoi, make_member, role):
    client.force_login(make_member(hanoi, role))
    assert client.get(START).status_code == 403
    response = _upload(client, hanoi, csv_bytes(_rows()))
    assert response.status_code == 403
    assert TaskProgress.objects.count() == 0


def test_staff_cannot_pick_a_center_they_do_not_run(staff_client, network):
    response = _upload(staff_client, network["haiphong"], csv_bytes(_rows()))
    assert response.status_code == 200 and "center" in response.context["form"].errors
    assert TaskProgress.objects.count() == 0


def test_only_the_owner_can_confirm_a_preview(
    client, staff, hanoi, make_member, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, hanoi, csv_bytes(_rows()))
    preview = TaskProgress.objects.get()
    client.force_login(make_member(hanoi, "center_admin"))
    response = client.post(reverse("workspace:import-apply", kwargs={"progress_uuid": preview.uuid}))
    assert response.status_code == 404
    assert Organisation.objects.count() == 0


@override_settings(INNOHUB_IMPORT_MAX_BYTES=200)
def test_oversized_upload_is_refused_by_the_form(staff_client, hanoi):
    response = _upload(staff_client, hanoi, csv_bytes(_rows(20)))
    assert response.status_code == 200
    assert "dung lượng tối đa có thể nhập" in str(response.context["form"].errors["file"])
    assert TaskProgress.objects.count() == 0


def test_wrong_encoding_upload_reports_the_problem(staff_client, hanoi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(staff_client, hanoi, "name\nCông ty Đông Á\n".encode("cp1258"))
    html = staff_client.get(response["Location"]).content.decode()
    assert "không được mã hoá UTF-8" in html


def test_xlsx_upload_and_people(staff_client, hanoi, django_capture_on_commit_callbacks):
    data = xlsx_bytes([["Lê Văn Tám", "tam@example.vn"]], ["Họ và tên", "Email"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(staff_client, hanoi, data, name="people.xlsx", kind="people")
    preview = TaskProgress.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("workspace:import-apply", kwargs={"progress_uuid": preview.uuid}))
    assert Person.objects.get().full_name == "Lê Văn Tám"


def test_import_page_lists_recent_imports(staff_client, hanoi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(staff_client, hanoi, csv_bytes(_rows()), name="danh-sach.csv")
    page = staff_client.get(START).content.decode()
    assert "danh-sach.csv" in page


# --- export --------------------------------------------------------------------------------------


def _export(client, kind="organisations", fmt="csv", params=None):
    response = client.get(reverse("workspace:import-export", kwargs={"kind": kind, "fmt": fmt}), params or {})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def test_export_round_trip_finds_every_row_as_duplicate(staff_client, staff, hanoi):
    hanoi_province = Province.objects.get(code="01")
    create_organisation(
        actor=None,
        center=hanoi,
        kind="startup",
        name="Công ty Cổ phần Sao Việt",
        tax_code=VALID_TAX[0],
        province=hanoi_province,
        description="<p>R&amp;D <b>AI</b></p>",
        tags=["AI", "fintech"],
    )
    create_organisation(actor=None, center=hanoi, kind="investor", name="Quỹ Mekong", province=hanoi_province)
    create_organisation(actor=None, center=hanoi, kind="startup", name='=HYPERLINK("x")')
    response, content = _export(staff_client)
    assert response["Content-Type"].startswith("text/csv")
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM so that Excel shows Vietnamese"
    assert 'attachment; filename="organisations-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["name", "name_en", "short_name", "kind", "tax_code"]
    assert len(rows) == 4
    assert [r[0] for r in rows if "HYPERLINK" in r[0]] == ['\'=HYPERLINK("x")'], "formulas are neutralised"

    report = run_import(
        ImportSource("export.csv", content), kind="organisations", actor=staff, center=hanoi, dry_run=True
    )
    assert report.rows == 3 and report.new == 0 and report.duplicates == 3, report.errors

    _response, xlsx = _export(staff_client, fmt="xlsx")
    report = run_import(
        ImportSource("export.xlsx", xlsx), kind="organisations", actor=staff, center=hanoi, dry_run=True
    )
    assert report.rows == 3 and report.duplicates == 3


def test_export_follows_filters_and_visibility(client, hanoi, network, make_member):
    create_organisation(
        actor=None, center=hanoi, kind="startup", name="Startup Công khai", visibility="public"
    )
    create_organisation(actor=None, center=hanoi, kind="investor", name="Quỹ Nội bộ", visibility="center")
    create_organisation(
        actor=None, center=network["haiphong"], kind="startup", name="Khác", visibility="center"
    )
    client.force_login(make_member(hanoi, "startup_member"))
    _response, content = _export(client)
    names = {r[0] for r in list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]}
    assert names == {"Startup Công khai", "Quỹ Nội bộ"}, "exactly what the user may see"
    _response, content = _export(client, params={"kind": "investor"})
    names = {r[0] for r in list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]}
    assert names == {"Quỹ Nội bộ"}


def test_export_people_round_trip(staff_client, staff, hanoi):
    from innohub.directory.services import create_person

    org = create_organisation(
        actor=None, center=hanoi, kind="startup", name="Sao Việt", tax_code=VALID_TAX[0]
    )
    create_person(actor=None, center=hanoi, full_name="Nguyễn An", email="an@sao.vn", organisation=org)
    _response, content = _export(staff_client, kind="people")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][:4] == ["Nguyễn An", "", VALID_TAX[0], "an@sao.vn"]
    report = run_import(
        ImportSource("p.csv", content), kind="people", actor=staff, center=hanoi, dry_run=True
    )
    assert report.duplicates == 1 and report.new == 0


def test_export_requires_login_and_known_format(client, staff):
    url = reverse("workspace:import-export", kwargs={"kind": "organisations", "fmt": "csv"})
    assert client.get(url).status_code == 302
    client.force_login(staff)
    assert (
        client.get(
            reverse("workspace:import-export", kwargs={"kind": "organisations", "fmt": "pdf"})
        ).status_code
        == 404
    )


def test_template_download_has_the_columns(staff_client):
    response = staff_client.get(
        reverse("workspace:import-template", kwargs={"kind": "people"}) + "?headers=vi"
    )
    header = response.content.decode("utf-8-sig").strip().split(",")
    assert header[:2] == ["Họ và tên", "Chức danh"]
