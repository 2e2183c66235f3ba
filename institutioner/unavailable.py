"""The Danish 503 page: a service the page needs (the database, Redis) did not answer in time.

Every timeout is bounded (README: Reliability), so a hung database or Redis ends in an exception
inside the request. Django hands any uncaught exception to the 500 handler (config/urls.py);
this one answers those from an unavailable service with 503 and `Retry-After` instead, so
browsers, proxies and monitoring see an outage to wait out, not a bug.
"""

import logging
import sys

import redis.exceptions
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    OperationalError,  # no connection, the connect or statement timeout, a lock not granted
    InterfaceError,  # the connection broke
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    BrokerError,
)


def is_unavailable(exc: BaseException | None) -> bool:
    # Other database errors (a bad query, a broken constraint) stay a 500: they are bugs.
    return isinstance(exc, UNAVAILABLE)


def service_unavailable_response() -> HttpResponse:
    """Rendered without the request: its context (the person, the menu) needs the database."""
    seconds = settings.RETRY_AFTER_SECONDS
    response = HttpResponse(
        loader.render_to_string("503.html", {"retry_after": seconds}), status=503
    )
    response["Retry-After"] = str(seconds)
    return response


@requires_csrf_token
def server_error(request):
    """handler500: a 503 when the cause was an unavailable service, Django's 500 otherwise."""
    exc = sys.exc_info()[1]
    if is_unavailable(exc):
        logger.warning("Answered 503: %s: %s", type(exc).__name__, exc)
        # The session lives in the database: without this, the session middleware would try
        # to save it on the way out and wait for the database a second time.
        if hasattr(request, "session"):
            del request.session
        return service_unavailable_response()
    return defaults.server_error(request)
