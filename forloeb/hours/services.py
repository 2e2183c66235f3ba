import io
import logging
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb import access
from forloeb.hours import export as hour_export
from forloeb.hours import weeks as hours
from forloeb.models import (
    Course,
    HourCategory,
    HourEntry,
    HourExport,
    HourExportFailure,
    HourExportStatus,
    SheetStatus,
    WeekSheet,
)
from institutioner.errors import StateError
from institutioner.files.services import (
    register_producer,
    stored_file_keep,
    stored_files_delete,
)
from institutioner.models import (
    NotificationKind,
    Pedagogist,
    StoredFile,
    User,
    export_kept_since_expression,
)
from institutioner.notifications.services import notification_mark_read, notification_queue
from institutioner.onejob import stopped_if_started_before, unfinished_or_new
from institutioner.retention.services import text_anonymise
from institutioner.textlimits import LINE, check_lengths
from institutioner.validators import validate_no_cpr_plain

logger = logging.getLogger(__name__)

HOURS_IN_A_WEEK = Decimal("168")


def _check_hours(values: dict[tuple[int | None, str], Decimal | None]) -> dict:
    """The same rules as the form, again here: a service is called from more than one place."""
    clean = {}
    for key, value in values.items():
        if value is None or value == 0:
            continue
        if key[1] not in HourCategory.values:
            raise ValidationError(_("Unknown category."))
        if not value.is_finite() or value < 0:
            raise ValidationError(_("Hours cannot be negative."))
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(_("Use at most two decimals."))
        clean[key] = value
    if sum(clean.values(), Decimal("0")) > HOURS_IN_A_WEEK:
        raise ValidationError(_("The week's hours add up to more than the 168 hours a week has."))
    return clean


def _check_week(monday: date) -> None:
    if monday.weekday() != 0:
        raise ValidationError(_("A week starts on a Monday."))
    if monday < hours.first_allowed_monday():
        raise ValidationError(
            _("%(week)s is too far back: hours can be filled in from %(first)s.")
            % {
                "week": hours.week_label(monday),
                "first": hours.week_label(hours.first_allowed_monday()),
            }
        )
    if monday > hours.last_allowed_monday():
        raise ValidationError(
            _("%(week)s is too far ahead: hours can be filled in up to %(last)s.")
            % {
                "week": hours.week_label(monday),
                "last": hours.week_label(hours.last_allowed_monday()),
            }
        )


class WeekChangedMeanwhile(StateError):
    """The week was saved elsewhere (another tab, window or device) after this form opened."""


def _sheet_for_update(pedagogist: Pedagogist, monday: date, actor: User) -> tuple[WeekSheet, str]:
    """The week's sheet, created if missing, locked, and its stamp before this call. Two tabs
    creating it at once get one (the second sees the first one's stamp)."""
    sheet = WeekSheet.objects.select_for_update().filter(pedagogist=pedagogist, week_start=monday)
    found = sheet.first()
    if found is not None:
        return found, hours.sheet_stamp(found)
    try:
        with transaction.atomic():
            new = WeekSheet(pedagogist=pedagogist, week_start=monday)
            new._history_user = actor  # type: ignore[attr-defined]
            new.save(force_insert=True)
    except IntegrityError:
        existing = sheet.get()
        return existing, hours.sheet_stamp(existing)
    return new, hours.sheet_stamp(None)


def _save(sheet: WeekSheet, actor: User, fields: list[str]) -> None:
    """Save the changed fields; the history row names the person who acted, also when the
    service runs outside a web request (a command, a task)."""
    sheet._history_user = actor  # type: ignore[attr-defined]
    sheet.save(update_fields=fields)


def _editable(sheet: WeekSheet) -> None:
    if sheet.status == SheetStatus.APPROVED:
        raise StateError(
            _("%(week)s is approved and can no longer be changed.")
            % {"week": hours.week_label(sheet.week_start)}
        )
    if sheet.status == SheetStatus.SUBMITTED:
        raise StateError(
            _("%(week)s is submitted. Reopen it to change it.")
            % {"week": hours.week_label(sheet.week_start)}
        )


