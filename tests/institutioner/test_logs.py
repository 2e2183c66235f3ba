"""The log's lines, as IT reads them in `docker compose logs`."""

import logging
import re
from io import StringIO

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
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    try:
        logger.warning("Answered 503: %s", "database")
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue().strip()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d WARNING tests.logs: "
        r"Answered 503: database",
        line,
    ), line
