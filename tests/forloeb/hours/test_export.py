"""The hour exports (hours/export.py and the background Excel build in hours/services.py)."""

import csv
import errno
import html
import io
import re
import resource
import signal
from datetime import timedelta

import openpyxl
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_celery_beat.models import PeriodicTask

from forloeb import access
from forloeb.hours import export, services, tasks
from forloeb.hours import weeks as hours
from forloeb.models import (
    HourEntry,
    HourExport,
    HourExportFailure,
    HourExportStatus,
    YearReport,
    YearReportFailure,
)
from institutioner.errors import StateError
from institutioner.models import AccessAction, AccessLogEntry, Notification

# A failed write lets its workbook go at once (forloeb/hours/export.py `_save`): left to the
# garbage collector, its close raised from a finaliser during whatever ran next, and under
# CPython 3.11.7 that could break an AST being built at the moment (python/cpython#106905).
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _period(logged):
    return {"fra": (logged - timedelta(weeks=1)).isoformat(), "til": logged.isoformat()}


def test_the_database_writes_the_same_csv_as_python(world, running, elsewhere, logged, postgres):
    """COPY formats in SQL what `spreadsheet._danish` formats in Python: the same bytes, names
    with quotes, semicolons and formula starts included."""
    world.pedagogist.user.name = '=Paula "P"; Pædagog'
    world.pedagogist.user.save(update_fields=["name"])
    world.institution.name = "-Mariehønen\nSyd"
    world.institution.save(update_fields=["name"])
    entries = export.entries_between(
        access.hour_entries_for(world.administrator),
        logged - timedelta(weeks=5),
        hours.this_monday() + timedelta(days=6),
    )
    from_database = b"".join(export._copy_lines(entries))
    from_python = b"".join(export._python_lines(entries))
    assert from_database == from_python
    rows = list(csv.reader(io.StringIO(from_database.decode()), delimiter=";"))
    assert len(rows) == 4
    assert {row[0] for row in rows} == {"'" + world.pedagogist.user.name}
    assert "'-Mariehønen\nSyd" in {row[4] for row in rows}
    assert "" in {row[5] for row in rows}  # the course elsewhere has no group


def test_the_csv_sends_its_header_before_asking_the_database(client, world, logged):
    client.force_login(world.administrator)
    response = client.get(reverse("hours_export", args=["csv"]), _period(logged))
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)
    assert first.decode().startswith("\ufeffPædagog;År;Uge")
    assert len(queries.captured_queries) == 0
    rest = b"".join(chunks).decode()
    assert rest.count("\n") == 4


def test_any_period_can_be_exported(client, world, logged):
    """The page shows a column a week and stops at two years; the exports take five and more."""
    client.force_login(world.administrator)
    five_years = {"fra": (logged - timedelta(weeks=5 * 52)).isoformat(), "til": logged.isoformat()}
    rows = _csv_rows(client.get(reverse("hours_export", args=["csv"]), five_years))
    assert len(rows) == 1 + 4
    page = client.get(reverse("hours_delivered"), five_years).content.decode()
    assert "højst to år" in page


def test_a_small_excel_export_is_answered_at_once(client, world, logged, settings):
    settings.HOURS_EXPORT_XLSX_INLINE_ROWS = 4
    client.force_login(world.administrator)
    response = client.get(reverse("hours_export", args=["xlsx"]), _period(logged))
    assert response["Content-Type"] == export.XLSX_TYPE
    assert HourExport.objects.count() == 0