def _refuse_ended(monday: date, course_ids: set[int]) -> None:
    """No hours on a course whose agreed period ended before the week, also on a row saved
    before (it is shown so it can be emptied)."""
    if not course_ids:
        return
    for course in hours.with_agreed(Course.objects.filter(pk__in=course_ids)).order_by("pk"):
        if hours.ended_before(course, monday):
            raise ValidationError(
                _(
                    "The course at %(course)s ended on %(end)s, before %(week)s: hours "
                    "cannot be written on it. Empty its row."
                )
                % {
                    "course": hours.course_label(course),
                    "end": f"{course.agreed_to:%d.%m.%Y}",  # type: ignore[attr-defined]
                    "week": hours.week_label(monday),
                }
            )


@transaction.atomic
def week_save(
    *,
    actor: User,
    pedagogist: Pedagogist,
    monday: date,
    values: dict[tuple[int | None, str], Decimal | None],
    note: str = "",
    submit: bool = False,
    expected_stamp: str = "",
) -> WeekSheet:
    """Save the whole grid of a week (a cell left empty removes its hours) and, if asked,
    submit it. Each cell is one row, so saving twice or from two tabs never counts double.
    `expected_stamp` is `weeks.sheet_stamp()` of the week when the form was opened: if the week was
    saved since (another tab), nothing is saved and WeekChangedMeanwhile says so."""
    if actor.pk != pedagogist.user_id:
        raise StateError(_("Only the pedagogist fills in their own week."))
    _check_week(monday)
    clean = _check_hours(values)
    validate_no_cpr_plain(note)
    check_lengths(note=(note, LINE))
    if submit and monday > hours.this_monday():
        raise ValidationError(
            _("%(week)s can be submitted once it has begun. Save it for now.")
            % {"week": hours.week_label(monday)}
        )
    sheet, stamp = _sheet_for_update(pedagogist, monday, actor)
    _editable(sheet)
    if expected_stamp and expected_stamp != stamp:
        raise WeekChangedMeanwhile(
            _(
                "%(week)s was saved in another tab or window after you opened it, so your "
                "numbers are not saved. They are still in the form below. Check them and "
                "press Save again to save yours instead."
            )
            % {"week": hours.week_label(monday)}
        )
    existing = {(e.course_id, e.category): e for e in sheet.entries.all()}
    _refuse_ended(monday, {course_id for course_id, _category in clean if course_id})
    allowed = {c.pk for c in hours.courses_in_week(pedagogist, monday)}
    allowed |= {course_id for course_id, _category in existing if course_id}
    for course_id, _category in clean:
        if course_id is not None and course_id not in allowed:
            course = Course.objects.filter(pk=course_id).select_related(
                "agreement__request__institution", "agreement__request__group"
            )
            raise ValidationError(
                _("The course at %(course)s does not run in %(week)s.")
                % {
                    "course": hours.course_label(course[0]) if course else "?",
                    "week": hours.week_label(monday),
                }
            )
    for key, entry in existing.items():
        entry._history_user = actor  # type: ignore[attr-defined]
        if key not in clean:
            entry.delete()
        elif entry.hours != clean[key]:
            entry.hours = clean[key]
            entry.save(update_fields=["hours"])
    for (course_id, category), value in clean.items():
        if (course_id, category) not in existing:
            entry = HourEntry(sheet=sheet, course_id=course_id, category=category, hours=value)
            entry._history_user = actor  # type: ignore[attr-defined]
            entry.save(force_insert=True)
    sheet.note = note
    fields = ["note", "updated_at"]
    if submit:
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = timezone.now()
        fields += ["status", "submitted_at"]
    _save(sheet, actor, fields)
    if submit:
        # The reminders about this week have done their job.
        year, week, _day = monday.isocalendar()
        notification_mark_read(
            user=pedagogist.user,
            kind=NotificationKind.WEEK_SHEET_REMINDER,
            url=reverse("week_sheet", args=[year, week]),
        )
    return sheet


