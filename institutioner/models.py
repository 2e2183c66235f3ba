"""The organisation: districts, institutions and their groups, the people and their roles."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutioner.validators import validate_no_cpr, validate_no_cpr_child


def format_decimal(value: Decimal) -> str:
    """'105', '10,5': no trailing zeros, Danish decimal comma."""
    whole = value == value.to_integral_value()
    return number_format(value.quantize(Decimal(1)) if whole else value.normalize())


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    PEDAGOGIST = "pedagogist", _("Pedagogist")
    ADMINISTRATION = "administration", _("Administration")
    STAFF = "staff", _("Staff")
    # Småbørnskonsulent / member of the visitation committee for kompenserende støtte: reads
    # support applications and their documents (child data) and decides them at meetings.
    CONSULTANT = "consultant", _("Visitation (small-children consultant)")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        # People type their e-mail address with whatever capitals they like.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def administration(self) -> "models.QuerySet[User]":
        """The administration's active people. A superuser counts as the administration here as
        everywhere (`User.is_staff`, `access.is_administration`)."""
        return self.filter(is_active=True).filter(
            models.Q(role=Role.ADMINISTRATION) | models.Q(is_superuser=True)
        )

    def leaders_of(self, institution) -> "models.QuerySet[User]":
        """The active leaders of one institution (an Institution or its id)."""
        return self.filter(
            role=Role.LEADER, is_active=True, memberships__institution=institution
        ).distinct()

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.pop("is_staff", None)
        extra.setdefault("role", Role.ADMINISTRATION)
        extra["is_superuser"] = True
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(
        _("e-mail"),
        unique=True,
        error_messages={"unique": _("A user with this e-mail already exists.")},
    )
    name = models.CharField(_("name"), max_length=150, validators=[validate_no_cpr])
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_no_cpr])
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive users cannot log in.")
    )
    date_joined = models.DateTimeField(_("created"), default=timezone.now)
    institutions: "models.ManyToManyField[Institution, Membership]" = models.ManyToManyField(
        "Institution",
        through="Membership",
        related_name="members",
        verbose_name=_("institutions"),
        blank=True,
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("A user with this e-mail already exists."),
            ),
        ]

    def __str__(self) -> str:
        # Two people can share a name; pickers and history tell them apart by e-mail.
        return f"{self.name} ({self.email})" if self.name else self.email

    @property
    def is_staff(self) -> bool:
        """Django's admin and `staff_member_required` ask this; the administration is staff."""
        return self.is_active and (self.is_superuser or self.role == Role.ADMINISTRATION)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class District(models.Model):
    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        validators=[validate_no_cpr],
        error_messages={"unique": _("A district with this name already exists.")},
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="district_name_ci_unique",
                violation_error_message=_("A district with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InstitutionKind(models.TextChoices):
    NURSERY = "vuggestue", _("Nursery (vuggestue)")
    KINDERGARTEN = "boernehave", _("Kindergarten (børnehave)")
    INTEGRATED = "integreret", _("Integrated institution")
    CHILDMINDING = "dagpleje", _("Childminding (dagpleje)")


class InstitutionOwner(models.TextChoices):
    MUNICIPAL = "kommunal", _("Municipal")
    SELF_GOVERNING = "selvejende", _("Self-governing")
    PRIVATE = "privat", _("Private")


class Institution(models.Model):
    name = models.CharField(
        _("name"),
        max_length=150,
        unique=True,
        validators=[validate_no_cpr],
        error_messages={"unique": _("An institution with this name already exists.")},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    owner = models.CharField(_("owner"), max_length=20, choices=InstitutionOwner.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("district")
    )
    street = models.CharField(_("street address"), max_length=200, validators=[validate_no_cpr])
    postal_code = models.CharField(
        _("postal code"),
        max_length=4,
        validators=[
            RegexValidator(r"^[0-9]{4}$", message=_("A Danish postal code has four digits."))
        ],
    )
    city = models.CharField(_("city"), max_length=100, validators=[validate_no_cpr])
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="institution_closes_after_opening",
                violation_error_message=_("The closing time must be after the opening time."),
            ),
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^[0-9]{4}$"),
                name="institution_postal_code_4_digits",
                violation_error_message=_("A Danish postal code has four digits."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                name="institution_name_ci_unique",
                violation_error_message=_("An institution with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"

    def clean(self) -> None:
        # The check constraint says the same; here the message lands at the field.
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("The closing time must be after the opening time.")}
            )


class AgeGroup(models.TextChoices):
    NURSERY = "0-3", _("0–3 years")
    KINDERGARTEN = "3-6", _("3–6 years")
    MIXED = "0-6", _("0–6 years")


class Group(models.Model):
    """A stue / gruppe of an institution. It describes a learning environment, never a child."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="groups", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_no_cpr])
    age_group = models.CharField(_("age group"), max_length=3, choices=AgeGroup.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["institution__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"],
                name="group_name_unique_per_institution",
                violation_error_message=_("The institution already has a group with this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.institution.name})"


class Membership(models.Model):
    """A leader (or member of staff) belongs to an institution; their role says which."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("institution"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment to institution")
        verbose_name_plural = _("attachments to institutions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"],
                name="membership_unique",
                violation_error_message=_("The person is already attached to this institution."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.institution}"

    def clean(self) -> None:
        if self.user_id and self.user.role not in (Role.LEADER, Role.STAFF):
            raise ValidationError(
                {
                    "user": _(
                        "Only leaders and staff are attached to an institution here. "
                        "Pedagogists are attached through a permanent attachment."
                    )
                }
            )


