"""Export of any directory list to CSV or XLSX, with the importer's column names so that an exported
file imports again (and a re-import of it finds every row as a duplicate).

CSV is written with a UTF-8 byte-order mark: without it Excel guesses a legacy code page and garbles
Vietnamese. Rows are read with `.iterator()` and CSV is produced chunk by chunk, so a large export
streams instead of building the whole file in memory. Cells that a spreadsheet would run as a formula
(=, +, -, @ …) are neutralised (CSV: a leading apostrophe, which the importer strips again; XLSX:
stored as text).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from innohub.directory.importers import ORGANISATION_COLUMNS, PERSON_COLUMNS, Column
from innohub.directory.models import Organisation, Person, Tag
from innohub.privacy.services import logs_people_export

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 2_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?[\d\s().\-/]+$")


def _guard_csv(value: str) -> str:
    if value.startswith(_FORMULA_START) and not _NUMBER_LIKE.match(value):
        return "'" + value
    return value


def headers_for(columns: Iterable[Column], language: str = "en") -> list[str]:
    return [c.label_vi if language == "vi" else c.key for c in columns]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _codes(items: Iterable[Any], attr: str) -> str:
    return ", ".join(getattr(i, attr) for i in items)


def organisation_rows(qs: QuerySet[Organisation]) -> Iterator[list[str]]:
    """One list of cells per organisation, in ORGANISATION_COLUMNS order."""
    qs = (
        qs.select_related("province", "stage")
        .prefetch_related(None)
        .prefetch_related(Prefetch("sectors"), Prefetch("tags", queryset=Tag.objects.only("id", "name")))
    )
    for org in qs.iterator(chunk_size=CHUNK):
        yield [
            _text(getattr(org, "name_vi", None) or org.name),
            _text(getattr(org, "name_en", None)),
            org.short_name,
            org.kind,
            org.tax_code,
            org.province.code if org.province_id and org.province else "",
            org.address,
            _codes(org.sectors.all(), "code"),
            org.stage.code if org.stage_id and org.stage else "",
            _text(org.founded_year),
            _text(org.team_size),
            _text(org.funding_raised_vnd),
            org.website,
            org.email,
            org.phone,
            _text(getattr(org, "description_vi", None)),
            _text(getattr(org, "description_en", None)),
            _codes(org.tags.all(), "name"),
            org.visibility,
        ]


@logs_people_export
def person_rows(qs: QuerySet[Person]) -> Iterator[list[str]]:
    """One list of cells per person, in PERSON_COLUMNS order; the organisation by tax code if it has one."""
    qs = (
        qs.select_related("organisation", "province", "country")
        .prefetch_related(None)
        .prefetch_related(Prefetch("sectors"), Prefetch("tags", queryset=Tag.objects.only("id", "name")))
    )
    for p in qs.iterator(chunk_size=CHUNK):
        org = p.organisation if p.organisation_id else None
        yield [
            p.full_name,
            p.title,
            (org.tax_code or _text(getattr(org, "name_vi", None) or org.name)) if org else "",
            p.email,
            p.phone,
            p.province.code if p.province_id and p.province else "",
            p.country.iso2 if p.country_id and p.country else "",
            "1" if p.is_overseas_vietnamese else "0",
            _codes(p.sectors.all(), "code"),
            p.linkedin,
            _text(getattr(p, "bio_vi", None)),
            _text(getattr(p, "bio_en", None)),
            _codes(p.tags.all(), "name"),
            p.visibility,
        ]


def iter_csv(headers: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """CSV bytes in chunks (for StreamingHttpResponse), starting with the UTF-8 BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    yield codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, start=1):
        writer.writerow([_guard_csv(c) for c in row])
        if n % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    rest = buffer.getvalue()
    if rest:
        yield rest.encode("utf-8")


def xlsx_bytes(headers: list[str], rows: Iterable[list[str]], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _filename(stem: str, fmt: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def _export(
    qs: QuerySet[Any],
    fmt: str,
    *,
    columns: tuple[Column, ...],
    rows: Callable[[QuerySet[Any]], Iterator[list[str]]],
    stem: str,
    language: str,
) -> tuple[bytes, str, str]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    headers = headers_for(columns, language)
    data = b"".join(iter_csv(headers, rows(qs))) if fmt == CSV else xlsx_bytes(headers, rows(qs), title=stem)
    return data, CONTENT_TYPES[fmt], _filename(stem, fmt)


def export_organisations(
    qs: QuerySet[Organisation], fmt: str, *, language: str = "en"
) -> tuple[bytes, str, str]:
    """(file content, content type, file name). `language="vi"` writes Vietnamese column names."""
    return _export(
        qs, fmt, columns=ORGANISATION_COLUMNS, rows=organisation_rows, stem="organisations", language=language
    )


def export_people(qs: QuerySet[Person], fmt: str, *, language: str = "en") -> tuple[bytes, str, str]:
    return _export(qs, fmt, columns=PERSON_COLUMNS, rows=person_rows, stem="people", language=language)


def stream_csv(kind: str, qs: QuerySet[Any], *, language: str = "en") -> tuple[Iterator[bytes], str, str]:
    """(byte chunks, content type, file name) for a streamed CSV download."""
    columns, rows = (
        (ORGANISATION_COLUMNS, organisation_rows)
        if kind == "organisations"
        else (PERSON_COLUMNS, person_rows)
    )
    return iter_csv(headers_for(columns, language), rows(qs)), CONTENT_TYPES[CSV], _filename(kind, CSV)


def template_csv(kind: str, *, language: str = "en") -> bytes:
    """An empty file with the column names, for people who start a list from scratch."""
    columns = ORGANISATION_COLUMNS if kind == "organisations" else PERSON_COLUMNS
    return b"".join(iter_csv(headers_for(columns, language), []))