@transaction.atomic
def week_reopen(*, actor: User, pedagogist: Pedagogist, monday: date) -> WeekSheet:
    if actor.pk != pedagogist.user_id:
        raise StateError(_("Only the pedagogist reopens their own week."))
    sheet = (
        WeekSheet.objects.select_for_update()
        .filter(pedagogist=pedagogist, week_start=monday)
        .first()
    )
    if sheet is None or sheet.status == SheetStatus.OPEN:
        raise StateError(_("The week is already open."))
    if sheet.status == SheetStatus.APPROVED:
        _editable(sheet)
    sheet.status = SheetStatus.OPEN
    sheet.submitted_at = None
    _save(sheet, actor, ["status", "submitted_at", "updated_at"])
    return sheet


@transaction.atomic
def month_approve(*, actor: User, pedagogist: Pedagogist, year: int, month: int) -> list[WeekSheet]:
    """Approve a pedagogist's month: every week of it must be submitted (an empty week, such as a
    holiday, is submitted empty). Approved weeks are never changed again."""
    if not access.can_approve_hours(actor):
        raise StateError(_("Only the administration approves hours."))
    mondays = hours.weeks_of_month(year, month)
    sheets = {
        s.week_start: s
        for s in WeekSheet.objects.select_for_update().filter(
            pedagogist=pedagogist, week_start__in=mondays
        )
    }
    if (
        sheets
        and all(s.status == SheetStatus.APPROVED for s in sheets.values())
        and len(sheets) == len(mondays)
    ):
        raise StateError(_("The month is already approved."))
    missing = [
        hours.week_label(m)
        for m in mondays
        if m not in sheets or sheets[m].status == SheetStatus.OPEN
    ]
    if missing:
        raise StateError(
            _(
                "%(name)s has not submitted: %(weeks)s. "
                "Every week of the month must be submitted first."
            )
            % {"name": pedagogist.user.name, "weeks": ", ".join(missing)}
        )
    now = timezone.now()
    approved = []
    for sheet in sheets.values():
        if sheet.status == SheetStatus.SUBMITTED:
            sheet.status = SheetStatus.APPROVED
            sheet.approved_at = now
            sheet.approved_by = actor
            _save(sheet, actor, ["status", "approved_at", "approved_by", "updated_at"])
            approved.append(sheet)
    return approved


# --- Retention ----------------------------------------------------------------------------------

# The transaction-local setting the approved-week trigger reads (migration 0008): the retention
# cut-off. While it is set (at least a year back), an approved week before it may have its note
# anonymised, and nothing else.
RETENTION_SETTING = "forloeb.retention_before"


def week_sheet_anonymise(*, sheet_id: int, before: datetime) -> bool:
    """Retention, for a week that ended before `before`: its note, and the note's copies in its
    history, become "[anonymiseret]". The hours and the approval stay. Runs inside the caller's
    transaction (one per case)."""
    sheet = WeekSheet.objects.select_for_update().get(pk=sheet_id)
    if sheet.week_start + timedelta(days=7) > before.date():
        return False
    postgres = connection.vendor == "postgresql"
    if postgres:
        _set_retention(before.date().isoformat())
    try:
        text_anonymise(WeekSheet, where={"id": sheet.pk}, replace=("note",))
    finally:
        if postgres:
            _set_retention("")
    return True


def _set_retention(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [RETENTION_SETTING, value])


# --- Exports that are built in the background ---------------------------------------------------

EXPORT_PRODUCER = "hours_export_xlsx"


def _export_entries(export: HourExport):
    """What the person who asked may read, now (their scope when the file is built)."""
    return hour_export.entries_between(
        access.hour_entries_for(export.requested_by), export.starts_on, export.ends_on
    )


def _make_export_file(file: StoredFile) -> bytes:
    """The maker registered for the kept file: builds it in one go (the worker's build, with
    progress, normally keeps it first; this answers if anybody asks before)."""
    export = HourExport.objects.select_related("requested_by").get(pk=file.object_id)
    buffer = io.BytesIO()
    hour_export.write_workbook(_export_entries(export), buffer)
    return buffer.getvalue()


register_producer(EXPORT_PRODUCER, _make_export_file)


