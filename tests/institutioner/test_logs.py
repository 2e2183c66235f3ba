"""The log's lines, as IT reads them in `docker compose logs`."""

import logging
import re

from django.conf import settings


def test_a_log_line_carries_its_time_with_the_utc_offset():
    """QA (go-live): lines read "2026-12-05 04:34:20,587", Copenhagen time without its offset:
    ambiguous in the hour the clocks go back, and an hour off against a proxy's log in UTC."""
    config = settings.LOGGING["formatters"]["plain"]
    factory = config.get("()", logging.Formatter)
    if isinstance(factory, str):
        from django.utils.module_loading import import_string

        factory = import_string(factory)
    formatter = factory(config["format"])
    # The record made by hand and formatted: another test may have disabled logging or raised
    # a logger's level, which says nothing of the format.
    record = logging.LogRecord(
        "tests.logs", logging.WARNING, __file__, 1, "Answered 503: %s", ("database",), None
    )
    line = formatter.format(record)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d WARNING tests.logs: "
        r"Answered 503: database",
        line,
    ), line
