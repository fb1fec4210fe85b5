"""The production WSGI application with a per-request meter, for `benchmarks/load.py --profile` only.

For each request it appends one line to a file per server process: the request's name in the
scenario (the driver sends it as `X-Load-Name`), the CPU time of the thread that served it, the time
spent inside Django, the time spent waiting for SQL and the number of queries. With the client's
latency this tells where a slow group's time goes: CPU in Python, the database, or waiting for a
worker or a core (client latency minus time inside Django).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.db import connection

from innohub.config.wsgi import application as django_application

_lock = threading.Lock()
_out: Any = None


def _write(line: str) -> None:
    global _out
    with _lock:
        if _out is None:
            folder = Path(os.environ["INNOHUB_LOAD_PROFILE_DIR"])
            _out = (folder / f"requests-{os.getpid()}.tsv").open("a", buffering=1, encoding="utf-8")
        _out.write(line)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    name = environ.get("HTTP_X_LOAD_NAME", "-").replace("\t", " ")
    sql = [0.0, 0]

    def timed(execute: Any, sql_text: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql[0] += time.perf_counter() - start
            sql[1] += 1

    cpu, wall = time.thread_time(), time.perf_counter()
    with connection.execute_wrapper(timed):
        response = django_application(environ, start_response)
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    _write(f"{name}\t{cpu * 1000:.2f}\t{wall * 1000:.2f}\t{sql[0] * 1000:.2f}\t{sql[1]}\n")
    return response