def test_a_large_excel_export_is_built_in_the_background(
    client, world, logged, settings, django_capture_on_commit_callbacks
):
    settings.HOURS_EXPORT_XLSX_INLINE_ROWS = 3
    client.force_login(world.administrator)
    response = client.get(reverse("hours_export", args=["xlsx"]), _period(logged))
    assert response.status_code == 302 and reverse("hours_export_new") in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "4 rækker" in page and "Byg Excel-filen" in page
    assert not AccessLogEntry.objects.filter(url_name="hours_export_new").exists()

    response = client.post(reverse("hours_export_new"), _period(logged))
    made = HourExport.objects.get()
    assert response["Location"] == reverse("hours_export_status", args=[made.pk])
    assert (made.status, made.rows_total, made.requested_by) == (
        HourExportStatus.WAITING,
        4,
        world.administrator,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Venter" in page and "data-export-waiting" in page

    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        built = services.hour_export_build(
            export_id=made.pk,
            progress_every=2,
            after_progress=lambda n: seen.append(HourExport.objects.get(pk=made.pk).percent),
        )
    assert built is not None and seen == [50, 99]  # 2 and 4 of 4 rows, before it was kept
    made.refresh_from_db()
    assert made.status == HourExportStatus.DONE and made.rows_done == 4 and made.percent == 100
    page = client.get(reverse("hours_export_status", args=[made.pk])).content.decode()
    assert "Hent timer-" in page and "data-export-waiting" not in page

    # When the kept file goes (RETENTION_EXPORT_DAYS after it was made) is said beside it.
    gone = date_format(timezone.localdate(made.finished_at + timedelta(days=30)), "j. F Y")
    assert f"Filen slettes natten efter {gone}, 30 dage efter den blev lavet." in page

    notification = Notification.objects.get(
        recipient=world.administrator, template="hours_export_ready"
    )
    assert notification.url == reverse("hours_export_status", args=[made.pk])
    assert "klar" in notification.subject

    download = client.get(reverse("hours_export_download", args=[made.pk]))
    assert download["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    background = list(book.active.iter_rows(values_only=True))
    inline = io.BytesIO()
    export.write_workbook(
        export.entries_between(
            access.hour_entries_for(world.administrator), made.starts_on, made.ends_on
        ),
        inline,
    )
    assert background == list(openpyxl.load_workbook(inline).active.iter_rows(values_only=True))
    assert len(background) == 5
    logged_row = AccessLogEntry.objects.get(url_name="hours_export_download")
    assert logged_row.action == AccessAction.DOWNLOAD and logged_row.object_id == made.pk

    # A second run of the task changes nothing.
    assert services.hour_export_build(export_id=made.pk) is None


def test_an_export_is_its_owners_only(client, world, logged):
    made = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )
    services.hour_export_build(export_id=made.pk)
    for person in (world.leader, world.pedagogist.user, world.staff):
        client.force_login(person)
        assert client.get(reverse("hours_export_status", args=[made.pk])).status_code == 404
        assert client.get(reverse("hours_export_download", args=[made.pk])).status_code == 404


def test_an_export_gone_or_not_ones_own_says_so_as_a_404(client, world, logged, settings):
    """The notification that an export is ready still links to it after the export and its
    file are deleted (RETENTION_EXPORT_DAYS): the page says so, the same for an export that is
    someone else's, and is still a 404."""
    made = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )
    services.hour_export_build(export_id=made.pk)
    settings.RETENTION_EXPORT_DAYS = 30
    said = "En færdig eksport slettes 30 dage efter, den blev lavet"
    client.force_login(world.leader)
    for name in ("hours_export_status", "hours_export_download"):
        response = client.get(reverse(name, args=[made.pk]))
        assert response.status_code == 404
        page = response.content.decode()
        assert said in page and "Lav en ny eksport under Leverede timer" in page
        assert made.file_name not in page
    HourExport.objects.filter(pk=made.pk).delete()
    client.force_login(world.administrator)
    response = client.get(reverse("hours_export_status", args=[made.pk]))
    assert response.status_code == 404 and said in response.content.decode()
    client.force_login(world.staff)
    response = client.get(reverse("hours_export_download", args=[made.pk]))
    page = response.content.decode()
    assert response.status_code == 404 and said in page and "Leverede timer" not in page


def test_a_leaders_background_export_holds_only_their_courses(client, world, running, logged):
    made = services.hour_export_start(
        actor=world.leader, start=logged - timedelta(weeks=1), end=logged
    )
    services.hour_export_build(export_id=made.pk)
    client.force_login(world.leader)
    download = client.get(reverse("hours_export_download", args=[made.pk]))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True)
    )
    assert {row[6] for row in rows[1:]} == {running.pk}


