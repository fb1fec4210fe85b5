"""Helpers for the fault tests: the database URL a subprocess (worker, web server) can reach."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def postgres_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class SharedDatabase:
    """The test database as other processes see it.

    PostgreSQL: the test database itself (the test must commit: `django_db(transaction=True)`).
    SQLite: the test database is in this process's memory, so it is copied to a file for the
    subprocesses (`push`) and the file copied back (`pull`) to check the outcome with the ORM.
    """

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.file = tmp_path / "shared.sqlite3"

    @property
    def url(self) -> str:
        return postgres_url() if is_postgres() else f"sqlite:///{self.file}"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="innohub.config.settings.base",
            DATABASE_URL=self.url,
            INNOHUB_VAR_DIR=str(self.tmp_path),
            CONN_MAX_AGE="0",
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.update(extra)
        return env

    def push(self) -> None:
        if is_postgres():
            return
        connection.ensure_connection()
        with sqlite3.connect(self.file) as target:
            connection.connection.backup(target)
        target.close()

    def pull(self) -> None:
        if is_postgres():
            return
        connection.ensure_connection()
        source = sqlite3.connect(self.file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()

    def scalar(self, sql_sqlite: str, sql_pg: str, params: list[Any]) -> Any:
        """One value read the way the subprocesses see it (no copy)."""
        if is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(sql_pg, params)
                row = cursor.fetchone()
        else:
            source = sqlite3.connect(self.file, timeout=10)
            try:
                row = source.execute(sql_sqlite, params).fetchone()
            finally:
                source.close()
        return row[0] if row else None


def wait_for(condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Poll `condition` until it is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)
