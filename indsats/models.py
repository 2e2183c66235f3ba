"""The front door: requests for an intervention, their triage and the intake meeting."""

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The fixed lists live apart (the agreement's content uses them); importers may take them here.
from indsats.choices import (  # noqa: F401
    FocusLevel,
    LearningTheme,
    Method,
    PracticeRole,
    Weekday,
)
from institutioner.models import AgeGroup, Group, Institution, Pedagogist
from institutioner.textlimits import LINE as LINE_LIMIT
from institutioner.textlimits import LONG, MEDIUM, MaxLength, length_constraint
from institutioner.validators import validate_no_cpr, validate_no_cpr_child, validate_no_cpr_plain

if TYPE_CHECKING:
    from indsats.agreements.content import AgreementContent


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_INFO = "needs_info", _("More information requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def place_label(institution: str, group: str) -> str:
    """The institution and the group: what tells two interventions at one place apart."""
    return f"{institution}, {group}" if group else institution


def request_label(pk: int, institution: str, group: str) -> str:
    """A request's name, from its number and place: for lists that read only those columns."""
    return _("Request #%(id)s (%(where)s)") % {"id": pk, "where": place_label(institution, group)}


# Waiting for triage or for the leader's answer: retention can empty a request while it waits
# (`in_work`, `emptied`).
REQUEST_WAITING = (RequestStatus.SUBMITTED, RequestStatus.NEEDS_INFO)


class InterventionRequestQuerySet(models.QuerySet["InterventionRequest"]):
    def open_for_triage(self) -> "InterventionRequestQuerySet":
        return self.filter(status__in=[RequestStatus.SUBMITTED, RequestStatus.NEEDS_INFO])

    def in_work(self) -> "InterventionRequestQuerySet":
        """Leaves out the requests retention anonymised while they still waited (submitted, or
        waiting for the leader's answer, with nothing happening for the period): nothing is left
        in them to triage or answer, so the administration's work lists and their counts do not
        show them. They keep their status, and the figures count them as before."""
        return self.exclude(status__in=REQUEST_WAITING, anonymised_at__isnull=False)


class InterventionRequest(models.Model):
    """Anmodning om indsats: the leader and staff describe the need in their own words."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("institution"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("group"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the request concerns the whole institution."),
    )
    need = models.TextField(
        _("the need in your own words"),
        max_length=LONG,
        validators=[validate_no_cpr, MaxLength(LONG)],
        help_text=_("What do you see in the group, and what would you like to change?"),
    )
    age_group = models.CharField(_("age of the children"), max_length=3, choices=AgeGroup.choices)
    group_size = models.PositiveSmallIntegerField(_("number of children in the group"))
    tried_already = models.TextField(
        _("what has been tried already"),
        blank=True,
        max_length=MEDIUM,
        validators=[validate_no_cpr, MaxLength(MEDIUM)],
    )
    wished_start = models.DateField(_("wished start"))
    wished_weeks = models.PositiveSmallIntegerField(_("wished length (weeks)"))
    wished_weekdays = models.JSONField(_("wished weekdays"), default=list, blank=True)
    wished_time_from = models.TimeField(_("from (time of day)"), null=True, blank=True)
    wished_time_to = models.TimeField(_("to (time of day)"), null=True, blank=True)
    contact_name = models.CharField(
        _("contact person"), max_length=150, validators=[validate_no_cpr_plain]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[validate_no_cpr_plain]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="created_requests",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # When retention removed its free text and names (institutioner/retention/).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # One form, one request: a double click or a second tab posts the same token.
    client_token = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("form token")
    )

    history = HistoricalRecords()

    objects = InterventionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for intervention")
        verbose_name_plural = _("requests for intervention")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The request list, newest first 50 to a page: read from the index, not sorted.
            models.Index(fields=["-created_at", "-id"], name="request_list_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(group_size__gte=1) & Q(group_size__lte=200),
                name="request_group_size_1_200",
                violation_error_message=_("The number of children must be between 1 and 200."),
            ),
            models.CheckConstraint(
                condition=Q(wished_weeks__gte=1) & Q(wished_weeks__lte=52),
                name="request_weeks_1_52",
                violation_error_message=_("The length must be between 1 and 52 weeks."),
            ),
            models.CheckConstraint(
                condition=Q(wished_time_from__isnull=True)
                | Q(wished_time_to__isnull=True)
                | Q(wished_time_to__gt=models.F("wished_time_from")),
                name="request_time_window_order",
                violation_error_message=_("The end of the time window must be after its start."),
            ),
            length_constraint("need", LONG, prefix="request"),
            length_constraint("tried_already", MEDIUM, prefix="request"),
        ]

    def __str__(self) -> str:
        return request_label(self.pk, self.institution.name, self.group.name if self.group else "")

    def get_absolute_url(self) -> str:
        return reverse("request_detail", args=[self.pk])

    @property
    def place(self) -> str:
        """The institution and the group: what tells two interventions at one place apart."""
        return place_label(self.institution.name, self.group.name if self.group else "")

    @property
    def wished_end(self):
        return self.wished_start + timedelta(weeks=self.wished_weeks) - timedelta(days=1)

    @property
    def is_editable(self) -> bool:
        return self.status in (RequestStatus.DRAFT, RequestStatus.NEEDS_INFO)

    @property
    def emptied(self) -> bool:
        """Anonymised by retention while it still waited: what `in_work()` leaves out. The
        lists that keep it (the request list's history) show it as anonymised, not as waiting."""
        return self.anonymised_at is not None and self.status in REQUEST_WAITING

    @property
    def weekday_labels(self) -> list[str]:
        return [str(Weekday(day).label) for day in sorted(self.wished_weekdays)]


# Stored as weekday numbers; the history pages show them by name (institutioner.history).
InterventionRequest._meta.get_field("wished_weekdays").item_choices = Weekday.choices  # type: ignore[attr-defined]


class RequestFocusLevel(models.Model):
    request = models.ForeignKey(
        InterventionRequest,
        on_delete=models.CASCADE,
        related_name="focus_levels",
        verbose_name=_("request"),
    )
    level = models.CharField(_("focus level"), max_length=20, choices=FocusLevel.choices)

    class Meta:
        verbose_name = _("focus level")
        verbose_name_plural = _("focus levels")
        constraints = [
            models.UniqueConstraint(fields=["request", "level"], name="request_focus_level_unique")
        ]

    def __str__(self) -> str:
        return self.get_level_display()


class RequestTheme(models.Model):
    request = models.ForeignKey(
        InterventionRequest,
        on_delete=models.CASCADE,
        related_name="themes",
        verbose_name=_("request"),
    )
    theme = models.CharField(_("learning-plan theme"), max_length=20, choices=LearningTheme.choices)

    class Meta:
        verbose_name = _("learning-plan theme")
        verbose_name_plural = _("learning-plan themes")
        constraints = [
            models.UniqueConstraint(fields=["request", "theme"], name="request_theme_unique")
        ]

    def __str__(self) -> str:
        return self.get_theme_display()


class EventKind(models.TextChoices):
    CREATED = "created", _("Created as a draft")
    UPDATED = "updated", _("Changed")
    SUBMITTED = "submitted", _("Submitted")
    RESUBMITTED = "resubmitted", _("Submitted again with more information")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INFO_REQUESTED = "info_requested", _("More information requested")
    INFO_GIVEN = "info_given", _("The administration's question answered")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    MEETING_PLANNED = "meeting_planned", _("Intake meeting planned")
    MEETING_MOVED = "meeting_moved", _("Intake meeting moved")
    MEETING_CANCELLED = "meeting_cancelled", _("Intake meeting cancelled")
    AGREEMENT_STARTED = "agreement_started", _("Collaboration agreement started")
    AGREEMENT_SENT = "agreement_sent", _("Agreement sent for signature")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    AGREEMENT_DECLINED = "agreement_declined", _("Signature declined")
    AGREEMENT_IN_FORCE = "agreement_in_force", _("Agreement in force")
    AGREEMENT_ADJUSTING = "agreement_adjusting", _("Adjustment of the agreement started")
    AGREEMENT_ENDED = "agreement_ended", _("Agreement ended")


class RequestEvent(models.Model):
    """The request's history as the leader reads it: what happened, when, by whom, and why."""

    request = models.ForeignKey(
        InterventionRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(
        max_length=20, choices=RequestStatus.choices, blank=True, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=20, choices=RequestStatus.choices, blank=True, verbose_name=_("to status")
    )
    # A reason or question (MEDIUM) with a sentence of the system's around it.
    message = models.TextField(
        _("message"), blank=True, max_length=LONG, validators=[validate_no_cpr, MaxLength(LONG)]
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "pk"]
        constraints = [length_constraint("message", LONG, prefix="request_event")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({timezone.localtime(self.created_at):%d.%m.%Y %H:%M})"


class Allocation(models.Model):
    """A pedagogist assigned to an accepted request, with the hours a week planned at triage."""

    request = models.ForeignKey(
        InterventionRequest,
        on_delete=models.CASCADE,
        related_name="allocations",
        verbose_name=_("request"),
    )
    pedagogist = models.ForeignKey(
        Pedagogist,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("pedagogist"),
    )
    weekly_hours = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=2)
    reason = models.TextField(
        _("reason for the choice"),
        blank=True,
        max_length=MEDIUM,
        validators=[validate_no_cpr, MaxLength(MEDIUM)],
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["request", "pedagogist"], name="allocation_unique"),
            models.CheckConstraint(
                condition=Q(weekly_hours__gt=Decimal("0")) & Q(weekly_hours__lte=Decimal("48")),
                name="allocation_hours_0_48",
                violation_error_message=_("Hours a week must be more than 0 and at most 48."),
            ),
            length_constraint("reason", MEDIUM, prefix="allocation"),
        ]

    def __str__(self) -> str:
        return f"{self.pedagogist} ({self.weekly_hours} t/uge)"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CANCELLED = "cancelled", _("Cancelled")


class IntakeMeeting(models.Model):
    """Indsatsmøde: leader, staff and pedagogist specify the concrete intervention."""

    request = models.ForeignKey(
        InterventionRequest,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("request"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, validators=[validate_no_cpr_plain])
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="intake_meetings", verbose_name=_("participants")
    )
    other_participants = models.CharField(
        _("other participants"),
        max_length=300,
        blank=True,
        validators=[validate_no_cpr_plain],
        help_text=_("For example staff from the group, without e-mail in the system."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    # The calendar identity: the same UID with a higher SEQUENCE updates the invitation.
    uid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("calendar id")
    )
    sequence = models.PositiveIntegerField(default=0, verbose_name=_("calendar sequence"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = _("intake meeting")
        verbose_name_plural = _("intake meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at)
        return _("Intake meeting %(when)s") % {"when": f"{when:%d.%m.%Y %H:%M}"}

    def get_absolute_url(self) -> str:
        return reverse("request_detail", args=[self.request_id])


# --- Samarbejdsaftale ----------------------------------------------------------------------------


class Agreement(models.Model):
    """Samarbejdsaftale: the contract of an accepted request, in numbered, signed versions."""

    request = models.OneToOneField(
        InterventionRequest,
        on_delete=models.PROTECT,
        related_name="agreement",
        verbose_name=_("request"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The day the work ended early (the course was closed): its agreed hours count until the
    # end of that week, whatever the version in force says. Set by `agreement_end`.
    ended_on = models.DateField(_("ended"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collaboration agreement")
        verbose_name_plural = _("collaboration agreements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("Agreement for request #%(id)s") % {"id": self.request_id}

    def get_absolute_url(self) -> str:
        return reverse("agreement_detail", args=[self.pk])


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent for signature")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    # Sent, then declined by a signer: kept as it was sent; a new draft carries the work on.
    DECLINED = "declined", _("Declined, sent back")


# Signed by all: the version in force and those it replaced.
SIGNED_STATUSES = (VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED)


class AgreementVersionQuerySet(models.QuerySet["AgreementVersion"]):
    def in_force(self) -> "AgreementVersionQuerySet":
        """The version that binds now (at most one per agreement)."""
        return self.filter(status=VersionStatus.IN_FORCE)

    def signed(self) -> "AgreementVersionQuerySet":
        """Every version that was signed by all: the one in force and those it replaced."""
        return self.filter(status__in=SIGNED_STATUSES)


class AgreementVersion(models.Model):
    """One version of an agreement. Its content is one JSON document; once sent for signature
    the content and its SHA-256 are frozen, and the database refuses to change them."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="versions", verbose_name=_("agreement")
    )
    number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    # Copied from the content when it is frozen, for the capacity and dashboard queries.
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("hours a week"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent for signature"), null=True, blank=True)
    in_force_at = models.DateTimeField(_("in force from"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    # Who changed a draft and when; frozen versions never change.
    history = HistoricalRecords()

    objects = AgreementVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "-pk"]
        # The signed versions still running at a date: triage's capacity looks for those
        # touching a coming period among five years of ended ones.
        indexes = [
            models.Index(
                fields=["ends_on"],
                condition=Q(status__in=["in_force", "superseded"]),
                name="agreement_version_signed_ends",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"],
                condition=Q(number__isnull=False),
                name="agreement_version_number_unique",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status__in=["draft", "sent"]),
                name="agreement_one_open_version",
                violation_error_message=_("The agreement already has a version being worked on."),
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="in_force"),
                name="agreement_one_version_in_force",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(number__isnull=False) & ~Q(content_hash="")),
                name="agreement_version_frozen_has_number_and_hash",
            ),
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~Q(content_hash=""),
                name="agreement_version_hash_unique",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return _("Version %(number)s") % {"number": self.number}
        return str(_("Draft"))

    def get_absolute_url(self) -> str:
        return reverse("agreement_detail", args=[self.agreement_id])

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT

    @property
    def ended(self) -> bool:
        """The version in force whose period is over: it is no longer said to be in force."""
        return (
            self.status == VersionStatus.IN_FORCE
            and self.ends_on is not None
            and self.ends_on < timezone.localdate()
        )

    @property
    def status_label(self) -> str:
        """The status as the pages show it: an ended period says so, with its last day."""
        if self.ended:
            assert self.ends_on is not None
            return _("Ended %(day)s") % {"day": f"{self.ends_on:%d.%m.%Y}"}
        if (
            self.status == VersionStatus.IN_FORCE
            and self.starts_on is not None
            and self.starts_on > timezone.localdate()
        ):
            # Signed, but its period has not begun: say when it does.
            return _("Signed; in force from %(day)s") % {"day": f"{self.starts_on:%d.%m.%Y}"}
        return str(self.get_status_display())

    @property
    def parsed(self) -> "AgreementContent":
        """The content as one typed object; only `indsats/agreements/content.py` knows the
        document's keys."""
        from indsats.agreements.content import AgreementContent

        return AgreementContent.from_json(self.content)


class SignerRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    PEDAGOGIST = "pedagogist", _("Pedagogist")
    ADMINISTRATION = "administration", _("Administration")


class SignerAuthentication(models.TextChoices):
    PASSWORD = "password", _("password")
    OIDC = "oidc", _("the municipality's login (OpenID Connect)")
    SAML = "saml", _("the municipality's login (SAML)")


class Signature(models.Model):
    """Who signed which version, in which role, when, and the hash of what they signed."""

    version = models.ForeignKey(
        AgreementVersion,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("version"),
    )
    # "leader", "administration" or "pedagogist:<id>": one signature per slot.
    slot = models.CharField(max_length=40, verbose_name=_("signs as"))
    role = models.CharField(_("role"), max_length=20, choices=SignerRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("user"),
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64)
    # How the signer proved who they were just before signing, and when; empty on signatures
    # made before this was recorded.
    authenticated_by = models.CharField(
        _("authenticated by"), max_length=10, choices=SignerAuthentication.choices, blank=True
    )
    authenticated_at = models.DateTimeField(_("authenticated"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "slot"],
                name="signature_one_per_slot",
                violation_error_message=_("This place has already been signed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# --- Kompenserende støtte: applications, visitation meetings and decisions ----------------------
#
# The only child data in the system: a child's name and birth date, what the child needs help
# with and the assessments attached. Seen by the visitation role, the administration and the
# applying institution's leaders (and team pedagogists added to a case); every read is logged
# (indsats/support/, indsats/access.py).


class SupportKind(models.TextChoices):
    SUPPORT_HOURS = "support_hours", _("Compensatory support (support hours)")
    STENDALEN = "stendalen", _("Special place: Stendalen")
    I_PLACE = "i_place", _("Special place: I-place")
    DOUBLE_PLACE = "double_place", _("Special place: double place")


class AssessmentKind(models.TextChoices):
    PPV = "ppv", _("Psychological assessment (PPV)")
    MEDICAL = "medical", _("Medical assessment")
    INTERDISCIPLINARY = "interdisciplinary", _("Interdisciplinary assessment")
    OTHER = "other", _("Other document")


# The evidence each kind of application must carry before it can be submitted (seed 001: "at
# relevante lægefaglige og tværfaglige vurderinger dokumenteres").
REQUIRED_ASSESSMENTS: dict[str, tuple[str, ...]] = {
    SupportKind.SUPPORT_HOURS: (AssessmentKind.PPV, AssessmentKind.INTERDISCIPLINARY),
    SupportKind.STENDALEN: (
        AssessmentKind.PPV,
        AssessmentKind.MEDICAL,
        AssessmentKind.INTERDISCIPLINARY,
    ),
    SupportKind.I_PLACE: (AssessmentKind.PPV, AssessmentKind.INTERDISCIPLINARY),
    SupportKind.DOUBLE_PLACE: (AssessmentKind.PPV, AssessmentKind.MEDICAL),
}


class SupportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_INFO = "needs_info", _("More information requested")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REJECTED = "rejected", _("Rejected")
    ENDED = "ended", _("Ended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A case whose support runs: it is re-visited and can be extended or ended by a new decision.
SUPPORT_IN_FORCE = (SupportStatus.GRANTED, SupportStatus.PARTLY_GRANTED)
# Waiting or in force: retention can empty a case still open (`in_work`, `emptied`).
SUPPORT_OPEN = (SupportStatus.SUBMITTED, SupportStatus.NEEDS_INFO, *SUPPORT_IN_FORCE)


class CustodyConsent(models.TextChoices):
    NONE = "", _("Not given yet")
    BOTH = "both", _("Both custody holders have consented")
    ONE = "one", _("One custody holder has consented")


# A status the lists filter by and the pages show, though no application has it: an ending was
# decided, but the support runs until its last day (the status is "ended" from the decision on).
ENDING = "ending"


def _ending_runs_on(day: date) -> models.Exists:
    """An ending whose last day with support is `day` or later: the case's support still runs."""
    return models.Exists(
        SupportDecision.objects.filter(
            application=models.OuterRef("pk"),
            outcome=SupportOutcome.ENDED,
            period_end__gte=day,
        )
    )


def ending_day_of(application_ref: str) -> models.Subquery:
    """The last day with support that the application's ending names (None without an ending,
    or for one that named no day), as a subquery on `application_ref` ("pk", or an item's
    "application_id")."""
    ending = SupportDecision.objects.filter(
        application=models.OuterRef(application_ref), outcome=SupportOutcome.ENDED
    ).order_by("-decided_at", "-pk")
    return models.Subquery(ending.values("period_end")[:1])


class SupportApplicationQuerySet(models.QuerySet["SupportApplication"]):
    def awaiting_decision(self) -> "SupportApplicationQuerySet":
        return self.filter(status=SupportStatus.SUBMITTED)

    def in_work(self) -> "SupportApplicationQuerySet":
        """Leaves out the cases retention anonymised while they were still open: waiting
        (submitted, or waiting for the leader's answer, with nothing happening for the period),
        or granted with the last grant run out long since and never re-visited. Nothing is left
        in them to decide, so the administration's and the committee's work lists, their counts
        and a new meeting's agenda do not show them. They keep their status, and the statistics
        count them as before."""
        return self.exclude(status__in=SUPPORT_OPEN, anonymised_at__isnull=False)

    def in_force(self) -> "SupportApplicationQuerySet":
        return self.filter(status__in=SUPPORT_IN_FORCE)

    def with_ending_day(self) -> "SupportApplicationQuerySet":
        """Annotates `ending_day`: an ended case's last day with support (its ending's
        `period_end`), in the same query, so a list shows "Granted, ends on …" without a query
        per row."""
        return self.annotate(ending_day=ending_day_of("pk"))

    def ending(self, on: date | None = None) -> "SupportApplicationQuerySet":
        """Ended by a decision whose last day with support has not passed on `on` (today): the
        support still runs, and the pages say "Granted, ends on …"."""
        day = on or timezone.localdate()
        return self.filter(_ending_runs_on(day), status=SupportStatus.ENDED)

    def ended(self, on: date | None = None) -> "SupportApplicationQuerySet":
        """Ended, and the last day with support passed before `on` (today)."""
        day = on or timezone.localdate()
        return self.filter(status=SupportStatus.ENDED).exclude(_ending_runs_on(day))

    def with_status(self, status: str, on: date | None = None) -> "SupportApplicationQuerySet":
        """The applications the pages show with `status` (a SupportStatus or ENDING): "ended"
        leaves out the endings whose support still runs, "ending" is those."""
        if status == ENDING:
            return self.ending(on)
        if status == SupportStatus.ENDED:
            return self.ended(on)
        return self.filter(status=status)


class SupportApplication(models.Model):
    """Ansøgning om kompenserende støtte (or a special place) for one child."""

    kind = models.CharField(
        _("kind of application"),
        max_length=20,
        choices=SupportKind.choices,
        default=SupportKind.SUPPORT_HOURS,
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="support_applications",
        verbose_name=_("institution"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        related_name="support_applications",
        verbose_name=_("group"),
        null=True,
        blank=True,
    )
    # The child: name and birth date only, never a CPR number.
    child_name = models.CharField(
        _("the child's name"), max_length=150, validators=[validate_no_cpr_child]
    )
    child_birth_date = models.DateField(_("the child's birth date"))
    everyday_needs = models.TextField(
        _("what the child needs help with in everyday life"),
        max_length=LONG,
        validators=[validate_no_cpr_child, MaxLength(LONG)],
    )
    tried_already = models.TextField(
        _("what the institution has tried"),
        blank=True,
        max_length=MEDIUM,
        validators=[validate_no_cpr_child, MaxLength(MEDIUM)],
    )
    # The earlier interventions of this system for the group, picked from a list.
    earlier_interventions = models.ManyToManyField(
        InterventionRequest,
        blank=True,
        related_name="support_applications",
        verbose_name=_("earlier interventions"),
    )
    hours_per_week = models.DecimalField(
        _("support hours a week asked for"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    custody_consent = models.CharField(
        _("consent of the custody holders"),
        max_length=10,
        choices=CustodyConsent.choices,
        default=CustodyConsent.NONE,
        blank=True,
    )
    single_consent_reason = models.CharField(
        _("why only one custody holder consents"),
        max_length=LINE_LIMIT,
        blank=True,
        validators=[validate_no_cpr],
    )
    # Team pedagogists added to the case see it (and its child data) too.
    added_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="support_cases",
        verbose_name=_("added to the case"),
    )

    status = models.CharField(
        _("status"), max_length=20, choices=SupportStatus.choices, default=SupportStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="created_support_applications",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # When the support runs out or must be looked at again (from the last decision).
    revisit_on = models.DateField(_("re-visitation"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    client_token = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("form token")
    )

    history = HistoricalRecords(m2m_fields=[added_people])

    objects = SupportApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("support application")
        verbose_name_plural = _("support applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["institution", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="support_period_order",
                violation_error_message=_("The period must end on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | (Q(hours_per_week__gt=0) & Q(hours_per_week__lte=40)),
                name="support_hours_0_40",
                violation_error_message=_("The hours a week must be above 0 and at most 40."),
            ),
            length_constraint("everyday_needs", LONG, prefix="support"),
            length_constraint("tried_already", MEDIUM, prefix="support"),
        ]

    def __str__(self) -> str:
        # No child data here: this string reaches lists, history and e-mail subjects.
        return _("Support application #%(id)s (%(where)s)") % {
            "id": self.pk,
            "where": self.institution.name,
        }

    def get_absolute_url(self) -> str:
        return reverse("support_detail", args=[self.pk])

    @property
    def place(self) -> str:
        return place_label(self.institution.name, self.group.name if self.group else "")

    @property
    def is_editable(self) -> bool:
        return self.status in (SupportStatus.DRAFT, SupportStatus.NEEDS_INFO)

    @property
    def emptied(self) -> bool:
        """Anonymised by retention while it was still open: what `in_work()` leaves out. The
        leader's list of all her applications keeps it, shown as anonymised, not as waiting."""
        return self.anonymised_at is not None and self.status in SUPPORT_OPEN

    @property
    def support_stops_on(self) -> date | None:
        """An ended case's last day with support (its ending's day; the support and its hours
        count until then), or None: not ended, or ended without a day (before endings named
        one: stopped at once). Read from `ending_day` where the list or page set it
        (`with_ending_day()`), otherwise one query."""
        if self.status != SupportStatus.ENDED:
            return None
        if "ending_day" not in self.__dict__:
            self.__dict__["ending_day"] = (
                SupportDecision.objects.filter(application=self, outcome=SupportOutcome.ENDED)
                .order_by("-decided_at", "-pk")
                .values_list("period_end", flat=True)
                .first()
            )
        return self.__dict__["ending_day"]

    @property
    def is_ending(self) -> bool:
        """Ended by a decision, but the support runs until its last day, today included."""
        day = self.support_stops_on
        return day is not None and day >= timezone.localdate()

    @property
    def status_key(self) -> str:
        """The status the pages show and the lists filter by: ENDING while an ending's support
        still runs."""
        return ENDING if self.is_ending else self.status

    @property
    def status_label(self) -> str:
        """The status as the pages show it: an ending whose support still runs says so, with
        its last day ("Granted, ends on 31.01.2027"); after that day, "Ended"."""
        if self.is_ending:
            return _("Granted, ends on %(day)s") % {"day": f"{self.support_stops_on:%d.%m.%Y}"}
        return str(self.get_status_display())

    @property
    def required_assessments(self) -> tuple[str, ...]:
        return REQUIRED_ASSESSMENTS.get(self.kind, ())


def support_document_path(instance: "SupportDocument", filename: str) -> str:
    # A random name: the stored name says nothing about the child, and cannot be guessed.
    return f"support/{instance.application_id}/{uuid.uuid4().hex}"


def support_storage():
    from django.core.files.storage import storages

    return storages["support"]


class SupportDocument(models.Model):
    """An assessment or other document attached to an application. Stored through Django's
    storage API (settings.STORAGES["support"]: local files by default, an S3-compatible store
    in production), never at a public address: every download goes through a scoped, logged
    view."""

    application = models.ForeignKey(
        SupportApplication,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("document"), max_length=20, choices=AssessmentKind.choices)
    file = models.FileField(
        _("file"), upload_to=support_document_path, storage=support_storage, max_length=255
    )
    name = models.CharField(_("file name"), max_length=255, validators=[validate_no_cpr_child])
    mimetype = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support document")
        verbose_name_plural = _("support documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class SupportEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Changed")
    DOCUMENT_ADDED = "document_added", _("Document attached")
    DOCUMENT_REMOVED = "document_removed", _("Document removed")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    QUESTION = "question", _("Question")
    ANSWERED = "answered", _("Answered")
    ON_AGENDA = "on_agenda", _("Put on a meeting's agenda")
    MOVED = "moved", _("Moved to another meeting")
    DECIDED = "decided", _("Decision")
    PERSON_ADDED = "person_added", _("Added to the case")


class SupportEvent(models.Model):
    """The case's history as the leader reads it."""

    application = models.ForeignKey(
        SupportApplication,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("event"), max_length=30, choices=SupportEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(
        max_length=20, choices=SupportStatus.choices, blank=True, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=20, choices=SupportStatus.choices, blank=True, verbose_name=_("to status")
    )
    message = models.TextField(
        _("message"),
        blank=True,
        max_length=LONG,
        validators=[validate_no_cpr_child, MaxLength(LONG)],
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("support event")
        verbose_name_plural = _("support events")
        ordering = ["created_at", "pk"]
        constraints = [length_constraint("message", LONG, prefix="support_event")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({timezone.localtime(self.created_at):%d.%m.%Y %H:%M})"


class VisitationMeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class VisitationMeeting(models.Model):
    """Visitationsmøde: the committee decides the applications on its agenda."""

    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, validators=[validate_no_cpr_plain])
    application_deadline = models.DateField(
        _("application deadline"),
        help_text=_("Applications submitted by this day are put on this meeting's agenda."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="visitation_meetings",
        verbose_name=_("committee members"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VisitationMeetingStatus.choices,
        default=VisitationMeetingStatus.PLANNED,
    )
    minutes = models.TextField(
        _("minutes (general)"),
        blank=True,
        max_length=LONG,
        validators=[validate_no_cpr, MaxLength(LONG)],
    )
    # When retention replaced its minutes (they may name the children of its cases), see
    # indsats/supportmeetings/retention.py.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    uid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("calendar id")
    )
    sequence = models.PositiveIntegerField(default=0, verbose_name=_("calendar sequence"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    # The planning form's token: the same form posted twice plans one meeting (empty for the
    # meetings planned before it was kept).
    client_token = models.UUIDField(
        null=True, blank=True, unique=True, editable=False, verbose_name=_("form token")
    )

    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("visitation meeting")
        verbose_name_plural = _("visitation meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="visitation_meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            length_constraint("minutes", LONG, prefix="visitation_meeting"),
        ]

    def __str__(self) -> str:
        return _("Visitation meeting %(when)s") % {
            "when": timezone.localtime(self.starts_at).strftime("%d.%m.%Y")
        }

    def get_absolute_url(self) -> str:
        return reverse("visitation_meeting_detail", args=[self.pk])


class AgendaPurpose(models.TextChoices):
    NEW = "new", _("New application")
    ANSWERED = "answered", _("Answered questions")
    REVISIT = "revisit", _("Re-visitation")


class AgendaItemStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    DECIDED = "decided", _("Decided")
    MOVED = "moved", _("Moved to another meeting")
    REMOVED = "removed", _("Taken off (withdrawn)")
    # Asked a question outside the meeting: off the agenda until the leader answers.
    AWAITING_INFO = "awaiting_info", _("Taken off (waiting for more information)")


class AgendaItem(models.Model):
    """An application on a meeting's agenda. An application waits on at most one agenda."""

    meeting = models.ForeignKey(
        VisitationMeeting,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("meeting"),
    )
    application = models.ForeignKey(
        SupportApplication,
        on_delete=models.CASCADE,
        related_name="agenda_items",
        verbose_name=_("application"),
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=AgendaPurpose.choices, default=AgendaPurpose.NEW
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AgendaItemStatus.choices,
        default=AgendaItemStatus.WAITING,
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting__starts_at", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="waiting"),
                name="agenda_one_waiting_per_application",
                violation_error_message=_("The application is already on an agenda."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.application}"


class SupportOutcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REJECTED = "rejected", _("Rejected")
    MORE_INFO = "more_info", _("More information needed")
    EXTENDED = "extended", _("Extended")
    ENDED = "ended", _("Ended")


# Outcomes that grant support (hours a week, a period and a re-visitation date).
GRANTING_OUTCOMES = (SupportOutcome.GRANTED, SupportOutcome.PARTLY_GRANTED, SupportOutcome.EXTENDED)
# Outcomes that decide the case and are sent as a letter: the grants, a rejection and an ending
# (a request for more information is a question, not a decision).
LETTER_OUTCOMES = (*GRANTING_OUTCOMES, SupportOutcome.REJECTED, SupportOutcome.ENDED)


class SupportDecision(models.Model):
    """Afgørelse: one per agenda item, made at the meeting; never changed afterwards (a new
    decision at a later meeting extends or ends the support)."""

    application = models.ForeignKey(
        SupportApplication,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("application"),
    )
    # Two members saving the same decision at once give one decision: the item is unique.
    agenda_item = models.OneToOneField(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="decision",
        verbose_name=_("agenda item"),
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=SupportOutcome.choices)
    hours_per_week = models.DecimalField(
        _("support hours a week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    revisit_on = models.DateField(_("re-visitation"), null=True, blank=True)
    reasons = models.TextField(
        _("reasons"), max_length=MEDIUM, validators=[validate_no_cpr_child, MaxLength(MEDIUM)]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support decision")
        verbose_name_plural = _("support decisions")
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["outcome", "decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome__in=["granted", "partly_granted", "extended"])
                | (
                    Q(period_start__isnull=False)
                    & Q(period_end__isnull=False)
                    & Q(revisit_on__isnull=False)
                ),
                name="support_decision_grant_complete",
                violation_error_message=_("A grant needs a period and a re-visitation date."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="support_decision_period_order",
                violation_error_message=_("The period must end on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gte=0),
                name="support_decision_hours_not_negative",
            ),
            length_constraint("reasons", MEDIUM, prefix="support_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({timezone.localtime(self.decided_at):%d.%m.%Y})"

    @property
    def stops_on(self):
        """An ending's last day of support (kept as its `period_end`; the support counts until
        then), or None: an ending without a day, made before endings named one, stopped at once."""
        return self.period_end if self.outcome == SupportOutcome.ENDED else None

    @property
    def has_letter(self) -> bool:
        return self.outcome in LETTER_OUTCOMES
