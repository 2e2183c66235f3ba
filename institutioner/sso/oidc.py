"""OpenID Connect through mozilla-django-oidc, with what it leaves to its users.

The library does not read the provider's discovery document and checks only the signature and
the nonce of the ID token; here the endpoints come from discovery (fetched once, with a bounded
wait) unless they are configured one by one, and the token's issuer, audience, expiry and
issue time are checked too. Every failure becomes `LoginRefused` with a Danish message.
"""

import logging
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from institutioner.models import IdentityProvider
from institutioner.sso import services
from institutioner.sso.services import LoginRefused

logger = logging.getLogger(__name__)

# mozilla-django-oidc's setting name → the discovery document's key.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_ISSUER": "issuer",
}
_DISCOVERY_CACHE_SECONDS = 60 * 60
# After the provider could not be reached, nobody asks it again for this long: every page of
# every OIDC session would otherwise wait OIDC_TIMEOUT for it while it is away.
UNREACHABLE_REMEMBERED_SECONDS = 60


def is_configured() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def unreachable() -> LoginRefused:
    return LoginRefused(
        _(
            "The municipality's login could not be reached just now. Try again in a few "
            "minutes, or contact the IT support if it goes on."
        )
    )


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document, fetched once an hour at most.

    A failure to fetch it is remembered for UNREACHABLE_REMEMBERED_SECONDS: until then
    `unreachable()` is raised at once, for everyone, without asking the provider again.
    """
    url = settings.OIDC_DISCOVERY_URL
    if not url:
        return {}
    key = f"oidc-discovery:{url}"
    failed_key = f"oidc-discovery-failed:{url}"
    metadata = cache.get(key)
    if metadata is None:
        if cache.get(failed_key):
            raise unreachable()
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            metadata = response.json()
        except (requests.RequestException, ValueError) as error:
            logger.warning(
                "OpenID Connect discovery failed: %s; not asked again for %s s.",
                error,
                UNREACHABLE_REMEMBERED_SECONDS,
            )
            cache.set(failed_key, 1, UNREACHABLE_REMEMBERED_SECONDS)
            raise unreachable() from error
        cache.set(key, metadata, _DISCOVERY_CACHE_SECONDS)
    return metadata


def setting(name: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting; an endpoint not configured comes from discovery."""
    if name in ENDPOINTS:
        configured = getattr(settings, name, "")
        if configured:
            return configured
        value = provider_metadata().get(ENDPOINTS[name])
        if not value:
            raise LoginRefused(_("The municipality's login is not set up correctly."))
        return value
    return import_from_settings(name, *default)


def claims_of(claims: dict[str, Any]) -> services.Claims:
    """The person as the provider describes them, read through the configured claim names."""
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    subject = claims.get(settings.OIDC_SUBJECT_CLAIM)
    return services.Claims(
        provider=IdentityProvider.OIDC,
        subject=str(subject) if subject not in (None, "") else "",
        email=str(claims.get(settings.OIDC_EMAIL_CLAIM) or ""),
        name=str(claims.get(settings.OIDC_NAME_CLAIM) or ""),
        groups=[str(g) for g in groups if isinstance(g, str | int)],
        auth_time=claims.get("auth_time"),
    )


def logout_url(request) -> str | None:
    """Where a person who logs out goes when they logged in through the provider: its
    end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0), which ends the provider's own
    session and sends them back to the login page. Without it the provider's session lives on,
    and on a shared computer the next person who chooses the municipality's login is let in as
    the previous one. None (log out here only): a password login, logout at the provider
    switched off, or a provider that names no endpoint or cannot be reached just now."""
    id_token = request.session.get("oidc_id_token")
    if not (id_token and is_configured() and settings.OIDC_LOGOUT_AT_PROVIDER):
        return None
    endpoint = settings.OIDC_END_SESSION_ENDPOINT
    if not endpoint:
        try:
            endpoint = provider_metadata().get("end_session_endpoint") or ""
        except LoginRefused:
            return None
    if not endpoint:
        return None
    params = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{params}"


class Backend(OIDCAuthenticationBackend):
    """Log in with the provider's code flow; the person is matched and given their role and
    institutions by `institutioner.sso.services.identity_login`."""

    get_settings = staticmethod(setting)  # type: ignore[assignment]

    def __init__(self, *args, **kwargs) -> None:
        # Endpoints are looked up when a login happens, not when Django builds the backend
        # (it does so for every `authenticate()`, password logins included).
        self.UserModel = get_user_model()
        self.request = None

    def __getattr__(self, name: str) -> Any:
        # mozilla-django-oidc reads its settings as attributes the constructor copied.
        if name.startswith("OIDC_"):
            return setting(name)
        raise AttributeError(name)

    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET or not is_configured():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except LoginRefused:
            raise
        except requests.Timeout as error:
            logger.warning("OpenID Connect provider timed out: %s", error)
            raise unreachable() from error
        except requests.RequestException as error:
            logger.warning("OpenID Connect provider failed: %s", error)
            raise unreachable() from error
        except (SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError) as error:
            logger.warning("OpenID Connect login refused: %s", error)
            raise LoginRefused(
                _("The login from the municipality's identity provider could not be verified.")
            ) from error

    def _verify_jws(self, payload, key):
        """Signature, algorithm, issuer, audience, expiry and issue time, with a little leeway
        for clocks that disagree."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != settings.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("unexpected alg {!r}".format(header.get("alg")))
        claims = jwt.decode(
            payload,
            key,
            algorithms=[settings.OIDC_RP_SIGN_ALGO],
            audience=settings.OIDC_RP_CLIENT_ID,
            issuer=setting("OIDC_OP_ISSUER"),
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("azp is not this client")
        if claims["iat"] > time.time() + settings.OIDC_CLOCK_SKEW_SECONDS:
            raise SuspiciousOperation("issued in the future")
        return claims

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The userinfo endpoint does not carry auth_time; keep it from the ID token.
        if self.request is not None and "nonce" in kwargs:
            self.request.oidc_id_claims = payload
        return payload

    def verify_claims(self, claims) -> bool:
        return True  # identity_login says what is missing, in Danish

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            # OpenID Connect Core 5.3.2: the userinfo must be about the person in the token.
            raise SuspiciousOperation("userinfo sub differs from the ID token's")
        merged = {**payload, **userinfo}
        return services.identity_login(claims=claims_of(merged))
