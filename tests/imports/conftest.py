"""Helpers for the import/export tests: files built in memory, a Hanoi center with a staff member."""

from __future__ import annotations

import csv
import io

import pytest

from innohub.directory.importers import ImportSource, run_import

ORG_HEADERS = ["name", "kind", "tax_code", "province", "sectors", "founded_year", "email", "tags"]

# Valid enterprise tax codes (python-stdnum check digit): 0100109106 (Viettel), 0100686209, 0301452948.
VALID_TAX = ["0100109106", "0100686209", "0301452948", "0302035520", "0100112437"]


def csv_bytes(
    rows: list[list[object]], headers: list[str] | None = None, *, encoding: str = "utf-8-sig"
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers or ORG_HEADERS)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], headers: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers or ORG_HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def hanoi(network):
    return network["hanoi"]


@pytest.fixture
def staff(hanoi, make_member):
    return make_member(hanoi, "center_staff")


@pytest.fixture
def do_import(hanoi, staff):
    """run_import with sensible defaults: organisations into Hanoi by a Hanoi staff member."""

    def _run(
        data: bytes, *, name: str = "orgs.csv", dry_run: bool = False, kind: str = "organisations", **kw
    ):
        kw.setdefault("actor", staff)
        kw.setdefault("center", hanoi)
        return run_import(ImportSource(name=name, data=data), kind=kind, dry_run=dry_run, **kw)

    return _run


@pytest.fixture(autouse=True)
def _english_messages():
    """The importer's messages are asserted in English; pages pick their own language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield
