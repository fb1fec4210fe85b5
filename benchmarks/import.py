"""Import of N organisations from CSV (default 100,000) into a fresh, migrated database.

(a) The file with 1% bad rows (invalid tax codes, unknown provinces, missing names, duplicates within
    the file and against the directory) must be refused as a whole: every bad row reported, nothing
    written. (b) The same file without the bad rows is imported; its wall time is the figure.

    python benchmarks/import.py --rows 100000            # SQLite in a temporary directory
    python benchmarks/import.py --rows 100000 --db postgres [--database-url postgres://postgres@127.0.0.1:5432/postgres]

The last line printed is one JSON object: {"name": "import", "size": …, "seconds": …, …}.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60.0
HEADERS = [
    "name",
    "kind",
    "tax_code",
    "province",
    "sectors",
    "stage",
    "founded_year",
    "team_size",
    "funding_raised_vnd",
    "website",
    "email",
    "phone",
    "description_vi",
    "tags",
]
WORDS = [
    "Sao",
    "Việt",
    "Bách",
    "Khoa",
    "Đông",
    "Á",
    "Mekong",
    "Lúa",
    "Vàng",
    "Hồng",
    "Hà",
    "Trường",
    "Sơn",
    "Phương",
    "Nam",
    "Ánh",
    "Dương",
    "Sen",
    "Hồng",
    "Rồng",
    "Xanh",
    "Tre",
    "Việt",
    "Hải",
    "Đăng",
    "Minh",
    "Khai",
    "Thăng",
    "Long",
    "Cửu",
    "Long",
    "Tây",
    "Nguyên",
    "Đà",
    "Nẵng",
    "Hạ",
    "Long",
    "Phú",
    "Quốc",
    "Biển",
    "Đông",
]
KINDS = ["startup"] * 6 + ["innovative_sme", "investor", "incubator", "corporate"]
TAGS = [
    "AI",
    "fintech",
    "edtech",
    "agritech",
    "healthtech",
    "IoT",
    "blockchain",
    "logistics",
    "e-commerce",
    "cleantech",
    "biotech",
    "SaaS",
]
DESCRIPTION = (
    "Doanh nghiệp khởi nghiệp đổi mới sáng tạo phát triển giải pháp {w} cho nông nghiệp, y tế và giáo dục; "
    "đã tham gia chương trình ươm tạo và kết nối đầu tư <b>quốc gia</b>."
)


def tax_codes(start: int):
    """Valid 10-digit enterprise tax codes (python-stdnum's check digit), counting up from `start`."""
    from stdnum.vn import mst

    n = start
    while True:
        prefix = f"{n:09d}"
        n += 1
        check = mst.calc_check_digit(prefix)
        if len(check) == 1 and mst.is_valid(prefix + check):
            yield prefix + check


def invalid_tax_code(valid: str) -> str:
    return valid[:9] + str((int(valid[9]) + 1) % 10)


def build_rows(size: int, bad_fraction: float, db_taxes: list[str], seed: int = 7):
    """(rows, bad line numbers). Bad rows are spread through the file, one problem each."""
    rng = random.Random(seed)
    from innohub.taxonomy.models import Province, Sector, Stage

    provinces = list(Province.objects.values_list("code", flat=True))
    sectors = list(Sector.objects.filter(level=2).values_list("code", flat=True))
    stages = list(Stage.objects.values_list("code", flat=True))
    codes = tax_codes(100_000_000)
    bad_count = int(size * bad_fraction)
    bad_indexes = set(rng.sample(range(size // 10, size), bad_count)) if bad_count else set()
    rows: list[list[str]] = []
    good_with_tax: list[int] = []
    bad_lines: list[int] = []
    kinds_of_bad = ["tax", "province", "name", "dup_tax", "dup_db"]
    for i in range(size):
        name = f"Công ty Cổ phần Công nghệ {rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
        tax = next(codes) if i % 2 == 0 else ""
        row = [
            name,
            rng.choice(KINDS),
            tax,
            rng.choice(provinces),
            ", ".join(rng.sample(sectors, rng.randint(0, 2))),
            rng.choice(stages) if stages and i % 3 == 0 else "",
            str(rng.randint(2005, 2025)),
            str(rng.randint(1, 300)),
            str(rng.randint(0, 50) * 100_000_000),
            f"https://startup{i}.vn",
            f"lienhe{i}@startup{i}.vn",
            f"09{rng.randint(0, 8)}{rng.randint(1_000_000, 9_999_999)}",  # 0992 is not allocated
            DESCRIPTION.format(w=rng.choice(WORDS)),
            ", ".join(rng.sample(TAGS, rng.randint(0, 3))),
        ]
        if i in bad_indexes:
            kind = kinds_of_bad[len(bad_lines) % len(kinds_of_bad)]
            if kind == "tax":
                row[2] = invalid_tax_code(next(codes))
            elif kind == "province":
                row[3] = "99"
            elif kind == "name":
                row[0] = ""
            elif kind == "dup_tax":
                row[2] = rows[rng.choice(good_with_tax)][2]
            else:
                row[2] = rng.choice(db_taxes)
            bad_lines.append(i + 2)  # header is line 1
        elif row[2]:
            good_with_tax.append(i)
        rows.append(row)
    return rows, bad_lines


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def configure(args: argparse.Namespace, workdir: Path) -> str | None:
    """Point Django at a fresh database; returns the name of a PostgreSQL database to drop afterwards."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "innohub.config.settings.base"
    os.environ["INNOHUB_VAR_DIR"] = str(workdir)
    if args.db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        return None
    import psycopg

    base = args.database_url
    name = f"innohub_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
    return name


def drop_database(args: argparse.Namespace, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", "--size", dest="rows", type=int, default=100_000)
    parser.add_argument("--bad-fraction", type=float, default=0.01)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="innohub-bench-import-"))
    pg_name = configure(args, workdir)
    try:
        result = run(args)
    finally:
        if pg_name:
            drop_database(args, pg_name)
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result))
    if not result["ok"]:
        sys.exit(1)


def run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    load_before = os.getloadavg()[0]
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - t0

    from innohub.centers.services import create_center
    from innohub.core import progress as progress_api
    from innohub.directory.importers import ImportSource, run_import
    from innohub.directory.models import Organisation

    center = create_center(
        actor=None, name="Trung tâm Hỗ trợ Khởi nghiệp Hà Nội", slug="ha-noi", kind="provincial"
    )

    # Some organisations already in the directory, so the duplicate check has something to find.
    seed_codes = tax_codes(900_000_000)
    seed_rows = [[f"Doanh nghiệp Sẵn có {i}", "startup", next(seed_codes), "01"] for i in range(500)]
    out = io.StringIO()
    csv.writer(out).writerows([["name", "kind", "tax_code", "province"], *seed_rows])
    seeded = run_import(
        ImportSource("seed.csv", out.getvalue().encode()),
        kind="organisations",
        actor=None,
        center=center,
        dry_run=False,
    )
    assert seeded.ok, seeded.errors[:5]
    db_taxes = [r[2] for r in seed_rows]
    before = Organisation.objects.count()

    rows, bad_lines = build_rows(args.rows, args.bad_fraction, db_taxes)
    bad_file = to_csv(rows)
    bad_set = set(bad_lines)
    clean_file = to_csv([row for line, row in enumerate(rows, start=2) if line not in bad_set])

    def tracked(label: str):
        record = progress_api.start_progress("directory.import.apply", label=label, total=args.rows)
        return progress_api.reporter(record.pk)

    # (a) with bad rows: refused, every bad row reported, nothing written
    t0 = time.perf_counter()
    refused = run_import(
        ImportSource("bad.csv", bad_file),
        kind="organisations",
        actor=None,
        center=center,
        dry_run=False,
        progress=tracked("bad.csv"),
    )
    abort_seconds = time.perf_counter() - t0
    reported_lines = sorted({e.line for e in refused.errors})
    written_on_abort = Organisation.objects.count() - before

    # (b) without them: imported
    t0 = time.perf_counter()
    c0 = time.process_time()
    imported = run_import(
        ImportSource("clean.csv", clean_file),
        kind="organisations",
        actor=None,
        center=center,
        dry_run=False,
        progress=tracked("clean.csv"),
    )
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    created = Organisation.objects.count() - before

    from django.db import connection

    checks = {
        "refused": refused.aborted and not refused.ok,
        "every_bad_row_reported": reported_lines == sorted(bad_lines),
        "nothing_written_on_abort": written_on_abort == 0,
        "clean_file_imported": imported.ok and created == len(rows) - len(bad_lines),
        "within_target": seconds <= TARGET_SECONDS,
    }
    return {
        "name": "import",
        "size": args.rows,
        "seconds": round(seconds, 2),
        # CPU time of this process for (b): the machine's other load does not inflate it
        "cpu_seconds": round(cpu_seconds, 2),
        "validate_seconds": round(imported.validate_seconds, 2),
        "write_seconds": round(imported.write_seconds, 2),
        "abort_seconds": round(abort_seconds, 2),
        "bad_rows": len(bad_lines),
        "reported": len(reported_lines),
        "errors": len(refused.errors),
        "written_on_abort": written_on_abort,
        "created": created,
        "rows_per_second": round(created / seconds) if seconds else None,
        "target_seconds": TARGET_SECONDS,
        "migrate_seconds": round(migrate_seconds, 2),
        "db": connection.vendor,
        "cpus": os.cpu_count(),
        "load_average": round(max(load_before, os.getloadavg()[0]), 1),
        "checks": checks,
        "ok": all(checks.values()),
    }


if __name__ == "__main__":
    main()
