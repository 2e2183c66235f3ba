"""mozilla-django-oidc's SessionRefresh, with the endpoints looked up when needed."""

import logging

from django.urls import reverse
from django.utils.functional import cached_property
from mozilla_django_oidc.middleware import SessionRefresh as LibrarySessionRefresh

from institutioner.sso import oidc
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
        # Read now, not when the middleware was built: settings can change under a running server.
        self.OIDC_RP_CLIENT_ID = oidc.setting("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_SCOPES = oidc.setting("OIDC_RP_SCOPES")
        try:
            self.OIDC_OP_AUTHORIZATION_ENDPOINT = oidc.setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except LoginRefused:
            # The provider cannot be asked now; the next request tries again.
            return None
        return super().process_request(request)
