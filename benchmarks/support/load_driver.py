"""Load driver of benchmarks/load.py: locust (as a library) against a running server on loopback.

    python benchmarks/support/load_driver.py --host http://127.0.0.1:PORT --scenario scenario.json \
        --users 50 --seconds 60 --think 1,3 --workers 5

Runs in its own process because locust patches the standard library for gevent on import; the
orchestrator (load.py) stays a plain process that can always stop the server. Prints one JSON object
with every request's latency summarised per group and per request name.

Simulated users (anonymous unless said otherwise), in fixed proportions of `--users`:
* PortalVisitor (60 %): home, directory with filters and pages (full page and HTMX fragment),
  organisation, people, news, centers, and search with Vietnamese queries with and without diacritics.
* ApiAnonymousReader (12 %): organisation list (filters, pages, `q`) and detail, taxonomy lists, centers.
* ApiTokenReader (12 %): the same reads with a read-scope token (never served from the anonymous cache).
* ApiWriter (16 %): center staff with a write-scope token: read its center's list, then PATCH an
  organisation of its own share with the version it read (expects 200 and version + 1), create
  organisations (expects 201), and now and then PATCH again with the version it had before its own
  change: that one must be refused with 409 (counted as `conflicts_expected`; a 200 there would be a
  silent overwrite and counts as an error).

Every request must answer exactly the expected status (redirects are not followed, so a redirect is an
error too); anything else, a timeout or a refused connection is an error.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
from locust import FastHttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_setup import split_users  # noqa: E402

# What a TLS-terminating reverse proxy adds: the prod settings redirect plain HTTP to HTTPS.
BASE_HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "vi"}
GROUPS = ("portal", "search", "api_read_anon", "api_read_token", "api_write")

SCENARIO: dict[str, Any] = {}
_writer_ids = itertools.count()
_reader_ids = itertools.count()


def group_of(name: str) -> str:
    return name.split(":", 1)[0]


# --- recording ---------------------------------------------------------------------------------------


class Recorder:
    """Every request's latency, kept whole: percentiles are computed exactly, not from buckets."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.status: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.conflicts = 0
        self.task_exceptions = 0
        self.enabled = False

    def on_request(
        self,
        request_type: str,
        name: str,
        response_time: float,
        response_length: int,
        response: Any = None,
        context: Any = None,
        exception: Any = None,
        url: str | None = None,
        **_kwargs: Any,
    ) -> None:
        if not self.enabled:
            return
        if request_type != "CHECK":  # a check on an answer already counted is an error, not a request
            self.times[name].append(float(response_time))
        code = getattr(response, "status_code", 0) or 0
        self.status[str(code)] += 1
        if (context or {}).get("conflict") and exception is None:
            self.conflicts += 1
        if exception is not None:
            self.errors[name] += 1
            if len(self.samples) < 20:
                self.samples.append(f"{request_type} {url or name} → {code}: {str(exception)[:200]}")

    def on_user_error(self, user_instance: Any, exception: Exception, tb: Any) -> None:
        """A task that raised (say, an answer without the field the scenario reads) is an error too."""
        if not self.enabled:
            return
        self.task_exceptions += 1
        if len(self.samples) < 20:
            self.samples.append(
                f"{type(user_instance).__name__}: {type(exception).__name__}: {exception}"[:300]
            )


RECORDER = Recorder()


def expect(response: Any, status: int) -> bool:
    if response.status_code != status:
        body = (response.text or "")[:200] if response.status_code else str(response.error)[:200]
        response.failure(f"expected {status}, got {response.status_code}: {body}")
        return False
    response.success()
    return True


# --- simulated users ---------------------------------------------------------------------------------


