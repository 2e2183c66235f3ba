"""Reads about logging in: which methods the login page offers, and how a session was made."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse
from django.utils.translation import gettext as _

OIDC_BACKEND = "institutioner.sso.oidc.Backend"


@dataclass(frozen=True)
class LoginMethod:
    label: str
    url: str


def login_methods(*, next_url: str = "") -> list[LoginMethod]:
    """The identity providers the login page offers, in the order they are shown."""
    methods = []
    if settings.OIDC_RP_CLIENT_ID:
        url = reverse("oidc_authentication_init")
        if next_url:
            from urllib.parse import urlencode

            url += "?" + urlencode({"next": next_url})
        methods.append(
            LoginMethod(
                label=settings.OIDC_LOGIN_LABEL or _("Log in with the municipality's login"),
                url=url,
            )
        )
    return methods


def logged_in_with_identity_provider(request) -> bool:
    """Was this session made by the identity provider (so a fresh login there signs)?"""
    return bool(settings.OIDC_RP_CLIENT_ID) and (
        request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND
    )


def allow_forms_to_provider(response) -> None:
    """A form on this page is answered by a redirect to the identity provider (signing sends
    the signer there): the Content-Security-Policy's form-action must allow its origin."""
    from urllib.parse import urlsplit

    from institutioner.sso import oidc
    from institutioner.sso.services import LoginRefused

    try:
        endpoint = urlsplit(oidc.setting("OIDC_OP_AUTHORIZATION_ENDPOINT"))
    except LoginRefused:
        return  # the provider cannot be asked now; signing says so when it is tried
    response._csp_update = {"form-action": [f"{endpoint.scheme}://{endpoint.netloc}"]}


def password_login_allowed(user) -> bool:
    """Local passwords can be switched off for everyone but the break-glass accounts."""
    return settings.LOCAL_PASSWORDS or user.email.lower() in settings.BREAK_GLASS_ACCOUNTS
