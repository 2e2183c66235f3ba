"""The access log as CSV for Danish Excel, streamed: a year of rows never sits in memory."""

import csv
from collections.abc import Iterator
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from institutioner.accesslog.selectors import (
    also_shown_labels,
    object_label,
    page_text,
    people_named,
    query_text,
)

# A text cell starting with one of these is read as a formula (or a command) by Excel and
# LibreOffice; such text gets a leading apostrophe (OWASP's advice). The same rule as the
# spreadsheets of the apps above, kept here because this app cannot use theirs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def csv_text(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _header() -> list[str]:
    return [
        _("Time"),
        _("Looked up by"),
        _("E-mail"),
        _("Action"),
        _("Object"),
        _("Concerning"),
        _("Search terms and filters"),
        _("Page"),
        _("Client address"),
        # Last, so the columns before keep their places for whoever reads the file by position.
        _("Also shown"),
    ]


def _lines(rows) -> Iterator[list[str]]:
    iterator = rows.iterator(chunk_size=CHUNK)
    while chunk := list(islice(iterator, CHUNK)):
        names = people_named(chunk)
        for row in chunk:
            yield [
                f"{timezone.localtime(row.at):%d.%m.%Y %H:%M:%S}",
                row.user.name if row.user else "",
                row.user.email if row.user else "",
                str(row.get_action_display()),
                object_label(row),
                ", ".join(names.get(pk, f"#{pk}") for pk in row.concerns),
                query_text(row.query),
                page_text(row),
                row.client_address or "",
                "; ".join(also_shown_labels(row)),
            ]


def access_log_csv(rows, filename: str) -> StreamingHttpResponse:
    """`rows` (a scoped, filtered queryset with `user` joined) as a streamed CSV file."""
    writer = csv.writer(_Echo(), delimiter=";")

    def stream() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow(_header())
        for line in _lines(rows):
            yield writer.writerow([csv_text(value) for value in line])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
