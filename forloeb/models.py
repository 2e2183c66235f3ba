"""Forløb: the course that runs once an agreement is in force, its phases and its logbook."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indsats.models import Agreement, LearningTheme, PracticeRole
from institutioner.models import Pedagogist
from institutioner.textlimits import GOAL, LINE, LONG, MEDIUM, MaxLength, length_constraint
from institutioner.validators import validate_no_cpr


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
        _("why it was not done"), max_length=500, blank=True, validators=[validate_no_cpr]
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
    message = models.TextField(blank=True, validators=[validate_no_cpr])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.message


class CourseNote(models.Model):
    """Logbook: what the pedagogist did and why, readable by the institution's leader and staff."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
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
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="evaluations")
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
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned", completed_at__isnull=True)
                | (Q(status="completed", completed_at__isnull=False) & ~Q(participants="")),
                name="evaluation_completed_has_time_and_participants",
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
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_no_cpr])
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
