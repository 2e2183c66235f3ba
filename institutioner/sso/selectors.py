"""Reads about logging in: which methods the login page offers, and how a session was made."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse
from django.utils.translation import gettext as _

OIDC_BACKEND = "institutioner.sso.oidc.Backend"
SAML_BACKEND = "institutioner.sso.saml.Backend"


@dataclass(frozen=True)
class LoginMethod:
    label: str
    url: str


def login_methods(*, next_url: str = "") -> list[LoginMethod]:
    """The identity providers the login page offers, in the order they are shown."""
    from urllib.parse import urlencode

    query = "?" + urlencode({"next": next_url}) if next_url else ""
    methods = []
    if settings.OIDC_RP_CLIENT_ID:
        methods.append(
            LoginMethod(
                label=settings.OIDC_LOGIN_LABEL or _("Log in with the municipality's login"),
                url=reverse("oidc_authentication_init") + query,
            )
        )
    if settings.SAML_SP_ENTITY_ID:
        methods.append(
            LoginMethod(
                label=settings.SAML_LOGIN_LABEL or _("Log in with Fælleskommunal Adgangsstyring"),
                url=reverse("saml2_login") + query,
            )
        )
    return methods


def logged_in_with_identity_provider(request) -> bool:
    """Was this session made by the identity provider (so a fresh login there signs)?"""
    backend = request.session.get(BACKEND_SESSION_KEY)
    return (bool(settings.OIDC_RP_CLIENT_ID) and backend == OIDC_BACKEND) or (
        bool(settings.SAML_SP_ENTITY_ID) and backend == SAML_BACKEND
    )


def reauthentication_url(request) -> str:
    """Where a fresh login at this session's identity provider begins."""
    if request.session.get(BACKEND_SESSION_KEY) == SAML_BACKEND:
        return reverse("saml2_login")
    return reverse("oidc_authentication_init")


def allow_forms_to_provider(response) -> None:
    """A form on this page is answered by a redirect to the identity provider (signing sends
    the signer there): the Content-Security-Policy's form-action must allow its origin."""
    from urllib.parse import urlsplit

    from institutioner.sso import oidc, saml
    from institutioner.sso.services import LoginRefused

    origins = []
    try:
        if settings.OIDC_RP_CLIENT_ID:
            endpoint = urlsplit(oidc.setting("OIDC_OP_AUTHORIZATION_ENDPOINT"))
            origins.append(f"{endpoint.scheme}://{endpoint.netloc}")
        if settings.SAML_SP_ENTITY_ID:
            origins.extend(o for o in [saml.sso_origin()] if o)
    except LoginRefused:
        return  # the provider cannot be asked now; signing says so when it is tried
    if origins:
        response._csp_update = {"form-action": origins}


def password_login_allowed(user) -> bool:
    """Local passwords can be switched off for everyone but the break-glass accounts."""
    return settings.LOCAL_PASSWORDS or user.email.lower() in settings.BREAK_GLASS_ACCOUNTS
