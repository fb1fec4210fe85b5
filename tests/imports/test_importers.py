"""The import service: parsing, per-row validation with line numbers, duplicates, all-or-nothing."""

from __future__ import annotations

import codecs

import pytest
from django.test import override_settings

from innohub.core.errors import Forbidden
from innohub.directory.importers import ImportSource, run_import
from innohub.directory.models import Organisation, Person, Tag
from innohub.directory.services import create_organisation
from innohub.taxonomy.models import Province, Sector
from tests.imports.conftest import VALID_TAX, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def _messages(report, line):
    return [e.message for e in report.errors if e.line == line]


def test_csv_happy_path_writes_every_row_with_relations(do_import, hanoi, staff):
    data = csv_bytes(
        [
            [
                "Công ty Cổ phần Sao Việt",
                "startup",
                VALID_TAX[0],
                "01",
                "62, J",
                "2019",
                "a@sao.vn",
                "AI, fintech",
            ],
            ["Vườn ươm Bách khoa", "incubator", "", "79", "", "", "", "AI"],
        ]
    )
    report = do_import(data)
    assert report.ok, report.errors
    assert report.created == 2 and report.rows == 2
    org = Organisation.objects.get(tax_code=VALID_TAX[0])
    assert org.name == "Công ty Cổ phần Sao Việt"
    assert org.center == hanoi and org.created_by == staff
    assert org.province.code == "01" and org.founded_year == 2019
    assert sorted(s.code for s in org.sectors.all()) == ["62", "J"]
    assert sorted(t.name for t in org.tags.all()) == ["AI", "fintech"]
    assert org.name_key == "sao viet", "the duplicate key is filled in like the service does"
    assert "sao viet" in org.search_text and "fintech" in org.search_text
    assert org.slug == "cong-ty-co-phan-sao-viet"
    incubator = Organisation.objects.get(kind="incubator")
    assert incubator.province.code == "79"
    assert Tag.objects.filter(slug="ai").count() == 1, "a tag used twice is created once"


def test_xlsx_happy_path_and_numeric_cells(do_import):
    # Excel stores a tax code typed as a number without its leading zero; the importer puts it back.
    data = xlsx_bytes(
        [
            ["Công ty TNHH Lúa Vàng", "startup", int(VALID_TAX[0]), 1, "62", 2020, "", ""],
            ["Quỹ Đầu tư Mekong", "investor", VALID_TAX[1], "Cần Thơ", "", 2015.0, "", ""],
        ]
    )
    report = do_import(data, name="orgs.xlsx")
    assert report.ok, report.errors
    assert report.created == 2
    org = Organisation.objects.get(tax_code=VALID_TAX[0])
    assert org.province.code == "01" and org.founded_year == 2020
    assert Organisation.objects.get(tax_code=VALID_TAX[1]).province.name_vi.endswith("Cần Thơ")


def test_vietnamese_headers_and_labels(do_import):
    headers = [
        "Tên",
        "Loại hình",
        "Mã số thuế",
        "Tỉnh/Thành phố",
        "Năm thành lập",
        "Mô tả",
        "Chế độ hiển thị",
    ]
    data = csv_bytes(
        [
            [
                "Viện Nghiên cứu Cơ khí",
                "Viện nghiên cứu",
                VALID_TAX[2],
                "Thành phố Hà Nội",
                "1990",
                "Mô tả",
                "mạng lưới",
            ]
        ],
        headers,
    )
    report = do_import(data)
    assert report.ok, report.errors
    org = Organisation.objects.get()
    assert org.kind == "research_institute"
    assert org.province.code == "01"
    assert org.visibility == "network"
    assert org.description_vi == "Mô tả"


