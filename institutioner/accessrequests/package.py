"""Writing an access request's ZIP: one JSON file per section and a readable HTML summary.

The ZIP is written into a temporary file that spills to disk past a few megabytes; each section
is read once, row by row, and each row goes to its JSON file in the ZIP and to the HTML summary
(a second temporary file, copied into the ZIP at the end), so thousands of rows cost no memory.
"""

import json
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from institutioner.accessrequests.sections import CHILD, PERSON, Child, Section, registered
from institutioner.models import AccessRequest

logger = logging.getLogger(__name__)

SPOOL_BYTES = 8 * 1024 * 1024
PROGRESS_EVERY = 500


def _cell(value: Any) -> str:
    """A value as the summary shows it: Danish dates and numbers, Ja/Nej."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, Decimal):
        return number_format(value)
    if isinstance(value, list | tuple):
        return ", ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return str(value)


def _html_table_start(section: Section) -> str:
    headings = "".join(f"<th>{escape(label)}</th>" for _key, label in section.columns)
    return (
        f'<section id="{escape(section.key)}"><h2>{escape(section.title)}</h2>'
        f"<table><thead><tr>{headings}</tr></thead><tbody>"
    )


def _html_cell(section: Section, key: str, value: Any) -> str:
    if key == "file" and section.files is not None and value:
        # A relative link: it opens the copy beside the summary once the ZIP is unpacked.
        return f'<td><a href="{escape(value)}">{escape(value)}</a></td>'
    readable = section.readable.get(key)
    if readable is not None and value:
        pairs = "".join(
            f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>" for label, text in readable(value)
        )
        return f'<td><dl class="readable">{pairs}</dl></td>'
    return (
        f'<td class="{"pre" if isinstance(value, dict | str) else ""}">{escape(_cell(value))}</td>'
    )


def _html_row(section: Section, row) -> str:
    cells = "".join(_html_cell(section, key, row.get(key)) for key, _label in section.columns)
    return f"<tr>{cells}</tr>"


def _write_section(
    section: Section,
    person,
    archive: zipfile.ZipFile,
    html: IO[str],
    progress: Callable[[int], None],
) -> int:
    written = 0
    html.write(_html_table_start(section))
    with archive.open(f"data/{section.key}.json", "w") as raw:
        raw.write(b"[\n")
        for row in section.rows(person):
            if written:
                raw.write(b",\n")
            raw.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False).encode())
            html.write(_html_row(section, row))
            written += 1
            if written % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
        raw.write(b"\n]\n")
    if not written:
        nothing = escape(_("Nothing."))
        html.write(f'<tr><td colspan="{len(section.columns)}">{nothing}</td></tr>')
    html.write("</tbody></table></section>")
    progress(written % PROGRESS_EVERY)
    if section.files is not None:
        _write_files(section, person, archive)
    return written


def _write_files(section: Section, person, archive: zipfile.ZipFile) -> None:
    """Each stored file copied into the ZIP in chunks, one at a time. A file the storage cannot
    give (lost, or the store not answering) gets a note in its place, so the recipient sees
    what is missing and the rest of the ZIP is still made."""
    assert section.files is not None
    for number, (path, opener) in enumerate(section.files(person), start=1):
        try:
            with opener() as stored, archive.open(path, "w") as copy:
                shutil.copyfileobj(stored, copy, 64 * 1024)
        except Exception:  # a local store's OSError, or an S3 store's own errors
            # Its number, not its path: the name as uploaded may name the child, and the
            # application log is no place for that (the ZIP's note says which one it was).
            logger.warning(
                "An access request's document no. %s of %s could not be read.",
                number,
                section.key,
                exc_info=True,
            )
            note = _(
                "The document could not be read from the file store when this access request "
                "was made. Ask the administration for it."
            )
            missing = _("missing")
            archive.writestr(f"{path}.{missing}.txt", note + "\n")


def subject_of(request: AccessRequest):
    """Whom the request is about, as the sections take it: the User, or a Child."""
    if request.subject_id is not None:
        return request.subject
    assert request.child_birth_date is not None
    return Child(name=request.child_name, birth_date=request.child_birth_date)


def about_of(subject) -> str:
    return CHILD if isinstance(subject, Child) else PERSON


def rows_expected(subject) -> int:
    return sum(section.count(subject) for section in registered(about_of(subject)))


def access_request_zip(request: AccessRequest, progress: Callable[[int], None]) -> IO[bytes]:
    """The ZIP of everything registered about whom the request is about (a person or a child),
    as an open temporary file at position 0. `progress(n)` is called as rows are written."""
    person = subject_of(request)
    made_at = timezone.now()
    # Handed to the caller open (and closed by it); closed here if writing fails.
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        _write(request, person, made_at, spooled, progress)
    except BaseException:
        spooled.close()
        raise
    spooled.seek(0)
    return spooled


def _write(
    request: AccessRequest, person, made_at, spooled: IO[bytes], progress: Callable[[int], None]
) -> None:
    with override("da"), tempfile.TemporaryFile("w+", encoding="utf-8") as html:
        counts: dict[str, int] = {}
        sections = registered(about_of(person))
        if isinstance(person, Child):
            who = {"child": {"name": person.name, "birth_date": person.birth_date}}
        else:
            who = {"person": {"id": person.pk, "name": person.name, "email": person.email}}
        with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for section in sections:
                counts[section.key] = _write_section(section, person, archive, html, progress)
            context = {
                "request": request,
                "person": person,
                "child": isinstance(person, Child),
                "made_at": made_at,
                "municipality": settings.MUNICIPALITY_NAME,
                "sections": [(section, counts[section.key]) for section in sections],
            }
            about = {
                "access_request": request.pk,
                **who,
                "made_at": made_at,
                "requested_by": request.requested_by.name,
                "municipality": settings.MUNICIPALITY_NAME,
                "sections": [
                    {"key": section.key, "title": str(section.title), "rows": counts[section.key]}
                    for section in sections
                ],
            }
            archive.writestr(
                "indsigt.json",
                json.dumps(about, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            head, foot = render_to_string(
                "institutioner/accessrequests/summary.html", context
            ).split("<!-- sections -->")
            html.seek(0)
            with archive.open("indsigt.html", "w") as out:
                out.write(head.encode())
                while chunk := html.read(64 * 1024):
                    out.write(chunk.encode())
                out.write(foot.encode())
