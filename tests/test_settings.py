"""Settings come from the environment, fail loudly on bad values, and pass Django's deploy check."""

import fnmatch
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SECRET_KEY": "x7Jq2-production-like-secret-key-9vT4mW8zK1pR6nB3cY5hL0sD_aF",
    "DJANGO_ALLOWED_HOSTS": "indsats.example.dk",
    "DATABASE_URL": "sqlite:////tmp/indsats-deploy-check.sqlite3",
    "SITE_URL": "https://indsats.example.dk",
}


def manage(*args, env, cwd=ROOT):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "SITE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_notices_an_unsafe_setting():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "DJANGO_HSTS_SECONDS": "0"},
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SITE_URL": ""}, "institutioner.W001"),
        ({"SITE_URL": "http://127.0.0.1:8000"}, "institutioner.W001"),
        ({"SITE_URL": "http://indsats.example.dk"}, "institutioner.W001"),
        ({"SITE_URL": "https://localhost"}, "institutioner.W001"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "institutioner.W002"),
    ],
)
def test_deploy_check_notices_the_projects_own_unsafe_defaults(env, message):
    """QA (go-live): a production start without SITE_URL passed the deploy check, and every
    e-mail and QR code then pointed at http://127.0.0.1:8000."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, **env})
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    if "SITE_URL" in env:
        del env["SITE_URL"]
        unset = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
        result = manage("check", "--deploy", "--fail-level", "WARNING", env=unset)
        assert message in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be at least 50"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"SESSION_IDLE_MINUTES": "thirty"}, "SESSION_IDLE_MINUTES='thirty' is not a whole number"),
        ({"AXES_FAILURE_LIMIT": "0"}, "AXES_FAILURE_LIMIT=0 must be at least 1"),
        ({"RETENTION_CLOSED_COURSE_YEARS": "fem"}, "RETENTION_CLOSED_COURSE_YEARS='fem' is not"),
        ({"RETENTION_ACCESS_LOG_YEARS": "0"}, "RETENTION_ACCESS_LOG_YEARS=0 must be at least 1"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL is not a valid database URL"),
        ({"REDIS_URL": "127.0.0.1:6379/9"}, "REDIS_URL is not a valid Redis URL"),
        ({"REDIS_URL": "notaurl"}, "REDIS_URL is not a valid Redis URL"),
        ({"REDIS_URL": "redis://127.0.0.1:port/9"}, "REDIS_URL is not a valid Redis URL"),
        ({"EMAIL_TIMEOUT": "soon"}, "EMAIL_TIMEOUT='soon' is not a number of seconds"),
        ({"REDIS_TIMEOUT": "0"}, "REDIS_TIMEOUT=0 must be a number of seconds of at least"),
        ({"DATABASE_CONNECT_TIMEOUT": "1"}, "DATABASE_CONNECT_TIMEOUT=1 must be at least 2"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL='loud' is not a level"),
        (
            {"SUPPORT_COMPLAINT_GUIDE": "Klag til 010203-1234."},
            "SUPPORT_COMPLAINT_GUIDE contains something that looks like a CPR number",
        ),
        (
            {"SUPPORT_COMPLAINT_GUIDE": "Klag. " * 400},
            "SUPPORT_COMPLAINT_GUIDE is 2399 characters long: at most 2000",
        ),
        (
            {"CELERY_TASK_SOFT_TIME_LIMIT": "60", "CELERY_TASK_TIME_LIMIT": "60"},
            "CELERY_TASK_TIME_LIMIT must be larger than CELERY_TASK_SOFT_TIME_LIMIT",
        ),
        (
            {"DJANGO_WEB_PROCESS": "true", "GUNICORN_TIMEOUT": "10"},
            "GUNICORN_TIMEOUT=10 must be larger than DATABASE_CONNECT_TIMEOUT",
        ),
    ],
)
def test_bad_values_stop_the_start(env, message):
    result = manage("check", env={**PRODUCTION, **env})
    assert result.returncode != 0
    assert message in result.stderr
    # The message that names the setting, not a traceback around it (QA: 55 lines).
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Configuration error: ")


def test_secret_key_is_required_outside_debug():
    env = dict(PRODUCTION)
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_runs_without_configuration():
    result = manage(
        "check", env={"DJANGO_DEBUG": "true", "DJANGO_VAR_DIR": "/tmp/indsats-debug-var"}
    )
    assert result.returncode == 0, result.stderr


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "da"
    assert settings.TIME_ZONE == "Europe/Copenhagen"
    assert settings.USE_TZ


def test_collectstatic_with_the_production_storage(tmp_path):
    """Whitenoise's manifest storage fails on a missing file a CSS or JS file points to."""
    env = {**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)}
    result = manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/bootstrap/bootstrap.min.*.css"))


