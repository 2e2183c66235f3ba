"""The ID token checks mozilla-django-oidc leaves to us (issuer, audience, expiry, signature),
on real tokens from the real provider: one made for another application of the municipality,
one left to expire, one altered on the way."""

import base64
import json
import time
from urllib.parse import urlencode

import jwt
import pytest
import requests
from django.core.exceptions import SuspiciousOperation

from institutioner.sso.oidc import Backend
from tests.conftest import OIDC_CALLBACK as CALLBACK
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Browser, code_of

REFUSED = (jwt.PyJWTError, SuspiciousOperation, KeyError)


def real_token(oidc_idp, *, client_id=CLIENT_ID, secret=CLIENT_SECRET, redirect_uri=CALLBACK):
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "scope": "openid email",
            "redirect_uri": redirect_uri,
            "nonce": "n-0123456789",
            "state": "s-0123456789",
        }
    )
    back = Browser(oidc_idp).sign_in(f"{oidc_idp.issuer}/auth?{query}", "a1b2-lene")
    response = requests.post(
        f"{oidc_idp.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code_of(back),
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": secret,
        },
        timeout=5,
    )
    response.raise_for_status()
    return response.json()["id_token"]


@pytest.fixture
def lene(oidc_idp):
    oidc_idp.set_accounts({"a1b2-lene": {"email": "lene@kommune.dk", "groups": []}})
    return oidc_idp


def test_a_token_for_us_passes(lene, db):
    claims = Backend().verify_token(real_token(lene), nonce="n-0123456789")
    assert claims["sub"] == "a1b2-lene" and claims["aud"] == CLIENT_ID


def test_a_token_for_another_application_is_refused(lene, db):
    token = real_token(
        lene,
        client_id="other-app",
        secret="other-secret",
        redirect_uri="http://other.example/callback",
    )
    with pytest.raises(jwt.InvalidAudienceError):
        Backend().verify_token(token, nonce="n-0123456789")


def test_an_expired_token_is_refused(oidc_idp, db, settings):
    oidc_idp.set_accounts({"a1b2-lene": {"email": "lene@kommune.dk"}}, idTokenTtl=1)
    settings.OIDC_CLOCK_SKEW_SECONDS = 0
    token = real_token(oidc_idp)
    time.sleep(1.5)
    with pytest.raises(jwt.ExpiredSignatureError):
        Backend().verify_token(token, nonce="n-0123456789")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_an_altered_token_is_refused(lene, db):
    header, payload, signature = real_token(lene).split(".")
    claims = jwt.decode(real_token(lene), options={"verify_signature": False})
    forged = ".".join([header, _b64({**claims, "sub": "someone-else"}), signature])
    with pytest.raises(REFUSED):
        Backend().verify_token(forged, nonce="n-0123456789")
    unsigned = ".".join([_b64({"alg": "none", "typ": "JWT"}), payload, ""])
    with pytest.raises(REFUSED):
        Backend().verify_token(unsigned, nonce="n-0123456789")


def test_a_token_from_another_issuer_is_refused(lene, db, settings):
    settings.OIDC_OP_ISSUER = "https://login.example.dk"
    with pytest.raises(jwt.InvalidIssuerError):
        Backend().verify_token(real_token(lene), nonce="n-0123456789")


def test_a_token_with_another_nonce_is_refused(lene, db):
    with pytest.raises(SuspiciousOperation):
        Backend().verify_token(real_token(lene), nonce="another")