def hour_export_start(*, actor: User, start: date, end: date) -> HourExport:
    """An Excel export of the hours `actor` may read from `start` to `end`, built by the worker
    after the commit; the page of the export shows its progress.

    While `actor`'s export of the same period is still waiting or being built, asking again
    answers with that one (institutioner/onejob.py)."""
    if not access.can_see_hours(actor):
        raise StateError(_("You cannot export hours."))
    if end < start:
        raise StateError(_("The end of the period is before its start."))
    # A build of the same period that was stopped is not answered with: it failed.
    hour_exports_interrupted(requested_by=actor)
    return unfinished_or_new(
        actor,
        HourExport.objects.filter(
            requested_by=actor,
            starts_on=start,
            ends_on=end,
            status__in=(HourExportStatus.WAITING, HourExportStatus.RUNNING),
        ),
        lambda: _hour_export_new(actor, start, end),
    )


def _hour_export_new(actor: User, start: date, end: date) -> HourExport:
    export = HourExport(requested_by=actor, starts_on=start, ends_on=end)
    export.rows_total = hour_export.entries_between(
        access.hour_entries_for(actor), start, end
    ).count()
    export.save()
    export_id = export.pk
    transaction.on_commit(lambda: _enqueue_build(export_id))
    return export


def _enqueue_build(export_id: int) -> None:
    try:
        current_app.send_task("forloeb.tasks.hour_export_build", args=[export_id])
    except Exception:
        # The page says it waits; "Byg igen" (hour_export_restart) hands it over once more.
        logger.warning("Could not hand hours export %s to the broker.", export_id, exc_info=True)


def hour_export_build(
    *,
    export_id: int,
    progress_every: int = 5000,
    after_progress: Callable[[int], None] | None = None,
) -> HourExport | None:
    """Builds a waiting export: writes the workbook row by row to a temporary file, counting the
    rows on the export as it goes, keeps the file and tells the person it is ready. Returns None
    when the export is not waiting (built, being built by another worker, or failed), so a
    second run of the task does nothing. `after_progress` is called after each progress
    update (the browser test uses it to look at the page mid-build)."""
    with transaction.atomic():
        export = (
            HourExport.objects.select_for_update(skip_locked=True)
            .select_related("requested_by")
            .filter(pk=export_id, status=HourExportStatus.WAITING)
            .first()
        )
        if export is None:
            return None
        export.status = HourExportStatus.RUNNING
        export.started_at = timezone.now()
        export.save(update_fields=["status", "started_at"])

    def progress(written: int) -> None:
        try:
            HourExport.objects.filter(pk=export_id).update(rows_done=written)
        except OperationalError:
            # SQLite (the demo): a write while the rows are still being read is refused at once
            # ("database is locked") when another process wrote since the read began (a second
            # export's progress, a page's session). The count is only shown: the build goes on,
            # and the export is kept once the rows are read.
            if connection.vendor != "sqlite":
                raise
            logger.info("Progress of hours export %s not written (SQLite busy).", export_id)
        if after_progress is not None:
            after_progress(written)

    # Where it stands, so that a failure can say in plain words where it stopped. The rows are
    # read from the database while the workbook is written: which of the two failed is told by
    # the error.
    stage = HourExportFailure.WORKBOOK
    try:
        with tempfile.TemporaryFile() as target:
            written = hour_export.write_workbook(
                _export_entries(export), target, progress=progress, every=progress_every
            )
            target.seek(0)
            data = target.read()
        stage = HourExportFailure.STORAGE
        with transaction.atomic():
            export.file = stored_file_keep(
                producer=EXPORT_PRODUCER,
                concerns=export,
                name=export.file_name,
                mimetype=hour_export.XLSX_TYPE,
                data=data,
            )
            export.status = HourExportStatus.DONE
            export.rows_done = written
            export.rows_total = max(export.rows_total, written)
            export.finished_at = timezone.now()
            export.save(update_fields=["file", "status", "rows_done", "rows_total", "finished_at"])
            notification_queue(
                recipient=export.requested_by,
                template="hours_export_ready",
                context={"export": export},
                concerns=export,
                url=reverse("hours_export_status", args=[export.pk]),
            )
    except Exception as error:
        if isinstance(error, SoftTimeLimitExceeded):
            stage = HourExportFailure.INTERRUPTED
        elif stage == HourExportFailure.WORKBOOK and isinstance(error, DatabaseError):
            stage = HourExportFailure.DATABASE
        # The traceback goes to the worker's log (the task raises); the page says `stage`.
        try:
            _failed(export_id, stage)
        except DatabaseError:
            # The database is gone too: the export is failed as interrupted once its build has
            # run longer than the task may (hour_exports_interrupted).
            logger.warning("Could not mark hours export %s failed.", export_id, exc_info=True)
        raise
    return export


