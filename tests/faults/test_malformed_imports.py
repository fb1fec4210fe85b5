"""Malformed files fed to every directory importer (organisations and people): each gets a clear,
translated file error and nothing is written. Complements tests/imports/test_importers.py, which covers
the organisations importer with a cp1258 file, a fake zip, an unterminated quote, a NUL byte, PDF, .xls,
an empty file, no name column, no data rows and duplicate columns; this adds the people importer, random
binary under .csv/.xlsx names, a truncated real workbook, UTF-16 without a byte order mark, a file
without its header row, a line longer than the CSV module's field limit, and formula cells."""

from __future__ import annotations

import random

import pytest
from django.utils import translation

from innohub.directory.importers import IMPORT_KINDS, ImportSource, run_import
from innohub.directory.models import Organisation, Person
from tests.imports.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db

_garbage = random.Random(5).randbytes(4096).replace(b"\x00", b"\x01")  # binary, but without NUL bytes


def _workbook(kind: str) -> bytes:
    if kind == "people":
        return xlsx_bytes([["Nguyễn Văn A", "a@example.org"]] * 50, headers=["full_name", "email"])
    return xlsx_bytes([["Công ty A", "startup", "", "01", "", "", "", ""]] * 50)


MALFORMED = {
    "empty csv": ("x.csv", lambda kind: b""),
    "empty xlsx": ("x.xlsx", lambda kind: b""),
    "binary garbage named .csv": ("x.csv", lambda kind: _garbage),
    "binary garbage named .xlsx": ("x.xlsx", lambda kind: _garbage),
    "random bytes after a zip signature": ("x.xlsx", lambda kind: b"PK\x03\x04" + _garbage),
    "truncated workbook": ("x.xlsx", lambda kind: _workbook(kind)[: len(_workbook(kind)) // 2]),
    "cp1258": (
        "x.csv",
        lambda kind: "name,full_name,province\nCông ty Đông Á,Lê Văn Út,01\n".encode("cp1258"),
    ),
    "utf-16 without a byte order mark": (
        "x.csv",
        lambda kind: "name,full_name,province\nCông ty Đông Á,Đặng Thị Ư,01\n".encode("utf-16-le"),
    ),
    "no header row": ("x.csv", lambda kind: "Công ty Đông Á,Đặng Thị Ư,01\nCông ty B,Lê C,79\n".encode()),
    "huge line": ("x.csv", lambda kind: b"name,full_name,province\n" + b"A" * (2 * 1024 * 1024) + b",B,01\n"),
}


@pytest.fixture
def importer(network, make_member):
    hanoi = network["hanoi"]
    staff = make_member(hanoi, "center_staff")

    def _run(name: str, data: bytes, kind: str):
        with translation.override("en"):
            return run_import(
                ImportSource(name=name, data=data), kind=kind, actor=staff, center=hanoi, dry_run=False
            )

    return _run


@pytest.mark.parametrize("kind", IMPORT_KINDS)
@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_gets_a_clear_error_and_writes_nothing(importer, kind, case):
    name, make = MALFORMED[case]
    report = importer(name, make(kind), kind)
    assert not report.ok
    assert report.file_error, f"{case}: no file-level message (row errors: {report.errors[:3]})"
    message = report.file_error
    assert "Traceback" not in message and "Error:" not in message, f"{case}: a raw exception text: {message}"
    assert len(message) < 600
    assert Organisation.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.parametrize("kind", IMPORT_KINDS)
def test_file_errors_are_translated(importer, kind, network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    with translation.override("vi"):
        report = run_import(
            ImportSource(name="x.xlsx", data=_garbage),
            kind=kind,
            actor=staff,
            center=network["hanoi"],
            dry_run=False,
        )
    english = importer("x.xlsx", _garbage, kind).file_error
    assert report.file_error and report.file_error != english, "the Vietnamese message is not the English one"


def test_formula_cells_are_never_evaluated(importer):
    """An XLSX formula is data, not code: it is not computed (the importer reads stored values only),
    and a formula stored without a result refuses the whole file, naming the cell; text that merely
    looks like a formula in a CSV is kept as text, and exports neutralise it
    (tests/imports/test_views.py)."""
    row = ["", "startup", "", "01", "", "", "", ""]
    data = xlsx_bytes([['=HYPERLINK("http://evil.example","x")', *row[1:]], ["=1+1", *row[1:]]])
    report = importer("x.xlsx", data, "organisations")
    assert not report.ok
    assert report.file_error and "A2" in report.file_error and "evil" not in report.file_error
    assert Organisation.objects.count() == 0

    text = b'name,province\n"=HYPERLINK(""http://evil.example"",""x"")",01\n'
    report = importer("x.csv", text, "organisations")
    assert report.ok, report.file_error or report.errors
    assert list(Organisation.objects.values_list("name", flat=True)) == [
        '=HYPERLINK("http://evil.example","x")'
    ]
