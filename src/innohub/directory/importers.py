"""Import of organisations and people from CSV or XLSX: validate every row, report every problem with
its spreadsheet line, and write all rows or none.

Why not django-import-export's Resource: it validates and saves row by row through model forms, which
is far from the 100,000-rows-in-a-minute target and cannot report duplicates against the rest of the
file before writing. Here parsing uses the csv module and openpyxl, validation is one pass over plain
Python values with every lookup (provinces, sectors, stages, …) loaded once, duplicate checks against
the database are batched, and the write is a handful of bulk inserts inside one transaction.

Line numbers are the ones a spreadsheet shows: the header is line 1, the first data row line 2.

`run_import()` is the service every caller uses (the background task, the CLI, the benchmark).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import itertools
import operator
import os
import re
import time
import unicodedata
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from innohub.accounts.access import can
from innohub.core import search
from innohub.core.errors import DomainError, Forbidden
from innohub.core.models import Visibility, choice_label
from innohub.core.sanitize import ALLOWED_TAGS, clean_html
from innohub.core.text import _LEGAL_FORMS, fold
from innohub.core.validators import validate_phone, validate_tax_code
from innohub.directory.indexing import organisation_name_key
from innohub.directory.models import Organisation, OrganisationKind, Person, Tag

ORGANISATIONS = "organisations"
PEOPLE = "people"
IMPORT_KINDS = (ORGANISATIONS, PEOPLE)

PREVIEW_ROWS = 50
MAX_TEXT = 20_000
DEFAULT_MAX_ROWS = 200_000
#: the stored report (TaskProgress.report, the web page) keeps this many issues; the CLI prints all
DEFAULT_MAX_REPORTED_ISSUES = 10_000
IN_CHUNK = 500
SQLITE_CACHE_KIB = 256 * 1024
BULK_BATCH = 2_000
PROGRESS_EVERY = 500
# pg_advisory_xact_lock key: one directory import writes at a time, so two imports of the same file
# cannot both pass the duplicate check.
_PG_IMPORT_LOCK = 0x1A0D_1A0D

ProgressCallback = Callable[[int, int, str], None]


class ImportFileError(DomainError):
    """The file as a whole cannot be read (encoding, format, size, header)."""

    code = "import_file"
    status = 400


class _Abort(Exception):
    """Raised inside the write transaction to roll it back."""


# --- columns -------------------------------------------------------------------------------------


def header_key(value: Any) -> str:
    """'Mã số thuế' → 'ma_so_thue'; 'Tỉnh/Thành phố' → 'tinh_thanh_pho'."""
    return re.sub(r"[^a-z0-9]+", "_", fold(str(value or ""))).strip("_")


@dataclass(frozen=True)
class Column:
    key: str
    label_vi: str
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {self.key, header_key(self.label_vi), *self.aliases}


ORGANISATION_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Tên",
        (
            "ten",
            "ten_to_chuc",
            "ten_doanh_nghiep",
            "ten_cong_ty",
            "ten_tieng_viet",
            "name_vi",
            "organisation_name",
            "organization_name",
        ),
    ),
    Column("name_en", "Tên tiếng Anh", ("english_name", "ten_tieng_anh")),
    Column("short_name", "Tên viết tắt", ("ten_viet_tat",)),
    Column("kind", "Loại hình", ("loai_hinh", "loai", "type", "loai_to_chuc")),
    Column("tax_code", "Mã số thuế", ("mst", "ma_so_thue", "tax_id")),
    Column(
        "province",
        "Tỉnh/Thành phố",
        ("tinh", "tinh_thanh", "tinh_tp", "thanh_pho", "ma_tinh", "province_code", "tinh_thanh_pho"),
    ),
    Column("address", "Địa chỉ", ("dia_chi",)),
    Column("sectors", "Ngành (mã VSIC)", ("sector", "nganh", "ma_nganh", "nganh_nghe", "linh_vuc", "vsic")),
    Column("stage", "Giai đoạn", ("giai_doan_phat_trien",)),
    Column("founded_year", "Năm thành lập", ("founded", "year_founded")),
    Column("team_size", "Quy mô nhân sự", ("so_nhan_su", "nhan_su", "so_thanh_vien", "employees")),
    Column(
        "funding_raised_vnd",
        "Vốn đã huy động (VNĐ)",
        ("funding", "funding_raised", "von_da_huy_dong", "von_huy_dong", "von_da_goi"),
    ),
    Column("website", "Website", ("trang_web", "web")),
    Column("email", "Email", ("e_mail", "thu_dien_tu")),
    Column("phone", "Điện thoại", ("so_dien_thoai", "sdt", "telephone", "tel")),
    Column(
        "description_vi",
        "Mô tả",
        ("description", "mo_ta_tieng_viet", "gioi_thieu"),
    ),
    Column("description_en", "Mô tả tiếng Anh", ("english_description",)),
    Column("tags", "Thẻ", ("tag", "nhan", "tu_khoa", "keywords")),
    Column("visibility", "Chế độ hiển thị", ("pham_vi_hien_thi", "hien_thi")),
)

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("full_name", "Họ và tên", ("name", "ho_ten", "ten", "ho_va_ten")),
    Column("title", "Chức danh", ("chuc_vu", "position", "job_title")),
    Column(
        "organisation",
        "Tổ chức",
        ("organization", "organisation_tax_code", "don_vi", "cong_ty", "noi_cong_tac", "to_chuc"),
    ),
    Column("email", "Email", ("e_mail", "thu_dien_tu")),
    Column("phone", "Điện thoại", ("so_dien_thoai", "sdt", "telephone", "tel")),
    Column(
        "province",
        "Tỉnh/Thành phố",
        ("tinh", "tinh_thanh", "tinh_tp", "thanh_pho", "ma_tinh", "province_code", "tinh_thanh_pho"),
    ),
    Column("country", "Quốc gia", ("country_code", "nuoc", "quoc_gia_cu_tru")),
    Column("is_overseas_vietnamese", "Kiều bào", ("overseas_vietnamese", "kieu_bao")),
    Column("sectors", "Ngành (mã VSIC)", ("sector", "nganh", "ma_nganh", "linh_vuc", "vsic")),
    Column("linkedin", "LinkedIn", ()),
    Column("bio", "Tiểu sử", ("bio_vi", "gioi_thieu", "mo_ta")),
    Column("bio_en", "Tiểu sử tiếng Anh", ()),
    Column("tags", "Thẻ", ("tag", "nhan", "tu_khoa", "keywords")),
    Column("visibility", "Chế độ hiển thị", ("pham_vi_hien_thi", "hien_thi")),
)

COLUMNS = {ORGANISATIONS: ORGANISATION_COLUMNS, PEOPLE: PERSON_COLUMNS}
REQUIRED = {ORGANISATIONS: "name", PEOPLE: "full_name"}


# --- report --------------------------------------------------------------------------------------


@dataclass
class Issue:
    line: int
    column: str
    value: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    filename: str = ""
    rows: int = 0
    new: int = 0
    duplicates: int = 0
    invalid: int = 0
    created: int = 0
    aborted: bool = False
    file_error: str = ""
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    preview_columns: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    validate_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors and not self.aborted

    @property
    def error_rows(self) -> int:
        return len({e.line for e in self.errors})

    def summary(self) -> str:
        if self.file_error:
            return self.file_error
        counts = {"rows": self.rows, "new": self.new, "duplicates": self.duplicates, "invalid": self.invalid}
        if self.errors and self.dry_run:
            return (
                _(
                    "%(invalid)s of %(rows)s rows have errors and %(duplicates)s are duplicates. Correct "
                    "them and upload the file again; nothing is imported while any row has a problem."
                )
                % counts
            )
        if self.errors:
            return (
                _(
                    "Nothing was written: %(invalid)s of %(rows)s rows have errors and %(duplicates)s are "
                    "duplicates. Correct them and import the file again."
                )
                % counts
            )
        if self.dry_run:
            return _("%(new)s of %(rows)s rows are ready to import; nothing has been written yet.") % counts
        return _("%(created)s records were imported.") % {"created": self.created}

    def as_dict(self, *, max_issues: int | None = None) -> dict[str, Any]:
        limit = max_issues if max_issues is not None else _max_reported_issues()
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "filename": self.filename,
            "ok": self.ok,
            "rows": self.rows,
            "new": self.new,
            "duplicates": self.duplicates,
            "invalid": self.invalid,
            "created": self.created,
            "aborted": self.aborted,
            "file_error": self.file_error,
            "summary": str(self.summary()),
            "error_count": len(self.errors),
            "error_rows": self.error_rows,
            "errors": [e.as_dict() for e in self.errors[:limit]],
            "errors_truncated": len(self.errors) > limit,
            "warning_count": len(self.warnings),
            "warnings": [w.as_dict() for w in self.warnings[:limit]],
            "ignored_columns": self.ignored_columns,
            "preview_columns": self.preview_columns,
            "preview": self.preview,
            "validate_seconds": round(self.validate_seconds, 3),
            "write_seconds": round(self.write_seconds, 3),
        }


def _max_reported_issues() -> int:
    return int(getattr(settings, "INNOHUB_IMPORT_MAX_REPORTED_ISSUES", DEFAULT_MAX_REPORTED_ISSUES))


def issues_csv(issues: Iterable[Issue]) -> bytes:
    """The full error list as CSV (UTF-8 with BOM, so Excel shows Vietnamese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("line"), _("column"), _("value"), _("problem")])
    for issue in issues:
        writer.writerow([issue.line, issue.column, _guard(issue.value), issue.message])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def _guard(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# --- reading files -------------------------------------------------------------------------------


@dataclass
class ImportSource:
    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: str) -> ImportSource:
        import os

        size = os.path.getsize(path)
        check_size(size)
        with open(path, "rb") as fh:
            return cls(name=os.path.basename(path), data=fh.read())

    @classmethod
    def from_upload(cls, upload: Any) -> ImportSource:
        check_size(upload.size)
        return cls(name=upload.name, data=upload.read())


