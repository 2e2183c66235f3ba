"""`make run`'s configuration really serves the app: pages, static files and Danish 404s."""

import os
import shutil
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


def _wait_until_up(server, url, seconds: float = 60) -> tuple[int | None, bytes]:
    """The server's first answer: it may take a while to start on a slow machine (a cold
    bytecode cache alone is seconds), but a server that died is said at once."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped with exit code {server.returncode}")
        try:
            status, _type, body = _get(url)
            return status, body
        except OSError:
            time.sleep(0.1)
    return None, b""


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """The demo's SQLite database, migrated once for the module (a minute on a busy machine);
    each test works on its own copy (`_migrated_env`)."""
    folder = tmp_path_factory.mktemp("migrated")
    env = _demo_env(folder)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return folder / "db.sqlite3"


def _migrated_env(tmp_path, migrated_database) -> dict:
    shutil.copyfile(migrated_database, tmp_path / "db.sqlite3")
    return _demo_env(tmp_path)


@pytest.fixture
def demo_server(tmp_path, migrated_database):
    env = _migrated_env(tmp_path, migrated_database)
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
        _wait_until_up(server, base + "/healthz/")
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


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile.dev").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_make_run_honours_port_and_prints_the_real_address(tmp_path, migrated_database):
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "load_demo --port 8123" in planned and "WEB_PORT=8123" in planned
    # The links in messages, e-mails and calendar events lead to the same server.
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8123}" in planned
    assert "--port" in _procfile()["info"] and "WEB_PORT" in _procfile()["info"]

    # The web line of the Procfile, as honcho runs it (in a shell), serves on WEB_PORT.
    env = _migrated_env(tmp_path, migrated_database)
    port = _free_port()
    server = subprocess.Popen(
        ["bash", "-c", _procfile()["web"] + " --noreload"],
        cwd=ROOT,
        env={**env, "WEB_PORT": str(port), "PORT": "5000"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        status, body = _wait_until_up(server, f"http://127.0.0.1:{port}/healthz/")
        assert (status, body) == (200, b"ok")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)

    printed = subprocess.run(
        [sys.executable, "manage.py", "load_demo", "--logins-only", "--port", "8123"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "http://127.0.0.1:8123" in printed and "8000" not in printed


_SEND_WHILE_WRITING = """
import threading, time
import django
django.setup()
from django.db import connection
from institutioner.models import Notification, User
from institutioner.notifications.sending import notification_send

user = User.objects.create_user("probe@demo.dk", "x", name="Probe", role="leader")
message = Notification.objects.create(
    recipient=user, email=user.email, template="probe", subject="Prøve", body_text="Prøve"
)

def send():
    notification_send(notification_id=message.pk)
    connection.close()

worker = threading.Thread(target=send)
worker.start()
time.sleep(0.5)  # the worker is waiting for the mail server's greeting
started = time.monotonic()
User.objects.filter(pk=user.pk).update(name="Probe Andersen")  # a page saving something
print(f"write={time.monotonic() - started:.2f}")
worker.join()
message.refresh_from_db()
print(f"attempts={message.attempts} status={message.status}")
"""


def test_a_hanging_mail_server_does_not_hold_up_the_demos_other_writes(tmp_path, migrated_database):
    """On SQLite a transaction takes the whole database's write lock (BEGIN IMMEDIATE): the
    worker must not hold one while it waits for a mail server that never answers, or every page
    that saves anything waits with it, up to EMAIL_TIMEOUT."""
    from tests.smtpservers import SMTPServer

    with SMTPServer("silent") as smtp:
        env = {
            **_migrated_env(tmp_path, migrated_database),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "EMAIL_BACKEND": "",
            "EMAIL_TIMEOUT": "4",
        }
        result = subprocess.run(
            [sys.executable, "-c", _SEND_WHILE_WRITING],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(part.split("=") for part in result.stdout.split())
    # The write went through while the worker still waited (4 s) for the silent server.
    assert float(lines["write"]) < 1.0, result.stdout
    # And the attempt was counted: the message waits for a later try.
    assert lines["attempts"] == "1" and lines["status"] == "pending", result.stdout
