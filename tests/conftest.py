"""Shared fixtures: the named people of every test, and honest handling of outside services.

A test that needs PostgreSQL, Redis, a Celery worker or the browser asks for it through
`require_service`. Without the service it is skipped on a laptop; in CI (REQUIRE_SERVICES=1) the
same situation is a failure, so a missing service can never hide behind a skip.
"""

import functools
import logging
import os
import shutil
import uuid
from dataclasses import dataclass

import pytest
from _pytest.logging import catching_logs
from django.db import connection

from institutioner.models import Institution, Pedagogist, Role, User
from tests import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _hold_logging_lock_while_catching_logs() -> None:
    """pytest's log capture, on entering each phase of a test, walks logging's registry of
    loggers without logging's lock. A Celery worker or live-server thread that names a new logger
    at that moment ends the test with "dictionary changed size during iteration" (CI, stop 37:
    the e2e access-log test, its worker thread just connected). Hold the lock the registry's
    writers hold (logging.getLogger), so the walk and a new logger take turns."""
    original = catching_logs.__enter__
    if hasattr(original, "__wrapped__"):
        return

    @functools.wraps(original)
    def __enter__(self):
        with logging._lock:
            return original(self)

    catching_logs.__enter__ = __enter__


_hold_logging_lock_while_catching_logs()