def max_bytes() -> int:
    return int(settings.INNOHUB_IMPORT_MAX_BYTES)


def check_size(size: int | None) -> None:
    limit = max_bytes()
    if size is not None and size > limit:
        raise ImportFileError(
            _("The file is %(size)s; the largest file you can import is %(limit)s. Split it into parts.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (spreadsheet line, cells); blank rows left out
    #: every cell is a str already in NFC (CSV), so a row's texts need only stripping
    text_cells: bool = False
    #: some cell may start with the apostrophe that guards a formula (see cell_text)
    maybe_guarded: bool = True


def read_table(source: ImportSource) -> Table:
    check_size(len(source.data))
    data = source.data
    name = (source.name or "").lower()
    if not data.strip():
        raise ImportFileError(_("The file is empty."), code="empty_file")
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or as “CSV UTF-8”."),
            code="unsupported_format",
        )
    if name and not name.endswith((".csv", ".txt", ".tsv")):
        raise ImportFileError(
            _("Only CSV (UTF-8) and Excel (.xlsx) files can be imported; “%(name)s” is neither.")
            % {"name": source.name},
            code="unsupported_format",
        )
    # Files saved on macOS often carry decomposed (NFD) Vietnamese letters: compose them once here.
    return _read_csv(unicodedata.normalize("NFC", _decode(data)))


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not UTF-8 encoded (the first unreadable character is on line %(line)s), so "
                "Vietnamese letters would be garbled. In Excel choose “Save as → CSV UTF-8”, or import "
                "the .xlsx file itself."
            )
            % {"line": line},
            code="wrong_encoding",
        ) from None


def _read_csv(text: str) -> Table:
    if "\x00" in text:
        raise ImportFileError(
            _("The file contains binary data and is not a CSV file."), code="malformed_file"
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[Any]]] = []
    headers: list[str] | None = None
    line = 0
    max_rows = _max_rows()
    try:
        for line, cells in enumerate(reader, start=1):
            if headers is None:
                headers = cells
                continue
            if not "".join(cells).strip():
                continue
            rows.append((line, cells))
            if len(rows) > max_rows:
                _too_many_rows(max_rows)
    except csv.Error as exc:
        raise ImportFileError(
            _("The file is not a valid CSV file (line %(line)s: %(reason)s).")
            % {"line": line + 1, "reason": str(exc)},
            code="malformed_file",
        ) from None
    if headers is None:
        raise ImportFileError(_("The file is empty."), code="empty_file")
    guarded = any(f"'{c}" in text for c in "=+-@\t\r")
    return Table(headers=headers, rows=rows, text_cells=True, maybe_guarded=guarded)


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx): %(reason)s") % {"reason": str(exc)},
            code="malformed_file",
        ) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(_("The workbook has no sheet."), code="empty_file")
        cell = _uncalculated_formula(sheet)
        if cell:
            raise ImportFileError(
                _(
                    "Cell %(cell)s holds a formula whose result was never calculated (the program that "
                    "wrote the file does not compute formulas). Open the file in Excel or LibreOffice and "
                    "save it again, or replace the formulas by their values."
                )
                % {"cell": cell},
                code="uncalculated_formula",
            )
        headers: list[str] | None = None
        rows: list[tuple[int, list[Any]]] = []
        max_rows = _max_rows()
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(values)
            if headers is None:
                if not any(v not in (None, "") for v in cells):
                    raise ImportFileError(
                        _("The first row of the sheet must hold the column names."), code="no_header"
                    )
                headers = ["" if v is None else str(v) for v in cells]
                continue
            if not any(v is not None and str(v).strip() for v in cells):
                continue
            rows.append((line, cells))
            if len(rows) > max_rows:
                _too_many_rows(max_rows)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged sheets
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx): %(reason)s") % {"reason": str(exc)},
            code="malformed_file",
        ) from None
    finally:
        workbook.close()
    if headers is None:
        raise ImportFileError(_("The file is empty."), code="empty_file")
    return Table(headers=headers, rows=rows)


#: a cell of the default (numeric) type holding a formula and no result: `<c r="B2"><f>A2*2</f><v/></c>`
#: (a formula whose result is empty text is `t="str"` with an empty value, and is kept)
_UNCALCULATED = re.compile(
    rb'<c\b(?![^>]*\bt=")[^>]*\br="([A-Z]+[0-9]+)"[^>]*>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*'
    rb"(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


#: the sheet's XML is scanned in pieces of this size (a 50 MB upload can unpack to several hundred
#: MB), each searched together with the end of the previous one: a cell is far shorter than that
_SCAN_CHUNK = 1 << 20
_SCAN_OVERLAP = 64 * 1024


def _uncalculated_formula(sheet: Any) -> str | None:
    """The first cell holding a formula without its result, if any.

    Workbooks are read with the results Excel or LibreOffice stored next to each formula; a file
    written by a library that stores formulas only (openpyxl, many exporters) would read as empty
    cells — rows skipped or "name required" — instead of saying what is wrong."""
    try:  # openpyxl's read-only sheet: the sheet's XML in the workbook's archive
        xml = sheet.parent._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError, OSError):
        return None
    with xml:
        tail = b""
        while chunk := xml.read(_SCAN_CHUNK):
            window = tail + chunk
            found = _UNCALCULATED.search(window) if b"<f" in window else None
            if found:
                return found.group(1).decode()
            tail = window[-_SCAN_OVERLAP:]
    return None