def _setting(name, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_email_files_go_to_an_absolute_folder():
    assert (
        _setting("EMAIL_FILE_PATH", {**PRODUCTION, "EMAIL_URL": "filemail:///srv/mail"})
        == "/srv/mail"
    )
    demo = {**PRODUCTION, "DJANGO_EMAIL_TO_FILES": "true", "DJANGO_VAR_DIR": "/tmp/indsats-var"}
    assert _setting("EMAIL_FILE_PATH", demo) == "/tmp/indsats-var/mail"
    assert _setting("EMAIL_BACKEND", demo).endswith("filebased.EmailBackend")
    assert _setting("EMAIL_BACKEND", PRODUCTION).endswith("console.EmailBackend")


def _image_context(target: Path) -> Path:
    """A copy of what `docker build` sends: the project without what .dockerignore leaves out
    (its top-level entries and its `**/` patterns)."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    anywhere = [p.removeprefix("**/") for p in patterns if p.startswith("**/")]
    for entry in ROOT.iterdir():
        if any(fnmatch.fnmatch(entry.name, p) for p in patterns + anywhere):
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, ignore=shutil.ignore_patterns(*anywhere))
        else:
            shutil.copy2(entry, target / entry.name)
    return target


def test_production_runs_without_the_demo_app(tmp_path):
    """The image has no demo/ folder: its settings leave the app out, no production module
    imports it, and its commands do not exist. Asking for it there stops the start."""
    image = _image_context(tmp_path / "image")
    assert not (image / "demo").exists()
    assert (image / "forloeb").is_dir()
    env = {**PRODUCTION, "DJANGO_VAR_DIR": str(tmp_path / "var")}

    check = manage("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=image)
    assert check.returncode == 0, check.stdout + check.stderr
    code = (
        "import sys, django; django.setup(); from django.apps import apps; "
        "from django.core.management import get_commands; "
        "print(apps.is_installed('demo'), any(m.split('.')[0] == 'demo' for m in sys.modules), "
        "{'load_demo', 'generate_municipality'} & set(get_commands()))"
    )
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=image,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["False", "False", "set()"]
    unknown = manage("load_demo", env=env, cwd=image)
    assert unknown.returncode != 0
    assert "Unknown command: 'load_demo'" in unknown.stderr

    refused = manage("check", env={**env, "DJANGO_DEMO": "true"}, cwd=image)
    assert refused.returncode != 0
    assert "DJANGO_DEMO=true, but this installation has no demo/ folder" in refused.stderr


def test_the_demo_app_is_installed_only_when_asked():
    assert _setting("INSTALLED_APPS", PRODUCTION).count("'demo'") == 0
    assert _setting("INSTALLED_APPS", {**PRODUCTION, "DJANGO_DEMO": "true"}).count("'demo'") == 1
    result = manage("check", env={**PRODUCTION, "DJANGO_DEMO": "perhaps"})
    assert result.returncode != 0
    assert "DJANGO_DEMO='perhaps' is not a boolean" in result.stderr


def test_the_throttle_counters_are_shared_through_redis_when_there_is_one():
    """Every web replica must count the same failed logins and reset e-mails."""
    assert "LocMemCache" in _setting("CACHES", PRODUCTION)
    redis = _setting("CACHES", {**PRODUCTION, "REDIS_URL": "redis://redis:6379/0"})
    assert "RedisCache" in redis and "redis://redis:6379/0" in redis


POSTGRES = {**PRODUCTION, "DATABASE_URL": "postgres://app@db:5432/indsats"}


def test_every_outside_service_has_a_bounded_wait():
    """The web's database statements get the short timeout, workers and commands the long one;
    connecting, Redis, e-mail and tasks are bounded too, each from the environment."""
    web = _setting("DATABASES['default']['OPTIONS']", {**POSTGRES, "DJANGO_WEB_PROCESS": "true"})
    assert "'connect_timeout': 3" in web
    assert "statement_timeout=15000" in web
    worker = _setting("DATABASES['default']['OPTIONS']", POSTGRES)
    assert "statement_timeout=600000" in worker
    tuned = _setting(
        "DATABASES['default']['OPTIONS']",
        {
            **POSTGRES,
            "DJANGO_WEB_PROCESS": "true",
            "DATABASE_STATEMENT_TIMEOUT": "2.5",
            "DATABASE_CONNECT_TIMEOUT": "4",
        },
    )
    assert "statement_timeout=2500" in tuned and "'connect_timeout': 4" in tuned
    assert _setting("EMAIL_TIMEOUT", PRODUCTION) == "20"
    assert _setting("EMAIL_TIMEOUT", {**PRODUCTION, "EMAIL_TIMEOUT": "7,5"}) == "7.5"
    assert _setting("CELERY_TASK_SOFT_TIME_LIMIT", PRODUCTION) == "300"
    assert _setting("CELERY_TASK_TIME_LIMIT", PRODUCTION) == "360"
    broker = _setting(
        "CELERY_BROKER_TRANSPORT_OPTIONS", {**PRODUCTION, "REDIS_URL": "redis://redis:6379/0"}
    )
    assert "'socket_connect_timeout': 0.5" in broker and "'socket_timeout': 5" in broker


def test_the_web_publishes_within_about_a_second(settings):
    """(1 + retries) attempts of a connect and an answer, plus the pauses between them."""
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    attempts = 1 + policy["max_retries"]
    pauses = policy["max_retries"] * policy["interval_max"]
    # Redis frozen: it accepts the connection and never answers.
    assert attempts * settings.REDIS_TIMEOUT + pauses <= 1.2
    # Redis's host gone: connecting fails too.
    assert attempts * (settings.REDIS_CONNECT_TIMEOUT + settings.REDIS_TIMEOUT) + pauses <= 2.1


def test_gunicorn_waits_longer_than_the_database_may():
    namespace: dict = {}
    exec((ROOT / "config" / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["timeout"] > 3 + 15


def _variables_read() -> set[str]:
    """Every environment variable the settings, gunicorn's and Celery's configuration read."""
    import re

    pattern = re.compile(
        r"(?:env_(?:str|bool|int|decimal|list|seconds)|os\.environ\.get|os\.getenv|environ\.get)"
        r"\(\s*\"([A-Z][A-Z0-9_]+)\""
    )
    names = set()
    for path in sorted((ROOT / "config").glob("*.py")):
        names |= set(pattern.findall(path.read_text()))
    return names


def _compose_variables() -> set[str]:
    import re

    text = (ROOT / "docker-compose.yml").read_text()
    substituted = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]+)", text))
    passed_on = set(re.findall(r"^ {4}([A-Z][A-Z0-9_]+):\s*$", text, re.MULTILINE))
    return substituted | passed_on


def test_every_variable_read_is_documented():
    """QA (go-live): DATABASE_CONN_MAX_AGE, the HSTS switches, EMAIL_BACKEND, HOURS_WEEKS_BACK,
    the gunicorn variables and half of docker-compose.yml's own variables were read but not in
    the README, so IT could neither find nor review them."""
    readme = (ROOT / "README.md").read_text()
    names = _variables_read() | _compose_variables()
    assert {"DJANGO_SECRET_KEY", "GUNICORN_WORKERS", "DJANGO_STATICFILES_STORAGE"} <= names
    assert {"POSTGRES_DB", "WEB_PORT", "OIDC_CLIENT_ID"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"not in README.md (as `NAME`): {missing}"


def test_the_log_level_may_be_written_in_small_letters():
    """QA (go-live): LOG_LEVEL=info ended the start with a traceback from logging.config."""
    result = manage("check", env={**PRODUCTION, "LOG_LEVEL": "warning"})
    assert result.returncode == 0, result.stderr