def test_staff_cannot_start_an_export(world):
    with pytest.raises(StateError):
        services.hour_export_start(
            actor=world.staff, start=hours.this_monday(), end=hours.this_monday()
        )


def test_a_failed_export_says_so_and_can_be_built_again(client, world, logged):
    made = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )

    def fail(_written):
        raise OSError("disk full")

    with pytest.raises(OSError):
        services.hour_export_build(export_id=made.pk, progress_every=1, after_progress=fail)
    made.refresh_from_db()
    assert made.status == HourExportStatus.FAILED
    client.force_login(world.administrator)
    page = client.get(reverse("hours_export_status", args=[made.pk])).content.decode()
    assert "mislykkedes" in page and "Byg den igen" in page
    client.post(reverse("hours_export_status", args=[made.pk]))
    made.refresh_from_db()
    assert made.status == HourExportStatus.WAITING and made.rows_done == 0
    assert services.hour_export_build(export_id=made.pk).status == HourExportStatus.DONE
    with pytest.raises(StateError):
        services.hour_export_restart(actor=world.administrator, export=made)


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_a_progress_count_sqlite_refuses_does_not_fail_the_export(
    world, logged, monkeypatch, vendor
):
    """On SQLite (the demo) a write while the rows are read is refused at once when another
    process wrote since ("database is locked": two exports at once failed one of them). The
    count is only shown, so the build goes on; elsewhere such an error still fails it."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    made = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )
    update = QuerySet.update

    def busy(self, **values):
        if self.model is HourExport and set(values) == {"rows_done"}:
            raise OperationalError("database is locked")
        return update(self, **values)

    monkeypatch.setattr(QuerySet, "update", busy)
    monkeypatch.setattr(connection, "vendor", vendor)
    if vendor == "sqlite":
        built = services.hour_export_build(export_id=made.pk, progress_every=1)
        assert built is not None and built.status == HourExportStatus.DONE
        made.refresh_from_db()
        assert (made.status, made.rows_done, made.file_id is not None) == (
            HourExportStatus.DONE,
            4,
            True,
        )
    else:
        with pytest.raises(DatabaseError):
            services.hour_export_build(export_id=made.pk, progress_every=1)
        made.refresh_from_db()
        assert made.status == HourExportStatus.FAILED


def test_an_export_that_waited_in_vain_reloads_slowly_and_says_what_to_do(client, world, logged):
    """No worker (stopped, or the broker lost the task): after five minutes the page says so,
    reloads itself every 30 seconds instead of every two (its button moved under the finger),
    and says what to do when building it again does not help."""
    made = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )
    client.force_login(world.administrator)
    url = reverse("hours_export_status", args=[made.pk])
    assert 'data-export-waiting="2"' in client.get(url).content.decode()
    HourExport.objects.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    page = client.get(url).content.decode()
    with translation.override("da"):
        advice = translation.gettext(
            "Build it again. If it still waits, the background jobs may not be running: "
            "contact IT support."
        )
    assert "Eksporten har ventet længe på baggrundsjobbet." in page
    assert html.escape(advice) in page and "Byg den igen" in page
    assert 'data-export-waiting="30"' in page and f'href="{url}"' in page


def test_the_progress_counts_rows_with_danish_thousands(client, world, logged):
    """QA: "5931 rækker" beside "op til 20.000 rækker": the counts are grouped as Danish writes
    them."""
    made = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )
    HourExport.objects.filter(pk=made.pk).update(
        status=HourExportStatus.RUNNING, rows_done=5000, rows_total=25931
    )
    client.force_login(world.administrator)
    page = client.get(reverse("hours_export_status", args=[made.pk])).content.decode()
    assert "5.000 af 25.931 rækker (19 %)" in page


def test_the_background_page_says_too_much_only_above_the_limit(client, world, logged, settings):
    settings.HOURS_EXPORT_XLSX_INLINE_ROWS = 20000
    client.force_login(world.administrator)
    page = client.get(reverse("hours_export_new"), _period(logged)).content.decode()
    assert "4 rækker" in page and "for meget" not in page
    # Whole sentences: what the limit is, that this file is within it and what to do.
    assert (
        "En Excel-fil med op til 20.000 rækker kan hentes med det samme. Denne er inden for "
        "grænsen, så du kan hente den nu. Hvis du foretrækker det, kan den også bygges i "
        "baggrunden, og du får en notifikation, når den er klar."
    ) in page
    assert "så den kan." not in page
    assert "her bygges den i stedet" not in page
    # The file fits: the direct download is offered first, the background build besides.
    direct = reverse("hours_export", args=["xlsx"])
    assert f'href="{direct}?fra=' in page and "Hent Excel-filen nu" in page
    assert "Byg den i baggrunden" in page
    settings.HOURS_EXPORT_XLSX_INLINE_ROWS = 3
    page = client.get(reverse("hours_export_new"), _period(logged)).content.decode()
    assert "Det er for meget til at lave, mens du venter" in page
    assert f'href="{direct}?fra=' not in page and "Byg Excel-filen" in page


def test_asking_again_while_it_is_built_gives_the_same_export(world, logged):
    start, end = logged - timedelta(weeks=1), logged
    first = services.hour_export_start(actor=world.administrator, start=start, end=end)
    again = services.hour_export_start(actor=world.administrator, start=start, end=end)
    assert again.pk == first.pk
    # Another period, or another person: an export of its own.
    longer = services.hour_export_start(
        actor=world.administrator, start=start, end=end + timedelta(7)
    )
    theirs = services.hour_export_start(actor=world.leader, start=start, end=end)
    assert len({first.pk, longer.pk, theirs.pk}) == 3
    # Once built, a new one can be asked for (weeks may have been approved since).
    assert services.hour_export_build(export_id=first.pk).status == HourExportStatus.DONE
    newer = services.hour_export_start(actor=world.administrator, start=start, end=end)
    assert newer.pk != first.pk


def test_two_exports_at_once_make_one(postgres, transactional_db, world):
    import threading

    barrier = threading.Barrier(2)
    made: list[int] = []
    errors: list[Exception] = []
    monday = hours.this_monday()

    def ask():
        try:
            barrier.wait()
            made.append(
                services.hour_export_start(
                    actor=world.administrator, start=monday - timedelta(weeks=4), end=monday
                ).pk
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(made) == 2 and made[0] == made[1]
    assert HourExport.objects.count() == 1


def _text(response) -> str:
    """The page's words as read (tags gone, entities and spaces as one)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


