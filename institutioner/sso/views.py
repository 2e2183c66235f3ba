"""The OpenID Connect endpoints: start a login (or a fresh login for signing), and the
provider's callback. mozilla-django-oidc does the protocol; these views say what went wrong in
Danish, never keep a session after a refused login, and only send people on within this site.
The SAML endpoints (djangosaml2 and pysaml2 do the protocol) follow the same rules."""

import calendar
import logging
import time
from base64 import b32encode
from datetime import UTC, datetime

import segno
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from djangosaml2 import views as saml2_views
from mozilla_django_oidc import views as oidc_views
from saml2.response import StatusError, UnsolicitedResponse
from saml2.s_utils import sid
from saml2.sigver import MissingKey, SignatureError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from institutioner.models import IdentityProvider
from institutioner.sso import oidc, saml, services
from institutioner.sso.forms import TOTPForm
from institutioner.sso.services import LoginRefused

logger = logging.getLogger(__name__)

REAUTH_KEY = "sso_reauth_states"
# After a refused login the next one asks the provider for a login (`prompt=login`): the person
# the provider still knows was refused, and on a shared computer the next person would otherwise
# be sent back as them, and refused again, with no way to log in as themselves.
PROMPT_LOGIN_KEY = "sso_prompt_login"


def _safe_next(request, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


class AuthenticateView(oidc_views.OIDCAuthenticationRequestView):
    """Send the person to the identity provider. `?reauth=<purpose>` asks for a fresh login
    (`prompt=login`, `max_age=0`) by the person already logged in, e.g. to sign."""

    get_settings = staticmethod(oidc.setting)  # type: ignore[assignment]

    def __init__(self, *args, **kwargs) -> None:
        oidc_views.View.__init__(self, *args, **kwargs)
        self.OIDC_RP_CLIENT_ID = oidc.setting("OIDC_RP_CLIENT_ID")

    def get(self, request):
        if not oidc.is_configured():
            messages.error(request, _("Login with the municipality's identity provider is off."))
            return redirect("login")
        self.purpose = request.GET.get("reauth", "")[:60]
        self.prompt_login = bool(request.session.get(PROMPT_LOGIN_KEY))
        if self.purpose and not request.user.is_authenticated:
            return redirect("login")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except LoginRefused as refused:
            messages.error(request, refused.message)
            return redirect("login")
        response = super().get(request)
        if self.purpose:
            state = _state_of(response["Location"])
            pending = request.session.get(REAUTH_KEY, {})
            pending[state] = {"purpose": self.purpose, "asked_at": time.time()}
            request.session[REAUTH_KEY] = pending
        return response

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request))
        if self.purpose:
            params.update({"prompt": "login", "max_age": "0"})
        elif self.prompt_login:
            params["prompt"] = "login"
        return params


def _state_of(url: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)["state"][0]


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """The provider's answer. A refused login ends any session and says why on the login page."""

    get_settings = staticmethod(oidc.setting)  # type: ignore[assignment]

    def get(self, request):
        state = request.GET.get("state", "")
        self.reauth = request.session.get(REAUTH_KEY, {}).pop(state, None)
        if self.reauth is not None:
            request.session.modified = True
            request.session.save()
        try:
            return super().get(request)
        except LoginRefused as refused:
            return self._refused(refused.message)
        except Exception as error:  # a state not in the session, a replayed code, ...
            logger.warning("OpenID Connect callback refused: %r", error)
            return self._refused(_("The login could not be completed. Start again."))

    def login_success(self):
        if self.reauth is not None:
            return self._reauthenticated(self.reauth)
        self.request.session.pop(PROMPT_LOGIN_KEY, None)
        return super().login_success()

    def login_failure(self):
        error = self.request.GET.get("error")
        if not error and "code" not in self.request.GET and self.request.user.is_authenticated:
            # Not an answer from the provider (a typed or replayed address): nothing to end.
            return redirect("start")
        if error == "login_required":
            message = _("Your login at the municipality has ended. Log in again.")
        elif error:
            message = _("The municipality's identity provider did not log you in (%(error)s).") % {
                "error": error[:60]
            }
        else:
            message = _("The login could not be completed. Start again.")
        return self._refused(message)

    def _refused(self, message: str):
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        self.request.session[PROMPT_LOGIN_KEY] = True
        messages.error(self.request, message)
        return redirect("login")

    def _reauthenticated(self, reauth: dict):
        """A fresh login for signing: by the same person, and made after it was asked for."""
        claims = getattr(self.request, "oidc_id_claims", {}) or {}
        auth_time = claims.get("auth_time")
        if (
            self.user.pk != self.request.user.pk
            or not isinstance(auth_time, int | float)
            or auth_time < reauth["asked_at"] - oidc.settings.OIDC_CLOCK_SKEW_SECONDS
        ):
            return self._refused(_("The new login was not yours or not fresh; start again."))
        services.fresh_authentication_record(
            self.request,
            purpose=reauth["purpose"],
            method=IdentityProvider.OIDC,
            at=datetime.fromtimestamp(auth_time, tz=UTC).astimezone(
                timezone.get_current_timezone()
            ),
        )
        return HttpResponseRedirect(self.success_url)

    @property
    def success_url(self):
        return _safe_next(self.request, self.request.session.get("oidc_login_next")) or "/"


@login_required
def totp(request):
    """The administration's second factor: set up the authenticator app at the first login (a
    QR code and the key), then a code at every password login."""
    device = services.totp_device_for(user=request.user)
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wrong = services.totp_verify(request, token=form.cleaned_data["token"])
        if wrong is None:
            return redirect(_safe_next(request, request.GET.get("next")) or "start")
        form.add_error("token", wrong)
    context = {"form": form, "setting_up": not device.confirmed}
    if not device.confirmed:
        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
        context["key"] = b32encode(device.bin_key).decode()
    return render(request, "registration/totp.html", context)