def _max_rows() -> int:
    return int(getattr(settings, "INNOHUB_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def _too_many_rows(max_rows: int) -> None:
    raise ImportFileError(
        _("The file has more than %(max)s rows. Split it into parts.") % {"max": max_rows},
        code="too_many_rows",
    )


def map_headers(kind: str, headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column key → cell index, and the headers that were not recognised (ignored)."""
    by_name: dict[str, str] = {}
    for col in COLUMNS[kind]:
        for alias in col.names():
            by_name.setdefault(alias, col.key)
    index: dict[str, int] = {}
    ignored: list[str] = []
    for i, raw in enumerate(headers):
        key = by_name.get(header_key(raw))
        if key is None:
            if str(raw or "").strip():
                ignored.append(str(raw).strip())
            continue
        if key in index:
            raise ImportFileError(
                _("Two columns mean the same thing: “%(first)s” and “%(second)s”. Keep only one.")
                % {"first": headers[index[key]], "second": raw},
                code="duplicate_column",
            )
        index[key] = i
    required = REQUIRED[kind]
    if required not in index:
        accepted = ", ".join(sorted(next(c for c in COLUMNS[kind] if c.key == required).names()))
        raise ImportFileError(
            _(
                "The file has no name column. The first row must hold the column names; the name "
                "column may be called: %(accepted)s."
            )
            % {"accepted": accepted},
            code="no_name_column",
        )
    return index, ignored


# --- cell values ---------------------------------------------------------------------------------

_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value).strip()
    if text and not text.isascii():
        # Files saved on macOS often carry decomposed (NFD) Vietnamese letters.
        text = unicodedata.normalize("NFC", text)
    if text.startswith("'"):
        text = _FORMULA_GUARD.sub("", text)
    return text


def _digits_from_number(value: Any, lengths: dict[int, int]) -> str | None:
    """Excel turns "0101234567" into the number 101234567; put the lost leading zero back."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    digits = str(int(value))
    return digits.zfill(lengths[len(digits)]) if len(digits) in lengths else digits


_LIST_SPLIT = re.compile(r"[,;\n]")
_URL = URLValidator(schemes=["http", "https"])
# Plain ASCII http(s) addresses: a strict subset of what URLValidator accepts.
_SIMPLE_URL = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::[0-9]{1,5})?"
    r"(?:[/?#][A-Za-z0-9._~%!$&'()*+,;=:@/?#-]*)?$",
    re.IGNORECASE,
)
# Plain ASCII addresses: a strict subset of what EmailValidator accepts.
_SIMPLE_EMAIL = re.compile(
    r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    re.IGNORECASE,
)
# Text without these characters comes out of the HTML cleaner unchanged.
_HTML_SENSITIVE = re.compile(r"[<>&\r\x00\u00a0]")
_THOUSANDS = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_SEPARATORS = re.compile(r"[.,\s]")
_INTEGER = re.compile(r"-?\d+")
_AMOUNT = re.compile(r"\d{1,20}")
_CURRENCY = re.compile(r"(?i)\s*(vnd|vnđ|đ|₫|dong|đồng)$")
_HAS_SCHEME = re.compile(r"(?i)^https?://")
_LEADING_CODE = re.compile(r"^\s*([A-Za-z0-9.]+)")
_TAG_RE = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9]*)")
_DANGEROUS = re.compile(r"\son[a-z]+\s*=|javascript:|vbscript:|data:text/html", re.IGNORECASE)

_TRUE = {"1", "true", "yes", "y", "x", "co", "dung", "v"}
_FALSE = {"0", "false", "no", "n", "khong", "sai", ""}

_KIND_ALIASES = {
    "khoi nghiep": OrganisationKind.STARTUP,
    "doanh nghiep khoi nghiep": OrganisationKind.STARTUP,
    "startup": OrganisationKind.STARTUP,
    "doanh nghiep nho va vua doi moi sang tao": OrganisationKind.INNOVATIVE_SME,
    "sme": OrganisationKind.INNOVATIVE_SME,
    "vuon uom": OrganisationKind.INCUBATOR,
    "co so uom tao": OrganisationKind.INCUBATOR,
    "thuc day kinh doanh": OrganisationKind.ACCELERATOR,
    "to chuc thuc day kinh doanh": OrganisationKind.ACCELERATOR,
    "khong gian lam viec chung": OrganisationKind.COWORKING,
    "dai hoc": OrganisationKind.UNIVERSITY,
    "truong dai hoc": OrganisationKind.UNIVERSITY,
    "vien nghien cuu": OrganisationKind.RESEARCH_INSTITUTE,
    "nha dau tu": OrganisationKind.INVESTOR,
    "quy dau tu": OrganisationKind.INVESTOR,
    "doanh nghiep": OrganisationKind.CORPORATE,
    "tap doan": OrganisationKind.CORPORATE,
    "trung tam ho tro": OrganisationKind.SUPPORT_CENTER,
    "trung tam ho tro khoi nghiep": OrganisationKind.SUPPORT_CENTER,
    "co quan nha nuoc": OrganisationKind.GOVERNMENT,
    "doi tac nuoc ngoai": OrganisationKind.FOREIGN_PARTNER,
    "hiep hoi": OrganisationKind.ASSOCIATION,
}
_VISIBILITY_ALIASES = {
    "cong khai": Visibility.PUBLIC,
    "mang luoi": Visibility.NETWORK,
    "trung tam": Visibility.CENTER,
    "noi bo": Visibility.CENTER,
    "rieng tu": Visibility.PRIVATE,
}
_PROVINCE_PREFIXES = ("thanh pho ", "tp ", "tp. ", "tinh ")


@functools.lru_cache(maxsize=4096)
def _fold_short(value: str) -> str:
    """fold() for the short, much repeated values of choice columns (kind, stage, visibility, yes/no)."""
    return fold(value)


def _choice_map(choices: Any, aliases: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, label in choices:
        out[fold(value)] = value
        out[fold(value.replace("_", " "))] = value
        for lang in ("en", "vi"):
            with translation.override(lang):
                out.setdefault(fold(str(label)), value)
    for alias, value in aliases.items():
        out.setdefault(alias, str(value))
    return out


def _strip_province_prefix(folded: str) -> str:
    for prefix in _PROVINCE_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :].strip()
    return folded


class Lookups:
    """Reference data resolved through the taxonomy selectors (cached per process), with a per-import
    memo so that each distinct cell value is resolved once."""

    def __init__(self) -> None:
        self.kinds = _choice_map(OrganisationKind.choices, _KIND_ALIASES)
        self.visibilities = _choice_map(Visibility.choices, _VISIBILITY_ALIASES)
        self._provinces: dict[str, tuple[Any, Any] | None] = {}
        self._sectors: dict[str, Any] = {}
        self._stages: dict[str, Any] = {}
        self._countries: dict[str, Any] = {}
        self._legacy_by_name: dict[str, Any] | None = None

    def province(self, raw: str) -> tuple[Any, Any] | None:
        """(province, former province or None) for a code or a name, current (2025) or former."""
        if raw not in self._provinces:
            self._provinces[raw] = self._find_province(raw)
        return self._provinces[raw]

    def _find_province(self, raw: str) -> tuple[Any, Any] | None:
        from innohub.taxonomy import selectors as tx

        value = raw.strip()
        if re.fullmatch(r"\d{1,3}", value):
            province = tx.province_by_code(value)
            if province is None:
                return None
            legacy = tx.legacy_province_by_code(value)
            # A former code that is not the current province's own code ("02" Hà Giang → "08").
            return province, (legacy if legacy is not None and legacy.code != province.code else None)
        province = tx.province_by_name(value)
        if province is None:
            return None
        legacy = self._legacy_named(value)
        return province, (legacy if legacy is not None and legacy.province_id == province.pk else None)

    def _legacy_named(self, value: str) -> Any:
        """The former province a name refers to, when it is not also the current province's name."""
        from innohub.taxonomy import selectors as tx

        if self._legacy_by_name is None:
            current = {_province_name_key(getattr(p, "name_vi", None) or p.name) for p in tx.provinces()}
            self._legacy_by_name = {}
            for lp in tx.legacy_provinces():
                for name in (getattr(lp, "name_vi", None), getattr(lp, "name_en", None), lp.name):
                    key = _province_name_key(name or "")
                    if key and key not in current:
                        self._legacy_by_name.setdefault(key, lp)
        return self._legacy_by_name.get(_province_name_key(value))

    def sector(self, code: str) -> Any:
        from innohub.taxonomy import selectors as tx

        if code not in self._sectors:
            self._sectors[code] = tx.sector_by_code(code)
        return self._sectors[code]

    def stage(self, raw: str) -> Any:
        from innohub.taxonomy import selectors as tx

        key = _fold_short(raw)
        if key not in self._stages:
            found = tx.stage_by_code(key)
            if found is None:
                found = next(
                    (
                        st
                        for st in tx.stages()
                        if key
                        in {
                            fold(getattr(st, "name_vi", None) or ""),
                            fold(getattr(st, "name_en", None) or ""),
                        }
                    ),
                    None,
                )
            self._stages[key] = found
        return self._stages[key]

    def country(self, raw: str) -> Any:
        from innohub.taxonomy import selectors as tx

        key = fold(raw)
        if key not in self._countries:
            found = tx.country_by_code(raw)
            if found is None:
                found = next(
                    (
                        c
                        for c in tx.countries()
                        if key
                        in {fold(getattr(c, "name_vi", None) or ""), fold(getattr(c, "name_en", None) or "")}
                    ),
                    None,
                )
            self._countries[key] = found
        return self._countries[key]