def test_legacy_province_code_and_name_are_mapped(do_import):
    data = csv_bytes(
        [
            [
                "Startup Hà Giang",
                "startup",
                "",
                "02",
                "",
                "",
                "",
                "",
            ],  # Hà Giang merged into Tuyên Quang (08)
            ["Startup Bình Dương", "startup", "", "Bình Dương", "", "", "", ""],  # now part of HCMC (79)
        ]
    )
    report = do_import(data)
    assert report.ok, report.errors
    ha_giang = Organisation.objects.get(name_vi="Startup Hà Giang")
    assert ha_giang.province.code == "08"
    assert ha_giang.legacy_province is not None and ha_giang.legacy_province.code == "02"
    assert Organisation.objects.get(name_vi="Startup Bình Dương").province.code == "79"


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (["", "startup", "", "01", "", "", "", ""], "name", "name is required"),
        (["X", "spaceship", "", "01", "", "", "", ""], "kind", "Unknown kind"),
        (["X", "startup", "", "99", "", "", "", ""], "province", "Unknown province"),
        (["X", "startup", "0100109107", "01", "", "", "", ""], "tax_code", "check digit"),
        (["X", "startup", "12345", "01", "", "", "", ""], "tax_code", "10 digits"),
        (["X", "startup", "", "01", "ZZ", "", "", ""], "sectors", "Unknown sector"),
        (["X", "startup", "", "01", "", "1850", "", ""], "founded_year", "between 1900"),
        (["X", "startup", "", "01", "", "năm ngoái", "", ""], "founded_year", "whole number"),
        (["X", "startup", "", "01", "", "", "not-an-email", ""], "email", "email address"),
    ],
)
def test_each_bad_value_is_reported_with_line_column_and_reason(do_import, row, column, fragment):
    good = ["Công ty Tốt", "startup", "", "01", "", "", "", ""]
    report = do_import(csv_bytes([good, row]))
    assert not report.ok and report.aborted
    assert Organisation.objects.count() == 0, "nothing is written when a row is bad"
    [issue] = report.errors
    assert issue.line == 3, "header is line 1, so the second data row is line 3"
    assert issue.column == column
    assert fragment in issue.message


def test_all_or_nothing_one_bad_row_in_many(do_import):
    rows = [[f"Startup số {i}", "startup", "", "01", "", "", "", ""] for i in range(200)]
    rows[150][3] = "Atlantis"
    report = do_import(csv_bytes(rows))
    assert report.aborted and report.created == 0
    assert [e.line for e in report.errors] == [152]
    assert report.new == 199 and report.invalid == 1
    assert Organisation.objects.count() == 0


def test_duplicates_within_the_file(do_import):
    rows = [
        ["Công ty Cổ phần Alpha", "startup", VALID_TAX[0], "01", "", "", "", ""],
        ["Beta", "startup", VALID_TAX[0], "01", "", "", "", ""],  # same tax code as line 2
        ["Alpha JSC", "startup", "", "01", "", "", "", ""],  # same normalised name + province as line 2
        ["Alpha", "startup", "", "79", "", "", "", ""],  # same name, other province: not a duplicate
    ]
    report = do_import(csv_bytes(rows))
    assert not report.ok
    assert {e.line: e.message for e in report.errors} == {
        3: "Same tax code as line 2.",
        4: "Same name and province as line 2.",
    }
    assert report.duplicates == 2 and report.invalid == 0
    assert Organisation.objects.count() == 0


def test_duplicates_against_the_directory(do_import, hanoi):
    hanoi_province = Province.objects.get(code="01")
    create_organisation(
        actor=None, center=hanoi, kind="startup", name="Công ty TNHH Gamma", province=hanoi_province
    )
    create_organisation(actor=None, center=hanoi, kind="startup", name="Delta", tax_code=VALID_TAX[1])
    rows = [
        ["Gamma Co., Ltd", "startup", "", "01", "", "", "", ""],
        ["Delta mới", "startup", VALID_TAX[1], "01", "", "", "", ""],
        ["Epsilon", "startup", "", "01", "", "", "", ""],
    ]
    report = do_import(csv_bytes(rows), dry_run=True)
    assert report.duplicates == 2 and report.new == 1
    assert "already in the directory" in _messages(report, 2)[0]
    assert "tax code" in _messages(report, 3)[0]
    assert Organisation.objects.count() == 2