ADVICE = (
    "Byg den igen. Fejler den igen, så vælg en kortere periode; lykkes det heller ikke, så "
    "kontakt IT-supporten."
)


def test_a_build_without_room_for_the_file_says_why_and_what_to_do(client, world, logged):
    """The worker may write no more than a few hundred bytes (as a full disk): the build
    fails for that real reason, and the page says it in Danish with what to do, never the
    error itself; building it again clears the reason."""
    made = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    # Beyond the limit a write fails with EFBIG (instead of the signal ending the process).
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (512, limits[1]))
    try:
        with pytest.raises(OSError) as raised:
            services.hour_export_build(export_id=made.pk)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)
    assert raised.value.errno == errno.EFBIG
    made.refresh_from_db()
    assert (made.status, made.failure) == (HourExportStatus.FAILED, "workbook")
    # The person was told, with the reason and the page's link (the page promises it).
    told = Notification.objects.get(recipient=world.administrator, template="hours_export_failed")
    link = reverse("hours_export_status", args=[made.pk])
    assert told.url == link and link in told.body_text
    assert "Excel-filen kunne ikke skrives" in told.body_text
    assert "File too large" not in told.body_text

    client.force_login(world.administrator)
    response = client.get(reverse("hours_export_status", args=[made.pk]))
    page = _text(response)
    assert (
        "Eksporten mislykkedes. Excel-filen kunne ikke skrives: serveren havde måske ikke plads "
        "til den."
    ) in page
    assert ADVICE in page
    assert "File too large" not in page and "OSError" not in page and "Errno" not in page
    # The shorter period is chosen on the hours delivered page, the period filled in.
    period = f"fra={made.starts_on:%Y-%m-%d}&amp;til={made.ends_on:%Y-%m-%d}"
    shorter = f"{reverse('hours_delivered')}?{period}"
    assert f'href="{shorter}"' in response.content.decode() and "Vælg en kortere periode" in page
    # The list of one's latest exports says it too.
    listed = _text(client.get(reverse("hours_export_new"), _period(logged)))
    assert "(mislykket) Excel-filen kunne ikke skrives" in listed

    client.post(reverse("hours_export_status", args=[made.pk]))
    made.refresh_from_db()
    assert (made.status, made.failure) == (HourExportStatus.WAITING, "")
    assert services.hour_export_build(export_id=made.pk).status == HourExportStatus.DONE
    assert "mislykkedes" not in _text(client.get(reverse("hours_export_status", args=[made.pk])))


