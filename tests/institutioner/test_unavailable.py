"""A database that accepts connections and never answers: gunicorn, as production runs it,
answers with the Danish 503 page in about the configured time, and /healthz/ says which
service failed while /healthz/live/ still answers. A real PostgreSQL that freezes behind a kept
connection (tests/freezingproxy.py) ends the same way, not in gunicorn's 30 s timeout."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from institutioner.dbhang import bound_waits
from tests.freezingproxy import FreezingProxy

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_database():
    """Listens (the kernel completes every connection) and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(100)
    yield server.getsockname()[1]
    server.close()


def _get(url: str, cookie: str = "", timeout: float = 30) -> tuple[int, dict, str, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, headers, body = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    return status, headers, body.decode(), time.monotonic() - started


@pytest.fixture
def gunicorn_on(tmp_path):
    started = []

    def start(database_url: str, **settings: str) -> str:
        port = _free_port()
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "GUNICORN_"))
        }
        env = {
            **clean,
            "DJANGO_SECRET_KEY": "x7Jq2-production-like-secret-key-9vT4mW8zK1pR6nB3cY5hL0sD_aF",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "DJANGO_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": database_url,
            "DATABASE_CONNECT_TIMEOUT": "2",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "1",
            **settings,
        }
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                *("--config", "config/gunicorn.conf.py"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "gunicorn.log", "a"),  # noqa: SIM115 (closed with the process)
            start_new_session=True,
        )
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(base + "/healthz/live/")[0] == 200:
                    return base
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def test_a_database_that_never_answers_gives_the_danish_503(silent_database, gunicorn_on):
    base = gunicorn_on(f"postgres://app@127.0.0.1:{silent_database}/indsats")

    status, headers, body, elapsed = _get(base + "/healthz/")
    assert status == 503
    assert body.startswith("unavailable: database\n"), body
    assert "database: OperationalError" in body
    assert headers["Retry-After"] == "30"
    assert elapsed < 4, f"/healthz/ took {elapsed:.1f} s"

    # A signed-in person's page needs the session, which is in the database.
    status, headers, body, elapsed = _get(base + "/", cookie="sessionid=abcdefghijklmnop")
    assert status == 503
    assert "Systemet svarer ikke lige nu" in body
    assert "Traceback" not in body and "Internal Server Error" not in body
    assert headers["Retry-After"] == "30"
    # About the connect timeout (2 s), well before gunicorn's own 30 s.
    assert elapsed < 5, f"the page took {elapsed:.1f} s"

    status, _headers, body, elapsed = _get(base + "/healthz/live/")
    assert (status, body) == (200, "ok")
    assert elapsed < 1


@pytest.fixture
def frozen_postgres(postgres, db):
    """A proxy in front of the test database (the real PostgreSQL) that freezes on command."""
    params = connection.settings_dict
    with FreezingProxy(params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432)) as proxy:
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        proxy.url = f"postgres://{params['USER']}{password}@127.0.0.1:{proxy.port}/{params['NAME']}"
        yield proxy


def test_a_database_that_freezes_behind_a_kept_connection_gives_the_danish_503(
    frozen_postgres, gunicorn_on
):
    # The server's own statement timeout cannot fire in a frozen server.
    base = gunicorn_on(frozen_postgres.url, DATABASE_STATEMENT_TIMEOUT="0.5")
    cookie = "sessionid=abcdefghijklmnop"  # looked up in the database: no such session
    status, _headers, body, _elapsed = _get(base + "/", cookie=cookie, timeout=10)
    assert status == 200, body  # the login page; gunicorn's worker keeps its connection
    assert frozen_postgres.connections == 1

    frozen_postgres.freeze()
    status, headers, body, elapsed = _get(base + "/", cookie=cookie, timeout=10)
    assert status == 503
    assert "Systemet svarer ikke lige nu" in body
    assert headers["Retry-After"] == "30"
    # The kept connection's health check (1 s), then a new connection (connect timeout 2 s).
    assert elapsed < 4, f"the page took {elapsed:.1f} s"
    assert frozen_postgres.connections == 2

    status, _headers, body, elapsed = _get(base + "/healthz/live/")
    assert (status, body) == (200, "ok")


def test_a_statement_in_a_frozen_database_ends_after_the_grace(frozen_postgres):
    """In the middle of a request (after the health check): the statement's wait ends at its
    bound (statement timeout + grace), and the connection is closed, not left half-used."""
    conn = psycopg.connect(frozen_postgres.url, autocommit=True, connect_timeout=2)
    try:
        bound_waits(conn, statement=0.8, health_check=0.3)
        assert conn.execute("SELECT 1").fetchone() == (1,)
        frozen_postgres.freeze()
        outcome = {}

        def statement():
            started = time.monotonic()
            try:
                conn.execute("SELECT 1")
            except psycopg.OperationalError as error:
                outcome["error"] = str(error)
            outcome["elapsed"] = time.monotonic() - started

        waiting = threading.Thread(target=statement, daemon=True)
        waiting.start()
        waiting.join(5)  # without the bound it would wait for ever
        still_waiting = waiting.is_alive()
        if still_waiting:
            frozen_postgres.close()  # ends the wait, so that the test can fail
            waiting.join(5)
        assert not still_waiting, "the statement still waits for the frozen server"
        assert "did not answer within 0.8 s" in outcome["error"]
        assert 0.7 < outcome["elapsed"] < 2
        assert conn.closed
    finally:
        conn.close()


def test_logging_in_while_redis_is_away_is_the_danish_503(client, db, settings):
    """The login counters live in Redis; without an answer the page says so in Danish."""
    from django.urls import reverse

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,  # as production has them
        }
    }
    client.raise_request_exception = False  # what a real request gets: the error handler
    started = time.monotonic()
    response = client.post(reverse("login"), {"username": "lene@example.dk", "password": "forkert"})
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert "Systemet svarer ikke lige nu" in response.content.decode()
    assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
