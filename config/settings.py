"""Settings for every environment, driven by environment variables (README.md lists them).

With no variables set the app refuses to start outside DEBUG (no SECRET_KEY). `make run` sets
DJANGO_DEBUG=true and runs on the embedded defaults: SQLite and a file-system Celery broker.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.env import env_bool, env_decimal, env_int, env_list, env_seconds, env_str
from institutioner.validators import find_cpr_like as _find_cpr_like

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DJANGO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "debug-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 random characters.")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "institutioner.apps.MunicipalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "django_celery_beat",
    "django_otp",
    "institutioner.apps.AuthenticatorConfig",
    "institutioner.apps.LockoutConfig",
    "csp",
    "institutioner",
    "indsats",
    "forloeb",
]

# The demo and synthetic municipalities (`load_demo`, `generate_municipality`) are for development
# only: `make run`, `make test` and `make bench` set DJANGO_DEMO=true; the production image has no
# demo/ folder and runs without it.
if env_bool("DJANGO_DEMO", False):
    if not (BASE_DIR / "demo" / "apps.py").exists():
        raise ImproperlyConfigured("DJANGO_DEMO=true, but this installation has no demo/ folder.")
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "institutioner.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form sent after the session ended: back to its page after the login, with a message.
    "institutioner.middleware.SignedOutFormMiddleware",
    # Before anything reads a form: a far too large document upload is refused unread.
    "indsats.support.middleware.RefuseLargeUploads",
    "institutioner.middleware.RefuseNulBytesMiddleware",
    "institutioner.middleware.SessionLifetimeMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",
    "institutioner.sso.middleware.SessionRefresh",
    "institutioner.sso.middleware.SecondFactorMiddleware",
    "institutioner.middleware.NoStoreForSignedInMiddleware",
    # A button's address opened as a page: a Danish page, not an empty 405.
    "institutioner.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "institutioner.middleware.AdminInlineStylesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After the view: one access-log row for a page that shows personal data.
    "institutioner.accesslog.services.AccessLogMiddleware",
    # axes must be last: it turns a lockout signalled by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "institutioner.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": environ.Env.db_url_config(env_str("DATABASE_URL", _default_sqlite))}
except Exception as exc:  # environ raises several kinds for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
_SUPPORTED_ENGINES = ("django.db.backends.postgresql", "django.db.backends.sqlite3")
if DATABASES["default"].get("ENGINE") not in _SUPPORTED_ENGINES:
    raise ImproperlyConfigured(
        "DATABASE_URL is not a valid database URL: use postgres://… or sqlite:///…"
    )
# --- Bounded waits (README: Configuration and Reliability) ----------------------------------
# gunicorn's entry point (config/wsgi.py) marks its processes as the web's: a web request gets
# the short statement timeout, so a page answers (with the Danish 503) before gunicorn's own
# timeout kills the process; workers, beat and commands get the long one.
WEB_PROCESS = env_bool("DJANGO_WEB_PROCESS", False)
# PostgreSQL: how long to wait for a connection (libpq counts at least 2 seconds) and for one
# statement.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=2)
DATABASE_STATEMENT_TIMEOUT = env_seconds("DATABASE_STATEMENT_TIMEOUT", 15, minimum=0.1)
DATABASE_WORKER_STATEMENT_TIMEOUT = env_seconds(
    "DATABASE_WORKER_STATEMENT_TIMEOUT", 600, minimum=0.1
)
# Redis: connecting, and every answer to the web (publishing a task, the cache's counters, the
# health check). The worker's own connection waits longer (kombu polls with a 1-second BRPOP).
REDIS_CONNECT_TIMEOUT = env_seconds("REDIS_CONNECT_TIMEOUT", 0.5, minimum=0.05)
REDIS_TIMEOUT = env_seconds("REDIS_TIMEOUT", 0.5, minimum=0.05)
REDIS_WORKER_TIMEOUT = env_seconds("REDIS_WORKER_TIMEOUT", 5, minimum=2)
# Publishing a task tries this many times more after a failure (the outbox sweeps up the rest).
BROKER_PUBLISH_RETRIES = env_int("BROKER_PUBLISH_RETRIES", 1, minimum=0)
# A hung server cannot cancel a statement itself: the web stops waiting for it this long after
# the statement timeout (institutioner/dbhang.py).
DATABASE_HANG_GRACE = 1.0
# gunicorn (config/gunicorn.conf.py) must wait longer than the database may, or a slow page
# ends in gunicorn's English error instead of ours.
GUNICORN_TIMEOUT = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
if WEB_PROCESS and GUNICORN_TIMEOUT <= (
    DATABASE_CONNECT_TIMEOUT + DATABASE_STATEMENT_TIMEOUT + DATABASE_HANG_GRACE
):
    raise ImproperlyConfigured(
        f"GUNICORN_TIMEOUT={GUNICORN_TIMEOUT} must be larger than DATABASE_CONNECT_TIMEOUT + "
        f"DATABASE_STATEMENT_TIMEOUT + {DATABASE_HANG_GRACE:g} s for a hung server "
        f"({DATABASE_CONNECT_TIMEOUT} + {DATABASE_STATEMENT_TIMEOUT} + {DATABASE_HANG_GRACE:g} s)."
    )
# The Danish 503 page asks browsers and load balancers to come back after this many seconds.
RETRY_AFTER_SECONDS = env_int("RETRY_AFTER_SECONDS", 30, minimum=1)

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
    _statement_ms = round(
        1000 * (DATABASE_STATEMENT_TIMEOUT if WEB_PROCESS else DATABASE_WORKER_STATEMENT_TIMEOUT)
    )
    # Waiting for a lock counts inside the statement timeout.
    _timeout = f"-c statement_timeout={_statement_ms}"
    options["options"] = f"{options.get('options', '')} {_timeout}".strip()
    if not env_bool("DATABASE_JIT", False):
        # The pages run short queries; PostgreSQL's JIT compiler spent 10-15 ms compiling the
        # dashboards' aggregates and never won it back at a municipality's size.
        options["options"] = f"{options['options']} -c jit=off".strip()
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server, a worker and beat share the file: take the write lock at the start of a
    # transaction and wait for it (a lock upgrade mid-transaction fails at once), and let readers
    # go on while someone writes (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, login and sessions ----------------------------------------------------------------
AUTH_USER_MODEL = "institutioner.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "institutioner.sso.oidc.Backend",
    "institutioner.sso.saml.Backend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

# --- The municipality's identity provider (OpenID Connect, mozilla-django-oidc) ------------------
# Configured when OIDC_CLIENT_ID is set; the endpoints come from OIDC_DISCOVERY_URL (or
# OIDC_ISSUER + /.well-known/openid-configuration) unless each is given. README: *Logging in*.
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
if OIDC_RP_CLIENT_ID and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured("OIDC_CLIENT_ID is set, so OIDC_CLIENT_SECRET must be too.")
_oidc_issuer = env_str("OIDC_ISSUER", "").rstrip("/")
OIDC_DISCOVERY_URL = env_str(
    "OIDC_DISCOVERY_URL",
    f"{_oidc_issuer}/.well-known/openid-configuration" if _oidc_issuer else "",
)
OIDC_OP_ISSUER = _oidc_issuer
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT", "")
if (
    OIDC_RP_CLIENT_ID
    and not OIDC_DISCOVERY_URL
    and not all(
        (
            OIDC_OP_ISSUER,
            OIDC_OP_AUTHORIZATION_ENDPOINT,
            OIDC_OP_TOKEN_ENDPOINT,
            OIDC_OP_USER_ENDPOINT,
            OIDC_OP_JWKS_ENDPOINT,
        )
    )
):
    raise ImproperlyConfigured(
        "OIDC_CLIENT_ID is set: set OIDC_ISSUER or OIDC_DISCOVERY_URL (or every endpoint)."
    )
OIDC_RP_IDP_SIGN_KEY = None
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGORITHM", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_SUBJECT_CLAIM = env_str("OIDC_SUBJECT_CLAIM", "sub")
OIDC_EMAIL_CLAIM = env_str("OIDC_EMAIL_CLAIM", "email")
OIDC_NAME_CLAIM = env_str("OIDC_NAME_CLAIM", "name")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_LOGIN_LABEL = env_str("OIDC_LOGIN_LABEL", "")
# Every call to the provider waits at most this long (a provider that is down: a Danish message).
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 2, minimum=1)
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 60, minimum=0)
OIDC_USE_PKCE = True
OIDC_VERIFY_SSL = True
# The provider is asked again (without a prompt) this often, which logs out a leaver.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env_int("OIDC_RENEW_MINUTES", 15, minimum=1) * 60
OIDC_EXEMPT_URLS = ["logout", "healthz"]
# Logging out here also ends the session at the provider (RP-initiated logout, its discovery
# document's end_session_endpoint or OIDC_END_SESSION_ENDPOINT): on a shared computer the next
# person who chooses the municipality's login must log in, not get the previous person's session.
# The ID token is kept in the session as the logout's id_token_hint.
OIDC_STORE_ID_TOKEN = True
OIDC_LOGOUT_AT_PROVIDER = env_bool("OIDC_LOGOUT_AT_PROVIDER", True)
OIDC_END_SESSION_ENDPOINT = env_str("OIDC_END_SESSION_ENDPOINT", "")
OIDC_REDIRECT_ALLOWED_HOSTS: list[str] = []
LOGIN_REDIRECT_URL_FAILURE = "login"
SSO_CREATE_USERS = env_bool("SSO_CREATE_USERS", True)

# --- The municipal access control (SAML 2.0, djangosaml2 + pysaml2) ------------------------------
# Configured when SAML_SP_ENTITY_ID is set: the identity provider's metadata comes from a file
# (SAML_IDP_METADATA_FILE) or is fetched (SAML_IDP_METADATA_URL, bounded wait, kept an hour);
# this site signs with SAML_KEY_FILE/SAML_CERT_FILE. README: *Logging in*.
SAML_SP_ENTITY_ID = env_str("SAML_SP_ENTITY_ID", "")
SAML_IDP_METADATA_FILE = env_str("SAML_IDP_METADATA_FILE", "")
SAML_IDP_METADATA_URL = env_str("SAML_IDP_METADATA_URL", "")
SAML_KEY_FILE = env_str("SAML_KEY_FILE", "")
SAML_CERT_FILE = env_str("SAML_CERT_FILE", "")
if SAML_SP_ENTITY_ID and not (SAML_IDP_METADATA_FILE or SAML_IDP_METADATA_URL):
    raise ImproperlyConfigured(
        "SAML_SP_ENTITY_ID is set: set SAML_IDP_METADATA_FILE or SAML_IDP_METADATA_URL."
    )
if SAML_SP_ENTITY_ID and not (SAML_KEY_FILE and SAML_CERT_FILE):
    raise ImproperlyConfigured("SAML_SP_ENTITY_ID is set: set SAML_KEY_FILE and SAML_CERT_FILE.")
# Attribute names: the subject (empty = the assertion's NameID), e-mail, name, and the job-function
# roles (KOMBIT's base64 privilege list, or plain group names).
SAML_SUBJECT_ATTRIBUTE = env_str("SAML_SUBJECT_ATTRIBUTE", "")
SAML_EMAIL_ATTRIBUTE = env_str("SAML_EMAIL_ATTRIBUTE", "email")
SAML_NAME_ATTRIBUTE = env_str("SAML_NAME_ATTRIBUTE", "name")
SAML_GROUPS_ATTRIBUTE = env_str(
    "SAML_GROUPS_ATTRIBUTE", "dk:gov:saml:attribute:Privileges_intermediate"
)
SAML_LOGIN_LABEL = env_str("SAML_LOGIN_LABEL", "")
SAML_TIMEOUT = env_int("SAML_TIMEOUT_SECONDS", 2, minimum=1)
SAML_CLOCK_SKEW_SECONDS = env_int("SAML_CLOCK_SKEW_SECONDS", 60, minimum=0)
SAML_CONFIG_LOADER = "institutioner.sso.saml.config_loader"
SAML_SESSION_COOKIE_NAME = "saml_session"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
# Passwords only where needed: with LOCAL_PASSWORDS=false only the break-glass accounts (e-mail
# addresses) may log in with a password; everyone else logs in through the identity provider.
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", True)
BREAK_GLASS_ACCOUNTS = [e.lower() for e in env_list("BREAK_GLASS_ACCOUNTS", [])]
# The administration's password logins need a TOTP code, set up at the first login.
ADMINISTRATION_TOTP = env_bool("ADMINISTRATION_TOTP", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Indsatsteamet")
# A fresh login at the identity provider (to sign) counts for this long.
SSO_FRESH_LOGIN_MINUTES = env_int("SSO_FRESH_LOGIN_MINUTES", 5, minimum=1)

SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12, minimum=1)
# The cookie age is the idle timeout: institutioner.middleware.SessionLifetimeMiddleware renews
# a signed-in session (its row and its cookie) when it was last renewed SESSION_RENEW_SECONDS
# ago or more, so the idle limit holds to within that, and it enforces the absolute limit.
# Saving on every request instead wrote the session row on every page view.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
# The identity provider's answer is a cross-site POST: the SAML session cookie must come with it
# (SameSite=None, which browsers accept only on Secure cookies; plain http in development: Lax).
SAML_SESSION_COOKIE_SAMESITE = "None" if SESSION_COOKIE_SECURE else "Lax"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login form posts the e-mail in the field Django calls "username" (axes would read "email").
AXES_USERNAME_FORM_FIELD = "username"
# E-mail addresses match whatever their capitals, so the lockout counts them the same way.
AXES_USERNAME_CALLABLE = "institutioner.services.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind N reverse proxies the client's address is in X-Forwarded-For; without a proxy that
# header is the client's own word and must not be trusted (it would dodge the lockout).
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0, minimum=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
# The client's address as the access log reads it, from the count above: the lockout, the login
# and password-reset limits and the log agree. (Without this, axes reads the proxies only with
# django-ipware installed, and else counts every client under the proxy's one address.)
AXES_CLIENT_IP_CALLABLE = "institutioner.accesslog.services.client_address"
AXES_VERBOSE = False
# Beyond axes (one e-mail at one address): failed logins per address and for the whole site,
# and password-reset e-mails per address, per e-mail and for the whole site, each counted over
# THROTTLE_MINUTES in the cache (institutioner/throttle.py).
THROTTLE_MINUTES = env_int("THROTTLE_MINUTES", 15, minimum=1)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1)
LOGIN_FAILURES_EVERYWHERE = env_int("LOGIN_FAILURES_EVERYWHERE", 300, minimum=1)
PASSWORD_RESETS_PER_ADDRESS = env_int("PASSWORD_RESETS_PER_ADDRESS", 5, minimum=1)
PASSWORD_RESETS_PER_EMAIL = env_int("PASSWORD_RESETS_PER_EMAIL", 3, minimum=1)
PASSWORD_RESETS_EVERYWHERE = env_int("PASSWORD_RESETS_EVERYWHERE", 100, minimum=1)

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^healthz/live/$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws form controls' icons as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Danish input formats people actually type (17.00 as well as 17:00), on top of Django's.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# `make run` serves static files straight from static/ (no collectstatic), as DEBUG does.
WHITENOISE_USE_FINDERS = env_bool("DJANGO_STATIC_FROM_SOURCE", DEBUG)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
from botocore.config import Config as _BotoConfig  # noqa: E402

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "DJANGO_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
    # Support applications' documents (child data): never at a public address; every download
    # goes through a scoped, logged view. Local files under var/ by default; an S3-compatible
    # store (MinIO, AWS, …) with SUPPORT_STORAGE=s3 and the SUPPORT_S3_* variables. Its waits
    # are bounded: an upload to a store that hangs fails in seconds and can be tried again.
    "support": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env_str("SUPPORT_S3_BUCKET", "indsats-support"),
                "endpoint_url": env_str("SUPPORT_S3_ENDPOINT_URL", "") or None,
                "region_name": env_str("SUPPORT_S3_REGION", "") or None,
                "access_key": env_str("SUPPORT_S3_ACCESS_KEY", ""),
                "secret_key": env_str("SUPPORT_S3_SECRET_KEY", ""),
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "addressing_style": env_str("SUPPORT_S3_ADDRESSING_STYLE", "path"),
                "client_config": _BotoConfig(
                    # A store that hangs is a Danish message in about two seconds: the
                    # same bound to connect and for each read (an upload's answer comes
                    # once the body is sent; a download's bytes keep coming).
                    connect_timeout=env_seconds("SUPPORT_S3_TIMEOUT", 2.0, minimum=0.1),
                    read_timeout=env_seconds("SUPPORT_S3_TIMEOUT", 2.0, minimum=0.1),
                    # One try in all ("max_attempts" counts the retries: 1 meant two tries,
                    # twice the wait before a hanging store's upload failed).
                    retries={"total_max_attempts": 1, "mode": "standard"},
                    s3={"addressing_style": env_str("SUPPORT_S3_ADDRESSING_STYLE", "path")},
                ),
            },
        }
        if env_str("SUPPORT_STORAGE", "file") == "s3"
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": env_str("SUPPORT_FILES_DIR", str(VAR_DIR / "support-documents")),
                # No base_url: the files have no address of their own.
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    ),
}
# The largest document a person may attach (bytes).
SUPPORT_DOCUMENT_MAX_BYTES = env_int("SUPPORT_DOCUMENT_MAX_BYTES", 15 * 1024 * 1024)

# --- Forms ------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -----------------------------------------------------------------------------------
# Without EMAIL_URL, e-mails go to files in var/mail/ (debug and `make run`) or to the console.
_email_to_files = env_bool("DJANGO_EMAIL_TO_FILES", DEBUG)
_email_default = "filemail://" if _email_to_files else "consolemail://"
try:
    _email = environ.Env.email_url_config(env_str("EMAIL_URL", _email_default))
except Exception as exc:
    raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL: {exc}") from exc
# EMAIL_BACKEND, when set, overrides the URL's backend (a dotted path, e.g. a provider's backend).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "") or _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
if not Path(EMAIL_FILE_PATH).is_absolute():
    # filemail:///srv/mail comes back from the URL parser without its leading slash.
    EMAIL_FILE_PATH = "/" + EMAIL_FILE_PATH
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# A mail server that accepts and never answers must not hold a worker: every read and write on
# the SMTP connection waits at most this long.
EMAIL_TIMEOUT = env_seconds("EMAIL_TIMEOUT", 20, minimum=0.1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Indsatsteamet <indsatsteam@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Indsatsteam] "
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
# The address people open the system at; links in e-mails sent by the worker start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Agreements -------------------------------------------------------------------------------
# A midway evaluation is proposed only for courses at least this long (leaders found midway
# evaluations of short courses wasteful); a final evaluation always.
AGREEMENT_MIDWAY_MIN_WEEKS = env_int("AGREEMENT_MIDWAY_MIN_WEEKS", 12, minimum=1)
# Whether the administration signs agreements too, beside the leader and the pedagogist(s).
AGREEMENT_ADMINISTRATION_SIGNS = env_bool("AGREEMENT_ADMINISTRATION_SIGNS", False)

# --- Hours (seed 000) -------------------------------------------------------------------------
# Norms shown as warnings on the week sheet and as flags on the dashboards, never as blocks.
# Preparation a week for each course, taken in the institution.
HOURS_PREPARATION_PER_COURSE = env_decimal("HOURS_PREPARATION_PER_COURSE", "1")
# Peer sparring every 14 days.
HOURS_SPARRING_PER_14_DAYS = env_decimal("HOURS_SPARRING_PER_14_DAYS", "1.5")
# The least share of the week's hours that should be practice with the children and staff.
HOURS_PRACTICE_SHARE_MIN_PERCENT = env_int("HOURS_PRACTICE_SHARE_MIN_PERCENT", 60, minimum=0)
# How many weeks after the current one a pedagogist may fill in (planned days before a holiday).
HOURS_WEEKS_AHEAD = env_int("HOURS_WEEKS_AHEAD", 1, minimum=0)
# How many weeks back a pedagogist may still fill in a week that is not approved.
HOURS_WEEKS_BACK = env_int("HOURS_WEEKS_BACK", 52, minimum=1)
# An Excel export of more hour rows than this is built in the background (Celery) with its
# progress shown; a smaller one is answered at once. About 20,000 rows take 3-4 s in a request.
HOURS_EXPORT_XLSX_INLINE_ROWS = env_int("HOURS_EXPORT_XLSX_INLINE_ROWS", 20000, minimum=0)

# --- Dashboards -------------------------------------------------------------------------------
# The effect figures (five years of every course) are computed at most this often and kept in
# the cache; the page says when they were computed. 0: computed on every request.
EFFECT_CACHE_SECONDS = env_int("EFFECT_CACHE_SECONDS", 600, minimum=0)

# --- Reminders (#7) ---------------------------------------------------------------------------
# When each rule runs is the schedule's, editable on the health page (Drift); these say what is
# due. Working days skip weekends and Danish holidays: "public" are the official ones, "optional"
# adds 1 May, Grundlovsdag, Christmas Eve and New Year's Eve (days a municipality usually closes).
WORKING_DAYS_HOLIDAY_CATEGORIES = env_list(
    "WORKING_DAYS_HOLIDAY_CATEGORIES", ["public", "optional"]
)
# An evaluation is announced this many days before it is due (and once more when overdue).
EVALUATION_REMINDER_DAYS = env_int("EVALUATION_REMINDER_DAYS", 7, minimum=0)
# An agreement waiting for signatures this many working days reminds the missing signers.
SIGNATURE_REMINDER_WORKING_DAYS = env_int("SIGNATURE_REMINDER_WORKING_DAYS", 3, minimum=1)
# A course ending within this many days without a planned follow-up is flagged.
COURSE_ENDING_REMINDER_DAYS = env_int("COURSE_ENDING_REMINDER_DAYS", 14, minimum=1)
# A request not triaged within this many working days reminds the administration.
REQUEST_TRIAGE_WORKING_DAYS = env_int("REQUEST_TRIAGE_WORKING_DAYS", 5, minimum=1)
# The health page calls the worker and the beat late when their last sign of life is older.
HEALTH_HEARTBEAT_LATE_MINUTES = env_int("HEALTH_HEARTBEAT_LATE_MINUTES", 2, minimum=1)

# Retention (issue 16): how long personal data is kept before the nightly run anonymises or
# deletes it, in whole years. A year is the least: the database's triggers refuse to let a
# signed agreement or an approved week be anonymised sooner, whatever these say.
# Closed courses, their agreements (every signed version), requests, evaluations, logbooks and
# week sheets' notes, counted from the day the course closed (a week sheet from its week).
RETENTION_CLOSED_COURSE_YEARS = env_int("RETENTION_CLOSED_COURSE_YEARS", 5, minimum=1)
# Rejected and withdrawn requests, counted from the decision (a request left waiting from anything
# that last happened to it); a draft never sent is deleted this long after its last change.
RETENTION_ENDED_REQUEST_YEARS = env_int("RETENTION_ENDED_REQUEST_YEARS", 1, minimum=1)
# The access log's rows (deleted).
RETENTION_ACCESS_LOG_YEARS = env_int("RETENTION_ACCESS_LOG_YEARS", 2, minimum=1)
# Support applications (child data) that ended (rejected, ended, withdrawn), counted from the
# decision: anonymised, their documents deleted. Drafts untouched for RETENTION_SUPPORT_DRAFT_YEARS
# are deleted.
RETENTION_SUPPORT_YEARS = env_int("RETENTION_SUPPORT_YEARS", 5, minimum=1)
RETENTION_SUPPORT_DRAFT_YEARS = env_int("RETENTION_SUPPORT_DRAFT_YEARS", 1, minimum=1)
# Notifications and e-mails in the outbox (deleted).
RETENTION_NOTIFICATION_YEARS = env_int("RETENTION_NOTIFICATION_YEARS", 1, minimum=1)
# Kept exports that hold personal data (an access request's ZIP, a background Excel file of
# hours), deleted with their rows this many days after they were asked for: the person has had
# the file, and a new one can be made at any time.
RETENTION_EXPORT_DAYS = env_int("RETENTION_EXPORT_DAYS", 30, minimum=1)

MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Demo Kommune")
# A PNG or SVG under static/ shown at the top of every PDF.
MUNICIPALITY_LOGO = env_str("MUNICIPALITY_LOGO", "img/kommune-logo.svg")
# The complaint guide (klagevejledning, forvaltningsloven § 25) in every support decision letter
# and its e-mail: where, how and by when the parents complain. Empty: a generic Danish text that
# names MUNICIPALITY_NAME (indsats/supportmeetings/selectors.py). At most 2,000 characters and
# no CPR number, as the app's other free text.
SUPPORT_COMPLAINT_GUIDE = env_str("SUPPORT_COMPLAINT_GUIDE", "").strip()
if len(SUPPORT_COMPLAINT_GUIDE) > 2000:
    raise ImproperlyConfigured(
        f"SUPPORT_COMPLAINT_GUIDE is {len(SUPPORT_COMPLAINT_GUIDE)} characters long: at most 2000"
    )
if _find_cpr_like(SUPPORT_COMPLAINT_GUIDE):
    raise ImproperlyConfigured(
        "SUPPORT_COMPLAINT_GUIDE contains something that looks like a CPR number"
    )

# --- Celery -----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    _redis = urlsplit(REDIS_URL)
    if _redis.scheme not in ("redis", "rediss", "unix") or not (_redis.hostname or _redis.path):
        raise ImproperlyConfigured(
            "REDIS_URL is not a valid Redis URL: use redis://host:port/db, rediss://… or "
            "unix:///path (for example redis://127.0.0.1:6379/0)"
        )
    try:
        _redis.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as exc:
        raise ImproperlyConfigured(f"REDIS_URL is not a valid Redis URL: {exc}") from exc
# The cache holds the login and password-reset counters: in Redis every replica sees the same
# counts; without Redis (a laptop, one process) local memory does.
# The client's own retries (with backoff, by default) would multiply these waits.
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    "retry": Retry(NoBackoff(), 0),
}
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "indsats-cache",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Without socket timeouts a Redis that accepts connections but does not answer blocks a
    # publishing web request forever. This is the worker's connection: its read timeout stays
    # above kombu's 1-second BRPOP poll. Publishing uses REDIS_TIMEOUT instead
    # (institutioner/notifications/services.py, `broker_publish_options`).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
        "socket_timeout": REDIS_WORKER_TIMEOUT,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
    CELERY_REDIS_SOCKET_TIMEOUT = REDIS_WORKER_TIMEOUT
else:
    # The embedded default: kombu's file-system transport, shared by web, worker and beat
    # through a folder, so a laptop needs no broker server.
    _broker_dir = VAR_DIR / "celery" / "broker"
    _results_dir = VAR_DIR / "celery" / "results"
    for _folder in (
        _broker_dir / "queue",
        _broker_dir / "processed",
        _broker_dir / "control",
        _results_dir,
    ):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    # kombu's filesystem transport, with messages written whole before a worker can see them
    # (config/broker.py).
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{_results_dir}"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = timedelta(days=1)
# Tasks are published from web requests after commit. With the broker down or frozen, give up
# after about a second (the outbox's sweep sends the message later) instead of holding the
# request: (1 + retries) attempts of at most REDIS_CONNECT_TIMEOUT + REDIS_TIMEOUT each.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": BROKER_PUBLISH_RETRIES,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
# A task that runs too long is stopped: first an exception inside it (soft), then the process.
# A hung mail server is bounded by EMAIL_TIMEOUT well before this.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=2)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_TASK_TIME_LIMIT must be larger than CELERY_TASK_SOFT_TIME_LIMIT."
    )
# The schedules live in the database (django-celery-beat's DatabaseScheduler, in
# institutioner/operations/beat.py), so the administration can change their times on the health
# page; institutioner/operations/schedules.py installs the defaults each app registers after
# `migrate` and never overwrites a time someone changed.
CELERY_BEAT_SCHEDULER = "institutioner.operations.beat:Scheduler"
CELERY_BEAT_SCHEDULE: dict = {}

# --- Logging ----------------------------------------------------------------------------------
# "info" as well as "INFO" (the logging module knows only the capitals, and an unknown level
# ended the start in a traceback from deep inside logging.config).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"LOG_LEVEL={env_str('LOG_LEVEL')!r} is not a level (DEBUG, INFO, WARNING or ERROR)."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line a record: ISO 8601 time with its UTC offset, level, logger, message (cut at 500).
    "formatters": {
        "plain": {
            "()": "institutioner.logs.Formatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        }
    },
    "filters": {"cut_long": {"()": "institutioner.logs.CutLongMessages"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["cut_long"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
