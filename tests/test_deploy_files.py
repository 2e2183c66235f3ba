"""docker-compose.yml is a valid compose file and refuses to start without its secrets."""

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parent.parent


def compose_config(env):
    require_service(bool(shutil.which("docker-compose")), "docker-compose (Debian package)")
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "POSTGRES_", "SITE_URL", "OIDC_", "SAML_"))
    }
    return subprocess.run(
        ["docker-compose", "config"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_is_valid_and_runs_every_part():
    result = compose_config(
        {
            "DJANGO_SECRET_KEY": "k" * 60,
            "SITE_URL": "https://indsats.example.dk",
            "POSTGRES_PASSWORD": "hemmeligt",
            "POSTGRES_APP_PASSWORD": "appkode",
            "SUPPORT_S3_SECRET_KEY": "lagerkode",
        }
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    # The application runs as its own least-privileged role; only migrate as the owner.
    for name in ("web", "worker", "beat"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgres://indsatsteam_app:appkode@"), url
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith(
        "postgres://indsatsteam:hemmeligt@"
    )
    assert services["migrate"]["environment"]["DJANGO_SECRET_KEY"] == "k" * 60
    assert any(
        "docker-entrypoint-initdb.d" in str(volume) for volume in services["postgres"]["volumes"]
    )
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn"
    assert "/healthz/'" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["web"]["command"][-2:] == ["--config", "config/gunicorn.conf.py"]
    assert services["web"]["environment"]["GUNICORN_TIMEOUT"] == "30"
    assert services["worker"]["environment"]["EMAIL_TIMEOUT"] == "20"
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # Support documents go to the object store, with the web's and the worker's bounded wait.
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        assert environment["SUPPORT_STORAGE"] == "s3"
        assert environment["SUPPORT_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert environment["SUPPORT_S3_SECRET_KEY"] == "lagerkode"
    assert services["minio"]["environment"]["MINIO_ROOT_PASSWORD"] == "lagerkode"
    assert "anonymous set none" in " ".join(services["minio-bucket"]["entrypoint"])


def test_compose_refuses_to_start_without_the_secret_key():
    result = compose_config(
        {
            "SITE_URL": "https://indsats.example.dk",
            "POSTGRES_PASSWORD": "hemmeligt",
            "POSTGRES_APP_PASSWORD": "a",
            "SUPPORT_S3_SECRET_KEY": "s",
        }
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_image_checks_liveness_and_the_compose_file_readiness():
    dockerfile = (ROOT / "Dockerfile").read_text()
    healthcheck = dockerfile[dockerfile.index("HEALTHCHECK") :]
    assert "/healthz/live/" in healthcheck.split("\n\n")[0]
    assert '"config/gunicorn.conf.py"]' in dockerfile


def test_compose_refuses_to_start_without_the_object_stores_password():
    result = compose_config(
        {
            "DJANGO_SECRET_KEY": "k" * 60,
            "SITE_URL": "https://indsats.example.dk",
            "POSTGRES_PASSWORD": "hemmeligt",
            "POSTGRES_APP_PASSWORD": "appkode",
        }
    )
    assert result.returncode != 0
    assert "SUPPORT_S3_SECRET_KEY" in result.stderr


def test_compose_refuses_to_start_without_the_app_roles_password():
    result = compose_config(
        {
            "DJANGO_SECRET_KEY": "k" * 60,
            "SITE_URL": "https://indsats.example.dk",
            "POSTGRES_PASSWORD": "hemmeligt",
            "SUPPORT_S3_SECRET_KEY": "s",
        }
    )
    assert result.returncode != 0
    assert "POSTGRES_APP_PASSWORD" in result.stderr


def test_the_readmes_deploy_steps_give_a_valid_compose_file():
    """QA: the README's exports, as written, left out a secret the compose file requires."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Deploying with docker-compose", 1)[1].split("```sh", 1)[1]
    block = block.split("```", 1)[0]
    exports = [line for line in block.splitlines() if line.startswith("export ")]
    assert len(exports) >= 5
    script = "\n".join([*exports, "exec docker-compose config"])
    require_service(bool(shutil.which("docker-compose")), "docker-compose (Debian package)")
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "POSTGRES_", "SUPPORT_", "EMAIL_", "SITE_URL"))
    }
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "indsats.kommune.dk" in result.stdout
    services = yaml.safe_load(result.stdout)["services"]
    assert services["worker"]["environment"]["SITE_URL"] == "https://indsats.kommune.dk"


REQUIRED = {
    "DJANGO_SECRET_KEY": "k" * 60,
    "POSTGRES_PASSWORD": "hemmeligt",
    "POSTGRES_APP_PASSWORD": "appkode",
    "SUPPORT_S3_SECRET_KEY": "lagerkode",
}


def test_compose_refuses_to_start_without_the_sites_address():
    """QA (go-live): without SITE_URL the worker's e-mails and the PDFs' QR codes pointed at
    http://127.0.0.1:8000."""
    result = compose_config(REQUIRED)
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_compose_passes_the_login_and_municipality_settings_on():
    """QA (go-live): the containers saw none of the login variables, so OIDC_CLIENT_ID, SAML_*,
    LOCAL_PASSWORDS or MUNICIPALITY_NAME in .env changed nothing. Unset, they stay unset (the
    application's defaults), not empty."""
    given = {
        "SITE_URL": "https://indsats.example.dk",
        "OIDC_CLIENT_ID": "indsats",
        "OIDC_CLIENT_SECRET": "hemmelig",
        "OIDC_ISSUER": "https://sso.example.dk/realms/kommune",
        "SAML_SP_ENTITY_ID": "https://indsats.example.dk/saml2/metadata/",
        "LOCAL_PASSWORDS": "false",
        "BREAK_GLASS_ACCOUNTS": "it@example.dk",
        "MUNICIPALITY_NAME": "Eksempel Kommune",
        "SESSION_IDLE_MINUTES": "20",
    }
    result = compose_config({**REQUIRED, **given})
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in ("web", "worker", "beat", "migrate"):
        environment = services[name]["environment"]
        for key, value in given.items():
            assert environment[key] == value, (name, key)
        assert environment.get("OIDC_SCOPES") is None
        assert environment.get("ADMINISTRATION_TOTP") is None


def test_the_worker_and_beat_log_at_the_configured_level():
    """QA (go-live): LOG_LEVEL=WARNING quietened the web, while the worker and beat went on at
    INFO (their command named the level)."""
    result = compose_config(
        {**REQUIRED, "SITE_URL": "https://x.example.dk", "LOG_LEVEL": "WARNING"}
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[command.index("--loglevel") + 1] == "WARNING", command