def test_html_in_descriptions_is_sanitised_with_a_warning(do_import):
    headers = ["name", "description_vi"]
    data = csv_bytes(
        [
            ["Alpha", '<p onclick="steal()">Xin chào <b>bạn</b></p><script>alert(1)</script>'],
            ["Beta", "R&D <b>mạnh</b>"],
        ],
        headers,
    )
    report = do_import(data)
    assert report.ok
    alpha = Organisation.objects.get(name_vi="Alpha")
    assert "<script" not in alpha.description_vi and "onclick" not in alpha.description_vi
    assert "<b>bạn</b>" in alpha.description_vi
    assert [w.line for w in report.warnings] == [2], "only the row that lost markup is flagged"
    assert "was removed" in report.warnings[0].message


def test_wrong_encoding_is_refused_with_advice(do_import):
    data = "name,province\nCông ty Đông Á,01\n".encode("cp1258")
    report = do_import(data)
    assert not report.ok and report.file_error
    assert "UTF-8" in report.file_error and "line 2" in report.file_error
    assert Organisation.objects.count() == 0


def test_xlsx_formulas_without_results_are_refused_with_advice(do_import):
    # A library that writes formulas without computing them (openpyxl here) leaves no value to read:
    # the rows would otherwise look empty or nameless.
    data = xlsx_bytes(
        [
            ["Công ty Lúa Vàng", "startup", "", "01", "", "", "", ""],
            ['=CONCAT("Quỹ ", "Mekong")', "investor", "", "92", "", "", "", ""],
        ]
    )
    report = do_import(data, name="orgs.xlsx")
    assert not report.ok and report.file_error
    assert "A3" in report.file_error and "formula" in report.file_error
    assert Organisation.objects.count() == 0, "nothing is written, not even the good row"


def test_xlsx_formulas_are_found_wherever_the_sheet_is_cut_for_scanning(monkeypatch):
    # The sheet's XML is scanned piece by piece: a formula cell is found whatever piece boundary cuts
    # it (every offset, for pieces smaller than the cell), after many plain cells.
    import io
    import zipfile
    from types import SimpleNamespace

    from innohub.directory import importers

    plain = "".join(f'<c r="A{i}" t="inlineStr"><is><t>Công ty {i}</t></is></c>' for i in range(2, 40))
    xml = f'<sheetData><row r="1">{plain}<c r="B7"><f>A2*2</f><v /></c></row></sheetData>'.encode()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("sheet.xml", xml)
    sheet = SimpleNamespace(
        parent=SimpleNamespace(_archive=zipfile.ZipFile(archive)), _worksheet_path="sheet.xml"
    )
    monkeypatch.setattr(importers, "_SCAN_OVERLAP", 400)
    for chunk in [*range(7, 60), 1 << 20]:
        monkeypatch.setattr(importers, "_SCAN_CHUNK", chunk)
        assert importers._uncalculated_formula(sheet) == "B7", chunk
    assert importers._uncalculated_formula(SimpleNamespace()) is None, "not an openpyxl sheet: no check"


def test_xlsx_formulas_with_stored_results_are_read_as_their_values(do_import):
    import io
    import zipfile

    data = xlsx_bytes([['=CONCAT("Quỹ ", "Mekong")', "investor", "", "92", "", "", "", ""]])
    # what Excel and LibreOffice save: the formula and, next to it, its result
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</f><v />", "</f><v>Quỹ Mekong</v>".encode()).replace(
                    b'<c r="A2">', b'<c r="A2" t="str">'
                )
            target.writestr(item, body)
    report = do_import(out.getvalue(), name="orgs.xlsx")
    assert report.ok, report.file_error or report.errors
    assert Organisation.objects.get().name == "Quỹ Mekong"


def test_utf16_with_bom_is_accepted(do_import):
    data = codecs.BOM_UTF16_LE + "name\tprovince\nCông ty Đông Á\t01\n".encode("utf-16-le")
    report = do_import(data, name="orgs.txt")
    assert report.ok, report.file_error or report.errors
    assert Organisation.objects.get().name == "Công ty Đông Á"


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("orgs.xlsx", b"PK\x03\x04 this is not really a zip", "Excel workbook"),
        ("orgs.csv", b'name,province\n"unterminated,01\n', "not a valid CSV"),
        ("orgs.csv", b"name\x00,province\n", "binary data"),
        ("orgs.pdf", b"%PDF-1.4", "Only CSV"),
        ("orgs.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
        ("orgs.csv", b"", "empty"),
        ("orgs.csv", "nhãn hiệu\nA\n".encode(), "no name column"),
        ("orgs.csv", b"name,province\n", "no data rows"),
        ("orgs.csv", b"name,ten\nA,B\n", "Two columns"),
    ],
)
def test_malformed_files_get_a_clear_message(do_import, name, data, fragment):
    report = do_import(data, name=name)
    assert not report.ok
    assert fragment in report.file_error
    assert Organisation.objects.count() == 0