def _failed(export_id: int, failure: str, *, started_before: datetime | None = None) -> bool:
    """The export, if it is being built (and began before `started_before`), failed for
    `failure`, and the person who asked told so with a link to its page, in one transaction:
    once per build, whichever notices first. Returns whether it was."""
    with transaction.atomic():
        running = HourExport.objects.select_for_update().filter(
            pk=export_id, status=HourExportStatus.RUNNING
        )
        if started_before is not None:
            running = running.filter(started_at__lt=started_before)
        export = running.select_related("requested_by").first()
        if export is None:
            return False
        export.status = HourExportStatus.FAILED
        export.failure = failure
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "failure", "finished_at"])
        notification_queue(
            recipient=export.requested_by,
            template="hours_export_failed",
            context={"export": export},
            concerns=export,
            url=reverse("hours_export_status", args=[export.pk]),
        )
    return True


def hour_exports_interrupted(
    *, export_ids: list[int] | None = None, requested_by: User | None = None
) -> int:
    """Exports still "being built" whose build has run longer than the task may (its process
    was ended by the time limit, or the worker died or lost the database and could not say):
    failed as interrupted, each person told. The beat runs it every few minutes
    (`builds_interrupted`); an export's page and asking for a period again run it for theirs.
    Returns how many."""
    # The build task has no time limit of its own (forloeb/hours/tasks.py): the project's.
    started_before = stopped_if_started_before()
    running = HourExport.objects.filter(
        status=HourExportStatus.RUNNING, started_at__lt=started_before
    )
    if export_ids is not None:
        running = running.filter(pk__in=export_ids)
    if requested_by is not None:
        running = running.filter(requested_by=requested_by)
    ids = list(running.order_by("pk").values_list("pk", flat=True))
    return sum(
        _failed(pk, HourExportFailure.INTERRUPTED, started_before=started_before) for pk in ids
    )


def hour_export_restart(*, actor: User, export: HourExport) -> HourExport:
    """A failed export, or one that waited for a worker in vain, is handed over again."""
    with transaction.atomic():
        export = HourExport.objects.select_for_update().get(pk=export.pk)
        if export.requested_by_id != actor.pk:
            raise StateError(_("Only the person who asked for the export can build it again."))
        if export.status == HourExportStatus.DONE:
            raise StateError(_("The export is ready already."))
        if export.status == HourExportStatus.RUNNING:
            raise StateError(_("The export is being built."))
        export.status = HourExportStatus.WAITING
        export.rows_done = 0
        export.finished_at = None
        export.failure = ""
        export.save(update_fields=["status", "rows_done", "finished_at", "failure"])
        transaction.on_commit(lambda: _enqueue_build(export.pk))
    return export


def hour_exports_old(*, before: datetime) -> QuerySet:
    """The ids of the exports kept since before `before` (asked for, or last built, then:
    `export_kept_since`), oldest first."""
    return (
        HourExport.objects.alias(
            kept_since=export_kept_since_expression("created_at", "started_at", "finished_at")
        )
        .filter(kept_since__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def hour_exports_purge(*, before: datetime) -> int:
    """Retention: Excel exports kept since before `before` go, each with its file (pedagogists'
    hours by name); a new one can be made at any time. Returns how many went."""
    ids = list(hour_exports_old(before=before))
    HourExport.objects.filter(pk__in=ids).delete()
    stored_files_delete(model=HourExport, object_ids=ids)
    return len(ids)
