"""The database goes away during and between requests: a clean, translated 503 (HTML page or the
API's JSON error), never a traceback, and the next request works (core/db_outage.py,
CONN_HEALTH_CHECKS). The PostgreSQL tests kill a real server's connections with pg_terminate_backend."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection

from innohub.core.db_outage import RETRY_AFTER_SECONDS
from tests.faults.support import MANAGE, ROOT, SharedDatabase, is_postgres, postgres_url, wait_for

API = "/api/v1/directory/organisations"
PAGE = "/en/directory/"


def test_connections_are_health_checked():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# --- in process, both databases ------------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails the way a dropped connection does."""

    def _fail(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _fail)
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.executemany", _fail)


@pytest.mark.django_db
def test_api_answers_a_translated_503_json_when_the_database_is_down(client, database_down):
    response = client.get(API, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {
        "code": "service_unavailable",
        "message": "The service is briefly unavailable. Please try again in a moment.",
        "fields": {},
    }


@pytest.mark.django_db
def test_page_answers_a_503_page_not_a_traceback_when_the_database_is_down(client, database_down):
    response = client.get(PAGE)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    text = response.content.decode()
    assert "Service briefly unavailable" in text and "Traceback" not in text
    assert "OperationalError" not in text and "server closed" not in text


# --- a real server, PostgreSQL -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(base: str, path: str) -> tuple[int, str, str]:
    request = urllib.request.Request(base + path, headers={"Accept-Language": "en"})  # noqa: S310 (http://127.0.0.1)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode()


@pytest.fixture
def server(tmp_path):
    if not is_postgres():
        pytest.skip("SQLite is a file in the web process: there is no database server to restart")
    shared = SharedDatabase(tmp_path)
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [*MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=shared.env(
            CONN_MAX_AGE="600",  # persistent connections: the ones a restart leaves dead
            ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SETTINGS_MODULE="tests.faults.server_settings",
            INNOHUB_RATE_LIMITS_ENABLED="0",
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def _up() -> bool:
        assert process.poll() is None, (tmp_path / "server.log").read_text()
        try:
            return _get(base, API)[0] == 200
        except OSError:
            return False

    try:
        wait_for(_up, timeout=90, what="the web server to answer")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _terminate_other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_connections_killed_between_requests_are_replaced_transparently(server):
    assert _get(server, PAGE)[0] == 200
    assert _terminate_other_sessions() >= 1, "the server kept its connection open"
    status, _, body = _get(server, API)
    assert status == 200 and "items" in json.loads(body)
    assert _terminate_other_sessions() >= 1
    assert _get(server, PAGE)[0] == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("path", "expect_json"), [(API, True), (PAGE, False)], ids=["api", "page"])
def test_connection_killed_during_a_request_gives_a_clean_503_then_recovers(server, path, expect_json):
    assert _get(server, path)[0] == 200
    outcome: dict[str, Any] = {}
    # Hold the organisations table so that the request is inside a query when its session is killed.
    with psycopg.connect(postgres_url().replace("postgres://", "postgresql://", 1)) as blocker:
        blocker.execute("LOCK TABLE directory_organisation IN ACCESS EXCLUSIVE MODE")
        request = threading.Thread(target=lambda: outcome.update(response=_get(server, path)))
        request.start()

        def _waiting_pid() -> int | None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> %s",
                    [blocker.info.backend_pid],
                )
                row = cursor.fetchone()
            return row[0] if row else None

        pid = wait_for(_waiting_pid, timeout=60, what="the request to wait on the locked table")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        request.join(timeout=60)
        blocker.rollback()
    status, content_type, body = outcome["response"]
    assert status == 503
    assert "Traceback" not in body and "OperationalError" not in body and "terminat" not in body
    if expect_json:
        assert content_type.startswith("application/json")
        assert json.loads(body) == {
            "code": "service_unavailable",
            "message": "The service is briefly unavailable. Please try again in a moment.",
            "fields": {},
        }
    else:
        assert content_type.startswith("text/html") and "Service briefly unavailable" in body
    # The database is back (the lock is gone): the very next request works.
    status, content_type, _ = _get(server, path)
    assert status == 200 and content_type.startswith("application/json" if expect_json else "text/html")
