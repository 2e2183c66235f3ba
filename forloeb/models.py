"""Forløb: the course that runs once an agreement is in force, its phases and its logbook."""

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from indsats.models import Agreement, LearningTheme, PracticeRole
from institutioner.models import Pedagogist, export_deleted_after, export_kept_since
from institutioner.textlimits import (
    GOAL,
    LINE,
    LONG,
    MEDIUM,
    SHORT,
    MaxLength,
    length_constraint,
)
from institutioner.validators import validate_no_cpr, validate_no_cpr_plain


class Phase(models.TextChoices):
    STARTUP = "startup", _("Start-up")
    PRACTICE = "practice", _("Course")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


PHASE_ORDER = [Phase.STARTUP, Phase.PRACTICE, Phase.FOLLOW_UP, Phase.CLOSED]

# The seeds' checklist for each phase (seed 001): what is done before moving on.
CHECKLIST = {
    Phase.STARTUP: [
        ("coordination", _("Coordination")),
        ("contracting", _("Contracting: the agreement is gone through with the staff")),
        ("leadership_startup", _("The leadership takes part")),
    ],
    Phase.PRACTICE: [
        ("practice_roles", _("Practice in front, beside and behind the staff")),
        ("reflections", _("Ongoing reflections and evaluations")),
        ("practice_team", _("The practice team takes part")),
    ],
    Phase.FOLLOW_UP: [
        ("evaluation", _("Evaluation")),
        ("adjustment", _("Adjustment")),
        ("follow_up", _("Follow-up")),
        ("leadership_follow_up", _("The leadership takes part")),
    ],
}


class CourseQuerySet(models.QuerySet["Course"]):
    def open(self) -> "CourseQuerySet":
        """Courses not yet closed."""
        return self.exclude(phase=Phase.CLOSED)


