"""Requests per second of the portal directory page and the API list endpoint against a bare Django
view returning a fixed page — same server (gunicorn, DEBUG off), same run, same database.

    python benchmarks/portal.py [--size 2000] [--requests 600] [--concurrency 2] [--workers 1]

1. A temporary SQLite database is migrated (taxonomies included) and filled with `--size`
   organisations (bulk inserts, search text computed as the services compute it).
2. In-process, the number of SQL queries of the API list at page_size 10 and 50, and of the directory
   page at 10 and 50 organisations per page, is captured (they must be equal: no N+1).
3. gunicorn serves the site plus a bare view (benchmarks/support/portal_bench_urls.py) on 127.0.0.1. Each
   target gets a warm-up, then `--requests` anonymous GETs from `--concurrency` client threads; the
   targets are measured in interleaved rounds and the best round of each is kept (machines are noisy).

Targets: the bare view; /api/v1/directory/organisations?page_size=20 (anonymous, so after the first
request it is answered by the API's short-lived anonymous cache, as in production); the same endpoint
with a distinct query string on every request (`api_uncached`: database, ORM and serialisation on
every call); the page named "portal:directory" (anonymous, so answered by the portal's page cache
after the first request, as in production: ADR 0007) and the same page with a distinct query string
on every request (`page_uncached`: rows read and the page rendered every time, while the counts,
option lists and cards come from the cache). If that page is missing (no such URL name, or it does
not answer 200) the run says so, still prints its JSON line (page_rps null, page_error set) and exits
with status 1.

Target: api_rps and page_rps ≥ 50% of bare_rps; queries_page10 == queries_page50 (API) and
page_queries_page10 == page_queries_page50 (directory page, every cache empty).
The last line printed is one JSON object: {"name": "portal", "size": …, "seconds": …, …}.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent / "support"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH_DIR))

TARGET_RATIO = 0.5
API_URL = "/api/v1/directory/organisations?page_size=20"
BARE_URL = "/bench/bare/"
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
    "OCOP",
    "cleantech",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- data ------------------------------------------------------------------------------------------


def build_database(size: int) -> None:
    """Migrate and fill the database named by INNOHUB_BENCH_DB (settings: portal_bench_settings)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from innohub.centers.services import create_center
    from innohub.directory.indexing import organisation_name_key, organisation_search_text
    from innohub.directory.models import Organisation, Tag
    from innohub.taxonomy.models import Province, Stage

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(20251123)
    provinces = list(Province.objects.all())
    stages = list(Stage.objects.all())
    with transaction.atomic():
        national = create_center(actor=None, name="Trung tâm Quốc gia", slug="nssc", kind="national")
        centers = [
            create_center(
                actor=None, parent=national, name=f"Trung tâm {p.name}", slug=f"c-{p.code}", kind="provincial"
            )
            for p in provinces[:6]
        ]
        tags = [Tag.objects.create(name=t, slug=t.lower()) for t in TAGS]
        orgs = []
        for i in range(size):
            name = f"{' '.join(rng.sample(WORDS, 3))} {i}"
            org = Organisation(
                center=rng.choice(centers),
                kind=rng.choice(KINDS),
                name=name,
                name_vi=name,
                slug=f"org-{i}",
                province=rng.choice(provinces),
                stage=rng.choice(stages) if stages else None,
                founded_year=rng.randint(2005, 2025),
                visibility=rng.choices(["public", "network", "center"], weights=[8, 1, 1])[0],
                description_vi="Doanh nghiệp đổi mới sáng tạo. " * 4,
            )
            org_tags = rng.sample(TAGS, 2)
            org.search_text = organisation_search_text(org, tag_names=org_tags)
            org.name_key = organisation_name_key(name)
            org._bench_tags = org_tags  # type: ignore[attr-defined]
            orgs.append(org)
        Organisation.objects.bulk_create(orgs, batch_size=500)
        by_name = {t.name: t for t in tags}
        through = Organisation.tags.through
        through.objects.bulk_create(
            [through(organisation_id=o.pk, tag_id=by_name[t].pk) for o in orgs for t in o._bench_tags],  # type: ignore[attr-defined]
            batch_size=1000,
        )


