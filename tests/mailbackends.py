"""E-mail backends for the reliability tests, importable by a worker in its own process.

`LoggingSlowBackend` writes "begin <id>" to MAIL_LOG, waits MAIL_SLOW_SECONDS (the mail server
is slow), then "sent <id>": a worker killed in between leaves "begin" without "sent". The id is
the notification's Message-ID, which is the same at every attempt.
"""

import os
import smtplib
import time

from django.core.mail.backends.base import BaseEmailBackend


def _log(line: str) -> None:
    with open(os.environ["MAIL_LOG"], "a", encoding="utf-8") as log:
        log.write(line + "\n")
        log.flush()
        os.fsync(log.fileno())


class LoggingSlowBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            message_id = message.extra_headers["Message-ID"]
            _log(f"begin {message_id}")
            time.sleep(float(os.environ.get("MAIL_SLOW_SECONDS", "0")))
            _log(f"sent {message_id}")
        return len(email_messages)


class RefusingSMTPBackend(BaseEmailBackend):
    """A mail server that hangs up."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
