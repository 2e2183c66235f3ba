import socket
import threading

import pytest

from institutioner.models import IdentityGroup, Role


@pytest.fixture
def groups(world):
    leaders = IdentityGroup.objects.create(name="indsats-ledere-mariehoenen", role=Role.LEADER)
    leaders.institutions.add(world.institution)
    IdentityGroup.objects.create(name="indsats-forvaltning", role=Role.ADMINISTRATION)
    return leaders


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


@pytest.fixture
def black_hole():
    """A port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()