def test_a_build_the_database_cannot_answer_says_why(
    client, postgres, transactional_db, world, logged
):
    """The hours' table is locked by another session longer than the database waits for a
    lock: reading the rows fails, the export says the hours could not be read."""
    made = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {HourEntry._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            with pytest.raises(DatabaseError):
                services.hour_export_build(export_id=made.pk)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        other.rollback()
        other.close()
    made.refresh_from_db()
    assert (made.status, made.failure) == (HourExportStatus.FAILED, "database")
    client.force_login(world.administrator)
    page = _text(client.get(reverse("hours_export_status", args=[made.pk])))
    assert "Eksporten mislykkedes. Timerne kunne ikke hentes fra databasen." in page
    assert ADVICE in page and "lock" not in page.lower()

    services.hour_export_restart(actor=world.administrator, export=made)
    assert services.hour_export_build(export_id=made.pk).status == HourExportStatus.DONE


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        ("storage", "Den færdige Excel-fil kunne ikke gemmes."),
        ("", "Årsagen blev ikke gemt."),
    ],
)
def test_each_export_failure_is_said(client, world, failure, said):
    made = HourExport.objects.create(
        requested_by=world.administrator,
        starts_on=hours.this_monday(),
        ends_on=hours.this_monday(),
        status=HourExportStatus.FAILED,
        failure=failure,
    )
    client.force_login(world.administrator)
    page = _text(client.get(reverse("hours_export_status", args=[made.pk])))
    assert f"Eksporten mislykkedes. {said}" in page and ADVICE in page