@override_settings(INNOHUB_IMPORT_MAX_BYTES=100)
def test_oversized_file_is_refused(do_import):
    report = do_import(csv_bytes([["A" * 200, "startup", "", "01", "", "", "", ""]]))
    assert "largest file you can import" in report.file_error
    assert Organisation.objects.count() == 0


def test_dry_run_writes_nothing_and_previews(do_import):
    rows = [[f"Startup {i}", "startup", "", "01", "62", "", "", ""] for i in range(60)]
    report = do_import(csv_bytes(rows), dry_run=True)
    assert report.ok and report.new == 60 and report.created == 0
    assert len(report.preview) == 50, "the preview shows the first 50 rows"
    assert report.preview[0][:2] == ["2", "Startup 0"]
    assert Organisation.objects.count() == 0


def test_unknown_columns_are_listed_not_fatal(do_import):
    report = do_import(csv_bytes([["A", "x"]], ["name", "favourite colour"]), dry_run=True)
    assert report.ok and report.ignored_columns == ["favourite colour"]


def test_slugs_stay_unique_across_file_and_directory(do_import, hanoi):
    create_organisation(actor=None, center=hanoi, kind="startup", name="Omega")
    rows = [["Omega", "startup", "", "01", "", "", "", ""], ["Omega", "startup", "", "79", "", "", "", ""]]
    report = do_import(csv_bytes(rows))
    assert report.ok, report.errors
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == ["omega", "omega-2", "omega-3"]


def test_actor_without_import_permission_is_refused(hanoi, make_member):
    member = make_member(hanoi, "startup_member")
    with pytest.raises(Forbidden):
        run_import(
            ImportSource("a.csv", csv_bytes([["A"]], ["name"])),
            kind="organisations",
            actor=member,
            center=hanoi,
            dry_run=True,
        )


def test_staff_cannot_import_into_another_center(network, staff):
    with pytest.raises(Forbidden):
        run_import(
            ImportSource("a.csv", csv_bytes([["A"]], ["name"])),
            kind="organisations",
            actor=staff,
            center=network["haiphong"],
            dry_run=True,
        )


def test_progress_callback_sees_the_whole_run(do_import):
    calls = []
    rows = [[f"S {i}", "startup", "", "01", "", "", "", ""] for i in range(1200)]
    report = do_import(csv_bytes(rows), progress=lambda done, total, message="": calls.append((done, total)))
    assert report.created == 1200
    assert (1200, 1200) in calls and all(total == 1200 for _done, total in calls)


# --- people --------------------------------------------------------------------------------------


def test_people_import_links_organisations_by_tax_code_or_name(do_import, hanoi):
    org = create_organisation(
        actor=None, center=hanoi, kind="startup", name="Công ty Sao Việt", tax_code=VALID_TAX[0]
    )
    headers = ["Họ và tên", "Chức danh", "Tổ chức", "Email", "Quốc gia", "Kiều bào", "Tiểu sử"]
    rows = [
        ["Nguyễn Văn An", "CEO", VALID_TAX[0], "an@sao.vn", "VN", "không", "<i>Kỹ sư</i>"],
        ["Trần Thị Bình", "CTO", "Sao Việt", "binh@sao.vn", "KR", "có", ""],
    ]
    report = do_import(csv_bytes(rows, headers), kind="people", name="people.csv")
    assert report.ok, report.errors
    an = Person.objects.get(email="an@sao.vn")
    assert an.organisation == org and an.country.iso2 == "VN" and not an.is_overseas_vietnamese
    assert an.bio_vi == "<i>Kỹ sư</i>"
    binh = Person.objects.get(full_name="Trần Thị Bình")
    assert binh.organisation == org and binh.is_overseas_vietnamese and binh.country.iso2 == "KR"
    assert binh.name_key == "tran thi binh"