class _Base(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)  # replaced from --think before the run
    network_timeout = 30.0
    connection_timeout = 10.0

    def get(self, path: str, name: str, *, headers: dict[str, str] | None = None, status: int = 200) -> Any:
        with self.client.get(
            path,
            name=name,
            headers={**BASE_HEADERS, "X-Load-Name": name, **(headers or {})},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            ok = expect(response, status)
        return response if ok else None


def _directory_filters(rng: random.Random) -> dict[str, Any]:
    s = SCENARIO
    params: dict[str, Any] = {}
    for key in rng.sample(
        ["province", "kind", "sector", "stage", "center", "tag", "founded_from"], rng.randint(1, 2)
    ):
        if key == "province":
            params["province"] = rng.choice(s["provinces"])
        elif key == "kind":
            params["kind"] = ",".join(rng.sample(s["kinds"], rng.choice([1, 1, 2])))
        elif key == "sector":
            params["sector"] = rng.choice(s["sections"])
        elif key == "stage":
            params["stage"] = rng.choice(s["stages"])
        elif key == "center":
            params["center"] = rng.choice(s["centers"])
        elif key == "tag" and s["tags"]:
            params["tag"] = rng.choice(s["tags"])
        else:
            params["founded_from"] = rng.randint(2010, 2022)
    return params


class PortalVisitor(_Base):
    """An anonymous visitor of the public portal (mostly Vietnamese, some English pages)."""

    def on_start(self) -> None:
        self.rng = random.Random()
        self.prefix = "/en" if self.rng.random() < 0.15 else ""

    @task(2)
    def home(self) -> None:
        self.get(f"{self.prefix}/", "portal:home")

    @task(3)
    def directory(self) -> None:
        params: dict[str, Any] = {}
        if self.rng.random() < 0.6:
            params.update(_directory_filters(self.rng))
            params["page"] = self.rng.choice([1, 1, 1, 2, 3])
            name = "portal:directory filtered"
        else:
            params["page"] = self.rng.randint(1, 40)
            name = "portal:directory page"
        self.get(f"{self.prefix}/directory/?{urlencode(params)}", name)

    @task(1)
    def directory_htmx(self) -> None:
        """A filter clicked in the browser: HTMX asks for the results fragment only."""
        params = _directory_filters(self.rng)
        headers = {"HX-Request": "true", "HX-Target": "directory-results"}
        self.get(f"{self.prefix}/directory/?{urlencode(params)}", "portal:directory htmx", headers=headers)

    @task(4)
    def organisation(self) -> None:
        self.get(f"{self.prefix}/organisations/{self.rng.choice(SCENARIO['orgs'])}/", "portal:organisation")

    @task(1)
    def people(self) -> None:
        params = {"page": self.rng.randint(1, 20)}
        if self.rng.random() < 0.4:
            params["province"] = self.rng.choice(SCENARIO["provinces"])  # type: ignore[assignment]
        self.get(f"{self.prefix}/people/?{urlencode(params)}", "portal:people")

    @task(1)
    def person(self) -> None:
        self.get(f"{self.prefix}/people/{self.rng.choice(SCENARIO['people'])}/", "portal:person")

    @task(1)
    def news(self) -> None:
        if self.rng.random() < 0.5:
            self.get(f"{self.prefix}/news/", "portal:news")
        else:
            self.get(f"{self.prefix}/news/{self.rng.choice(SCENARIO['news'])}/", "portal:news article")

    @task(1)
    def centers(self) -> None:
        if self.rng.random() < 0.5:
            self.get(f"{self.prefix}/centers/", "portal:centers")
        else:
            self.get(f"{self.prefix}/c/{self.rng.choice(SCENARIO['centers'])}/", "portal:center portal")

    @task(3)
    def search(self) -> None:
        query = self.rng.choice(SCENARIO["queries"])
        params = {"q": query["q"]}
        if self.rng.random() < 0.2:
            params["page"] = "2"
        self.get(f"{self.prefix}/search/?{urlencode(params)}", f"search:portal {query['kind']}")

    @task(1)
    def directory_search(self) -> None:
        query = self.rng.choice(SCENARIO["queries"])
        params = {"q": query["q"]}
        if self.rng.random() < 0.4:
            params.update(_directory_filters(self.rng))
        self.get(f"{self.prefix}/directory/?{urlencode(params)}", f"search:directory {query['kind']}")


class _ApiReader(_Base):
    abstract = True
    group = "api_read_anon"
    headers: dict[str, str] = {}

    def on_start(self) -> None:
        self.rng = random.Random()

    def api(self, path: str, label: str) -> Any:
        return self.get(f"/api/v1/{path}", f"{self.group}:{label}", headers=self.headers)

    @task(4)
    def organisations(self) -> None:
        params: dict[str, Any] = {"page": self.rng.choice([1, 1, 2, 3, 5, 10])}
        if self.rng.random() < 0.6:
            params.update(_directory_filters(self.rng))
            params["page"] = 1
        if self.rng.random() < 0.3:
            params["page_size"] = self.rng.choice([10, 50])
        self.api(f"directory/organisations?{urlencode(params)}", "organisation list")

    @task(2)
    def organisations_search(self) -> None:
        query = self.rng.choice(SCENARIO["queries"])
        self.api(
            f"directory/organisations?{urlencode({'q': query['q']})}", f"organisation list q {query['kind']}"
        )

    @task(4)
    def organisation(self) -> None:
        self.api(f"directory/organisations/{self.rng.choice(SCENARIO['orgs'])}", "organisation detail")

    @task(2)
    def taxonomy(self) -> None:
        path = self.rng.choice(
            [
                "provinces",
                "sectors",
                "sectors?level=1",
                "stages",
                "science-fields",
                "readiness-levels",
                "countries",
            ]
        )
        self.api(f"taxonomy/{path}", "taxonomy " + path.split("?")[0])

    @task(1)
    def centers(self) -> None:
        self.api("centers", "centers")


class ApiAnonymousReader(_ApiReader):
    group = "api_read_anon"


class ApiTokenReader(_ApiReader):
    group = "api_read_token"

    def on_start(self) -> None:
        super().on_start()
        readers = SCENARIO["readers"]
        token = readers[next(_reader_ids) % len(readers)]["token"]
        self.headers = {"Authorization": f"Bearer {token}"}


class ApiWriter(_Base):
    """Center staff working through the API with a write-scope token."""

    def on_start(self) -> None:
        self.rng = random.Random()
        self.index = next(_writer_ids)
        writers = SCENARIO["writers"]
        if self.index >= len(writers):
            raise RuntimeError("more writer users than writer tokens (load.py creates one per writer)")
        me = writers[self.index]
        self.center = me["center"]
        self.orgs: list[str] = list(me["orgs"])
        self.headers = {"Authorization": f"Bearer {me['token']}"}
        self.created = 0
        self.stale: tuple[str, int] | None = None  # (slug, a version this user has since replaced)

    def send(
        self, method: str, path: str, name: str, body: dict[str, Any], status: int, **context: Any
    ) -> Any:
        with self.client.request(
            method,
            f"/api/v1/{path}",
            name=f"api_write:{name}",
            headers={**BASE_HEADERS, "X-Load-Name": f"api_write:{name}", **self.headers},
            json=body,
            allow_redirects=False,
            catch_response=True,
            context=context,
        ) as response:
            ok = expect(response, status)
        return response if ok else None

    def read(self, path: str, name: str) -> Any:
        return self.get(f"/api/v1/{path}", f"api_write:{name}", headers=self.headers)

    @task(2)
    def browse_own_center(self) -> None:
        params = {"center": self.center, "page": self.rng.choice([1, 1, 2])}
        self.read(f"directory/organisations?{urlencode(params)}", "read own center list")

    @task(5)
    def edit(self) -> None:
        if not self.orgs:
            return
        slug = self.rng.choice(self.orgs)
        response = self.read(f"directory/organisations/{slug}", "read before edit")
        if response is None:
            return
        version = response.json()["version"]
        body: dict[str, Any] = {
            "version": version,
            "description_vi": f"Cập nhật lần {version + 1}: doanh nghiệp đổi mới sáng tạo, thử tải.",
        }
        if self.rng.random() < 0.5:
            body["team_size"] = self.rng.randint(2, 200)
        if self.rng.random() < 0.3 and SCENARIO["tags"]:
            body["tags"] = self.rng.sample(SCENARIO["tags"], 2)
        changed = self.send("PATCH", f"directory/organisations/{slug}", "patch", body, 200)
        if changed is None:
            return
        new_version = changed.json().get("version")
        if new_version != version + 1:
            # Record it as a failed request of its own: the write succeeded but the version is wrong.
            events.request.fire(
                request_type="CHECK",
                name="api_write:version check",
                response_time=0.0,
                response_length=0,
                exception=AssertionError(
                    f"{slug}: version {version} → {new_version}, expected {version + 1}"
                ),
                context={},
                url=f"/api/v1/directory/organisations/{slug}",
            )
        self.stale = (slug, version)

    @task(1)
    def stale_patch(self) -> None:
        """Send the version this user read before its own last change: must be refused with 409."""
        if self.stale is None:
            return
        slug, version = self.stale
        self.stale = None
        body = {"version": version, "description_vi": "Ghi đè bằng phiên bản cũ: phải bị từ chối."}
        self.send(
            "PATCH",
            f"directory/organisations/{slug}",
            "patch stale version (409 expected)",
            body,
            409,
            conflict=True,
        )

    @task(1)
    def create(self) -> None:
        self.created += 1
        run = SCENARIO["run_id"]
        body = {
            "center": self.center,
            "kind": self.rng.choice(["startup", "startup", "innovative_sme"]),
            "name_vi": f"Công ty Thử tải {run} {self.index}-{self.created}",
            "description_vi": "Doanh nghiệp tạo bởi bài thử tải.",
            "province": self.rng.choice(SCENARIO["provinces"]),
            "founded_year": self.rng.randint(2015, 2025),
            "visibility": "public",
        }
        response = self.send("POST", "directory/organisations", "create", body, 201)
        if response is not None:
            self.orgs.append(response.json()["slug"])


USER_CLASSES: list[type[_Base]] = [PortalVisitor, ApiAnonymousReader, ApiTokenReader, ApiWriter]


# --- warm-up -----------------------------------------------------------------------------------------


def warm_up(host: str, workers: int) -> dict[str, int]:
    """Touch every kind of page and endpoint a few times per server worker before measuring: a fresh
    worker imports lazily, compiles templates and opens its database connection on first use."""
    from geventhttpclient import HTTPClient
    from geventhttpclient.url import URL

    s = SCENARIO
    paths = [
        "/",
        "/directory/",
        f"/directory/?province={s['provinces'][0]}",
        f"/organisations/{s['orgs'][0]}/",
        "/people/",
        f"/people/{s['people'][0]}/",
        "/news/",
        f"/news/{s['news'][0]}/",
        "/centers/",
        f"/search/?{urlencode({'q': s['queries'][0]['q']})}",
        "/api/v1/directory/organisations",
        f"/api/v1/directory/organisations/{s['orgs'][0]}",
        "/api/v1/taxonomy/provinces",
        "/api/v1/centers",
    ]
    url = URL(host)
    results = {"requests": 0, "errors": 0}

    def fetch(path: str) -> None:
        client = HTTPClient(url.host, url.port, connection_timeout=10, network_timeout=30)
        try:
            response = client.get(path, headers=BASE_HEADERS)
            response.read()
            results["requests"] += 1
            results["errors"] += response.status_code != 200
        except Exception:  # noqa: BLE001 - a warm-up failure is counted, the run shows the real errors
            results["errors"] += 1
        finally:
            client.close()

    pool = gevent.pool.Pool(4)
    pool.map(fetch, paths * max(2, workers * 2))
    return results


# --- report ------------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(times: list[float], errors: int, seconds: float) -> dict[str, Any]:
    if not times:
        return {"requests": 0, "errors": errors}
    return {
        "requests": len(times),
        "rps": round(len(times) / seconds, 1),
        "p50_ms": round(pct(times, 50), 1),
        "p95_ms": round(pct(times, 95), 1),
        "p99_ms": round(pct(times, 99), 1),
        "max_ms": round(max(times), 1),
        "errors": errors,
    }


def report(seconds: float) -> dict[str, Any]:
    rec = RECORDER
    by_group: dict[str, list[float]] = defaultdict(list)
    group_errors: dict[str, int] = defaultdict(int)
    for name, values in rec.times.items():
        by_group[group_of(name)].extend(values)
        group_errors[group_of(name)] += rec.errors.get(name, 0)
    everything = [t for values in rec.times.values() for t in values]
    total_errors = sum(rec.errors.values()) + rec.task_exceptions
    overall = summary(everything, total_errors, seconds)
    overall["error_rate"] = round(total_errors / len(everything), 5) if everything else None
    return {
        **overall,
        "conflicts_expected": rec.conflicts,
        "task_exceptions": rec.task_exceptions,
        "groups": {g: summary(by_group[g], group_errors[g], seconds) for g in GROUPS if g in by_group},
        "names": {
            name: {
                k: v
                for k, v in summary(values, rec.errors.get(name, 0), seconds).items()
                if k in ("requests", "p50_ms", "p95_ms", "p99_ms", "errors")
            }
            for name, values in sorted(rec.times.items())
        },
        "status": dict(sorted(rec.status.items())),
        "error_samples": rec.samples[:10],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", default="1,3", help="seconds between two actions of a user: min,max")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--workers", type=int, default=4, help="server workers (for the warm-up)")
    args = parser.parse_args()
    if not args.host.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("loopback only: --host must be http://127.x.x.x, localhost or [::1]")
    with open(args.scenario, encoding="utf-8") as f:
        SCENARIO.update(json.load(f))
    low, high = (float(x) for x in args.think.split(","))

    counts = split_users(args.users)
    for cls in USER_CLASSES:
        cls.wait_time = between(low, high)
        cls.fixed_count = counts[cls.__name__]
    if counts["ApiWriter"] > len(SCENARIO["writers"]):
        raise SystemExit(f"{counts['ApiWriter']} writer users but {len(SCENARIO['writers'])} writer tokens")

    warm = warm_up(args.host, args.workers)
    print(f"warm-up: {warm['requests']} requests, {warm['errors']} errors", file=sys.stderr, flush=True)

    env = Environment(user_classes=USER_CLASSES, host=args.host, events=events)
    events.request.add_listener(RECORDER.on_request)
    events.user_error.add_listener(RECORDER.on_user_error)
    runner = env.create_local_runner()
    RECORDER.enabled = True
    started = time.perf_counter()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    deadline = started + args.seconds
    try:
        while time.perf_counter() < deadline:
            gevent.sleep(min(5.0, max(0.0, deadline - time.perf_counter())))
            done = sum(len(v) for v in RECORDER.times.values())
            print(
                f"  {time.perf_counter() - started:5.1f} s  {runner.user_count:3d} users  {done:6d} requests  "
                f"{sum(RECORDER.errors.values()) + RECORDER.task_exceptions} errors",
                file=sys.stderr,
                flush=True,
            )
    finally:
        runner.stop()
        RECORDER.enabled = False
        elapsed = time.perf_counter() - started
        runner.quit()
    result = report(elapsed)
    result.update(
        {
            "users": args.users,
            "user_classes": counts,
            "run_seconds": round(elapsed, 1),
            "think_seconds": [low, high],
            "warmup_requests": warm["requests"],
            "warmup_errors": warm["errors"],
        }
    )
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
