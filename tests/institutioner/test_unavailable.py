"""A database that accepts connections and never answers: gunicorn, as production runs it,
answers with the Danish 503 page in about the configured time, and /healthz/ says which
service failed while /healthz/live/ still answers."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

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


def _get(url: str, cookie: str = "") -> tuple[int, dict, str, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, headers, body = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    return status, headers, body.decode(), time.monotonic() - started


@pytest.fixture
def gunicorn_on(tmp_path):
    started = []

    def start(database_url: str) -> str:
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