class Course(models.Model):
    agreement = models.OneToOneField(
        Agreement, on_delete=models.PROTECT, related_name="course", verbose_name=_("agreement")
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.STARTUP
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # When retention removed the free text and names of the course, its agreement and request
    # (institutioner/retention/).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-started_at"]
        # The course list, newest first 50 to a page: read from the index, not sorted.
        indexes = [models.Index(fields=["-started_at", "-id"], name="course_list_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase="closed", closed_at__isnull=False)
                | (~Q(phase="closed") & Q(closed_at__isnull=True)),
                name="course_closed_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        req = self.agreement.request
        where = f"{req.institution.name}, {req.group.name}" if req.group else req.institution.name
        return _("Course at %(where)s") % {"where": where}

    def get_absolute_url(self) -> str:
        return reverse("course_detail", args=[self.pk])


class ChecklistItem(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="checklist")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    key = models.CharField(max_length=40)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # Moving on with the item unticked: why, by whom and when (the phase then shows it).
    waived_reason = models.CharField(
        _("why it was not done"), max_length=500, blank=True, validators=[validate_no_cpr_plain]
    )
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(_("not done, moved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["course", "key"], name="checklist_item_unique"),
            # An item passed without being done always says why.
            models.CheckConstraint(
                condition=Q(waived_at__isnull=True, waived_reason="")
                | (Q(waived_at__isnull=False) & ~Q(waived_reason="")),
                name="checklist_item_waived_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return str(dict(CHECKLIST[Phase(self.phase)]).get(self.key, self.key))

    @property
    def settled(self) -> bool:
        """Ticked, or passed with a reason when the course moved on."""
        return self.done_at is not None or self.waived_at is not None


class CourseEvent(models.Model):
    """The course's history: phase changes and ticked checklist items, with who and when."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_phase = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    message = models.TextField(blank=True, validators=[validate_no_cpr_plain])
    # A phase move's reason as it was given: the administration's (any phase), or why the
    # unticked items of the phase were left; and those items' keys (CHECKLIST of `from_phase`).
    # The course's history shows them beside the phase change; `message` is the sentence the
    # course page lists.
    reason = models.TextField(
        _("reason"),
        blank=True,
        max_length=LINE,
        validators=[validate_no_cpr_plain, MaxLength(LINE)],
    )
    unticked_items = models.JSONField(_("not ticked"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [length_constraint("reason", LINE, prefix="course_event")]

    def __str__(self) -> str:
        return self.message

    @property
    def unticked_labels(self) -> list[str]:
        """The unticked items by their names, as the checklist of the phase it left names them."""
        if not self.unticked_items or self.from_phase not in Phase.values:
            return []
        names = dict(CHECKLIST.get(Phase(self.from_phase), []))
        return [str(names.get(key, key)) for key in self.unticked_items]


class CourseNote(models.Model):
    """Logbook: what the pedagogist did and why, readable by the institution's leader and staff."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="notes", verbose_name=_("course")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    day = models.DateField(_("date"))
    text = models.TextField(
        _("what was done and why"), max_length=LONG, validators=[validate_no_cpr, MaxLength(LONG)]
    )
    practice_role = models.CharField(
        _("role in practice"), max_length=20, choices=PracticeRole.choices, blank=True
    )
    themes = models.JSONField(_("learning-plan themes"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("logbook note")
        verbose_name_plural = _("logbook notes")
        ordering = ["-day", "-pk"]
        constraints = [length_constraint("text", LONG, prefix="course_note")]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y}"

    @property
    def theme_labels(self) -> list[str]:
        return [str(LearningTheme(theme).label) for theme in self.themes]


# Stored as theme keys; the history pages show them by name (institutioner.history).
CourseNote._meta.get_field("themes").item_choices = LearningTheme.choices  # type: ignore[attr-defined]


class EvaluationKind(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing evaluation")
    MIDWAY = "midway", _("Midway evaluation")
    FINAL = "final", _("Final evaluation")


class EvaluationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")


class Decision(models.TextChoices):
    CONTINUE = "continue", _("Continue as agreed")
    ADJUST = "adjust", _("Adjust the agreement")
    CLOSE = "close", _("Close the course")


class Scale(models.IntegerChoices):
    NOT_STARTED = 1, _("Not started")
    UNDER_WAY = 2, _("Under way")
    PARTLY = 3, _("Partly reached")
    REACHED = 4, _("Reached")


class Evaluation(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("course")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvaluationKind.choices)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.PLANNED,
    )
    participants = models.TextField(
        _("participants"),
        blank=True,
        max_length=LINE,
        validators=[validate_no_cpr, MaxLength(LINE)],
    )
    leadership_took_part = models.BooleanField(_("the leadership took part"), default=False)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    summary = models.TextField(
        _("summary"), blank=True, max_length=LONG, validators=[validate_no_cpr, MaxLength(LONG)]
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # The day the evaluation meeting was held, as the person recording it says: often days
    # before it is written down (completed_at), and not always on the planned day (due_on).
    held_on = models.DateField(_("held on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    # When it was last saved: a correction opened before another one was saved is refused.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["due_on", "pk"]
        # The planned ones by date: the start pages' "due within two weeks", the reminders and
        # the week plan read the few planned among thousands completed.
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(status="planned"), name="evaluation_planned_due"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned", completed_at__isnull=True)
                | (Q(status="completed", completed_at__isnull=False) & ~Q(participants="")),
                name="evaluation_completed_has_time_and_participants",
            ),
            models.CheckConstraint(
                condition=Q(status="planned", held_on__isnull=True)
                | Q(status="completed", held_on__isnull=False),
                name="evaluation_completed_has_held_on",
            ),
            length_constraint("participants", LINE, prefix="evaluation"),
            length_constraint("summary", LONG, prefix="evaluation"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on:%d.%m.%Y}"


class GoalAssessment(models.Model):
    """How far one of the agreement's goals is reached, and what was seen."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="assessments")
    # A copy of the agreement's goal text (indsats/agreements/content.py keeps it to GOAL).
    goal = models.TextField(
        _("goal"), max_length=GOAL, validators=[validate_no_cpr, MaxLength(GOAL)]
    )
    scale = models.PositiveSmallIntegerField(_("how far"), choices=Scale.choices)
    observation = models.TextField(
        _("what was seen"),
        blank=True,
        max_length=MEDIUM,
        validators=[validate_no_cpr, MaxLength(MEDIUM)],
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            length_constraint("goal", GOAL, prefix="goal_assessment"),
            length_constraint("observation", MEDIUM, prefix="goal_assessment"),
        ]

    def __str__(self) -> str:
        return self.goal


class HourCategory(models.TextChoices):
    """How the pedagogist's time went (seed 000: practice first; seed 004: less meetings and
    transport)."""

    PRACTICE = "practice", _("Practice")
    PREPARATION = "preparation", _("Preparation")
    SPARRING = "sparring", _("Sparring")
    MEETING = "meeting", _("Meeting")
    TRANSPORT = "transport", _("Transport")


class SheetStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


# What counts as delivered: what the pedagogist has submitted, approved or not.
REPORTED_STATUSES = (SheetStatus.SUBMITTED, SheetStatus.APPROVED)


class WeekSheetQuerySet(models.QuerySet["WeekSheet"]):
    def submitted_or_approved(self) -> "WeekSheetQuerySet":
        """Weeks the pedagogist has handed in: what the dashboards and leaders count."""
        return self.filter(status__in=REPORTED_STATUSES)


class HourEntryQuerySet(models.QuerySet["HourEntry"]):
    def reported(self) -> "HourEntryQuerySet":
        """Hours on submitted or approved weeks (a week still being written does not count)."""
        return self.filter(sheet__status__in=REPORTED_STATUSES)


class WeekSheet(models.Model):
    """A pedagogist's hours for one ISO week. Submitting locks it for the pedagogist (it can be
    reopened until approval); the administration approves whole months, and approved weeks are
    never changed (the database refuses it)."""

    pedagogist = models.ForeignKey(
        Pedagogist,
        on_delete=models.PROTECT,
        related_name="week_sheets",
        verbose_name=_("pedagogist"),
    )
    # The Monday of the ISO week.
    week_start = models.DateField(_("week"))
    status = models.CharField(
        _("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.OPEN
    )
    note = models.CharField(
        _("note"), max_length=500, blank=True, validators=[validate_no_cpr_plain]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    objects = WeekSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("week sheet")
        verbose_name_plural = _("week sheets")
        ordering = ["-week_start", "pedagogist"]
        # The pages and exports filter the weeks by period and status (the district page's
        # hours, the exports, approval's oldest waiting week): at --scale large a sequential
        # scan of every sheet without them (EXPLAIN ANALYZE: 17.8 ms -> README, Benchmarks).
        indexes = [
            models.Index(fields=["week_start", "status"], name="week_sheet_week_status"),
            models.Index(fields=["status", "week_start"], name="week_sheet_status_week"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pedagogist", "week_start"],
                name="week_sheet_one_per_week",
                violation_error_message=_("This week already has a sheet."),
            ),
            models.CheckConstraint(
                condition=Q(status="open", approved_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False, approved_at__isnull=True)
                | Q(status="approved", submitted_at__isnull=False, approved_at__isnull=False),
                name="week_sheet_status_times",
            ),
        ]

    def __str__(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return _("Week %(week)s, %(year)s") % {"week": week, "year": year}


class HourEntry(models.Model):
    """Hours of one category in one week, on one course or (course empty) not tied to a course.
    One row per sheet, course and category, so two tabs saving the same week never double count."""

    sheet = models.ForeignKey(WeekSheet, on_delete=models.PROTECT, related_name="entries")
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hour_entries",
        verbose_name=_("course"),
    )
    category = models.CharField(_("category"), max_length=20, choices=HourCategory.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)

    history = HistoricalRecords()

    objects = HourEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["sheet", "course", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "course", "category"],
                condition=Q(course__isnull=False),
                name="hour_entry_one_per_course_category",
            ),
            models.UniqueConstraint(
                fields=["sheet", "category"],
                condition=Q(course__isnull=True),
                name="hour_entry_one_per_category_without_course",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=Decimal("0")) & Q(hours__lte=Decimal("168")),
                name="hour_entry_hours_0_168",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.hours}"


class HourExportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class HourExportFailure(models.TextChoices):
    """Where an hours export's build stopped, said to the person who asked in plain words (the
    traceback goes to the worker's log, never to the page)."""

    DATABASE = "database", _("The hours could not be read from the database.")
    WORKBOOK = (
        "workbook",
        _("The Excel file could not be written: the server may not have had room for it."),
    )
    STORAGE = "storage", _("The finished Excel file could not be saved.")
    # The time limit stopped it, or the worker died or lost the database, mid-build: marked
    # once the build has run longer than its task may (services.hour_exports_interrupted).
    INTERRUPTED = "interrupted", _("The build was interrupted before the file was finished.")


class HourExport(models.Model):
    """An Excel file of hours too large to build in a request: the worker builds it in the
    background, counting its rows as it goes (the progress the person sees), and keeps it as a
    StoredFile. It holds what the person who asked may read when it is built."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=HourExportStatus.choices,
        default=HourExportStatus.WAITING,
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.ForeignKey(
        "institutioner.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why the last build failed; empty unless it did (and for exports that failed before the
    # reason was kept).
    failure = models.CharField(
        _("why it failed"),
        max_length=20,
        choices=HourExportFailure.choices,
        blank=True,
        default="",
    )

    class Meta:
        verbose_name = _("hours export")
        verbose_name_plural = _("hours exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="hour_export_period"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(file__isnull=False),
                name="hour_export_done_has_file",
            ),
            models.CheckConstraint(
                condition=Q(status="failed") | Q(failure=""),
                name="hour_export_failure_only_when_failed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d.%m.%Y}-{self.ends_on:%d.%m.%Y}"

    @property
    def deleted_after(self) -> date:
        """The day after which the nightly retention deletes it with its file."""
        return export_deleted_after(
            export_kept_since(self.created_at, self.started_at, self.finished_at)
        )

    @property
    def percent(self) -> int:
        if self.status == HourExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def file_name(self) -> str:
        return f"timer-{self.starts_on:%Y-%m-%d}-{self.ends_on:%Y-%m-%d}.xlsx"


# --- The plan: absence (forloeb/plan/) -----------------------------------------------------------


class AbsenceKind(models.TextChoices):
    TRAINING_DAY = "training_day", _("Training day")
    COURSE = "course", pgettext_lazy("absence", "Course")
    HOLIDAY = "holiday", pgettext_lazy("absence", "Holiday")
    ILLNESS = "illness", _("Illness")
    OTHER = "other", pgettext_lazy("absence", "Other")


class AbsenceRepeat(models.TextChoices):
    NONE = "none", _("Does not repeat")
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every other week")


# The longest a repeating absence's days may last: less than the time between its repetitions
# (every other week at the most).
LONGEST_REPETITION_DAYS = 14


class AbsenceQuerySet(models.QuerySet["Absence"]):
    def active(self) -> "AbsenceQuerySet":
        """Not cancelled."""
        return self.filter(cancelled_at__isnull=True)

    def touching(self, first, last) -> "AbsenceQuerySet":
        """Those with a day (of any repetition) that may fall between `first` and `last`. A
        repetition starts by `repeat_until` and lasts less than the time between repetitions
        (the plan refuses a longer one), so the last one ends at most 13 days after it."""
        return self.filter(starts_on__lte=last).filter(
            Q(repeat_until__isnull=True, ends_on__gte=first)
            | Q(repeat_until__gte=first - timedelta(days=LONGEST_REPETITION_DAYS - 1))
        )


class Absence(models.Model):
    """A pedagogist's planned absence (fravær): whole days or a part of each day, once or
    repeating every week or every other week until a date. Cancelling keeps the row."""

    pedagogist = models.ForeignKey(
        Pedagogist, on_delete=models.PROTECT, related_name="absences", verbose_name=_("pedagogist")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AbsenceKind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    # Both empty: whole days. Both set: that part of each day.
    time_from = models.TimeField(_("from"), null=True, blank=True)
    time_to = models.TimeField(_("to"), null=True, blank=True)
    repeat = models.CharField(
        _("repeats"), max_length=20, choices=AbsenceRepeat.choices, default=AbsenceRepeat.NONE
    )
    repeat_until = models.DateField(_("repeats until"), null=True, blank=True)
    note = models.CharField(
        _("note"),
        max_length=SHORT,
        blank=True,
        validators=[validate_no_cpr_plain, MaxLength(SHORT)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = AbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on", "time_from", "pk"]
        indexes = [models.Index(fields=["pedagogist", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_start",
                violation_error_message=_("The absence cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(time_from__isnull=True, time_to__isnull=True)
                | Q(
                    time_from__isnull=False,
                    time_to__isnull=False,
                    time_to__gt=models.F("time_from"),
                ),
                name="absence_part_day_has_both_times",
                violation_error_message=_(
                    "A part of a day needs both a start and an end, the end after the start."
                ),
            ),
            models.CheckConstraint(
                condition=Q(repeat="none", repeat_until__isnull=True)
                | (~Q(repeat="none") & Q(repeat_until__gte=models.F("ends_on"))),
                name="absence_repeat_has_until",
                violation_error_message=_("A repeating absence needs a last date after its end."),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True, cancelled_by__isnull=True)
                | Q(cancelled_at__isnull=False, cancelled_by__isnull=False),
                name="absence_cancelled_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.starts_on}"

    @property
    def whole_days(self) -> bool:
        return self.time_from is None


# --- The plan: one-off changes to a course's practice days (forloeb/plan/) ----------------------


class PlanChangeKind(models.TextChoices):
    CANCEL = "cancel", _("Cancel a practice day")
    MOVE = "move", _("Move a practice day")
    EXTRA = "extra", _("An extra day")


class PlanChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the leader")
    ACCEPTED = "accepted", _("In the plan")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("plan change", "Withdrawn")
    # An adjustment of the agreement took the day it changed away (or made its new day an
    # ordinary practice day): the change no longer applies.
    LAPSED = "lapsed", _("No longer applies (the agreement was adjusted)")


# The changes that hold a day: one per course and day, so two people changing the same day at once
# give one change.
HOLDING = ("proposed", "accepted")


class PlanChangeQuerySet(models.QuerySet["PlanChange"]):
    def accepted(self) -> "PlanChangeQuerySet":
        return self.filter(status=PlanChangeStatus.ACCEPTED)


class PlanChange(models.Model):
    """A one-off exception to a course's plan: a practice day cancelled, moved to another day or
    time, or an extra day. The signed agreement is never changed; the week plan applies these."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="plan_changes", verbose_name=_("course")
    )
    kind = models.CharField(_("change"), max_length=10, choices=PlanChangeKind.choices)
    # The practice day cancelled or moved (empty for an extra day).
    day = models.DateField(_("practice day"), null=True, blank=True)
    # Where it moves to, or the extra day (empty for a cancellation).
    new_day = models.DateField(_("new day"), null=True, blank=True)
    new_time_from = models.TimeField(_("from"), null=True, blank=True)
    new_time_to = models.TimeField(_("to"), null=True, blank=True)
    reason = models.CharField(
        _("reason"), max_length=SHORT, validators=[validate_no_cpr_plain, MaxLength(SHORT)]
    )
    status = models.CharField(_("status"), max_length=10, choices=PlanChangeStatus.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Why the pedagogist declined a proposal (optional; the leader reads it with the answer).
    decline_reason = models.CharField(
        _("why it was declined"),
        max_length=SHORT,
        blank=True,
        default="",
        validators=[validate_no_cpr_plain, MaxLength(SHORT)],
    )
    # Taken back before its day: the plan is as agreed again on those days.
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    history = HistoricalRecords()
    objects = PlanChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("change to the plan")
        verbose_name_plural = _("changes to the plan")
        ordering = ["made_at", "pk"]
        indexes = [
            models.Index(fields=["course", "day"]),
            models.Index(fields=["new_day"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="cancel", day__isnull=False, new_day__isnull=True)
                | Q(kind="move", day__isnull=False, new_day__isnull=False)
                | Q(kind="extra", day__isnull=True, new_day__isnull=False),
                name="plan_change_days_fit_kind",
            ),
            models.CheckConstraint(
                condition=Q(new_time_from__isnull=True, new_time_to__isnull=True)
                | Q(
                    new_time_from__isnull=False,
                    new_time_to__isnull=False,
                    new_time_to__gt=models.F("new_time_from"),
                ),
                name="plan_change_times_in_order",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="plan_change_has_reason"),
            models.CheckConstraint(
                condition=Q(decline_reason="") | Q(status="declined"),
                name="plan_change_decline_reason_only_when_declined",
            ),
            models.UniqueConstraint(
                fields=["course", "day"],
                condition=Q(status__in=HOLDING, day__isnull=False),
                name="plan_change_one_per_practice_day",
                violation_error_message=_("This practice day has already been changed."),
            ),
            models.UniqueConstraint(
                fields=["course", "new_day"],
                condition=Q(status__in=HOLDING, kind="extra"),
                name="plan_change_one_extra_per_day",
                violation_error_message=_("An extra day is already planned on that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.day or self.new_day}"

    @property
    def only_proposed(self) -> bool:
        """A leader's proposal that was never in the plan (waiting, declined, or withdrawn or
        lapsed before an answer): it is worded as a proposal, not as what happens."""
        return self.status == PlanChangeStatus.DECLINED or (
            self.decided_at is None and self.status != PlanChangeStatus.ACCEPTED
        )


# --- The plan: calendar subscriptions (forloeb/plan/) -------------------------------------------


class FeedScope(models.TextChoices):
    PERSONAL = "personal", _("My plan")
    INSTITUTION = "institution", _("An institution's plan")
    AREA = "area", _("Every activity across the area")


class CalendarFeed(models.Model):
    """A private subscription address (ICS) to a person's plan, an institution's, or the whole
    area's (the administration's shared calendar). The address holds a random secret; making a
    new one ends the old at once (`revoked_at`). What it shows follows its owner's access now,
    so a person who loses access (or leaves) loses the feed's content with it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    scope = models.CharField(_("calendar"), max_length=20, choices=FeedScope.choices)
    institution = models.ForeignKey(
        "institutioner.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    # 256 bits from `secrets`; compared in constant time.
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="institution", institution__isnull=False)
                | (~Q(scope="institution") & Q(institution__isnull=True)),
                name="calendar_feed_institution_fits_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "scope"],
                condition=Q(revoked_at__isnull=True, institution__isnull=True),
                name="calendar_feed_one_live_per_calendar",
            ),
            models.UniqueConstraint(
                fields=["user", "institution"],
                condition=Q(revoked_at__isnull=True, institution__isnull=False),
                name="calendar_feed_one_live_per_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.user_id})"


# --- The institution's voice (seed 004) ------------------------------------------------------


class RatingArea(models.TextChoices):
    """Seed 004's five focus areas, on which the leaders evaluated the team."""

    COLLABORATION = "collaboration", _("Collaboration")
    EFFECT = "effect", _("Effect")
    FLEXIBILITY = "flexibility", _("Flexibility")
    DEVELOPMENT = "development", _("Pedagogical development")
    CULTURE = "culture", _("Culture in the institution")


class RatingScore(models.IntegerChoices):
    VERY_POOR = 1, _("1 – very poor")
    POOR = 2, _("2 – poor")
    MIXED = 3, _("3 – mixed")
    GOOD = 4, _("4 – good")
    VERY_GOOD = 5, _("5 – very good")


# The most hours of the institution's own staff time in meetings one answer may report.
MEETING_HOURS_MAX = Decimal("500")


class RatingInvitation(models.Model):
    """A leader asks one of the institution's staff to answer the evaluation's form too."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="rating_invitations"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation to rate")
        verbose_name_plural = _("invitations to rate")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "person"], name="rating_invitation_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


def _score_field(label):
    return models.PositiveSmallIntegerField(label, choices=RatingScore.choices)


def _comment_field(label):
    return models.TextField(
        label, blank=True, max_length=LINE, validators=[validate_no_cpr_plain, MaxLength(LINE)]
    )


class InstitutionRating(models.Model):
    """The institution's answer at an evaluation (ledelsens vurdering): a 1-5 score with a
    comment on each of seed 004's five areas, the staff's own time in meetings for the course
    (the leader's answer only) and free text. One answer per person and evaluation, never
    changed; the pedagogist sees it once she has recorded the evaluation herself."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="ratings")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    collaboration = _score_field(_("Collaboration"))
    collaboration_comment = _comment_field(_("Comment on collaboration"))
    effect = _score_field(_("Effect"))
    effect_comment = _comment_field(_("Comment on effect"))
    flexibility = _score_field(_("Flexibility"))
    flexibility_comment = _comment_field(_("Comment on flexibility"))
    development = _score_field(_("Pedagogical development"))
    development_comment = _comment_field(_("Comment on pedagogical development"))
    culture = _score_field(_("Culture in the institution"))
    culture_comment = _comment_field(_("Comment on culture"))
    meeting_hours = models.DecimalField(
        _("staff hours in meetings for the course"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    comment = models.TextField(
        _("anything else"),
        blank=True,
        max_length=LONG,
        validators=[validate_no_cpr_plain, MaxLength(LONG)],
    )

    class Meta:
        verbose_name = _("institution's rating")
        verbose_name_plural = _("institutions' ratings")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "respondent"],
                name="institution_rating_once_per_person",
                violation_error_message=_("You have already answered this evaluation."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{area}__gte": 1, f"{area}__lte": 5}),
                    name=f"institution_rating_{area}_1_5",
                )
                for area in RatingArea.values
            ),
            models.CheckConstraint(
                condition=Q(meeting_hours__isnull=True)
                | Q(meeting_hours__gte=0, meeting_hours__lte=MEETING_HOURS_MAX),
                name="institution_rating_meeting_hours_0_500",
            ),
            *(
                length_constraint(f"{area}_comment", LINE, prefix="institution_rating")
                for area in RatingArea.values
            ),
            length_constraint("comment", LONG, prefix="institution_rating"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} ({self.respondent})"

    def answers(self) -> list[tuple[str, int, str]]:
        """(area label, score, comment) in seed 004's order."""
        return [
            (str(area.label), getattr(self, area.value), getattr(self, f"{area.value}_comment"))
            for area in RatingArea
        ]


# --- Follow-up after closing (forankring) ----------------------------------------------------


class FollowUpMonths(models.IntegerChoices):
    THREE = 3, _("3 months")
    SIX = 6, _("6 months")


class PracticeInUse(models.TextChoices):
    YES = "yes", _("Yes, in daily use")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class AskAgain(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class FollowUp(models.Model):
    """3 and 6 months after a course closed, the leader's short check that the practice lasts
    (seeds 000/001: "lokal kapacitetsopbygning"). Made once by the reminder rule for each
    closing of the course; a course reopened afterwards makes it void (its `closed_on` is no
    longer the course's)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("after"), choices=FollowUpMonths.choices)
    # The closing it follows (local date), and when the check is due.
    closed_on = models.DateField(_("course closed"))
    due_on = models.DateField(_("due"))
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    would_ask_again = models.CharField(
        _("would you ask for an intervention again"),
        max_length=10,
        choices=AskAgain.choices,
        blank=True,
    )
    needs = models.TextField(
        _("anything you need"),
        blank=True,
        max_length=MEDIUM,
        validators=[validate_no_cpr_plain, MaxLength(MEDIUM)],
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-due_on", "pk"]
        # The list (forloeb/followup/views.py), 50 to a page: read from the index, not sorted.
        # Descending puts the empty answer dates first on PostgreSQL; SQLite takes no NULLS
        # FIRST in an index.
        indexes = [models.Index(fields=["-answered_at", "-due_on", "id"], name="follow_up_list")]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "months", "closed_on"], name="follow_up_once_per_closing"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_by__isnull=True, would_ask_again="")
                | (
                    Q(answered_at__isnull=False, answered_by__isnull=False) & ~Q(would_ask_again="")
                ),
                name="follow_up_answered_whole",
            ),
            length_constraint("needs", MEDIUM, prefix="follow_up"),
        ]

    def __str__(self) -> str:
        return _("Follow-up after %(months)s months") % {"months": self.months}

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def overdue(self) -> bool:
        """Its day has passed and nobody answered (a void one is not waited for)."""
        return not self.answered and self.due_on < timezone.localdate() and not self.void

    @property
    def goals_in_use(self) -> str:
        """How many of the goals' practice is still in use, at least partly: "2/3"."""
        goals = list(self.goals.all())
        used = sum(1 for goal in goals if goal.in_use != PracticeInUse.NO)
        return f"{used}/{len(goals)}"

    @property
    def void(self) -> bool:
        """The course was reopened after this closing (the course is joined by the caller)."""
        course = self.course
        return (
            course.phase != Phase.CLOSED
            or course.closed_at is None
            or (course.closed_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date() != self.closed_on)
        )


class FollowUpGoal(models.Model):
    """Is the practice of one of the agreement's goals still in use?"""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="goals")
    goal = models.TextField(
        _("goal"), max_length=GOAL, validators=[validate_no_cpr, MaxLength(GOAL)]
    )
    in_use = models.CharField(_("still in use"), max_length=10, choices=PracticeInUse.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [length_constraint("goal", GOAL, prefix="follow_up_goal")]

    def __str__(self) -> str:
        return self.goal


# --- The yearly report for the committee (forloeb/yearreport/) ----------------------------------


class YearReportFailure(models.TextChoices):
    """Where a yearly report's build stopped, said to the administration in plain words (the
    traceback goes to the worker's log, never to the page)."""

    FIGURES = "figures", _("The year's figures could not be gathered from the database.")
    PDF = "pdf", _("The PDF could not be made from the year's figures.")
    STORAGE = "storage", _("The finished PDF could not be saved.")
    # As HourExportFailure.INTERRUPTED (services.year_reports_interrupted).
    INTERRUPTED = "interrupted", _("The build was interrupted before the PDF was finished.")


class YearReport(models.Model):
    """The yearly report for Børne- og Undervisningsudvalget: a PDF of one year's figures, built
    by the worker section by section (the progress the administration sees) and kept as a
    StoredFile for download. It holds no names of children, nor of who answered."""

    year = models.PositiveSmallIntegerField(_("year"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=HourExportStatus.choices,
        default=HourExportStatus.WAITING,
    )
    steps_total = models.PositiveSmallIntegerField(_("sections"), default=0)
    steps_done = models.PositiveSmallIntegerField(_("sections made"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.ForeignKey(
        "institutioner.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why the last build failed; empty unless it did (and for reports that failed before the
    # reason was kept).
    failure = models.CharField(
        _("why it failed"),
        max_length=20,
        choices=YearReportFailure.choices,
        blank=True,
        default="",
    )

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        ordering = ["-year", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2200), name="year_report_year"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(file__isnull=False),
                name="year_report_done_has_file",
            ),
            models.CheckConstraint(
                condition=Q(status="failed") | Q(failure=""),
                name="year_report_failure_only_when_failed",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def deleted_after(self) -> date:
        """The day after which the nightly retention deletes it with its file."""
        return export_deleted_after(
            export_kept_since(self.created_at, self.started_at, self.finished_at)
        )

    @property
    def percent(self) -> int:
        if self.status == HourExportStatus.DONE:
            return 100
        if not self.steps_total:
            return 0
        return min(99, self.steps_done * 100 // self.steps_total)

    @property
    def file_name(self) -> str:
        return f"aarsrapport-{self.year}.pdf"
