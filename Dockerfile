# syntax=docker/dockerfile:1
#
# Production image: gunicorn serves the app (whitenoise serves static files); the same image runs
# the Celery worker and beat and the one-shot `manage.py migrate` (see docker-compose.yml).
#
#   docker build -t indsatsteam .
#   docker run --env-file prod.env -p 8000:8000 indsatsteam

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- Build stage: dependencies into /app/.venv, then the project and its static files ---------
FROM ${PYTHON_IMAGE} AS build

ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir "uv==${UV_VERSION}"

# The venv uses the base image's interpreter (/usr/local/bin/python3.11), which the runtime stage
# has at the same path, so the venv can be copied across as it is.
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy

WORKDIR /app

# Dependencies first, in their own layer: only a change to pyproject.toml/uv.lock rebuilds it.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

# The project itself is not a package (tool.uv.package = false): copying it is all it needs.
COPY . .

# Static files are hashed and compressed once, at build time (whitenoise's
# CompressedManifestStaticFilesStorage needs the manifest at run time). The secret key is a
# placeholder for this step only; it is not kept in the image. DJANGO_VAR_DIR points at a
# throw-away folder because settings create var/celery/... when REDIS_URL is unset.
ENV DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_STATIC_ROOT=/app/staticfiles
RUN DJANGO_SECRET_KEY="build-only-collectstatic-placeholder-key-0123456789-abcdefghijklmnop" \
    DJANGO_VAR_DIR=/tmp/build-var \
    /app/.venv/bin/python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var

# --- Runtime stage ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# System libraries for WeasyPrint (PDF generation, to be added): Pango, HarfBuzz and a font.
# xmlsec1: pysaml2 signs and verifies SAML messages with it.
# tzdata: the time-zone database for Europe/Copenhagen (zoneinfo), listed so it is never dropped.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        fonts-dejavu-core \
        tzdata \
        xmlsec1 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_VAR_DIR=/app/var

WORKDIR /app

# Code, venv and static files stay owned by root (read-only to the app user); only the var
# folder (the file-system broker and e-mail files when there is no Redis or mail server) is
# writable; beat keeps its schedules in the database.
COPY --from=build /app /app
RUN mkdir -p /app/var && chown app:app /app/var

USER app

EXPOSE 8000

# The Host header must be in DJANGO_ALLOWED_HOSTS (docker-compose.yml includes localhost).
# The image's own check is liveness (/healthz/live/: the process answers, whatever the database
# does), so an orchestrator that restarts unhealthy containers does not restart every web
# process during a database outage; readiness is /healthz/ (docker-compose.yml's web check).
# Both are exempt from the HTTPS redirect. Containers running the worker, beat or migrate from
# this image override or disable it (docker-compose.yml does).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; r = u.urlopen(u.Request('http://127.0.0.1:8000/healthz/live/', headers={'Host': 'localhost'}), timeout=5); sys.exit(0 if r.status == 200 else 1)"]

CMD ["gunicorn", "config.wsgi:application", "--config", "config/gunicorn.conf.py"]