def test_only_a_failed_export_has_a_reason(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        HourExport.objects.create(
            requested_by=world.administrator,
            starts_on=hours.this_monday(),
            ends_on=hours.this_monday(),
            status=HourExportStatus.WAITING,
            failure="storage",
        )


# --- A build that was stopped mid-way (a killed worker, a lost database, the time limit) -------


def _danish(label) -> str:
    with translation.override("da"):
        return str(label)


def _running(world, *, started_ago: timedelta, rows_done: int = 2) -> HourExport:
    """A real row "being built" since `started_ago`, as a worker left it when it died."""
    made = HourExport.objects.create(
        requested_by=world.administrator,
        starts_on=hours.this_monday() - timedelta(weeks=1),
        ends_on=hours.this_monday(),
        status=HourExportStatus.RUNNING,
        rows_total=4,
        rows_done=rows_done,
    )
    started = timezone.now() - started_ago
    HourExport.objects.filter(pk=made.pk).update(
        created_at=started - timedelta(seconds=5), started_at=started
    )
    return made


def _past_the_limit() -> timedelta:
    return timedelta(seconds=django_settings.CELERY_TASK_TIME_LIMIT) + timedelta(minutes=2)


def test_a_build_stopped_mid_way_fails_when_its_page_is_read(client, world, logged):
    """The worker died mid-build longer ago than the task may run: the page says the export
    failed and why, stops reloading and offers to build it again; the person is told once."""
    stopped = _running(world, started_ago=_past_the_limit())
    # Within the time limit a build may still be running: it is left alone.
    young = _running(world, started_ago=timedelta(seconds=30))
    client.force_login(world.administrator)

    page = client.get(reverse("hours_export_status", args=[stopped.pk]))
    said = _text(page)
    reason = _danish(HourExportFailure.INTERRUPTED.label)
    assert f"Eksporten mislykkedes. {reason}" in said and ADVICE in said
    assert "data-export-waiting" not in page.content.decode()
    stopped.refresh_from_db()
    assert (stopped.status, stopped.failure) == (HourExportStatus.FAILED, "interrupted")
    assert stopped.finished_at is not None

    told = Notification.objects.get(recipient=world.administrator, template="hours_export_failed")
    link = reverse("hours_export_status", args=[stopped.pk])
    assert told.url == link and link in told.body_text and reason in told.body_text
    # Read again, or noticed by the beat as well: still one message.
    client.get(link)
    assert tasks.builds_interrupted() == 0
    assert Notification.objects.filter(template="hours_export_failed").count() == 1

    page = client.get(reverse("hours_export_status", args=[young.pk])).content.decode()
    assert "data-export-waiting" in page
    young.refresh_from_db()
    assert young.status == HourExportStatus.RUNNING

    # Built again, it is made as any other.
    client.post(link)
    stopped.refresh_from_db()
    assert (stopped.status, stopped.failure) == (HourExportStatus.WAITING, "")
    assert services.hour_export_build(export_id=stopped.pk).status == HourExportStatus.DONE


def test_the_beat_fails_stopped_builds_and_tells_the_person(world):
    """Nobody reads the page (the person left it, trusting the notification): the beat's task
    fails the stopped export and the stopped yearly report, and tells the export's person."""
    stopped = _running(world, started_ago=_past_the_limit())
    young = _running(world, started_ago=timedelta(seconds=30))
    report = YearReport.objects.create(
        year=2024, requested_by=world.administrator, status=HourExportStatus.RUNNING
    )
    YearReport.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - _past_the_limit(),
        started_at=timezone.now() - _past_the_limit(),
    )

    assert PeriodicTask.objects.get(name=tasks.BUILDS_INTERRUPTED).task == (
        tasks.builds_interrupted.name
    )
    assert tasks.builds_interrupted() == 2
    stopped.refresh_from_db()
    young.refresh_from_db()
    report.refresh_from_db()
    assert (stopped.status, stopped.failure) == (HourExportStatus.FAILED, "interrupted")
    assert young.status == HourExportStatus.RUNNING
    assert (report.status, report.failure) == (
        HourExportStatus.FAILED,
        YearReportFailure.INTERRUPTED,
    )
    told = Notification.objects.get(template="hours_export_failed")
    assert told.recipient == world.administrator and told.object_id == stopped.pk
    assert _danish(HourExportFailure.INTERRUPTED.label) in told.body_text
    assert tasks.builds_interrupted() == 0
    assert Notification.objects.filter(template="hours_export_failed").count() == 1


def test_asking_again_for_a_stopped_build_makes_a_new_export(world, logged):
    stopped = _running(world, started_ago=_past_the_limit())
    made = services.hour_export_start(
        actor=world.administrator, start=stopped.starts_on, end=stopped.ends_on
    )
    assert made.pk != stopped.pk and made.status == HourExportStatus.WAITING
    stopped.refresh_from_db()
    assert stopped.status == HourExportStatus.FAILED


def test_a_build_stopped_by_its_soft_time_limit_says_interrupted(world, logged):
    made = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )

    def too_long(_written):
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        services.hour_export_build(export_id=made.pk, progress_every=1, after_progress=too_long)
    made.refresh_from_db()
    assert (made.status, made.failure) == (HourExportStatus.FAILED, "interrupted")
    told = Notification.objects.filter(template="hours_export_failed", object_id=made.pk)
    assert told.count() == 1


def test_the_build_tasks_use_the_projects_time_limit():
    """A build counts as stopped after CELERY_TASK_TIME_LIMIT (institutioner/onejob.py): the
    build tasks must not carry a longer limit of their own, or a live build would be failed."""
    from django.conf import settings

    from forloeb.hours.tasks import hour_export_build
    from forloeb.yearreport.tasks import year_report_build

    for task in (hour_export_build, year_report_build):
        assert task.time_limit in (None, settings.CELERY_TASK_TIME_LIMIT), task.name
