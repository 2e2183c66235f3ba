"""Log records are cut to a readable length, so a hostile 10,000-character value (a path, a
search, a form field) is never written whole to the log."""

import logging
from datetime import datetime

MAX_MESSAGE = 500


class CutLongMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > MAX_MESSAGE:
            record.msg = f"{message[:MAX_MESSAGE]}… ({len(message)} characters, cut)"
            record.args = ()
        return True


class Formatter(logging.Formatter):
    """Times as ISO 8601 with milliseconds and the UTC offset (2026-12-05T04:34:20.587+01:00):
    the process runs in Europe/Copenhagen, and a time without its offset is ambiguous in the
    hour the clocks go back and hard to match with a proxy's or a database's log in UTC."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created).astimezone()
        return moment.isoformat(timespec="milliseconds")
