"""`make run`'s configuration really serves the app: pages, static files and Danish 404s."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _demo_env(tmp_path) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    for line in (ROOT / "config" / "demo.env").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="demo-test-" + "k" * 60,
        DJANGO_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture
def demo_server(tmp_path):
    env = _demo_env(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _get(base + "/healthz/")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_demo_configuration_serves_pages_static_files_and_danish_errors(demo_server):
    status, _type, body = _get(demo_server + "/konto/log-ind/")
    assert status == 200 and "Log ind" in body.decode()
    status, content_type, _body = _get(demo_server + "/static/css/app.css")
    assert status == 200 and content_type.startswith("text/css")
    status, _type, _body = _get(demo_server + "/static/vendor/bootstrap/bootstrap.min.css")
    assert status == 200
    status, _type, body = _get(demo_server + "/findes-ikke/")
    assert status == 404
    assert "Siden findes ikke" in body.decode()
