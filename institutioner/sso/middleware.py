"""mozilla-django-oidc's SessionRefresh, with the endpoints looked up when needed."""

import logging
import time

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.functional import cached_property
from mozilla_django_oidc.middleware import SessionRefresh as LibrarySessionRefresh

from institutioner import access
from institutioner.sso import oidc
from institutioner.sso import selectors as sso_selectors
from institutioner.sso.services import LoginRefused

logger = logging.getLogger(__name__)


class SessionRefresh(LibrarySessionRefresh):
    """When the ID token's time is up, ask the provider again without a prompt (`prompt=none`);
    the callback then applies the person's groups as they are now, so a leaver is logged out.
    Sessions made with a password are left alone."""

    get_settings = staticmethod(oidc.setting)  # type: ignore[assignment]

    def __init__(self, get_response) -> None:
        super(LibrarySessionRefresh, self).__init__(get_response)
        self.OIDC_EXEMPT_URLS = oidc.setting("OIDC_EXEMPT_URLS", [])
        self.OIDC_RP_CLIENT_ID = oidc.setting("OIDC_RP_CLIENT_ID")
        self.OIDC_STATE_SIZE = 32
        self.OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
        self.OIDC_RP_SCOPES = oidc.setting("OIDC_RP_SCOPES")
        self.OIDC_USE_NONCE = True
        self.OIDC_NONCE_SIZE = 32

    @cached_property
    def exempt_urls(self):
        # The library's own list names its logout view, which this site does not use.
        return {
            reverse(name) for name in ("oidc_authentication_init", "oidc_authentication_callback")
        } | {reverse(url) if not url.startswith("/") else url for url in self.OIDC_EXEMPT_URLS}

    def process_request(self, request):
        if not oidc.is_configured() or not self.is_refreshable_url(request):
            return None
        if request.session.get("oidc_id_token_expiration", 0) > time.time():
            # Not yet time to ask the provider: its endpoints are not needed either.
            return None
        # Read now, not when the middleware was built: settings can change under a running server.
        self.OIDC_RP_CLIENT_ID = oidc.setting("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_SCOPES = oidc.setting("OIDC_RP_SCOPES")
        try:
            self.OIDC_OP_AUTHORIZATION_ENDPOINT = oidc.setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except LoginRefused:
            # The provider cannot be asked now: the session goes on as it is. The failure is
            # remembered (oidc.provider_metadata), so the next minute's pages do not wait for
            # it; a request after that tries again.
            return None
        return super().process_request(request)


class SecondFactorMiddleware:
    """The administration's password logins go no further than the TOTP page until a code from
    their authenticator app is entered (set up at the first login). Sessions made by the
    identity provider are left alone: the provider does the second factor."""

    # Not the password page: a stolen password alone must not change the password.
    EXEMPT = ("totp", "logout", "healthz")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if self._stopped(request):
            return redirect_to_login(request.get_full_path(), reverse("totp"))
        return self.get_response(request)

    def _stopped(self, request) -> bool:
        from django.conf import settings

        user = getattr(request, "user", None)
        if not (settings.ADMINISTRATION_TOTP and user is not None and user.is_authenticated):
            return False
        if sso_selectors.logged_in_with_identity_provider(request) or user.is_verified():
            return False
        if not access.needs_second_factor(user):
            return False
        if request.path.startswith(settings.STATIC_URL):
            return False
        return request.path not in {reverse(name) for name in self.EXEMPT}