# --- SAML 2.0 (the municipal access control) ---------------------------------------------------

SAML_REAUTH_KEY = "sso_saml_reauth"


class SamlLoginView(saml2_views.LoginView):
    """Send the person to the SAML identity provider. `?reauth=<purpose>` asks for a fresh login
    (ForceAuthn) by the person already logged in, e.g. to sign."""

    def get(self, request, *args, **kwargs):
        if not saml.is_configured():
            messages.error(request, _("Login with the municipal access control is off."))
            return redirect("login")
        self.purpose = request.GET.get("reauth", "")[:60]
        self.prompt_login = bool(request.session.get(PROMPT_LOGIN_KEY))
        if self.purpose and not request.user.is_authenticated:
            return redirect("login")
        self.message_id = sid()
        try:
            response = super().get(request, *args, **kwargs)
        except LoginRefused as refused:
            messages.error(request, refused.message)
            return redirect("login")
        if self.purpose and response.status_code in (200, 302):
            # Kept in the SAML session: its cookie comes back with the provider's cross-site POST.
            pending = request.saml_session.get(SAML_REAUTH_KEY, {})
            pending[self.message_id] = {
                "purpose": self.purpose,
                "asked_at": time.time(),
                "user": request.user.pk,
            }
            request.saml_session[SAML_REAUTH_KEY] = pending
        return response

    def should_prevent_auth(self, request) -> bool:
        return request.user.is_authenticated and not self.purpose

    def load_sso_kwargs(self, sso_kwargs):
        sso_kwargs["message_id"] = self.message_id
        if self.purpose or self.prompt_login:
            sso_kwargs["force_authn"] = "true"


class SamlAcsView(saml2_views.AssertionConsumerServiceView):
    """The identity provider's answer (HTTP-POST). pysaml2 verifies it; a refused login ends any
    session and says why, in Danish, on the login page."""

    def get(self, request, *args, **kwargs):
        return redirect("login")

    def post(self, request, *args, **kwargs):
        if not saml.is_configured():
            return redirect("login")
        self.replayed = False
        try:
            return super().post(request, *args, **kwargs)
        except LoginRefused as refused:
            return self._refused(refused.message)

    def custom_validation(self, response):
        self.saml_response = response
        assertion = response.assertion
        seconds = int(response.not_on_or_after - time.time()) if response.not_on_or_after else 0
        if not saml.assertion_first_use(assertion.id, seconds=seconds + 300):
            self.replayed = True
            raise ValueError("assertion already used")

    def post_login_hook(self, request, user, session_info) -> None:
        request.session.pop(PROMPT_LOGIN_KEY, None)

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        logger.warning("SAML login refused: %r", exception)
        if isinstance(exception, ResponseLifetimeExceed | ToEarly):
            message = _("The login from the municipal access control has expired. Start again.")
        elif isinstance(exception, SignatureError | MissingKey):
            message = _("The login from the municipal access control could not be verified.")
        elif isinstance(exception, StatusError) and not isinstance(exception, UnsolicitedResponse):
            message = _("The municipal access control did not log you in.")
        else:
            message = _("The login could not be completed. Start again.")
        return self._refused(message)

    def authenticate_user(
        self, request, session_info, attribute_mapping, create_unknown_user, assertion_info
    ):
        in_response_to = getattr(self.saml_response, "in_response_to", None)
        pending = request.saml_session.get(SAML_REAUTH_KEY, {})
        reauth = pending.pop(in_response_to, None) if in_response_to else None
        if reauth is not None:
            request.saml_session[SAML_REAUTH_KEY] = pending
        user = auth.authenticate(request=request, session_info=session_info)
        if user is None:
            raise PermissionDenied("No user could be authenticated.")
        if reauth is not None:
            self._reauthenticated(reauth, user, session_info)
        auth.login(request, user)
        if reauth is not None:
            services.fresh_authentication_record(
                request, purpose=reauth["purpose"], method=IdentityProvider.SAML, at=self.fresh_at
            )
        return user

    def _reauthenticated(self, reauth: dict, user, session_info: dict) -> None:
        """A fresh login for signing: by the same person, and made after it was asked for."""
        instants = [info[2] for info in session_info.get("authn_info") or [] if info[2]]
        at = calendar.timegm(str_to_time(instants[0])) if instants else None
        if (
            user.pk != reauth["user"]
            or at is None
            # AuthnInstant has whole seconds.
            or at < int(reauth["asked_at"]) - settings.SAML_CLOCK_SKEW_SECONDS
        ):
            raise LoginRefused(_("The new login was not yours or not fresh; start again."))
        self.fresh_at = datetime.fromtimestamp(at, tz=UTC).astimezone(
            timezone.get_current_timezone()
        )

    def custom_redirect(self, user, relay_state, session_info):
        # The address asked for when the login began (kept in this browser's SAML session), not
        # the RelayState the browser posts back; only within this site.
        return _safe_next(self.request, session_info.get("came_from")) or reverse("start")

    def _refused(self, message: str):
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        self.request.session[PROMPT_LOGIN_KEY] = True
        messages.error(self.request, message)
        return redirect("login")


class SamlMetadataView(saml2_views.MetadataView):
    """This site's metadata, for the identity provider's administrators."""

    def get(self, request, *args, **kwargs):
        if not saml.is_configured():
            raise Http404
        try:
            return super().get(request, *args, **kwargs)
        except LoginRefused as refused:
            return HttpResponse(
                refused.message, status=503, content_type="text/plain; charset=utf-8"
            )