def test_people_errors_and_duplicates(do_import, hanoi):
    from tests.factories import PersonFactory

    PersonFactory(center=hanoi, email="Taken@Example.vn")
    headers = ["full_name", "organisation", "email", "country", "is_overseas_vietnamese"]
    rows = [
        ["A", "No Such Org", "a@example.vn", "VN", "yes"],
        ["B", "", "taken@example.vn", "Atlantis", "maybe"],
        ["C", "", "a@example.vn", "", ""],
    ]
    report = do_import(csv_bytes(rows, headers), kind="people", name="people.csv")
    assert not report.ok
    by_line = {}
    for e in report.errors:
        by_line.setdefault(e.line, []).append(e.column)
    assert by_line == {2: ["organisation"], 3: ["email", "country", "is_overseas_vietnamese"], 4: ["email"]}
    assert "already in the directory" in next(
        e.message for e in report.errors if e.line == 3 and e.column == "email"
    )
    assert "Same email address as line 2." in _messages(report, 4)
    assert Person.objects.count() == 1


def test_sector_division_codes_from_deeper_vsic(do_import):
    report = do_import(csv_bytes([["A", "startup", "", "01", "6201", "", "", ""]]))
    assert report.ok, report.errors
    assert list(Organisation.objects.get().sectors.values_list("code", flat=True)) == ["62"]
    assert Sector.objects.filter(code="62").exists()


def test_imported_records_are_searchable(do_import):
    from innohub.core.search import text_search
    from innohub.directory.models import Person

    rows = [["Công ty Cổ phần Lúa Vàng", "startup", "", "01", "", "", "", "nông nghiệp"]]
    assert do_import(csv_bytes(rows)).ok
    assert list(text_search(Organisation.objects.all(), "lua vang").values_list("name", flat=True)) == [
        "Công ty Cổ phần Lúa Vàng"
    ]
    assert text_search(Organisation.objects.all(), "nong nghiep").count() == 1
    people = csv_bytes([["Phạm Minh Khôi", "Kỹ sư robot"]], ["full_name", "title"])
    assert do_import(people, kind="people", name="people.csv").ok
    assert text_search(Person.objects.all(), "robot").count() == 1
    from django.db import connection

    with connection.cursor() as cursor:  # spelling suggestions learn the imported words too
        cursor.execute("SELECT word FROM core_search_vocabulary WHERE word IN ('vang', 'robot')")
        assert sorted(r[0] for r in cursor.fetchall()) == ["robot", "vang"]
    # A record saved afterwards by a service is still indexed: the search trigger is back in place.
    create_organisation(
        actor=None, center=Organisation.objects.get().center, kind="startup", name="Hạt Giống Xanh"
    )
    assert text_search(Organisation.objects.all(), "hat giong").count() == 1


def test_phone_numbers_are_checked_and_written_in_international_form(do_import):
    headers = ["name", "kind", "province", "phone"]
    rows = [
        ["Công ty Hà Nội", "startup", "01", "024.3826.4567"],
        ["Công ty Di động", "startup", "01", "0912 345 678"],
        ["Seoul Partner", "foreign_partner", "01", "+82 2-312-3456"],
    ]
    report = do_import(csv_bytes(rows, headers))
    assert report.ok, report.errors
    phones = dict(Organisation.objects.values_list("name_vi", "phone"))
    assert phones == {
        "Công ty Hà Nội": "+84 24 3826 4567",
        "Công ty Di động": "+84 912 345 678",
        "Seoul Partner": "+82 2-312-3456",
    }


def test_a_number_that_cannot_be_dialled_is_reported(do_import):
    headers = ["name", "kind", "province", "phone"]
    report = do_import(
        csv_bytes([["Công ty Tốt", "startup", "01", "0912 345 678"], ["X", "startup", "01", "123"]], headers)
    )
    assert not report.ok and Organisation.objects.count() == 0
    [issue] = report.errors
    assert (issue.line, issue.column) == (3, "phone")
    assert "phone number" in issue.message
