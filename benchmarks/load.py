"""Load: the production server under 50 simulated users for 60 s (portal, search, API reads and writes).

    python benchmarks/load.py [--users 50] [--seconds 60] [--think 1,3] [--workers 5 --threads 2]

1. Resets the PostgreSQL database `innohub_load` on 127.0.0.1:5432 (user postgres) and fills it as a
   deployment would, with the PRODUCTION settings (`innohub.config.settings.prod`, DEBUG off, a random
   SECRET_KEY): migrate, load_taxonomies, `demo` (2,000 organisations), collectstatic (skipped when
   var/load/static is current), then API users with tokens through the accounts services
   (benchmarks/support/load_setup.py).
2. Starts gunicorn (gthread workers) on a free port of 127.0.0.1, requests arriving as from a
   TLS-terminating proxy (`X-Forwarded-Proto: https`). The workers share their cache (anonymous pages
   and API reads, sessions) through Redis, database 14 of 127.0.0.1:6379, emptied first — as a
   deployment with several workers must (`--cache local`: one memory cache per worker).
3. Drives the users with locust (benchmarks/support/load_driver.py, which describes the scenario), after
   a short warm-up that is not counted.
4. Stops the server (also on Ctrl-C) and prints, as its last line, one JSON object: p50/p95/p99 latency
   overall and per request group, requests/s, errors and error rate. The database is kept for a look
   afterwards and reset by the next run; nothing else is dropped.

Exit status: 2 if the server does not start, 1 if the driver fails or (with --check) a target is missed.
Targets: 0 errors, p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SUPPORT = Path(__file__).resolve().parent / "support"
sys.path.insert(0, str(SUPPORT))

from load_setup import split_users  # noqa: E402

PG_HOST = "127.0.0.1:5432"
PG_ADMIN_URL = f"postgresql://postgres@{PG_HOST}/postgres"
RESERVED_DATABASES = {"postgres", "template0", "template1", "test"}
TARGET_P95_MS = 300.0
READY_URL = "/api/v1/taxonomy/stages"
REDIS_URL = "redis://127.0.0.1:6379/14"
START_TIMEOUT = 90.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class ServerFailed(RuntimeError):
    pass


def reset_database(name: str) -> None:
    if name in RESERVED_DATABASES or name.startswith("test_") or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing to reset the database {name!r}: use a dedicated name like innohub_load")
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def production_env(db: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "innohub.config.settings.prod",
            "SECRET_KEY": "load-" + secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@{PG_HOST}/{db}",
            "INNOHUB_VAR_DIR": str(var_dir),
            # invitation mails of the setup stay in memory
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p),
            "PYTHONDONTWRITEBYTECODE": "1",
            # the 50 simulated users all come from 127.0.0.1: per-IP limits would count them as one
            # visitor (in production they are distinct addresses behind the proxy)
            "INNOHUB_RATE_LIMITS_ENABLED": "0",
        }
    )
    env.pop("REDIS_URL", None)  # set by main(): Redis (as production with several workers) or none
    return env


def reset_redis(url: str) -> None:
    """Empty the benchmark's own Redis database (never the one the test suite uses, 15)."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        raise SystemExit(
            f"Redis at {url} is not reachable ({exc}); use --cache local to run without it"
        ) from exc
    finally:
        client.close()


def redis_pids() -> list[int]:
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "redis-server":
                pids.append(int(comm.parent.name))
        except (OSError, ValueError):
            continue
    return pids


