"""The broker as the web sees it: short waits, so a frozen Redis never holds a page."""

from celery import current_app
from django.conf import settings
from kombu import Connection


def broker_publish_connection() -> Connection:
    """A broker connection for publishing from a web request (and the health checks).

    The worker's own connection waits longer for Redis's answers (settings.py); a web request
    that publishes after its commit must answer within about a second even when Redis accepts
    connections and never answers (frozen, overloaded). What does not get through, the outbox's
    sweep sends later.
    """
    return current_app.connection_for_write(
        url=settings.CELERY_BROKER_URL,
        connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
        transport_options={
            "socket_connect_timeout": settings.REDIS_CONNECT_TIMEOUT,
            "socket_timeout": settings.REDIS_TIMEOUT,
        },
    )


def broker_ping() -> tuple[bool, str]:
    """Connect to the broker once and ask it something, within the web's short waits."""
    try:
        with broker_publish_connection() as connection:
            connection.ensure_connection(max_retries=1, timeout=settings.REDIS_CONNECT_TIMEOUT)
            # Redis answers a connect while frozen; a channel asks it something (PING).
            _channel = connection.default_channel
            transport = connection.transport_cls
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"[:300]
    return True, str(transport)
