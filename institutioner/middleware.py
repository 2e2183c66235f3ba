import time
from urllib.parse import urlsplit

from csp.constants import UNSAFE_INLINE
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "signed_in_at"
SESSION_RENEWED_KEY = "renewed_at"


class SessionLifetimeMiddleware:
    """Ends a signed-in session after SESSION_MAX_HOURS, however active it has been, and keeps
    the idle limit.

    The idle limit is the session's age (SESSION_COOKIE_AGE): a session in use is renewed (its
    row's expiry and its cookie) when it was last renewed SESSION_RENEW_SECONDS ago or more,
    rather than written on every request; so it ends between SESSION_IDLE_MINUTES less a minute
    and SESSION_IDLE_MINUTES after the last request. The absolute limit is what a shared office
    PC needs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            if now - started > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(
                    request, _("You have been logged out for security. Please log in again.")
                )
                return redirect(settings.LOGIN_URL)
            if now - session.get(SESSION_RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[SESSION_RENEWED_KEY] = now  # saved after the response, with a new expiry
        return self.get_response(request)


class AdminInlineStylesMiddleware:
    """Django's admin and django-simple-history's pages use a few inline style attributes.

    Only there, and only for styles (never scripts), the policy allows them. Placed after
    CSPMiddleware, so it marks the response before the policy is written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}  # type: ignore[attr-defined]
        return response


class NoStoreForSignedInMiddleware:
    """Pages seen by a signed-in person show personal data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            # Sets "max-age=0, no-cache, no-store, must-revalidate, private".
            add_never_cache_headers(response)
        return response


class PermissionsPolicyMiddleware:
    """Says that no page uses the camera, microphone, location, sensors, payment or USB, so
    nothing embedded in a page can ask for them (PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RefuseNulBytesMiddleware:
    """A NUL byte in any query or form value is answered with a Danish 400 page.

    No one types one; PostgreSQL cannot store one in text (a 500 once, in a meeting-cancel
    reason), and no field of the app means anything with one. One check here covers every form,
    Stamdata included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        data = [request.GET]
        if request.method == "POST":
            data.append(request.POST)
        for query in data:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return render(request, "400_nul.html", status=400)
        return self.get_response(request)


class SignedOutFormMiddleware:
    """A form sent after the session ended (expired, or logged out in another tab) is sent to
    the login like any request, but Django would return there to the button's address, which
    takes only a POST. Instead: back to the page the form was on, and a message that what was
    sent was not saved (it is not kept over the login: it may hold personal data)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.user.is_authenticated:
            return self.get_response(request)
        response = self.get_response(request)
        login = resolve_url(settings.LOGIN_URL)
        if (
            response.status_code != 302
            or request.path == login
            or urlsplit(response["Location"]).path != login
        ):
            return response
        referer = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            page = urlsplit(referer)
            back = page.path + (f"?{page.query}" if page.query else "")
            if page.path != login:
                response["Location"] = f"{login}?{urlencode({'next': back})}"
        messages.warning(
            request,
            _(
                "You had been logged out, so what you sent was not saved. Log in again and "
                "send it once more."
            ),
        )
        return response


class MethodNotAllowedPageMiddleware:
    """An address that only takes a button's form (a POST), opened as a page, answers with a
    Danish page instead of Django's empty 405: as after a login that returns to the button's
    address, or a link copied from the address bar."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or request.method not in ("GET", "HEAD"):
            return response
        if getattr(response, "streaming", False) or response.content:
            return response
        page = render(request, "405.html", status=405)
        if "Allow" in response.headers:
            page.headers["Allow"] = response.headers["Allow"]
        return page