def _province_name_key(name: str) -> str:
    folded = fold(name).replace(".", " ")
    folded = _strip_province_prefix(re.sub(r"\s+", " ", folded).strip())
    return re.sub(r"[^a-z0-9]+", "", folded)


# --- validation ----------------------------------------------------------------------------------


class _RowReader:
    """Reads one row's cells by column key and collects the row's issues."""

    __slots__ = ("line", "cells", "texts", "index", "headers", "issues", "warnings")

    def __init__(
        self, line: int, cells: list[Any], texts: list[str], index: dict[str, int], headers: list[str]
    ):
        self.line = line
        self.cells = cells
        self.texts = texts
        self.index = index
        self.headers = headers
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []

    def raw(self, key: str) -> Any:
        i = self.index.get(key)
        if i is None or i >= len(self.cells):
            return None
        return self.cells[i]

    def text(self, key: str) -> str:
        i = self.index.get(key)
        if i is None or i >= len(self.texts):
            return ""
        return self.texts[i]

    def column(self, key: str) -> str:
        i = self.index.get(key)
        return str(self.headers[i]).strip() if i is not None else key

    def error(self, key: str, value: Any, message: str, code: str = "invalid") -> None:
        self.issues.append(Issue(self.line, self.column(key), str(value)[:200], str(message), code))

    def warn(self, key: str, value: Any, message: str, code: str = "changed") -> None:
        self.warnings.append(Issue(self.line, self.column(key), str(value)[:200], str(message), code))

    # typed readers: each returns the clean value or None after recording an error

    def limited(self, key: str, max_length: int) -> str:
        value = self.text(key)
        if len(value) > max_length:
            self.error(
                key,
                value,
                _("Too long: at most %(max)s characters, this has %(n)s.")
                % {"max": max_length, "n": len(value)},
            )
        return value

    def whole_number(self, key: str, *, minimum: int = 0, maximum: int = 2_147_483_647) -> int | None:
        value = self.text(key)
        if not value:
            return None
        compact = value.replace(" ", "").replace("\u00a0", "")
        if _THOUSANDS.match(value):
            compact = _SEPARATORS.sub("", value)
        if not _INTEGER.fullmatch(compact):
            self.error(key, value, _("Must be a whole number."))
            return None
        number = int(compact)
        if not minimum <= number <= maximum:
            self.error(
                key,
                value,
                _("Must be a whole number between %(min)s and %(max)s.") % {"min": minimum, "max": maximum},
            )
            return None
        return number

    def money(self, key: str) -> Decimal | None:
        value = self.text(key)
        if not value:
            return None
        compact = _CURRENCY.sub("", value).strip()
        if _THOUSANDS.match(compact):
            compact = _SEPARATORS.sub("", compact)
        compact = compact.replace(" ", "")
        if not _AMOUNT.fullmatch(compact):
            self.error(key, value, _("Must be an amount in đồng, a whole number of 0 or more."))
            return None
        return Decimal(compact)

    def url(self, key: str) -> str:
        value = self.text(key)
        if not value:
            return ""
        if not _HAS_SCHEME.match(value):
            value = "https://" + value
        if not _SIMPLE_URL.match(value):  # the common case skips Django's slower, more general check
            try:
                _URL(value)
            except ValidationError:
                self.error(key, self.text(key), _("Not a valid web address."))
                return ""
        if len(value) > 200:
            self.error(key, value, _("Too long: at most %(max)s characters.") % {"max": 200})
            return ""
        return value

    def email(self, key: str) -> str:
        value = self.text(key)
        if not value:
            return ""
        if not (len(value) <= 254 and _SIMPLE_EMAIL.match(value)):  # else Django's general check
            try:
                validate_email(value)
            except ValidationError:
                self.error(key, value, _("Not a valid email address."))
                return ""
        return value

    def phone(self, key: str) -> str:
        raw = self.raw(key)
        value = _digits_from_number(raw, {9: 10, 10: 11}) if raw is not None else None
        value = value if value is not None else self.text(key)
        if not value:
            return ""
        try:
            return validate_phone(value)
        except ValidationError as exc:
            self.error(key, value, str(exc.messages[0]))
            return ""

    def html(self, key: str) -> str:
        raw = self.text(key)
        if not raw:
            return ""
        if len(raw) > MAX_TEXT:
            self.error(key, raw[:60] + "…", _("Too long: at most %(max)s characters.") % {"max": MAX_TEXT})
            return ""
        if not _HTML_SENSITIVE.search(raw):
            return raw
        cleaned = clean_html(raw)
        if "<" in raw or ":" in raw:
            removed = {t.lower() for t in _TAG_RE.findall(raw)} - ALLOWED_TAGS
            if removed or _DANGEROUS.search(raw):
                self.warn(
                    key,
                    raw[:80],
                    _(
                        "HTML that is not allowed (scripts, styles, event handlers) was removed from this text."
                    ),
                )
        return cleaned

    def names(self, key: str) -> list[str]:
        out: list[str] = []
        seen: set[str] = set()
        for part in _LIST_SPLIT.split(self.text(key)):
            name = part.strip()
            if not name:
                continue
            if len(name) > 64:
                self.error(key, name, _("A tag has at most 64 characters."))
                continue
            slug = _tag_slug(name)
            if slug not in seen:
                seen.add(slug)
                out.append(name)
        return out

    def sectors(self, key: str, lookups: Lookups) -> list[Any]:
        out: list[Any] = []
        for part in _LIST_SPLIT.split(self.text(key)):
            match = _LEADING_CODE.match(part)
            if not match:
                continue
            code = match.group(1).upper()
            sector = lookups.sector(code)
            if sector is None:
                self.error(
                    key, part.strip(), _("Unknown sector code “%(code)s” (use VSIC codes).") % {"code": code}
                )
            elif sector not in out:
                out.append(sector)
        return out

    def province(self, key: str, lookups: Lookups) -> tuple[Any, Any]:
        value = self.text(key)
        if not value:
            return None, None
        found = lookups.province(value)
        if found is None:
            self.error(
                key,
                value,
                _(
                    "Unknown province “%(value)s”. Use a province code or name; codes and names from "
                    "before the 2025 merger are accepted too."
                )
                % {"value": value},
                code="unknown_province",
            )
            return None, None
        return found

    def visibility(self, key: str, lookups: Lookups, default: str) -> str:
        value = self.text(key)
        if not value:
            return default
        found = lookups.visibilities.get(_fold_short(value))
        if found is None:
            self.error(
                key,
                value,
                _("Unknown visibility “%(value)s”. Use one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(Visibility.values)},
            )
            return default
        return found

    def boolean(self, key: str) -> bool:
        value = self.text(key)
        folded = _fold_short(value)
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
        self.error(key, value, _("Write yes or no (có / không)."))
        return False


def _slugify_folded(folded: str) -> str:
    """django.utils.text.slugify() of folded text; ASCII skips its NFKD step, which changes nothing there."""
    if not folded.isascii():
        return slugify(folded)
    return _SLUG_DASHES.sub("-", _SLUG_DROP.sub("", folded.lower())).strip("-_")


_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_DASHES = re.compile(r"[-\s]+")


@functools.lru_cache(maxsize=4096)
def _tag_slug(name: str) -> str:
    return slugify(fast_fold(name.strip()[:64]))[:64] or "tag"


@dataclass
class _Record:
    line: int
    fields: dict[str, Any]
    sectors: list[Any]
    tags: list[str]
    ok: bool
    dedup_tax: str = ""
    dedup_name: tuple[str, Any] | None = None
    dedup_email: str = ""
    folded_name: str = ""


def _no_progress(done: int, total: int, message: str = "") -> None:
    return None


class _Importer(ABC):
    kind = ORGANISATIONS
    preview_keys: tuple[str, ...] = ()

    def __init__(self, *, actor: Any, center: Any, progress: ProgressCallback | None = None):
        self.actor = actor
        self.center = center
        self.progress: ProgressCallback = progress or _no_progress
        self.lookups = Lookups()

    # subclasses: clean_row(reader) -> _Record, check_database(records, report), build(records), write(...)

    @abstractmethod
    def clean_row(self, row: _RowReader) -> _Record: ...

    def validate(self, table: Table, report: ImportReport) -> list[_Record]:
        index = self._index
        report.rows = len(table.rows)
        total = report.rows
        records: list[_Record] = []
        self.progress(0, total, _("Checking rows…"))
        for n, (line, cells) in enumerate(table.rows, start=1):
            if table.text_cells:
                texts = [c.strip() for c in cells]
                if table.maybe_guarded:
                    texts = [_FORMULA_GUARD.sub("", t) for t in texts]
            else:
                texts = [cell_text(c) for c in cells]
            reader = _RowReader(line, cells, texts, index, table.headers)
            record = self.clean_row(reader)
            if reader.issues:
                record.ok = False
                report.errors.extend(reader.issues)
            if reader.warnings:
                report.warnings.extend(reader.warnings)
            records.append(record)
            if n % PROGRESS_EVERY == 0:
                self.progress(n, total, "")
        self.check_file_duplicates(records, report)
        if report.dry_run or report.errors:
            # A clean file being imported is checked against the directory once, inside the write
            # transaction (see run()); otherwise here, so that the report lists every problem.
            self.progress(total, total, _("Checking duplicates against the directory…"))
            self.check_database(records, report)
        self.sort_issues(report)
        return records

    def check_file_duplicates(self, records: list[_Record], report: ImportReport) -> None:
        checks = (
            ("tax_code", _("Same tax code as line %(line)s.")),
            ("email", _("Same email address as line %(line)s.")),
            (self.name_column, _("Same name and province as line %(line)s.")),
        )
        seen: dict[tuple[str, Any], int] = {}
        for rec in records:
            for (column, message), key in zip(
                checks, (rec.dedup_tax, rec.dedup_email, rec.dedup_name), strict=True
            ):
                if not key:
                    continue
                first = seen.setdefault((column, key), rec.line)
                if first == rec.line:
                    continue
                rec.ok = False
                report.errors.append(
                    Issue(
                        rec.line,
                        self.header_of(column),
                        self.value_of(rec, column),
                        message % {"line": first},
                        "duplicate",
                    )
                )

    name_column = "name"
    _headers: dict[str, str]
    _index: dict[str, int]

    def header_of(self, key: str) -> str:
        return self._headers.get(key, key)

    def value_of(self, rec: _Record, key: str) -> str:
        value = rec.fields.get(key)
        if value is None and key == "name":
            value = rec.fields.get("name_vi")
        return "" if value is None else str(value)[:200]

    @abstractmethod
    def check_database(self, records: list[_Record], report: ImportReport) -> None: ...

    @abstractmethod
    def preview_row(self, rec: _Record) -> list[str]: ...

    @abstractmethod
    def preview_labels(self) -> list[str]: ...

    @abstractmethod
    def write(self, records: list[_Record]) -> int: ...

    def run(self, table: Table, report: ImportReport) -> None:
        self._index, report.ignored_columns = map_headers(self.kind, table.headers)
        self._headers = {key: str(table.headers[i]).strip() for key, i in self._index.items()}
        started = time.perf_counter()
        records = self.validate(table, report)
        report.validate_seconds = time.perf_counter() - started
        self.count(records, report)
        report.preview_columns = self.preview_labels()
        report.preview = [
            self.preview_row(r) for r in itertools.islice((r for r in records if r.ok), PREVIEW_ROWS)
        ]
        if report.dry_run or report.errors:
            report.aborted = bool(report.errors) and not report.dry_run
            return
        started = time.perf_counter()
        self.progress(report.rows, report.rows, _("Saving %(count)s records…") % {"count": report.new})
        try:
            with _large_page_cache(), transaction.atomic():
                _lock_imports()
                # Checked under the lock: nobody can add one of these records before we commit.
                self.check_database(records, report)
                if report.errors:
                    raise _Abort()
                report.created = self.write(records)
        except _Abort:
            self.sort_issues(report)
            self.count(records, report)
            report.aborted = True
            report.created = 0
        except IntegrityError as exc:
            report.aborted = True
            report.created = 0
            report.file_error = _(
                "Nothing was written: the directory changed while importing (%(reason)s). Import the file again."
            ) % {"reason": str(exc)[:200]}
        report.write_seconds = time.perf_counter() - started

    def sort_issues(self, report: ImportReport) -> None:
        """By line, then in the file's column order (database checks come last otherwise)."""
        position = {header: i for i, header in enumerate(self._headers.values())}
        report.errors.sort(key=lambda e: (e.line, position.get(e.column, len(position))))

    def count(self, records: list[_Record], report: ImportReport) -> None:
        kinds_by_line: dict[int, set[str]] = {}
        for issue in report.errors:
            kinds_by_line.setdefault(issue.line, set()).add(issue.code)
        report.duplicates = sum(1 for codes in kinds_by_line.values() if codes == {"duplicate"})
        report.invalid = len(kinds_by_line) - report.duplicates
        report.new = sum(1 for r in records if r.ok)


def _lock_imports() -> None:
    """Serialise imports: on SQLite the IMMEDIATE transaction already holds the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_IMPORT_LOCK])


@contextlib.contextmanager
def _large_page_cache() -> Iterator[None]:
    """SQLite's default page cache (2 MB) is far smaller than the indexes a big import updates; with
    it, every insert re-reads index pages from disk. Enlarge it for the import, then restore it."""
    if connection.vendor != "sqlite" or os.environ.get("INNOHUB_IMPORT_SQLITE_CACHE") == "default":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _chunks(values: list[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


class _AnyOf(models.Expression):
    """`<column> = ANY(%s)`: one array parameter, whatever the number of values (PostgreSQL)."""

    output_field = models.BooleanField()

    def __init__(self, column: Any, values: list[Any]) -> None:
        super().__init__()
        self.column = column
        self.values = values

    def resolve_expression(self, *args: Any, **kwargs: Any) -> _AnyOf:
        clone = self.copy()
        clone.column = self.column.resolve_expression(*args, **kwargs)
        return clone

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.column)
        return f"{sql} = ANY(%s)", [*params, self.values]


def values_in(qs: Any, field: Any, values: list[Any], *columns: str, flat: bool = False) -> Iterator[Any]:
    """`qs.filter(<field>__in=values).values_list(*columns)` for many values: one query with an
    array on PostgreSQL (an IN list of 100,000 placeholders costs more to build than to run),
    chunks of IN_CHUNK elsewhere. `field` may be an expression such as Lower("email")."""
    if not values:
        return
    column = models.F(field) if isinstance(field, str) else field
    if connection.vendor == "postgresql":
        yield from qs.filter(_AnyOf(column, values)).values_list(*columns, flat=flat)
        return
    for chunk in _chunks(values):
        yield from qs.alias(_in_column=column).filter(_in_column__in=chunk).values_list(*columns, flat=flat)


class SlugAllocator:
    """Unique slugs for many new rows with a few queries (services.unique_slug asks once per slug)."""

    def __init__(self, model: Any, fallback: str):
        self.model = model
        self.fallback = fallback

    def allocate(self, texts: list[str], *, folded: bool = False) -> list[str]:
        """One slug per text, in order; `folded`: the texts went through fast_fold() already."""
        bases = [_slugify_folded(t if folded else fast_fold(t))[:200] or self.fallback for t in texts]
        distinct = list(dict.fromkeys(bases))
        taken: set[str] = set(values_in(self.model.objects.all(), "slug", distinct, "slug", flat=True))
        counts: dict[str, int] = {}
        for base in bases:
            counts[base] = counts.get(base, 0) + 1
        # Bases that will need a suffix: load the suffixed slugs already in use for them.
        for base in distinct:
            if base in taken or counts[base] > 1:
                taken.update(
                    self.model.objects.filter(slug__startswith=base + "-").values_list("slug", flat=True)
                )
        used = set(taken)
        out: list[str] = []
        next_n: dict[str, int] = {}
        for base in bases:
            if base not in used:
                slug = base
            else:
                n = next_n.get(base, 2)
                while f"{base}-{n}" in used:
                    n += 1
                next_n[base] = n + 1
                slug = f"{base}-{n}"
            used.add(slug)
            out.append(slug)
        return out


def _ensure_tags(names: Iterable[str]) -> dict[str, int]:
    """Tag id by slug, creating the missing tags in one insert."""
    by_slug: dict[str, str] = {}
    for name in names:
        by_slug.setdefault(_tag_slug(name), name.strip()[:64])
    if not by_slug:
        return {}
    slugs = list(by_slug)
    ids: dict[str, int] = dict(values_in(Tag.objects.all(), "slug", slugs, "slug", "id"))
    missing = [Tag(slug=s, name=by_slug[s]) for s in slugs if s not in ids]
    if missing:
        names = [t.name for t in missing]
        existing_names = set(values_in(Tag.objects.all(), "name", names, "name", flat=True))
        for tag in missing:
            if tag.name in existing_names:  # same name, different slug: keep the name unique
                tag.name = f"{tag.name[:56]} ({tag.slug[:5]})"
        Tag.objects.bulk_create(missing, batch_size=BULK_BATCH)
        ids.update(values_in(Tag.objects.all(), "slug", [t.slug for t in missing], "slug", "id"))
    return ids


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- fast text keys and inserts ----------------------------------------------------------------
#
# At 100,000 rows the per-row cost of Django model instances (with modeltranslation's __init__), of
# get_kind_display() and of core.text.fold()'s per-character loop dominates. The helpers below give
# the same results faster; tests/imports/test_fast_paths.py checks they stay equal to the originals.

_MARKS = re.compile("[\u0300-\u036f]")
_NOT_LATIN = re.compile("[^\u0000-\u036f]")
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_FORM_PATTERNS = tuple((form, re.compile(rf"(^| ){re.escape(form)}( |$)")) for form in _LEGAL_FORMS)


def fast_fold(value: str | None) -> str:
    """core.text.fold(); Latin text (everything below U+0370 once decomposed, which covers Vietnamese)
    takes a regex instead of a loop over characters, other scripts the original."""
    if not value:
        return ""
    if value.isascii():
        return _SPACES.sub(" ", value.casefold()).strip()
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    if _NOT_LATIN.search(decomposed):
        return fold(value)
    return _SPACES.sub(" ", _MARKS.sub("", decomposed).casefold()).strip()


_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def fast_tax_code(value: str) -> str:
    """core.validators.validate_tax_code() for the common case, a plain 10-digit enterprise code,
    without python-stdnum's general cleaning (a third of the validation time of a large file); any
    other input, and any code that fails, goes to the original for its result or its message."""
    if len(value) == 10 and value.isascii() and value.isdigit() and value[2:9] != "0000000":
        total = sum(w * (ord(c) - 48) for w, c in zip(_MST_WEIGHTS, value[:9], strict=True))
        if value[9] == str(10 - total % 11):
            return value
    return validate_tax_code(value)


def fast_name_key(name: str, *, folded: str | None = None) -> str:
    """directory.indexing.organisation_name_key() (core.text.normalise_name), without running eleven
    regular expressions on names that cannot contain them. `folded`: fast_fold(name), if known."""
    folded = " ".join(
        t for t in _NON_WORD.sub(" ", fast_fold(name) if folded is None else folded).split(" ") if t
    )
    for form, pattern in _FORM_PATTERNS:
        if form in folded:
            folded = pattern.sub(" ", folded)
    return _SPACES.sub(" ", folded).strip()


@functools.lru_cache(maxsize=8192)
def _fold_repeated(value: str) -> str:
    """fast_fold() of the parts many rows share (kind, province, sector and tag names)."""
    return fast_fold(value)


def join_folded(parts: Iterable[str]) -> str:
    """The folded parts of a text joined as fast_fold() would fold their join: folding never joins or
    changes characters across the space between two parts, so folding them one by one (and the
    repeated ones once) gives the same text. tests/imports/test_fast_paths.py checks it."""
    return " ".join(p for p in parts if p)


def organisation_index_text(
    fields: dict[str, Any],
    *,
    kind_label: str,
    sector_names: list[str],
    tag_names: list[str],
    folded_name: str | None = None,
) -> str:
    """directory.indexing.organisation_search_text() for an organisation that is not a model instance
    yet. `folded_name`: fast_fold(name_vi), when the caller has it."""
    province = fields.get("province")
    return join_folded(
        [
            folded_name if folded_name is not None else fast_fold(fields.get("name_vi")),
            fast_fold(fields.get("name_en")),
            fast_fold(fields.get("short_name")),
            fast_fold(fields.get("tax_code")),
            _fold_repeated(kind_label),
            _fold_repeated(getattr(province, "name_vi", None) or "") if province is not None else "",
            *(_fold_repeated(n) for n in sector_names),
            *(_fold_repeated(n) for n in tag_names),
            fast_fold((fields.get("description_vi") or "")[:2000]),
            fast_fold((fields.get("description_en") or "")[:2000]),
        ]
    )


def person_index_text(fields: dict[str, Any], *, tag_names: list[str]) -> str:
    """directory.indexing.person_search_text() for a person that is not a model instance yet."""
    org = fields.get("organisation")
    parts = [
        fields.get("full_name") or "",
        fields.get("title") or "",
        org.name if org is not None else "",
        " ".join(tag_names),
        (fields.get("bio_vi") or "")[:2000],
        (fields.get("bio_en") or "")[:2000],
    ]
    return fast_fold(" ".join(p for p in parts if p))


_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.SlugField,
    models.EmailField,
    models.URLField,
    models.BooleanField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.IntegerField,
    models.BigAutoField,
)


def insert_rows(model: Any, rows: list[dict[str, Any]], *, chunk: int = 5_000) -> None:
    """INSERT many rows (each a dict of field attnames → Python values, all with the same keys).

    Fields the rows leave out get their model default (a fresh one per row for unique callable
    defaults such as the uuid, `now` for auto_now/auto_now_add), so a column added to the model later
    needs no change here. Like bulk_create, this sends no signals: the import's own record is its
    TaskProgress.
    """
    if not rows:
        return
    given = list(rows[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    by_attname = {f.attname: f for f in fields}
    unknown = set(given) - set(by_attname)
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    now = timezone.now()
    per_row = [
        f for f in fields if f.attname not in rows[0] and f.has_default() and callable(f.default) and f.unique
    ]
    constant = [f for f in fields if f.attname not in rows[0] and f not in per_row]
    constant_values = [
        f.get_db_prep_save(
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default(),
            connection,
        )
        for f in constant
    ]
    to_prepare = [
        (i, by_attname[a])
        for i, a in enumerate(given)
        if not (
            isinstance(by_attname[a], _PLAIN_FIELDS)
            or (by_attname[a].is_relation and by_attname[a].many_to_one)
        )
    ]
    columns = [by_attname[a] for a in given] + per_row + constant
    qn = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in columns)
    )
    one = "({})".format(", ".join(["%s"] * len(columns)))
    postgres = connection.vendor == "postgresql"
    getter = operator.itemgetter(*given)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            params = []
            for row in rows[start : start + chunk]:
                values = list(getter(row)) if len(given) > 1 else [getter(row)]
                for i, f in to_prepare:
                    values[i] = f.get_db_prep_save(values[i], connection)
                for f in per_row:
                    values.append(f.get_db_prep_save(f.get_default(), connection))
                values.extend(constant_values)
                params.append(values)
            if postgres:
                # COPY: the fastest way into PostgreSQL, and statement-level triggers (the search
                # vocabulary) run once per COPY rather than once per row.
                copy_sql = "COPY {} ({}) FROM STDIN".format(
                    qn(model._meta.db_table), ", ".join(qn(f.column) for f in columns)
                )
                with cursor.cursor.copy(copy_sql) as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                cursor.executemany(head + one, params)


def ids_by_slug(model: Any, slugs: list[str]) -> dict[str, int]:
    return dict(values_in(model.objects.all(), "slug", slugs, "slug", "id"))


# --- organisations -------------------------------------------------------------------------------


class OrganisationImporter(_Importer):
    kind = ORGANISATIONS
    name_column = "name"

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.year_max = timezone.now().year + 1

    def clean_row(self, row: _RowReader) -> _Record:
        lk = self.lookups
        fields: dict[str, Any] = {}
        name = row.limited("name", 255)
        if not name:
            row.error("name", "", _("The name is required."), code="required")
        fields["name_vi"] = name
        fields["name_en"] = row.limited("name_en", 255) or None
        fields["short_name"] = row.limited("short_name", 64)
        kind_raw = row.text("kind")
        kind = lk.kinds.get(_fold_short(kind_raw)) if kind_raw else OrganisationKind.STARTUP.value
        if kind is None:
            row.error(
                "kind",
                kind_raw,
                _("Unknown kind “%(value)s”. Use one of: %(choices)s.")
                % {"value": kind_raw, "choices": ", ".join(OrganisationKind.values)},
            )
        fields["kind"] = kind or OrganisationKind.STARTUP.value
        tax = ""
        raw_tax = row.raw("tax_code")
        if raw_tax not in (None, ""):
            tax_text = _digits_from_number(raw_tax, {9: 10, 11: 12, 12: 13}) or row.text("tax_code")
            if tax_text:
                try:
                    tax = fast_tax_code(tax_text)
                except ValidationError as exc:
                    row.error(
                        "tax_code", tax_text, " ".join(str(m) for m in exc.messages), "invalid_tax_code"
                    )
        fields["tax_code"] = tax
        province, legacy = row.province("province", lk)
        fields["province"] = province
        fields["legacy_province"] = legacy
        fields["address"] = row.limited("address", 255)
        sectors = row.sectors("sectors", lk)
        stage_raw = row.text("stage")
        stage = None
        if stage_raw:
            stage = lk.stage(stage_raw)
            if stage is None:
                row.error("stage", stage_raw, _("Unknown stage “%(value)s”.") % {"value": stage_raw})
        fields["stage"] = stage
        fields["founded_year"] = row.whole_number("founded_year", minimum=1900, maximum=self.year_max)
        fields["team_size"] = row.whole_number("team_size", minimum=0, maximum=10_000_000)
        fields["funding_raised_vnd"] = row.money("funding_raised_vnd")
        fields["website"] = row.url("website")
        fields["email"] = row.email("email")
        if len(fields["email"]) > 254:
            row.error("email", fields["email"], _("Too long: at most %(max)s characters.") % {"max": 254})
        fields["phone"] = row.phone("phone")
        fields["description_vi"] = row.html("description_vi")
        fields["description_en"] = row.html("description_en") or None
        tags = row.names("tags")
        fields["visibility"] = row.visibility("visibility", lk, Visibility.PUBLIC)
        folded_name = fast_fold(name)
        name_key = fast_name_key(name, folded=folded_name) if name else ""
        return _Record(
            line=row.line,
            fields=fields,
            sectors=sectors,
            tags=tags,
            ok=True,
            dedup_tax=tax,
            dedup_name=(name_key, province.pk if province else None) if name_key else None,
            folded_name=folded_name,
        )

    def check_database(self, records: list[_Record], report: ImportReport) -> None:
        taxes = list({r.dedup_tax for r in records if r.dedup_tax})
        keys = list({r.dedup_name[0] for r in records if r.dedup_name})
        orgs = Organisation.objects.all()
        existing_tax = set(values_in(orgs, "tax_code", taxes, "tax_code", flat=True))
        existing_names = set(values_in(orgs, "name_key", keys, "name_key", "province_id"))
        for rec in records:
            if rec.dedup_tax and rec.dedup_tax in existing_tax:
                rec.ok = False
                report.errors.append(
                    Issue(
                        rec.line,
                        self.header_of("tax_code"),
                        rec.dedup_tax,
                        _("An organisation with this tax code is already in the directory."),
                        "duplicate",
                    )
                )
            elif rec.dedup_name and rec.dedup_name in existing_names:
                rec.ok = False
                report.errors.append(
                    Issue(
                        rec.line,
                        self.header_of("name"),
                        rec.fields["name_vi"][:200],
                        _("An organisation with this name is already in the directory in the same province."),
                        "duplicate",
                    )
                )

    def preview_labels(self) -> list[str]:
        return [
            str(_("line")),
            str(_("name")),
            str(_("kind")),
            str(_("tax code")),
            str(_("province")),
            str(_("sectors")),
            str(_("founding year")),
            str(_("email")),
            str(_("tags")),
        ]

    def preview_row(self, rec: _Record) -> list[str]:
        f = rec.fields
        province = f["province"]
        return [
            str(rec.line),
            f["name_vi"],
            str(OrganisationKind(f["kind"]).label),
            f["tax_code"],
            (getattr(province, "name_vi", None) or province.name) if province else "",
            ", ".join(s.code for s in rec.sectors),
            str(f["founded_year"] or ""),
            f["email"],
            ", ".join(rec.tags),
        ]

    def write(self, records: list[_Record]) -> int:
        if not records:
            return 0
        actor_id = getattr(_actor_or_none(self.actor), "pk", None)
        slugs = SlugAllocator(Organisation, "org").allocate([r.folded_name for r in records], folded=True)
        tag_ids = _ensure_tags(t for r in records for t in r.tags)
        rows: list[dict[str, Any]] = []
        for rec, slug in zip(records, slugs, strict=True):
            f = rec.fields
            province, legacy, stage = f["province"], f["legacy_province"], f["stage"]
            rows.append(
                {
                    "center_id": self.center.pk,
                    "created_by_id": actor_id,
                    "slug": slug,
                    "kind": f["kind"],
                    # modeltranslation: the untranslated column holds the default language's value
                    "name": f["name_vi"],
                    "name_vi": f["name_vi"],
                    "name_en": f["name_en"],
                    "short_name": f["short_name"],
                    "description": f["description_vi"],
                    "description_vi": f["description_vi"],
                    "description_en": f["description_en"],
                    "tax_code": f["tax_code"],
                    "province_id": province.pk if province is not None else None,
                    "legacy_province_id": legacy.pk if legacy is not None else None,
                    "stage_id": stage.pk if stage is not None else None,
                    "address": f["address"],
                    "founded_year": f["founded_year"],
                    "team_size": f["team_size"],
                    "funding_raised_vnd": f["funding_raised_vnd"],
                    "website": f["website"],
                    "email": f["email"],
                    "phone": f["phone"],
                    "visibility": f["visibility"],
                    "name_key": rec.dedup_name[0] if rec.dedup_name else "",
                    "search_text": organisation_index_text(
                        f,
                        kind_label=choice_label(OrganisationKind, f["kind"]),
                        sector_names=[getattr(s, "name_vi", None) or s.name for s in rec.sectors],
                        tag_names=rec.tags,
                        folded_name=rec.folded_name,
                    ),
                }
            )
        total = len(rows)
        # Indexed for search once, after the last insert (SQLite; PostgreSQL indexes per statement).
        with search.deferred_indexes(Organisation):
            for start in range(0, total, BULK_BATCH * 5):
                insert_rows(Organisation, rows[start : start + BULK_BATCH * 5])
                self.progress(min(start + BULK_BATCH * 5, total), total, "")
        ids = ids_by_slug(Organisation, slugs)
        insert_rows(
            Organisation.sectors.through,
            [
                {"organisation_id": ids[slug], "sector_id": s.pk}
                for rec, slug in zip(records, slugs, strict=True)
                for s in rec.sectors
            ],
        )
        insert_rows(
            Organisation.tags.through,
            [
                {"organisation_id": ids[slug], "tag_id": tag_ids[_tag_slug(t)]}
                for rec, slug in zip(records, slugs, strict=True)
                for t in rec.tags
            ],
        )
        return total


# --- people --------------------------------------------------------------------------------------


class PersonImporter(_Importer):
    kind = PEOPLE
    name_column = "full_name"

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._org_cache: dict[str, Any] = {}

    def value_of(self, rec: _Record, key: str) -> str:
        if key == "full_name":
            return rec.fields["full_name"][:200]
        return super().value_of(rec, key)

    def _organisation(self, row: _RowReader) -> Any:
        raw = row.raw("organisation")
        value = _digits_from_number(raw, {9: 10, 11: 12, 12: 13}) or row.text("organisation")
        if not value:
            return None
        if value in self._org_cache:
            found = self._org_cache[value]
        else:
            found = self._find_organisation(value)
            self._org_cache[value] = found
        if isinstance(found, str):
            row.error("organisation", value, found, code="unknown_organisation")
            return None
        return found

    def _find_organisation(self, value: str) -> Any:
        qs = Organisation.objects.only("id", "name", "name_vi", "name_en", "tax_code", "slug")
        if self.actor is not None:
            qs = qs.filter(pk__in=Organisation.objects.visible_to(self.actor).values("pk"))
        if re.fullmatch(r"[\d\s.\-]+", value):
            try:
                code = validate_tax_code(value)
            except ValidationError as exc:
                return " ".join(str(m) for m in exc.messages)
            found = list(qs.filter(tax_code=code)[:2])
            if not found:
                return _("No organisation with tax code %(code)s in the directory.") % {"code": code}
            return found[0]
        found = list(qs.filter(name_key=organisation_name_key(value))[:2])
        if not found:
            return _(
                "No organisation called “%(name)s” in the directory; import it first or use its tax code."
            ) % {"name": value}
        if len(found) > 1:
            return _("Several organisations are called “%(name)s”; use the tax code instead.") % {
                "name": value
            }
        return found[0]

    def clean_row(self, row: _RowReader) -> _Record:
        lk = self.lookups
        fields: dict[str, Any] = {}
        name = row.limited("full_name", 255)
        if not name:
            row.error("full_name", "", _("The name is required."), code="required")
        fields["full_name"] = name
        fields["title"] = row.limited("title", 255)
        fields["organisation"] = self._organisation(row)
        email = row.email("email")
        if len(email) > 254:
            row.error("email", email, _("Too long: at most %(max)s characters.") % {"max": 254})
        fields["email"] = email
        fields["phone"] = row.phone("phone")
        province, _legacy = row.province("province", lk)
        fields["province"] = province
        country_raw = row.text("country")
        country = None
        if country_raw:
            country = lk.country(country_raw)
            if country is None:
                row.error(
                    "country",
                    country_raw,
                    _("Unknown country “%(value)s”. Use a two-letter ISO code such as VN, KR or IL.")
                    % {"value": country_raw},
                )
        fields["country"] = country
        fields["is_overseas_vietnamese"] = row.boolean("is_overseas_vietnamese")
        sectors = row.sectors("sectors", lk)
        fields["linkedin"] = row.url("linkedin")
        fields["bio_vi"] = row.html("bio")
        fields["bio_en"] = row.html("bio_en") or None
        tags = row.names("tags")
        fields["visibility"] = row.visibility("visibility", lk, Visibility.NETWORK)
        return _Record(
            line=row.line,
            fields=fields,
            sectors=sectors,
            tags=tags,
            ok=True,
            dedup_email=email.lower(),
        )

    def check_database(self, records: list[_Record], report: ImportReport) -> None:
        emails = list({r.dedup_email for r in records if r.dedup_email})
        people = Person.objects.annotate(email_lower=Lower("email"))
        existing = set(values_in(people, Lower("email"), emails, "email_lower", flat=True))
        for rec in records:
            if rec.dedup_email and rec.dedup_email in existing:
                rec.ok = False
                report.errors.append(
                    Issue(
                        rec.line,
                        self.header_of("email"),
                        rec.fields["email"],
                        _("A person with this email address is already in the directory."),
                        "duplicate",
                    )
                )

    def preview_labels(self) -> list[str]:
        return [
            str(_("line")),
            str(_("full name")),
            str(_("title / position")),
            str(_("organisation")),
            str(_("email")),
            str(_("province")),
            str(_("country")),
            str(_("overseas Vietnamese expert")),
        ]

    def preview_row(self, rec: _Record) -> list[str]:
        f = rec.fields
        org = f["organisation"]
        province = f["province"]
        country = f["country"]
        return [
            str(rec.line),
            f["full_name"],
            f["title"],
            (getattr(org, "name_vi", None) or org.name) if org else "",
            f["email"],
            (getattr(province, "name_vi", None) or province.name) if province else "",
            country.iso2 if country else "",
            str(_("yes")) if f["is_overseas_vietnamese"] else "",
        ]

    def write(self, records: list[_Record]) -> int:
        if not records:
            return 0
        actor_id = getattr(_actor_or_none(self.actor), "pk", None)
        slugs = SlugAllocator(Person, "person").allocate([r.fields["full_name"] for r in records])
        tag_ids = _ensure_tags(t for r in records for t in r.tags)
        rows: list[dict[str, Any]] = []
        for rec, slug in zip(records, slugs, strict=True):
            f = rec.fields
            org, province, country = f["organisation"], f["province"], f["country"]
            rows.append(
                {
                    "center_id": self.center.pk,
                    "created_by_id": actor_id,
                    "slug": slug,
                    "full_name": f["full_name"],
                    "title": f["title"],
                    "organisation_id": org.pk if org is not None else None,
                    "bio": f["bio_vi"],
                    "bio_vi": f["bio_vi"],
                    "bio_en": f["bio_en"],
                    "email": f["email"],
                    "phone": f["phone"],
                    "province_id": province.pk if province is not None else None,
                    "country_id": country.pk if country is not None else None,
                    "is_overseas_vietnamese": f["is_overseas_vietnamese"],
                    "linkedin": f["linkedin"],
                    "visibility": f["visibility"],
                    "name_key": fast_fold(f["full_name"]),
                    "search_text": person_index_text(f, tag_names=rec.tags),
                }
            )
        total = len(rows)
        with search.deferred_indexes(Person):
            for start in range(0, total, BULK_BATCH * 5):
                insert_rows(Person, rows[start : start + BULK_BATCH * 5])
                self.progress(min(start + BULK_BATCH * 5, total), total, "")
        ids = ids_by_slug(Person, slugs)
        insert_rows(
            Person.sectors.through,
            [
                {"person_id": ids[slug], "sector_id": s.pk}
                for rec, slug in zip(records, slugs, strict=True)
                for s in rec.sectors
            ],
        )
        insert_rows(
            Person.tags.through,
            [
                {"person_id": ids[slug], "tag_id": tag_ids[_tag_slug(t)]}
                for rec, slug in zip(records, slugs, strict=True)
                for t in rec.tags
            ],
        )
        return total


IMPORTERS: dict[str, type[_Importer]] = {ORGANISATIONS: OrganisationImporter, PEOPLE: PersonImporter}


# --- the service ---------------------------------------------------------------------------------


def run_import(
    source: ImportSource,
    *,
    kind: str,
    actor: Any,
    center: Any,
    dry_run: bool,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Validate `source` and, unless `dry_run`, write every row in one transaction — or nothing.

    Problems with the data never raise: they are in the report (`report.ok` is False). Raises
    Forbidden when `actor` may not import into `center` (actor None: a trusted system caller).
    """
    if kind not in IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}")
    if actor is not None and not can(actor, "directory.import", center_id=center.pk):
        raise Forbidden(_("You may not import into this center."))
    report = ImportReport(kind=kind, dry_run=dry_run, filename=source.name)
    importer = IMPORTERS[kind](actor=actor, center=center, progress=progress)
    try:
        table = read_table(source)
        if not table.rows:
            raise ImportFileError(_("The file has column names but no data rows."), code="empty_file")
        importer.run(table, report)
    except ImportFileError as exc:
        report.file_error = str(exc.message)
        report.aborted = not dry_run
    return report