def require_service(available: bool, what: str) -> None:
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required in CI (REQUIRE_SERVICES=1) but not available.")
    pytest.skip(f"{what} is not available here.")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Django's flush between transactional tests truncates every table; the database refuses
    TRUNCATE of record tables unless the session allows it (institutioner 0011), which only the
    test database does, for every session opened from now on."""
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {name} SET institutioner.allow_truncate = 'on'")
        connection.close()


@pytest.fixture
def postgres():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


@pytest.fixture
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
    require_service(bool(path) and os.path.exists(path), "Chromium (/usr/bin/chromium)")
    return path


OIDC_CALLBACK = "http://testserver/oidc/callback/"


@pytest.fixture(scope="session")
def _running_oidc_provider():
    from tests import oidc_provider

    require_service(oidc_provider.available(), "The test OpenID Connect provider (node, npm ci)")
    provider = oidc_provider.Provider([OIDC_CALLBACK])
    yield provider
    provider.stop()


@pytest.fixture
def oidc_idp(_running_oidc_provider, settings):
    """A real OpenID Connect provider (tests/oidc_provider) with no accounts, and the app
    pointed at it."""
    _running_oidc_provider.set_accounts({})
    for name, value in _running_oidc_provider.settings().items():
        setattr(settings, name, value)
    return _running_oidc_provider


@dataclass
class World:
    """Two districts. North holds the named people; South holds the outsider and their place."""

    north: object
    south: object
    institution: Institution
    other_institution: Institution
    outsider_institution: Institution
    leader: User
    staff: User
    pedagogist: Pedagogist
    administrator: User
    outsider: User
    outsider_pedagogist: Pedagogist

    def user_for(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "leader": self.leader,
            "staff": self.staff,
            "pedagogist": self.pedagogist.user,
            "administration": self.administrator,
            "outsider": self.outsider,
        }[role]


@pytest.fixture
def world(db) -> World:
    north = factories.DistrictFactory(name="Ullerup Bæk")
    south = factories.DistrictFactory(name="Søvang")
    institution = factories.InstitutionFactory(name="Børnehuset Mariehønen", district=north)
    other_institution = factories.InstitutionFactory(name="Vuggestuen Spiren", district=north)
    outsider_institution = factories.InstitutionFactory(
        name="Børnegården Kildevang", district=south
    )
    factories.GroupFactory(institution=institution, name="Sommerfuglen")
    factories.GroupFactory(institution=institution, name="Frøen")
    factories.GroupFactory(institution=outsider_institution, name="Ræven")

    leader = factories.UserFactory(email="lene@example.dk", name="Lene Leder", role=Role.LEADER)
    factories.MembershipFactory(user=leader, institution=institution)
    staff = factories.UserFactory(email="per@example.dk", name="Per Personale", role=Role.STAFF)
    factories.MembershipFactory(user=staff, institution=institution)
    pedagogist = factories.PedagogistFactory(
        user__email="paula@example.dk", user__name="Paula Pædagog"
    )
    factories.AssignmentFactory(pedagogist=pedagogist, institution=institution)
    administrator = factories.UserFactory(
        email="frida@example.dk", name="Frida Forvaltning", role=Role.ADMINISTRATION
    )
    outsider = factories.UserFactory(email="otto@example.dk", name="Otto Udenfor", role=Role.LEADER)
    factories.MembershipFactory(user=outsider, institution=outsider_institution)
    outsider_pedagogist = factories.PedagogistFactory(
        user__email="ole@example.dk", user__name="Ole Andensted"
    )
    factories.AssignmentFactory(pedagogist=outsider_pedagogist, institution=outsider_institution)
    return World(
        north=north,
        south=south,
        institution=institution,
        other_institution=other_institution,
        outsider_institution=outsider_institution,
        leader=leader,
        staff=staff,
        pedagogist=pedagogist,
        administrator=administrator,
        outsider=outsider,
        outsider_pedagogist=outsider_pedagogist,
    )


@pytest.fixture
def consultant(world) -> User:
    """Småbørnskonsulent Sara, of the visitation committee for kompenserende støtte."""
    return factories.UserFactory(
        email="sara@example.dk", name="Sara Småbørnskonsulent", role=Role.CONSULTANT
    )


@pytest.fixture(autouse=True)
def support_files(settings, tmp_path, monkeypatch):
    """Each test's support documents in its own folder (the file-system storage). The model's
    FileField resolved its storage once, when the model was loaded: it is pointed at the test's
    storage too (`support_storage_use`)."""
    storages = dict(settings.STORAGES)
    if storages["support"]["BACKEND"].endswith("FileSystemStorage"):
        storages["support"] = {
            **storages["support"],
            "OPTIONS": {**storages["support"].get("OPTIONS", {}), "location": str(tmp_path)},
        }
        settings.STORAGES = storages
    support_storage_use(monkeypatch)


def support_storage_use(monkeypatch):
    """Point the support documents' FileField at the storage settings.STORAGES["support"] now
    names (after a test changed the setting)."""
    from django.core.files.storage import storages

    from indsats.models import SupportDocument

    monkeypatch.setattr(SupportDocument._meta.get_field("file"), "storage", storages["support"])


@pytest.fixture(autouse=True)
def no_second_factor(settings):
    # The named people log in with passwords in most tests; the TOTP tests switch it on.
    settings.ADMINISTRATION_TOTP = False


@pytest.fixture(autouse=True)
def own_cache(settings):
    # Each test counts logins and password resets from zero (the counters live in the cache).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4()}",
        }
    }


@pytest.fixture(autouse=True)
def session_renewed_on_every_request(settings):
    # A session is renewed at most once a minute (SESSION_RENEW_SECONDS); the tests that count
    # a page's queries count the same on every request, with the session's write, as the
    # first request after a login has it. tests/institutioner/test_auth.py tests the minute.
    settings.SESSION_RENEW_SECONDS = 0


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Hashing strength is Django's concern; the suite only needs passwords that work, quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _saml_idp_running(tmp_path_factory):
    import shutil

    from tests.conftest import require_service

    require_service(bool(shutil.which("xmlsec1")), "xmlsec1 (apt-get install xmlsec1)")
    from tests.saml_idp import IdentityProvider, keypair

    folder = tmp_path_factory.mktemp("saml")
    idp = IdentityProvider(folder)
    idp.sp_key = keypair(folder, "sp")  # type: ignore[attr-defined]
    yield idp
    idp.stop()


@pytest.fixture
def saml_idp(_saml_idp_running, settings, db):
    """A real SAML identity provider (tests/saml_idp.py, pysaml2's server) and this site set up
    as its service provider; the test logs an account in with `saml_idp.account = Account(...)`."""
    from django.test import RequestFactory
    from saml2.metadata import entity_descriptor

    from institutioner.sso.saml import config_loader

    idp = _saml_idp_running
    idp.reset()
    settings.SAML_SP_ENTITY_ID = "http://testserver/saml2/metadata/"
    settings.SAML_IDP_METADATA_FILE = idp.metadata_file()
    settings.SAML_IDP_METADATA_URL = ""
    settings.SAML_KEY_FILE, settings.SAML_CERT_FILE = idp.sp_key
    settings.SAML_CLOCK_SKEW_SECONDS = 0
    idp.sp_metadata = str(entity_descriptor(config_loader(RequestFactory().get("/"))))
    return idp