class PedagogistTitle(models.TextChoices):
    INTERVENTION = "indsatspaedagog", _("Intervention pedagogist")
    LEARNING_ENVIRONMENT = "laeringsmiljoepaedagog", _("Learning environment pedagogist")
    SUPPORT_RESOURCE = "stoette_ressourcepaedagog", _("Support and resource pedagogist")


class Competence(models.Model):
    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        validators=[validate_no_cpr],
        error_messages={"unique": _("A competence with this name already exists.")},
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="competence_name_ci_unique",
                violation_error_message=_("A competence with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Pedagogist(models.Model):
    user = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        related_name="pedagogist",
        verbose_name=_("user"),
        error_messages={"unique": _("This person is already a pedagogist.")},
    )
    title = models.CharField(_("title"), max_length=30, choices=PedagogistTitle.choices)
    weekly_hours = models.DecimalField(_("weekly contracted hours"), max_digits=4, decimal_places=2)
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="pedagogists", verbose_name=_("competences")
    )

    history = HistoricalRecords(m2m_fields=[competences])

    class Meta:
        verbose_name = _("pedagogist")
        verbose_name_plural = _("pedagogists")
        ordering = ["user__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_hours__gte=Decimal("0")) & Q(weekly_hours__lte=Decimal("48")),
                name="pedagogist_weekly_hours_0_48",
                violation_error_message=_("Weekly contracted hours must be between 0 and 48."),
            ),
        ]

    def __str__(self) -> str:
        return self.user.name

    def clean(self) -> None:
        if self.user_id and self.user.role != Role.PEDAGOGIST:
            raise ValidationError({"user": _("The user must have the role pedagogist.")})


class AssignmentFunction(models.TextChoices):
    RESOURCE = "ressource", _("Resource")
    SUPPORT = "stoette", _("Support")


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def current(self, on=None) -> "AssignmentQuerySet":
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def not_ended(self, on=None) -> "AssignmentQuerySet":
        day = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def overlapping(self, start, end) -> "AssignmentQuerySet":
        """Assignments active on at least one day of [start, end] (end None: open-ended)."""
        qs = self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        if end is not None:
            qs = qs.filter(valid_from__lte=end)
        return qs

    def peak_share(self, *, pedagogist_id, start, end, share, exclude_pk=None) -> Decimal:
        return self.peak_share_day(
            pedagogist_id=pedagogist_id, start=start, end=end, share=share, exclude_pk=exclude_pk
        )[0]

    def peak_share_day(self, *, pedagogist_id, start, end, share, exclude_pk=None):
        """The highest total share on any day of [start, end] if an assignment of `share` is
        added, and the first day it is reached.

        The total only rises where an assignment starts, so it is enough to look at the start of
        the period and at every other assignment's start inside it.
        """
        others = list(
            self.filter(pedagogist_id=pedagogist_id)
            .exclude(pk=exclude_pk)
            .overlapping(start, end)
            .values_list("valid_from", "valid_to", "share")
        )
        days = {start} | {max(other_start, start) for other_start, _end, _share in others}
        peak, peak_day = Decimal("0"), start
        for day in sorted(days):
            total = share + sum(
                (s for f, t, s in others if f <= day and (t is None or t >= day)), Decimal("0")
            )
            if total > peak:
                peak, peak_day = total, day
        return peak, peak_day


