"""Directory search on N organisations (default 100,000): the search interface against an icontains scan.

200 varied queries (accented, unaccented, prefix, filtered, plus a few broad and misspelt ones) run
through the real path of a list page — `organisations_for(user, DirectoryFilters(...))`, then the
first page of 20 and the total count (`SearchPaginator`) — and, as the baseline, through the same
selector without `q` plus `name__icontains=<raw query>`, ordered by name, first page of 20 and a
count with the same cap. Half the queries run as an anonymous visitor, half as center staff.
The ratio against that baseline is the figure of record (`ratio`). A second baseline,
`baseline_text_*` / `ratio_text`, runs `icontains` over the text the search reads as well (names and
descriptions in vi and en): the scan a directory would need to find what the search finds.
`ratio_ceiling` is the best `ratio` any search engine could reach: the baseline against reading the
found page's records by id through the same selector (`page_by_id_p50_ms`), work that every search
and the baseline do whatever finds the matches.

    python benchmarks/search.py --orgs 100000 [--db sqlite|postgres|both]

SQLite runs on a file in a temporary directory; PostgreSQL on a database `innohub_bench_search_<pid>`
created and dropped on 127.0.0.1 (user postgres). One JSON line per database, then a combined one (last line).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# one database per run: two runs at once (other work on the same machine) must not drop each other's
PG_BENCH_DB = f"innohub_bench_search_{os.getpid()}"
PAGE_SIZE = 20
COUNT_CAP = 1000
TARGET_P95_MS = 30.0
TARGET_RATIO = 20.0

_SYLLABLE_TEXT = (
    "An Anh Ánh Bảo Bình Bách Cát Châu Chí Cường Dũng Dương Đạt Đăng Đông Đức Gia Giang Hà Hải Hạnh "
    "Hiền Hiệp Hòa Hoàng Hồng Hùng Hưng Hương Khang Khánh Khôi Kiên Kim Lâm Lan Lạc Linh Long Lộc Lợi "
    "Mai Minh Mỹ Nam Nga Ngân Nghĩa Ngọc Nguyên Nhân Nhật Như Phát Phong Phú Phúc Phương Quang Quân "
    "Quốc Sang Sao Sơn Tài Tâm Tân Thái Thành Thắng Thiên Thịnh Thông Thuận Tiến Toàn Trí Trung Trường "
    "Tuấn Tùng Uy Vân Việt Vinh Vĩnh Vũ Vượng Xuân Yên Ánh Dương Sen Hồng Rồng Xanh Tre Hải Đăng Mekong "
    "Thăng Long Cửu Long Tây Nguyên Hạ Long Phú Quốc Biển Đông Lúa Vàng Bến Thành Hồ Gươm Trà Sen Mây"
)
SYLLABLES = _SYLLABLE_TEXT.split(" ")
FIELDS = [
    "Công nghệ",
    "Công nghệ Thông tin",
    "Phần mềm",
    "Nông nghiệp Công nghệ cao",
    "Giáo dục",
    "Y tế Số",
    "Tài chính",
    "Fintech",
    "Logistics",
    "Năng lượng Tái tạo",
    "Du lịch",
    "Thương mại Điện tử",
    "Trí tuệ Nhân tạo",
    "Dữ liệu",
    "Blockchain",
    "Thực phẩm Sạch",
    "Môi trường",
    "Vật liệu Mới",
    "Sinh học",
    "Dược phẩm",
    "Thiết kế",
    "Truyền thông",
    "Xây dựng",
    "Cơ khí Chính xác",
    "Điện tử",
    "Robot",
    "Internet Vạn vật",
    "An ninh Mạng",
    "Thời trang",
    "Thủy sản",
]
BRAND_SUFFIX = ["Tech", "AI", "Labs", "Solutions", "Digital", "Green", "Smart", "Cloud", "Data", "Health"]
BRAND_SUFFIX += ["Edu", "Pay", "Agri", "Bio", "Robotics", "Ventures", "Hub", "Global", "Soft", "Link"]
UNIVERSITIES = ["Bách khoa", "Kinh tế", "Khoa học Tự nhiên", "Công nghiệp", "Sư phạm Kỹ thuật", "Nông Lâm"]
KOREAN = ["서울창업허브", "한국창업진흥원", "삼성벤처투자", "부산혁신센터", "카이스트", "판교테크노밸리"]
DESCRIPTIONS = [
    "Doanh nghiệp khởi nghiệp đổi mới sáng tạo trong lĩnh vực {f}, phát triển sản phẩm cho thị trường {p}.",
    "Cung cấp giải pháp {f} cho doanh nghiệp vừa và nhỏ; đối tác của nhiều trường đại học và viện nghiên cứu.",
    "Nền tảng {f} kết nối nông dân, hợp tác xã và nhà phân phối tại {p} và các tỉnh lân cận.",
    "Nhóm sáng lập từ {u}, đã tham gia chương trình ươm tạo và gọi vốn hạt giống.",
    "We build {e} products for Southeast Asian markets, with offices in {p} and Singapore.",
    "Đơn vị hỗ trợ hệ sinh thái khởi nghiệp: đào tạo, cố vấn, kết nối đầu tư và chuyển giao công nghệ {f}.",
]
KINDS = ["startup"] * 10 + ["innovative_sme"] * 3 + ["investor", "incubator", "corporate", "university"]
KINDS += ["research_institute", "accelerator", "association", "foreign_partner"]
BROAD = ["công nghệ", "startup", "ha noi", "khởi nghiệp", "giai phap", "tech", "doanh nghiep", "viet"]
BROAD += ["trung tam", "phần mềm"]


# --- data ------------------------------------------------------------------------------------------


def _brand(r: random.Random) -> str:
    k = r.random()
    if k < 0.55:
        return f"{r.choice(SYLLABLES)} {r.choice(SYLLABLES)}"
    if k < 0.8:
        return f"{r.choice(SYLLABLES)}{r.choice(BRAND_SUFFIX)}"
    return f"{r.choice(SYLLABLES)} {r.choice(SYLLABLES)} {r.choice(BRAND_SUFFIX)}"


def _name(r: random.Random, kind: str, province: str) -> str:
    field, brand = r.choice(FIELDS), _brand(r)
    if kind == "university":
        return f"Trường Đại học {r.choice(UNIVERSITIES)} {province} {r.randint(1, 99)}"
    if kind == "research_institute":
        return f"Viện Nghiên cứu {field} {brand}"
    if kind == "investor":
        return f"Quỹ Đầu tư {brand} {r.choice(['Ventures', 'Capital', 'Partners'])}"
    if kind == "incubator":
        return f"Vườn ươm Doanh nghiệp {field} {brand}"
    if kind == "accelerator":
        return f"{brand} Accelerator {province}"
    if kind == "association":
        return f"Hiệp hội {field} {province}"
    if kind == "foreign_partner":
        return f"{r.choice(KOREAN)} {brand}" if r.random() < 0.5 else f"{brand} International"
    k = r.random()
    if k < 0.4:
        return f"Công ty Cổ phần {field} {brand}"
    if k < 0.7:
        return f"Công ty TNHH {field} {brand}"
    return f"{brand} {r.choice(BRAND_SUFFIX)}"


def generate(n: int, seed: int) -> dict[str, Any]:
    """Centers, organisations (bulk_create, search text folded as the services fold it), sectors."""
    from innohub.accounts.models import Membership, Role, User
    from innohub.centers.models import Center
    from innohub.core.search.schema import bulk_indexing
    from innohub.core.text import fold, normalise_name
    from innohub.directory.models import Organisation, OrganisationKind
    from innohub.taxonomy.models import Province, Sector, Stage

    r = random.Random(seed)
    provinces = list(Province.objects.order_by("code"))
    stages = list(Stage.objects.order_by("order"))
    divisions = list(Sector.objects.filter(level=2).select_related("parent"))
    national = Center.objects.create(name="Trung tâm Quốc gia", slug="nssc", kind="national")
    national.path = f"/{national.pk}/"
    national.save(update_fields=["path"])
    regions = []
    for slug in ("mien-bac", "mien-trung", "mien-nam"):
        c = Center.objects.create(name=f"Trung tâm {slug}", slug=slug, kind="regional", parent=national)
        c.path = f"{national.path}{c.pk}/"
        c.save(update_fields=["path"])
        regions.append(c)
    center_of: dict[int, Center] = {}
    for i, p in enumerate(provinces):
        parent = regions[min(i * 3 // len(provinces), 2)]
        c = Center.objects.create(
            name=f"Trung tâm {p.name}", slug=f"c-{p.code}", kind="provincial", parent=parent
        )
        c.path = f"{parent.path}{c.pk}/"
        c.save(update_fields=["path"])
        center_of[p.pk] = c
    staff = User.objects.create_user(email="staff@bench.vn", password="x")  # type: ignore[attr-defined]
    Membership.objects.create(
        user=staff, center=center_of[provinces[0].pk], role=Role.objects.get(code="center_staff", center=None)
    )

    kind_label = {k: str(label) for k, label in OrganisationKind.choices}
    folded: dict[str, str] = {}

    def f(text: str) -> str:
        if text not in folded:
            folded[text] = fold(text)
        return folded[text]

    rows, sector_rows, names = [], [], []
    for i in range(n):
        kind = r.choice(KINDS)
        province = r.choice(provinces)
        pname = province.name_vi or province.name
        name = _name(r, kind, pname.replace("Thành phố ", ""))
        division = r.choice(divisions)
        description = ""
        if r.random() < 0.65:
            description = r.choice(DESCRIPTIONS).format(
                f=r.choice(FIELDS).lower(),
                p=pname,
                u=f"Đại học {r.choice(UNIVERSITIES)}",
                e=r.choice(BRAND_SUFFIX),
            )
        vis = r.random()
        search_text = " ".join(
            x
            for x in (
                f(name),
                f(kind_label[kind]),
                f(pname),
                f(division.name_vi or division.name),
                f(description),
            )
            if x
        )
        rows.append(
            Organisation(
                center=center_of[province.pk],
                kind=kind,
                name_vi=name,
                name=name,
                slug=f"org-{i}",
                description_vi=description,
                province=province,
                stage=r.choice(stages) if kind == "startup" else None,
                founded_year=r.randint(2005, 2025),
                visibility="public" if vis < 0.85 else ("network" if vis < 0.95 else "center"),
                search_text=search_text,
                name_key=normalise_name(name),
            )
        )
        names.append((name, province.code, kind))
        sector_rows.append(division.pk)
    with bulk_indexing(Organisation):
        created = Organisation.objects.bulk_create(rows, batch_size=2000)
    through = Organisation.sectors.through
    ids = created if created and created[0].pk else list(Organisation.objects.order_by("pk"))
    through.objects.bulk_create(
        [through(organisation_id=o.pk, sector_id=s) for o, s in zip(ids, sector_rows, strict=True)],
        batch_size=5000,
    )
    return {
        "names": names,
        "staff": staff,
        "regions": [c.slug for c in regions],
        "sections": sorted({d.parent.code for d in divisions if d.parent}),
        "stages": [s.code for s in stages],
    }


def _fragment(r: random.Random, name: str) -> str:
    words = [
        w for w in name.split() if w.casefold() not in {"công", "ty", "cổ", "phần", "tnhh"}
    ] or name.split()
    size = min(len(words), r.choice([1, 2, 2, 3, 3]))
    start = r.randint(0, len(words) - size)
    return " ".join(words[start : start + size])


def _typo(r: random.Random, text: str) -> str:
    from innohub.core.text import fold

    words = fold(text).split()
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long:
        return fold(text)
    i = r.choice(long)
    w = words[i]
    j = r.randint(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def build_queries(data: dict[str, Any], count: int, seed: int) -> list[dict[str, Any]]:
    """Queries as people type them, taken from names that exist (most searches look for something)."""
    from innohub.core.text import fold

    r = random.Random(seed + 1)
    names = data["names"]
    plan = ["accented"] * 45 + ["unaccented"] * 45 + ["prefix"] * 45 + ["filtered"] * 45
    plan += ["broad"] * 10 + ["typo"] * 10
    plan = (plan * (count // len(plan) + 1))[:count]
    r.shuffle(plan)
    out = []
    for i, category in enumerate(plan):
        name, province, kind = r.choice(names)
        filters: dict[str, list[str]] = {}
        frag = _fragment(r, name)
        if category == "unaccented":
            frag = fold(frag)
        elif category == "prefix":
            words = (fold(frag) if r.random() < 0.5 else frag).split()
            last = words[-1]
            words[-1] = last[: max(1, min(len(last) - 1, r.randint(2, 4)))]
            frag = " ".join(words)
        elif category == "filtered":
            frag = fold(frag) if r.random() < 0.5 else frag
            for key in r.sample(["province", "kind", "stage", "sector", "center"], r.choice([1, 1, 2])):
                if key == "province":
                    filters["province"] = [province]
                elif key == "kind":
                    filters["kind"] = [kind if r.random() < 0.7 else "startup"]
                elif key == "stage":
                    filters["stage"] = [r.choice(data["stages"])]
                elif key == "sector":
                    filters["sector"] = [r.choice(data["sections"])]
                else:
                    filters["center"] = [r.choice(data["regions"])]
        elif category == "broad":
            frag = BROAD[i % len(BROAD)]
        elif category == "typo":
            frag = _typo(r, frag if len(frag.split()) > 1 else name)
        out.append({"q": frag, "category": category, "filters": filters, "staff": i % 2 == 1})
    return out


# --- measuring ---------------------------------------------------------------------------------------


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(data: dict[str, Any], queries: list[dict[str, Any]]) -> dict[str, Any]:
    from innohub.core.search import SearchPaginator, search_info
    from innohub.directory.filters import DirectoryFilters
    from innohub.directory.selectors import organisations_for

    staff = data["staff"]

    def search(item: dict[str, Any], *, exact: bool = False) -> tuple[int, list[int], Any]:
        user = staff if item["staff"] else None
        qs = organisations_for(user, DirectoryFilters(q=item["q"], **item["filters"]))
        if exact:
            count = qs.count()
            rows = list(qs[:PAGE_SIZE])
        else:
            page = SearchPaginator(qs, PAGE_SIZE, count_cap=COUNT_CAP).page(1)
            rows = list(page.object_list)
            count = page.paginator.count
        return count, [o.pk for o in rows], search_info(qs)

    def page_by_id(item: dict[str, Any], ids: list[int]) -> int:
        """The part of a search that does not depend on how the matches were found: the same
        selector (visibility, filters) reading the found page's records by id, with their province,
        stage, center and tags. The baseline does this work too, so no search can be more than
        baseline / this times faster: the ceiling of `ratio`."""
        user = staff if item["staff"] else None
        filters = replace(DirectoryFilters(**item["filters"]), q="")
        return len(list(organisations_for(user, filters).filter(pk__in=ids)))

    def baseline(item: dict[str, Any], *, text: bool = False) -> tuple[int, int]:
        user = staff if item["staff"] else None
        filters = replace(DirectoryFilters(**item["filters"]), q="")
        q = item["q"]
        if text:  # the text the search reads too: names and descriptions, both languages
            cond = Q(name_vi__icontains=q) | Q(name_en__icontains=q)
            cond |= Q(description_vi__icontains=q) | Q(description_en__icontains=q)
        else:
            cond = Q(name__icontains=q)
        qs = organisations_for(user, filters).filter(cond)
        count = min(qs.order_by()[: COUNT_CAP + 1].count(), COUNT_CAP)  # same cap as the search
        rows = list(qs[:PAGE_SIZE])
        return count, len(rows)

    from django.db import connection
    from django.db.models import Q

    sql_ms = [0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_ms[0] += (time.perf_counter() - t) * 1000

    for item in queries[:20]:  # warm caches and connections, both paths alike
        search(item)
        baseline(item)
    times, base_times, exact_times, sql_times, base_sql_times = [], [], [], [], []
    text_times: list[float] = []
    page_times: list[float] = []
    stats = {"ranked": 0, "relaxed": 0, "empty": 0, "baseline_empty": 0}
    slowest: list[tuple[float, str, str]] = []
    for item in queries:
        sql_ms[0] = 0.0
        t = time.perf_counter()
        with connection.execute_wrapper(timed):
            count, ids, info = search(item)
        elapsed = (time.perf_counter() - t) * 1000
        sql_times.append(sql_ms[0])
        times.append(elapsed)
        slowest.append((elapsed, item["category"], item["q"]))
        stats["ranked"] += bool(info and info.ranked)
        stats["relaxed"] += bool(info and info.relaxed)
        stats["empty"] += count == 0
        sql_ms[0] = 0.0
        t = time.perf_counter()
        with connection.execute_wrapper(timed):
            base_count, _ = baseline(item)
        base_times.append((time.perf_counter() - t) * 1000)
        base_sql_times.append(sql_ms[0])
        stats["baseline_empty"] += base_count == 0
        t = time.perf_counter()
        baseline(item, text=True)
        text_times.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        search(item, exact=True)
        exact_times.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        page_by_id(item, ids)
        page_times.append((time.perf_counter() - t) * 1000)
    slowest.sort(reverse=True)
    p50, p95 = statistics.median(times), _pct(times, 95)
    b50, b95 = statistics.median(base_times), _pct(base_times, 95)
    return {
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "baseline_p50_ms": round(b50, 2),
        "baseline_p95_ms": round(b95, 2),
        "ratio": round(b50 / p50, 1),
        "ratio_p95": round(b95 / p95, 1),
        # second baseline: icontains over names and descriptions (vi, en), what the search reads too
        "baseline_text_p50_ms": round(statistics.median(text_times), 2),
        "baseline_text_p95_ms": round(_pct(text_times, 95), 2),
        "ratio_text": round(statistics.median(text_times) / p50, 1),
        # time inside the database driver only (the rest is Django building querysets and objects)
        "sql_p50_ms": round(statistics.median(sql_times), 2),
        "sql_p95_ms": round(_pct(sql_times, 95), 2),
        "baseline_sql_p50_ms": round(statistics.median(base_sql_times), 2),
        "baseline_sql_p95_ms": round(_pct(base_sql_times, 95), 2),
        # reading the found page by id (no search): time every search spends whatever its engine
        "page_by_id_p50_ms": round(statistics.median(page_times), 2),
        "ratio_ceiling": round(b50 / statistics.median(page_times), 1),
        "exact_count_p50_ms": round(statistics.median(exact_times), 2),
        "exact_count_p95_ms": round(_pct(exact_times, 95), 2),
        "queries": len(queries),
        "ranked_queries": stats["ranked"],
        "relaxed_queries": stats["relaxed"],
        "empty_results": stats["empty"],
        "baseline_empty_results": stats["baseline_empty"],
        "slowest": [f"{ms:.1f}ms {cat}: {q}" for ms, cat, q in slowest[:5]],
    }


# --- one database per process ------------------------------------------------------------------------


def run_one(db: str, orgs: int, queries: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    tmp = tempfile.TemporaryDirectory(prefix="innohub-search-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "innohub.config.settings.base"
    os.environ["INNOHUB_VAR_DIR"] = tmp.name
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}"')
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
        os.environ["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_BENCH_DB
    try:
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        data = generate(orgs, seed)
        with connection.cursor() as cursor:
            # Statistics and (PostgreSQL) a settled GIN index, as autovacuum leaves a live database;
            # and the load's dirty pages written out, so that the measured queries do not share the
            # disk with the checkpoint that 100,000 inserts set off.
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
                cursor.execute("CHECKPOINT")
            else:
                cursor.execute("ANALYZE")
        generate_seconds = time.perf_counter() - t
        items = build_queries(data, queries, seed)
        result = measure(data, items)
        connection.close()
    finally:
        if db == "postgres":
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}" WITH (FORCE)')
        tmp.cleanup()
    return {
        "name": "search",
        "size": orgs,
        "db": db,
        "seconds": round(time.perf_counter() - started, 1),
        **result,
        "generate_seconds": round(generate_seconds, 1),
        "count_cap": COUNT_CAP,
        "targets_met": result["p95_ms"] <= TARGET_P95_MS and result["ratio"] >= TARGET_RATIO,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    if args.db != "both":
        print(json.dumps(run_one(args.db, args.orgs, args.queries, args.seed), ensure_ascii=False))
        return
    results = []
    for db in ("sqlite", "postgres"):
        # Django is set up once per process: each database gets its own.
        cmd = [sys.executable, __file__, "--orgs", str(args.orgs), "--queries", str(args.queries)]
        cmd += ["--db", db, "--seed", str(args.seed)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:  # the child's own traceback, not only the parent's
            sys.stderr.write(done.stderr)
            raise SystemExit(f"search benchmark on {db} failed (exit status {done.returncode})")
        out = done.stdout
        line = out.strip().splitlines()[-1]
        print(line, flush=True)
        results.append(json.loads(line))
    combined = {
        "name": "search",
        "size": args.orgs,
        "db": "both",
        "seconds": round(time.perf_counter() - started, 1),
        "p95_ms": max(r["p95_ms"] for r in results),
        "ratio": min(r["ratio"] for r in results),
        "targets_met": all(r["targets_met"] for r in results),
        "results": {
            r["db"]: {
                k: r[k]
                for k in ("p50_ms", "p95_ms", "baseline_p50_ms", "baseline_p95_ms", "ratio", "ratio_ceiling")
            }
            for r in results
        },
    }
    print(json.dumps(combined, ensure_ascii=False))


if __name__ == "__main__":
    main()
