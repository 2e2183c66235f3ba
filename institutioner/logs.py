"""Log records are cut to a readable length, so a hostile 10,000-character value (a path, a
search, a form field) is never written whole to the log."""

import logging

MAX_MESSAGE = 500


class CutLongMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > MAX_MESSAGE:
            record.msg = f"{message[:MAX_MESSAGE]}… ({len(message)} characters, cut)"
            record.args = ()
        return True