class Assignment(models.Model):
    """Fast tilknytning: a pedagogist is attached to an institution for a share of their time."""

    pedagogist = models.ForeignKey(
        Pedagogist,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("pedagogist"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("institution"),
    )
    function = models.CharField(_("function"), max_length=20, choices=AssignmentFunction.choices)
    share = models.DecimalField(_("share of working time (%)"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(
        _("to"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )

    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("permanent attachment")
        verbose_name_plural = _("permanent attachments")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gt=Decimal("0")) & Q(share__lte=Decimal("100")),
                name="assignment_share_0_100",
                violation_error_message=_("The share must be more than 0 %% and at most 100 %%."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="assignment_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        # With its period: a pedagogist attached to one institution year after year has one
        # attachment a year, which would otherwise read alike (Stamdata's delete page lists them).
        if self.valid_to is None:
            period = _("from %(day)s") % {"day": date_format(self.valid_from, "j. F Y")}
        else:
            period = (
                f"{date_format(self.valid_from, 'j. F Y')}–{date_format(self.valid_to, 'j. F Y')}"
            )
        return f"{self.pedagogist} → {self.institution} ({format_decimal(self.share)} %, {period})"

    @property
    def weekly_hours(self) -> Decimal:
        """Hours a week the share amounts to, to the quarter hour (load `pedagogist` with it)."""
        hours = self.pedagogist.weekly_hours * self.share / Decimal("100")
        return (hours * 4).quantize(Decimal("1")) / 4

    def clean(self) -> None:
        # The database refuses this too (a trigger on PostgreSQL); here it gets a Danish message.
        if not (self.pedagogist_id and self.share and self.valid_from):
            return
        if not 0 < self.share <= 100:
            return  # the check constraint's own message says what is wrong
        if self.valid_to is not None and self.valid_to < self.valid_from:
            return
        peak, day = Assignment.objects.peak_share_day(
            pedagogist_id=self.pedagogist_id,
            start=self.valid_from,
            end=self.valid_to,
            share=self.share,
            exclude_pk=self.pk,
        )
        if peak > 100:
            raise ValidationError(
                {
                    "share": _(
                        "The pedagogist's attachments would add up to %(peak)s %% from "
                        "%(day)s. Together they may be at most 100 %%; see the pedagogist's "
                        "other permanent attachments."
                    )
                    % {"peak": format_decimal(peak), "day": date_format(day, "j. F Y")}
                }
            )


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    IN_APP = "in_app", _("In the app only (e-mail switched off)")


# How `Notification.last_error` begins when the mail server refused a message for good (a 5xx
# reply): such a message is failed at once, not retried.
NOTIFICATION_REFUSED_PREFIX = "Refused for good: "


class NotificationKind(models.TextChoices):
    """What a message is about. A person can switch off e-mail per kind (not `SYSTEM`); the
    message is still shown under Notifications. These are the column's choices; the app that
    sends a kind registers who receives it (institutioner/notifications/kinds.py)."""

    REQUESTS = "requests", _("Requests and triage")
    REQUEST_WAITING = "request_waiting", _("Reminder: requests waiting for triage")
    MEETINGS = "meetings", _("Intake meetings")
    AGREEMENTS = "agreements", _("Collaboration agreements")
    SIGNATURE_REMINDER = "signature_reminder", _("Reminder: agreements waiting for a signature")
    EVALUATION_REMINDER = "evaluation_reminder", _("Reminder: evaluations due and overdue")
    COURSE_ENDING = "course_ending", _("Reminder: courses ending without a planned follow-up")
    COURSE_PLAN_CHANGED = "course_plan_changed", _("Changed weekdays or times of a course")
    WEEK_SHEET_REMINDER = "week_sheet_reminder", _("Reminder: week sheet not submitted")
    ABSENCE = "absence", _("A pedagogist's absence on practice days")
    PLAN_CHANGE = "plan_change", _("Cancelled, moved and extra practice days")
    RATING_INVITATION = "rating_invitation", _("Invitations to rate a course's evaluation")
    FOLLOW_UP_REMINDER = "follow_up_reminder", _("Follow-ups 3 and 6 months after a course")
    SUPPORT = "support", _("Support applications and decisions")
    VISITATION_MEETINGS = "visitation_meetings", _("Visitation meetings and their agendas")
    SUPPORT_REVISIT = "support_revisit", _("Reminder: support due for re-visitation")
    SYSTEM = "system", _("Messages from the system")


class StoredFile(models.Model):
    """A document the system makes once and keeps, such as a signed agreement's PDF.

    It is made after the commit of the change it belongs to, by the maker (`producer`) that the
    owning app registered (institutioner/files/), and kept in the database: no web server keeps
    files of its own, and every replica and worker reads the same bytes. Each e-mail that
    carries it points here instead of holding a copy.
    """

    producer = models.CharField(_("made by"), max_length=50)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, verbose_name=_("concerns (type)")
    )
    object_id = models.PositiveBigIntegerField(_("concerns (id)"))
    concerns = GenericForeignKey("content_type", "object_id")
    name = models.CharField(_("file name"), max_length=255)
    mimetype = models.CharField(_("type"), max_length=100)
    data = models.BinaryField(_("content"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    made_at = models.DateTimeField(_("made"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "content_type", "object_id"], name="storedfile_one_per_object"
            ),
            models.CheckConstraint(
                condition=Q(data__isnull=True) | ~Q(sha256=""), name="storedfile_made_has_hash"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> "NotificationQuerySet":
        """Not yet opened in the app (the bell counts these)."""
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An e-mail in the outbox: written in the same transaction as the change it tells about.

    A task sends it after commit; a periodic sweep sends whatever that task missed (a broker that
    was down, a worker that died). The row is the record of the message, so it has no separate
    history: it keeps who, what, when it was created, how often sending failed, and when it went.
    """

    recipient = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("e-mail"))
    template = models.CharField(_("template"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=30, choices=NotificationKind.choices, default=NotificationKind.SYSTEM
    )
    # The object the message is about, and the page it opens in the app.
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concerns (type)"),
    )
    object_id = models.PositiveBigIntegerField(_("concerns (id)"), null=True, blank=True)
    concerns = GenericForeignKey("content_type", "object_id")
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=255, blank=True)
    attachment_mimetype = models.CharField(_("attachment type"), max_length=100, blank=True)
    attachment_content = models.TextField(_("attachment"), blank=True)
    # A binary attachment (a PDF) is kept here instead of in attachment_content.
    attachment_binary = models.BinaryField(_("binary attachment"), null=True, blank=True)
    # A document kept once (a signed agreement's PDF), attached when the e-mail goes out.
    attachment_file = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("attached file"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # After a failure, the next attempt waits (backoff); empty means "as soon as possible".
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    dedupe_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        blank=True,
        help_text=_("A message with a key is queued at most once, e.g. a reminder."),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notification_status_created"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_key_unique",
                violation_error_message=_("This message has already been queued."),
            ),
            models.CheckConstraint(
                condition=(Q(status=NotificationStatus.SENT) & Q(sent_at__isnull=False))
                | (~Q(status=NotificationStatus.SENT) & Q(sent_at__isnull=True)),
                name="notification_sent_at_iff_sent",
                violation_error_message=_("A notification has a sending time exactly when sent."),
            ),
            models.CheckConstraint(
                condition=Q(attachment_name="", attachment_mimetype="", attachment_content="")
                | (~Q(attachment_name="") & ~Q(attachment_mimetype="")),
                name="notification_attachment_has_name_and_type",
                violation_error_message=_("An attachment needs a file name and a type."),
            ),
            models.CheckConstraint(
                condition=Q(attachment_file__isnull=True) | Q(attachment_name=""),
                name="notification_one_kind_of_attachment",
                violation_error_message=_("An e-mail carries a stored file or its own attachment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.email}"

    @property
    def error_summary(self) -> str:
        """What went wrong, in Danish, for the operations page (the mail server's own words,
        in English, stay beside it for whoever mends it)."""
        error = self.last_error
        if not error:
            return ""
        if error.startswith(NOTIFICATION_REFUSED_PREFIX):
            return str(_("The mail server refused the message for good."))
        kinds = (
            (("SMTPServerDisconnected",), _("The mail server closed the connection.")),
            (("TimeoutError", "timeout"), _("The mail server did not answer in time.")),
            (("ConnectionRefusedError",), _("The mail server refused the connection.")),
            (("SMTPAuthenticationError",), _("The mail server refused the login.")),
            (("SMTPRecipientsRefused",), _("The mail server refused the recipient.")),
            (("SMTPSenderRefused",), _("The mail server refused the sender.")),
            (("gaierror", "OSError"), _("The mail server could not be reached.")),
        )
        name = error.split(":", 1)[0]
        for names, summary in kinds:
            if name in names:
                return str(summary)
        return str(_("Sending failed."))

    @property
    def refused_for_good(self) -> bool:
        """The mail server answered 5xx: sending again only helps after someone mends the
        address or the server's settings."""
        return self.status == NotificationStatus.FAILED and self.last_error.startswith(
            NOTIFICATION_REFUSED_PREFIX
        )


class NotificationOptOut(models.Model):
    """A person who does not want e-mail of one kind: the message is only shown in the app."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="notification_opt_outs",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail switched off")
        verbose_name_plural = _("e-mails switched off")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_opt_out_unique"),
            models.CheckConstraint(
                condition=~Q(kind=NotificationKind.SYSTEM),
                name="notification_opt_out_not_system",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class ScheduleChange(models.Model):
    """Who changed the time of a background job on the health page, when, and from what to what.

    The schedules themselves are django-celery-beat's rows, which keep no history of their own.
    """

    schedule = models.CharField(_("schedule"), max_length=200)
    actor = models.ForeignKey(
        "User", on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    at = models.DateTimeField(_("changed"), default=timezone.now)
    before = models.CharField(_("before"), max_length=300)
    after = models.CharField(_("after"), max_length=300)

    class Meta:
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["schedule", "-at"], name="schedulechange_by_schedule")]

    def __str__(self) -> str:
        return f"{self.schedule}: {self.before} → {self.after}"


# The Heartbeat rows a worker process writes while it runs a task: `task:<host>:<pid>`.
HEARTBEAT_TASK_PREFIX = "task:"


class Heartbeat(models.Model):
    """When a background job last ran: the worker's heartbeat and each scheduled rule.

    Written by the worker itself, so the health page shows what really ran, not only what the
    beat sent off.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    at = models.DateTimeField(_("last run"))
    detail = models.CharField(_("result"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Searched or listed")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    PRINT = "print", _("Printed")


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def concerning(self, user_id: int) -> "AccessLogQuerySet":
        """Rows about one person: on PostgreSQL a containment test the GIN index answers
        (`accesslog_concerns_gin`, added by migration 0010); SQLite looks into the array."""
        if connections[self.db].vendor == "postgresql":
            return self.filter(concerns__contains=[user_id])
        return self.filter(
            pk__in=RawSQL(
                "SELECT e.id FROM institutioner_accesslogentry e, json_each(e.concerns) j "
                "WHERE j.value = %s",
                [user_id],
            )
        )

    def showing(self, label: str, object_id: int | None = None) -> "AccessLogQuerySet":
        """Rows about an object of the model `label` ("<app>.<model>", lower case), or about
        the one with `object_id`: as the row's own object, or among the others its page showed
        (`also_shown`). On PostgreSQL a containment test the GIN index answers
        (`accesslog_also_shown_gin`); SQLite looks into the array."""
        model = apps.get_model(label)
        label = model._meta.label_lower
        own = Q(content_type=ContentType.objects.get_for_model(model))
        if object_id is not None:
            own &= Q(object_id=object_id)
        if connections[self.db].vendor == "postgresql":
            ids = [object_id] if object_id is not None else []
            return self.filter(own | Q(also_shown__contains={label: ids}))
        path = f'$."{label}"'
        if object_id is None:
            shown = RawSQL(
                "SELECT e.id FROM institutioner_accesslogentry e, json_each(e.also_shown, %s) j",
                [path],
            )
        else:
            shown = RawSQL(
                "SELECT e.id FROM institutioner_accesslogentry e, json_each(e.also_shown, %s) j "
                "WHERE j.value = %s",
                [path, object_id],
            )
        return self.filter(own | Q(pk__in=shown))


class AccessLogEntry(models.Model):
    """One read of personal data: who, when, what they did, on what, about whom, from where.

    Written once per page by `institutioner.accesslog` from the rules each app registers, and
    never changed: the database refuses UPDATE and DELETE (migration 0010) except for the
    retention purge, which sets `institutioner.access_log_purge` for its transaction. The people
    concerned are user ids in one JSON array, so a page costs one INSERT; PostgreSQL's GIN index
    on it answers "who looked at person X".
    """

    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("object type"),
    )
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    concerns = models.JSONField(_("people concerned"), default=list, blank=True)
    # The other objects whose data the page showed beside its own, by model label:
    # {"<app>.<model>": [12, 13]}, e.g. the support applications on a visitation meeting's
    # board, so a search by object finds the row under each application too
    # (`AccessLogQuerySet.showing`). In the same row, so a page still costs one INSERT; NULL
    # when the page showed nothing else. On PostgreSQL a GIN index answers the containment
    # test (migration 0019).
    also_shown = models.JSONField(_("also shown"), null=True, blank=True)
    # Search terms are typed by people: a CPR number in one is masked before the row is written
    # (institutioner.accesslog.services), so the guard here never has to refuse a row.
    query = models.CharField(
        _("search terms and filters"), max_length=500, blank=True, validators=[validate_no_cpr]
    )
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    url_name = models.CharField(_("page"), max_length=200)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("look-up")
        verbose_name_plural = _("look-up log")
        ordering = ["-at", "-pk"]
        # The data protection officer's: search the whole log and answer access requests
        # (`institutioner.access.can_search_access_log`). The administration has it by its role.
        permissions = [
            ("search_access_log", _("Can search the access log and answer access requests")),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="accesslog_by_object"),
            models.Index(fields=["user", "-at"], name="accesslog_by_user"),
            models.Index(fields=["-at"], name="accesslog_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.url_name}"


class IdentityProvider(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML")


class ExternalIdentity(models.Model):
    """The person at the municipality's identity provider: its stable subject (OpenID Connect's
    `sub` or the claim configured instead; never the e-mail, which can change hands)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="identities", verbose_name=_("user")
    )
    provider = models.CharField(_("identity provider"), max_length=10, choices=IdentityProvider)
    subject = models.CharField(_("subject at the identity provider"), max_length=255)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("login at the identity provider")
        verbose_name_plural = _("logins at the identity provider")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"],
                name="external_identity_unique_subject",
                violation_error_message=_("This subject is already linked to a user."),
            ),
            models.UniqueConstraint(
                fields=["provider", "user"],
                name="external_identity_one_per_user",
                violation_error_message=_("The user is already linked to this identity provider."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()}: {self.subject}"


class IdentityGroup(models.Model):
    """A group (or job-function role) at the identity provider and what it gives here: a role,
    and for leaders and staff the institutions. Kept by the administration in Stamdata."""

    name = models.CharField(
        _("group at the identity provider"),
        max_length=200,
        unique=True,
        validators=[validate_no_cpr],
        error_messages={
            "unique": _("A group at the identity provider with this name already exists.")
        },
        help_text=_(
            "Exactly as the identity provider sends it in the groups claim, e.g. "
            "“indsats-ledere-mariehoenen” or a job-function role's URN."
        ),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    institutions = models.ManyToManyField(
        Institution,
        blank=True,
        related_name="identity_groups",
        verbose_name=_("institutions"),
        help_text=_("For leaders and staff: the institutions the group gives access to."),
    )

    history = HistoricalRecords(m2m_fields=[institutions])

    class Meta:
        verbose_name = _("group at the identity provider")
        verbose_name_plural = _("groups at the identity provider")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.get_role_display()}"


def export_kept_since(asked_at: datetime, *moments: datetime | None) -> datetime:
    """When a kept export's retention period starts: the last of when it was asked for and
    when it was started and finished, so a file built again ("Byg den igen") is kept
    `RETENTION_EXPORT_DAYS` from when it was made ready, not from the first order."""
    return max([asked_at, *(moment for moment in moments if moment is not None)])


def export_kept_since_expression(asked_at: str, *moments: str) -> models.Func:
    """`export_kept_since` as a database expression, for the retention steps that find and
    delete the old exports (each moment that is NULL counts as `asked_at`, which is never
    NULL, so it gives the same on every database)."""
    return Greatest(asked_at, *(Coalesce(moment, asked_at) for moment in moments))


def export_deleted_after(kept_since: datetime) -> date:
    """A kept export (an access request, a background export, a report) is deleted by the
    nightly retention run (`RETENTION_EXPORT_DAYS` after `export_kept_since`, when the file was
    made ready) in the night after this day."""
    return timezone.localdate(kept_since + timedelta(days=settings.RETENTION_EXPORT_DAYS))


class AccessRequestStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class AccessRequest(models.Model):
    """Indsigt: everything the system holds about one person, made as one ZIP by a worker.

    The data protection officer (or the administration) asks for it; the worker writes the ZIP
    section by section (`institutioner/accessrequests/`) and keeps it as a StoredFile. The
    progress columns are written while it works, so the requester's page can show how far it is.
    """

    # About a person with a user account, or about a child (named by the support applications'
    # name and birth date; a custody holder asks on the child's behalf): one of the two.
    subject = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
        null=True,
        blank=True,
    )
    child_name = models.CharField(
        _("the child's name"), max_length=150, blank=True, validators=[validate_no_cpr_child]
    )
    child_birth_date = models.DateField(_("the child's birth date"), null=True, blank=True)
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.QUEUED,
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    file = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("file"),
    )

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done")
                | (Q(file__isnull=False) & Q(finished_at__isnull=False)),
                name="access_request_done_has_file",
            ),
            models.CheckConstraint(
                condition=(
                    Q(subject__isnull=False) & Q(child_name="") & Q(child_birth_date__isnull=True)
                )
                | (Q(subject__isnull=True) & ~Q(child_name="") & Q(child_birth_date__isnull=False)),
                name="access_request_about_a_person_or_a_child",
            ),
        ]

    def __str__(self) -> str:
        return _("Access request #%(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("access_request_detail", args=[self.pk])

    @property
    def about(self) -> str:
        """Whom it is about, as the pages and the e-mail name them."""
        if self.subject_id is not None:
            return self.subject.name  # type: ignore[union-attr]
        born = self.child_birth_date.strftime("%d.%m.%Y") if self.child_birth_date else ""
        return _("%(name)s (child, born %(born)s)") % {"name": self.child_name, "born": born}

    @property
    def deleted_after(self) -> date:
        """The day after which the nightly retention deletes it with its ZIP."""
        return export_deleted_after(
            export_kept_since(self.requested_at, self.started_at, self.finished_at)
        )

    @property
    def percent(self) -> int:
        if self.status == AccessRequestStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