def run_step(title: str, cmd: list[str], env: dict[str, str]) -> None:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=sys.stderr)
    log(f"{title}: {time.perf_counter() - t:.1f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def probe(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def start_server(
    env: dict[str, str],
    port: int,
    workers: int,
    threads: int,
    log_path: Path,
    *,
    keep_alive: int = 2,
    profile: bool = False,
) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    app = (
        ["--pythonpath", str(SUPPORT), "load_wsgi:application"]
        if profile
        else ["innohub.config.wsgi:application"]
    )
    cmd = [
        gunicorn,
        *app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--keep-alive",
        str(keep_alive),
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    with log_path.open("wb") as out:
        # Its own session: a Ctrl-C reaches this script, which then stops the server in order.
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerFailed(f"gunicorn exited with status {proc.returncode} (log: {log_path})")
        try:
            status = probe(port, READY_URL)
        except OSError:
            time.sleep(0.3)
            continue
        if status == 200:
            return proc
        stop_server(proc)
        raise ServerFailed(f"{READY_URL} answered {status} (log: {log_path})")
    stop_server(proc)
    raise ServerFailed(f"gunicorn did not answer within {START_TIMEOUT:.0f} s (log: {log_path})")


def stop_server(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()  # gunicorn's master stops its workers gracefully on SIGTERM
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the session started above: the master and its workers
        proc.wait(timeout=10)


CHAINED = ("During handling of the above exception", "The above exception was the direct cause")


def server_tracebacks(log_path: Path) -> list[str]:
    """Tracebacks the server wrote, each with the line before it (Django logs a 500 as
    "Internal Server Error: <path>" followed by the traceback); chained exceptions stay one block."""
    if not log_path.exists():
        return []
    blocks: list[list[str]] = []
    current: list[str] | None = None
    ended = False  # the exception line of the current block was seen; a chained one may follow
    previous = ""
    for line in log_path.read_text(errors="replace").splitlines():
        if current is not None:
            if not line.strip():
                current.append(line)
                continue
            if line.startswith(("Traceback", *CHAINED)):
                current.append(line)
                ended = False
                continue
            if not ended:
                current.append(line)
                ended = not line.startswith((" ", "\t"))
                continue
            blocks.append(current)
            current = None
        if line.startswith("Traceback"):
            current, ended = ([previous, line] if previous else [line]), False
        if line.strip():
            previous = line
    if current is not None:
        blocks.append(current)
    return ["\n".join(block).strip() for block in blocks]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (Linux /proc; 0 where it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def server_pids(master: int) -> list[int]:
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def database_pids(db: str) -> list[int]:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [db]).fetchall()
    return [int(pid) for (pid,) in rows]


class CpuMeter(threading.Thread):
    """CPU seconds the server (gunicorn master and workers) and its PostgreSQL backends spend while
    the driver runs, sampled twice a second: backends come and go (CONN_MAX_AGE), so two snapshots
    would miss the ones that closed in between. With the latencies this tells a slow code path (much
    CPU per request) from a busy machine (little CPU per request, long waits for a core)."""

    def __init__(self, master: int, db: str, cache: bool) -> None:
        super().__init__(daemon=True)
        self.master, self.db, self.cache = master, db, cache
        self.first: dict[str, dict[int, float]] = {"app": {}, "db": {}, "cache": {}}
        self.last: dict[str, dict[int, float]] = {"app": {}, "db": {}, "cache": {}}
        self.stopping = threading.Event()
        self.sample(self.first)
        self.started_at = time.perf_counter()
        self.seconds = 0.0

    def sample(self, into: dict[str, dict[int, float]]) -> None:
        kinds = [("app", server_pids(self.master)), ("db", database_pids(self.db))]
        if self.cache:  # the whole Redis server: other users of it on this machine count too
            kinds.append(("cache", redis_pids()))
        for kind, pids in kinds:
            for pid in pids:
                into[kind][pid] = cpu_seconds(pid)

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.sample(self.last)

    def stop(self) -> None:
        self.stopping.set()
        self.join()
        self.sample(self.last)
        self.seconds = time.perf_counter() - self.started_at

    def used(self, kind: str) -> float:
        return sum(max(0.0, t - self.first[kind].get(pid, 0.0)) for pid, t in self.last[kind].items())


def server_profile(folder: Path) -> dict[str, Any]:
    """Medians and 95th percentiles per group of what load_wsgi.py measured inside the server."""
    rows: dict[str, list[tuple[float, float, float, int]]] = {}
    for path in folder.glob("requests-*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            name, cpu, wall, sql, queries = line.split("\t")
            if name == "-":
                continue  # the readiness probe and the warm-up
            row = (float(cpu), float(wall), float(sql), int(queries))
            rows.setdefault(name.split(":", 1)[0], []).append(row)
            rows.setdefault(name, []).append(row)

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]

    out: dict[str, Any] = {}
    for key, values in sorted(rows.items()):
        cpu, wall, sql, queries = (list(column) for column in zip(*values, strict=True))
        out[key] = {
            "requests": len(values),
            "cpu_p50_ms": round(pct(cpu, 50), 1),
            "cpu_p95_ms": round(pct(cpu, 95), 1),
            "django_p50_ms": round(pct(wall, 50), 1),
            "django_p95_ms": round(pct(wall, 95), 1),
            "sql_p50_ms": round(pct(sql, 50), 1),
            "sql_p95_ms": round(pct(sql, 95), 1),
            "queries_p50": pct([float(q) for q in queries], 50),
        }
    return out


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated users")
    parser.add_argument("--seconds", type=float, default=60, help="measured duration")
    parser.add_argument("--think", default="1,3", help="seconds a user waits between two actions: min,max")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--size", type=int, default=2000, help="demo organisations")
    parser.add_argument("--db", default="innohub_load", help="PostgreSQL database to reset and use")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument(
        "--cache",
        default="redis",
        choices=["redis", "local"],
        help="redis: the workers share Redis (REDIS_URL, as production with several workers; database "
        "14 of 127.0.0.1:6379, emptied first); local: one memory cache per worker",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="serve through benchmarks/support/load_wsgi.py and report CPU, SQL and time inside Django per group",
    )
    args = parser.parse_args()
    args.users = max(4, min(args.users, 500))
    args.seconds = max(5.0, min(args.seconds, 900.0))
    try:
        think_min, think_max = (float(x) for x in args.think.split(","))
    except ValueError:
        parser.error("--think takes two numbers of seconds: min,max")
    if not 0 <= think_min <= think_max <= 60:
        parser.error("--think: 0 ≤ min ≤ max ≤ 60")

    started = time.perf_counter()
    var_dir = ROOT / "var" / "load"
    var_dir.mkdir(parents=True, exist_ok=True)
    log_path = var_dir / "gunicorn.log"
    log_path.unlink(missing_ok=True)  # only this run's server log is searched for tracebacks
    scenario_path = var_dir / "scenario.json"
    env = production_env(args.db, var_dir)
    use_redis = args.cache == "redis"
    if use_redis:
        env["REDIS_URL"] = REDIS_URL
    profile_dir = var_dir / "profile"
    if args.profile:
        shutil.rmtree(profile_dir, ignore_errors=True)
        profile_dir.mkdir()
        env["INNOHUB_LOAD_PROFILE_DIR"] = str(profile_dir)
    python = sys.executable
    manage = str(ROOT / "manage.py")
    counts = split_users(args.users)
    result: dict[str, Any] = {"name": "load", "size": args.size, "users": args.users}
    proc: subprocess.Popen[bytes] | None = None
    status = 0

    def on_term(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    # Explicit handlers: a shell starts background jobs with SIGINT ignored, and SIGTERM/SIGHUP would
    # otherwise end this script without stopping the server it started in its own session.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_term)
    try:
        log(f"resetting PostgreSQL database {args.db} …")
        reset_database(args.db)
        if use_redis:
            reset_redis(REDIS_URL)
        run_step("migrate", [python, manage, "migrate", "--noinput", "-v0"], env)
        run_step("load_taxonomies", [python, manage, "load_taxonomies", "-v0"], env)
        run_step("demo", [python, manage, "demo", "--size", str(args.size), "-v0"], env)
        run_step("collectstatic", [python, str(SUPPORT / "load_setup.py"), "static"], env)
        run_id = secrets.token_hex(3)
        run_step(
            "api users and scenario",
            [
                python,
                str(SUPPORT / "load_setup.py"),
                "scenario",
                str(scenario_path),
                "--writers",
                str(counts["ApiWriter"]),
                "--readers",
                str(max(2, counts["ApiTokenReader"] // 2)),
                "--run-id",
                run_id,
            ],
            env,
        )
        port = free_port()
        log(f"starting gunicorn on 127.0.0.1:{port}: {args.workers} workers × {args.threads} threads …")
        try:
            # Idle connections outlive a user's longest pause. With gunicorn's default (2 s) the server
            # closes a connection just as a user reuses it after a pause, and a PATCH or POST on it
            # fails with "connection closed" (clients retry only idempotent methods). Behind a reverse
            # proxy the same rule holds between the proxy's upstream pool and gunicorn.
            keep_alive = int(think_max) + 5
            proc = start_server(
                env,
                port,
                args.workers,
                args.threads,
                log_path,
                keep_alive=keep_alive,
                profile=args.profile,
            )
        except ServerFailed as exc:
            log(str(exc))
            result.update({"error": str(exc)})
            status = 2
            return status
        log(f"server up; {args.users} users {counts} for {args.seconds:.0f} s, think time {args.think} s")
        result["loadavg_before"] = loadavg()
        meter = CpuMeter(proc.pid, args.db, cache=use_redis)
        meter.start()
        client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        driver = [
            python,
            str(SUPPORT / "load_driver.py"),
            "--host",
            f"http://127.0.0.1:{port}",
            "--scenario",
            str(scenario_path),
            "--users",
            str(args.users),
            "--seconds",
            str(args.seconds),
            "--think",
            args.think,
            "--spawn-rate",
            str(args.spawn_rate),
            "--workers",
            str(args.workers),
        ]
        done = subprocess.run(driver, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        result["loadavg_after"] = loadavg()
        meter.stop()
        client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            result.update({"error": f"load driver failed with status {done.returncode}"})
            status = 1
            return status
        measured = json.loads(lines[-1])
        result.update(
            {
                k: measured[k]
                for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "requests", "errors", "error_rate")
            }
        )
        result["conflicts_expected"] = measured["conflicts_expected"]
        result["task_exceptions"] = measured["task_exceptions"]
        # CPU the server spent per request (warm-up included, it is in the same interval): with the
        # latencies it tells a slow code path (high CPU per request) from a busy machine (low CPU per
        # request, long waits for a core).
        served = measured["requests"] + measured["warmup_requests"]
        client_cpu = (
            client_after.ru_utime + client_after.ru_stime - client_before.ru_utime - client_before.ru_stime
        )
        result["cpu_ms_per_request"] = {
            "app": round(1000 * meter.used("app") / served, 1),
            "db": round(1000 * meter.used("db") / served, 1),
            "client": round(1000 * client_cpu / served, 1),
        }
        if use_redis:
            result["cpu_ms_per_request"]["cache"] = round(1000 * meter.used("cache") / served, 1)
        # Cores the server and its database actually got, against the 2 a dedicated machine offers.
        result["server_cores_used"] = round((meter.used("app") + meter.used("db")) / meter.seconds, 2)
        result["groups"] = measured["groups"]
        result["names"] = measured["names"]
        result["status"] = measured["status"]
        if args.profile:
            result["profile"] = server_profile(profile_dir)
        if measured["error_samples"]:
            result["error_samples"] = measured["error_samples"]
        result.update(
            {
                "run_seconds": measured["run_seconds"],
                "think_seconds": measured["think_seconds"],
                "user_classes": measured["user_classes"],
                "warmup_requests": measured["warmup_requests"],
                "warmup_errors": measured["warmup_errors"],
            }
        )
    except subprocess.CalledProcessError as exc:
        result.update({"error": f"setup step failed: {' '.join(map(str, exc.cmd[1:3]))}"})
        status = 1
        return status
    except KeyboardInterrupt:
        log("interrupted: stopping the server")
        result.update({"error": "interrupted"})
        status = 130
        return status
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not leave the server running
        stop_server(proc)
        scenario_path.unlink(missing_ok=True)  # holds the tokens of this run
        tracebacks = server_tracebacks(log_path)
        if proc is not None:
            result["server_tracebacks"] = len(tracebacks)
        for block in tracebacks[:3]:
            log(block)
        if tracebacks:
            log(f"{len(tracebacks)} tracebacks in {log_path}")
        result.update(
            {
                "seconds": round(time.perf_counter() - started, 1),
                "db": "postgresql",
                "settings": "innohub.config.settings.prod",
                "cache": "redis" if use_redis else "per-worker memory",
                "server": (
                    f"gunicorn gthread {args.workers}x{args.threads}"
                    if args.threads > 1
                    else f"gunicorn sync {args.workers}"
                )
                + f", keep-alive {int(think_max) + 5} s",
                "cpu_count": os.cpu_count(),
                "target_p95_ms": TARGET_P95_MS,
            }
        )
        if "p95_ms" not in result:
            result.setdefault("error", "stopped before measuring")
        else:
            result["targets_met"] = (
                result["errors"] == 0 and not tracebacks and result["p95_ms"] <= TARGET_P95_MS
            )
            if args.check and not result["targets_met"]:
                status = 1
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