def query_counts() -> dict[str, Any]:
    """Queries of the API list and of the directory page at two page sizes, in-process.

    For the page: `page_queries_page10/50` with every cache empty (the page as the first visitor after
    a change sees it), `page_queries_warm` for a URL not cached yet while the counts, option lists
    and cards are (another page number, another query string), `page_queries_cached` for a repeat."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out: dict[str, Any] = {}
    for size in (10, 50):
        client.get(f"/api/v1/directory/organisations?page_size={size}")  # warm per-process caches
        cache.clear()  # …but not the anonymous answer cache: count the real work
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/directory/organisations?page_size={size}")
        assert response.status_code == 200, response.content[:500]
        assert len(response.json()["items"]) == size
        out[f"queries_page{size}"] = len(ctx.captured_queries)
    page_url = portal_page_url()
    if page_url:
        from innohub.portal import views

        per_page = views.ORGANISATIONS_PER_PAGE
        try:
            for size in (10, 50):
                views.ORGANISATIONS_PER_PAGE = size
                client.get(f"{page_url}?warm=templates")
                cache.clear()
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(page_url)
                ok = response.status_code == 200
                out[f"page_queries_page{size}"] = len(ctx.captured_queries) if ok else None
        finally:
            views.ORGANISATIONS_PER_PAGE = per_page
        cache.clear()
        client.get(f"{page_url}?warm=data")
        with CaptureQueriesContext(connection) as ctx:
            client.get(page_url)
        out["page_queries_warm"] = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            client.get(page_url)
        out["page_queries_cached"] = len(ctx.captured_queries)
    return out


def portal_page_url() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("portal:directory")
    except NoReverseMatch:
        return None


# --- server and load ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    cmd = [
        gunicorn,
        "innohub.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}")
        try:
            status, _ = fetch(port, BARE_URL)
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


def fetch(port: int, url: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", url, headers={"Accept": "text/html,application/json"})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def measure(port: int, url: str, requests: int, concurrency: int) -> float:
    """Requests per second for `requests` GETs spread over `concurrency` threads (all must be 200)."""
    per_thread = [
        requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)
    ]
    failures: list[str] = []
    counter = itertools.count()

    def run(n: int) -> None:
        for _ in range(n):
            # "{n}" in a URL makes every request distinct, so no cache can answer it
            status, _size = fetch(port, url.replace("{n}", str(next(counter))))
            if status != 200:
                failures.append(f"{url} answered {status}")
                return

    threads = [threading.Thread(target=run, args=(n,)) for n in per_thread]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(failures[0])
    return requests / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=2000, help="organisations in the database")
    parser.add_argument("--requests", type=int, default=600, help="requests per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=2, help="client threads (loopback only)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers")
    args = parser.parse_args()
    args.requests = max(50, min(args.requests, 20000))
    args.concurrency = max(1, min(args.concurrency, 32))

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="innohub-bench-portal-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal_bench_settings",
        "INNOHUB_BENCH_DB": str(workdir / "bench.sqlite3"),
        "INNOHUB_VAR_DIR": str(workdir),
        "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("DATABASE_URL", None)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "INNOHUB_BENCH_DB", "INNOHUB_VAR_DIR")})
    os.environ.pop("DATABASE_URL", None)
    proc = None
    result: dict[str, Any] = {"name": "portal", "size": args.size}
    page_error = None
    try:
        log(f"building a database of {args.size} organisations in {workdir} …")
        build_database(args.size)
        result.update(query_counts())
        page_url = portal_page_url()
        if page_url is None:
            page_error = 'no URL named "portal:directory"'
        port = free_port()
        proc = start_server(env, port, args.workers)
        targets = {"bare": BARE_URL, "api": API_URL, "api_uncached": API_URL + "&nocache={n}"}
        if page_url is not None:
            status, _size = fetch(port, page_url)
            if status == 200:
                targets["page"] = page_url
                targets["page_uncached"] = page_url + "?nocache={n}"
            else:
                page_error = f"{page_url} answered {status}"
        for url in targets.values():  # warm-up: imports, template loading, caches
            measure(port, url, 50, args.concurrency)
        best: dict[str, float] = {}
        for round_ in range(args.rounds):
            for key, url in targets.items():
                rps = measure(port, url, args.requests, args.concurrency)
                best[key] = max(best.get(key, 0.0), rps)
                log(f"round {round_ + 1}: {key:12} {rps:8.1f} req/s  ({url})")
        bare = best["bare"]
        result.update(
            {
                "bare_rps": round(bare, 1),
                "api_rps": round(best["api"], 1),
                "page_rps": round(best["page"], 1) if "page" in best else None,
                "api_ratio": round(best["api"] / bare, 3),
                "page_ratio": round(best["page"] / bare, 3) if "page" in best else None,
                "api_uncached_rps": round(best["api_uncached"], 1),
                "api_uncached_ratio": round(best["api_uncached"] / bare, 3),
            }
        )
        if "page_uncached" in best:
            result["page_uncached_rps"] = round(best["page_uncached"], 1)
            result["page_uncached_ratio"] = round(best["page_uncached"] / bare, 3)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["target_ratio"] = TARGET_RATIO
    result["concurrency"] = args.concurrency
    result["workers"] = args.workers
    if page_error:
        result["page_error"] = page_error
        log(f"directory page not measured: {page_error}")
    ok_queries = (
        result.get("queries_page10") == result.get("queries_page50")
        and result.get("page_queries_page10") is not None
        and result.get("page_queries_page10") == result.get("page_queries_page50")
    )
    ok_api = result.get("api_ratio", 0) >= TARGET_RATIO
    ok_page = result.get("page_ratio") is not None and result["page_ratio"] >= TARGET_RATIO
    result["ok"] = bool(ok_queries and ok_api and ok_page)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if page_error is None else 1


if __name__ == "__main__":
    sys.exit(main())
