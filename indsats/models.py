"""The front door: requests for an intervention, their triage and the intake meeting."""

import uuid
from datetime import timedelta
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
from institutioner.textlimits import LONG, MEDIUM, MaxLength, length_constraint
from institutioner.validators import validate_no_cpr

if TYPE_CHECKING:
    from indsats.agreements.content import AgreementContent


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_INFO = "needs_info", _("More information requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InterventionRequestQuerySet(models.QuerySet["InterventionRequest"]):
    def open_for_triage(self) -> "InterventionRequestQuerySet":
        return self.filter(status__in=[RequestStatus.SUBMITTED, RequestStatus.NEEDS_INFO])


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
        _("contact person"), max_length=150, validators=[validate_no_cpr]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[validate_no_cpr]
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
        indexes = [models.Index(fields=["status", "submitted_at"])]
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
        return _("Request #%(id)s (%(where)s)") % {"id": self.pk, "where": self.place}

    def get_absolute_url(self) -> str:
        return reverse("request_detail", args=[self.pk])

    @property
    def place(self) -> str:
        """The institution and the group: what tells two interventions at one place apart."""
        return (
            f"{self.institution.name}, {self.group.name}" if self.group else self.institution.name
        )

    @property
    def wished_end(self):
        return self.wished_start + timedelta(weeks=self.wished_weeks) - timedelta(days=1)

    @property
    def is_editable(self) -> bool:
        return self.status in (RequestStatus.DRAFT, RequestStatus.NEEDS_INFO)

    @property
    def weekday_labels(self) -> list[str]:
        return [str(Weekday(day).label) for day in sorted(self.wished_weekdays)]


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
    place = models.CharField(_("place"), max_length=200, validators=[validate_no_cpr])
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="intake_meetings", verbose_name=_("participants")
    )
    other_participants = models.CharField(
        _("other participants"),
        max_length=300,
        blank=True,
        validators=[validate_no_cpr],
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
    def parsed(self) -> "AgreementContent":
        """The content as one typed object; only `indsats/agreements/content.py` knows the
        document's keys."""
        from indsats.agreements.content import AgreementContent

        return AgreementContent.from_json(self.content)


class SignerRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    PEDAGOGIST = "pedagogist", _("Pedagogist")
    ADMINISTRATION = "administration", _("Administration")


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
