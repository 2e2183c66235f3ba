"""A hung PostgreSQL server ends a web request's wait, not only a slow query.

The statement timeout (`DATABASE_STATEMENT_TIMEOUT`) is the server's own: it cannot fire when
the server is frozen (its process stopped, or a network path that swallows the packets while a
kernel still acknowledges them), and TCP keepalives do not notice either. psycopg would then wait
on the socket for ever, and gunicorn would kill the worker after its 30 s with its English error.

In the web process (`DJANGO_WEB_PROCESS`, set by `config/wsgi.py`) every wait of psycopg on the
connection's socket gets a deadline instead: a statement, a fetch, a commit may take the
statement timeout plus `DATABASE_HANG_GRACE` (the server had its chance to cancel it itself
and did not answer: it is hung); Django's health check of a kept connection (`SELECT 1`, first
thing in a request) may take `HEALTH_CHECK_TIMEOUT`. At the deadline the connection is closed
and psycopg's `OperationalError` is raised in the waiting call itself (nothing is thrown into
other code): Django discards the connection, and the 500 handler answers with the Danish 503 page
(`institutioner/unavailable.py`). A health check that times out just makes Django open a new
connection, which `DATABASE_CONNECT_TIMEOUT` bounds.

psycopg wakes its wait every 0.1 s and checks the deadline (`psycopg.waiting`), so no thread and
no signal is needed. The worker, beat and commands are left alone (their statement timeout is
long): a migration or an export may wait for the server.
"""

import functools
import logging

import psycopg
from django.conf import settings
from psycopg import errors

logger = logging.getLogger(__name__)

# `SELECT 1` on a kept connection; longer means a new connection is tried.
HEALTH_CHECK_TIMEOUT = 1.0


def _bounded_wait(conn, limits, gen, interval=0.1, timeout=None):
    if timeout is not None:  # psycopg's own bounded waits (cancelling) keep theirs
        return type(conn).wait(conn, gen, interval, timeout)
    limit = limits["health_check"] if limits["checking"] else limits["statement"]
    try:
        return type(conn).wait(conn, gen, interval, limit)
    except errors._WaitTimeout:
        # The state of the connection is unknown (a statement half sent or answered): close it.
        conn.pgconn.finish()
        logger.warning("The database did not answer within %.1f s: connection closed", limit)
        raise psycopg.OperationalError(
            f"the database server did not answer within {limit:.1f} s (hung?)"
        ) from None


def bound_waits(conn: psycopg.Connection, statement: float, health_check: float) -> dict:
    """Gives every wait on `conn` a deadline; returns the limits (`checking` picks the short)."""
    limits = {"statement": statement, "health_check": health_check, "checking": False}
    conn.wait = functools.partial(_bounded_wait, conn, limits)  # type: ignore[method-assign]
    return limits


def _checked(wrapper, limits):
    def is_usable() -> bool:
        limits["checking"] = True
        try:
            return type(wrapper).is_usable(wrapper)
        finally:
            limits["checking"] = False

    return is_usable


def on_connection_created(sender, connection, **kwargs) -> None:
    """`connection_created`: bounds the new PostgreSQL connection of a web process."""
    if connection.vendor != "postgresql" or not settings.WEB_PROCESS:
        return
    limits = bound_waits(
        connection.connection,
        statement=settings.DATABASE_STATEMENT_TIMEOUT + settings.DATABASE_HANG_GRACE,
        health_check=HEALTH_CHECK_TIMEOUT,
    )
    # Django's health check runs `SELECT 1` on the psycopg connection directly.
    connection.is_usable = _checked(connection, limits)
