import uuid
from datetime import date, timedelta
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indsats.models import (
    GRANTING_OUTCOMES,
    AgendaItem,
    AgendaPurpose,
    SupportKind,
    SupportOutcome,
)
from indsats.support import periods
from indsats.supportmeetings.services import (
    FIRST_OUTCOMES,
    REVISIT_OUTCOMES,
    decision_errors,
    default_stop,
    earliest_start,
    grant_in_force,
    meeting_stamp,
)
from institutioner.forms import ClientTokenField, client_token_clean
from institutioner.inputs import DayField, DecimalCommaField, IdMultipleChoiceField
from institutioner.models import Role, User
from institutioner.textlimits import LINE, MEDIUM, SHORT, TextField
from institutioner.validators import (
    validate_no_cpr_child,
    validate_no_cpr_plain,
    validate_plausible_date,
)
from institutioner.wallclock import clean_meeting_times
from institutioner.workdays import is_working_day, not_a_working_day

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class VisitationMeetingForm(forms.Form):
    date = DayField(label=_("Date"), widget=DATE, validators=[validate_plausible_date])
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("To"), widget=TIME)
    place = TextField(label=_("Place"), max_length=SHORT, validators=[validate_no_cpr_plain])
    application_deadline = DayField(
        label=_("Application deadline"),
        widget=DATE,
        validators=[validate_plausible_date],
        help_text=_("Applications submitted by this day are put on this meeting's agenda."),
    )
    members = IdMultipleChoiceField(
        label=_("Committee members"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one committee member.")},
    )

    client_token = ClientTokenField()
    # Changing a meeting: the saved meeting the form was opened on (services.meeting_stamp); a
    # save from another tab or person in between is refused rather than overwritten.
    stamp = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Planning a new meeting: the token makes a double submit plan one meeting.
        self.new = new
        if new:
            self.initial.setdefault("client_token", uuid.uuid4())
            del self.fields["stamp"]
        else:
            del self.fields["client_token"]
        members = cast(forms.ModelMultipleChoiceField, self.fields["members"])
        members.queryset = User.objects.filter(
            is_active=True, role__in=[Role.CONSULTANT, Role.ADMINISTRATION]
        ).order_by("name")
        members.label_from_instance = lambda u: f"{u.name} ({u.get_role_display()})"  # type: ignore[method-assign,assignment]

    @classmethod
    def initial_of(cls, meeting) -> dict:
        start = timezone.localtime(meeting.starts_at)
        return {
            "date": start.date(),
            "start": start.time(),
            "end": timezone.localtime(meeting.ends_at).time(),
            "place": meeting.place,
            "application_deadline": meeting.application_deadline,
            "members": list(meeting.members.all()),
            "stamp": meeting_stamp(meeting),
        }

    def clean_client_token(self):
        return client_token_clean(self)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        clean_meeting_times(self)
        # As evaluations: no meeting on a weekend or a public holiday (told beside the times'
        # own errors, so a time the clock change skips is named too).
        day = data.get("date")
        if day and "date" not in self.errors and not is_working_day(day):
            self.add_error("date", not_a_working_day(day))
        # The deadline against a day that stands (a refused day leaves the cleaned data), told
        # beside the times' errors too: it needs the day only, not the times.
        day = data.get("date")
        deadline = data.get("application_deadline")
        if day and deadline and deadline >= day:
            self.add_error(
                "application_deadline",
                _("The application deadline must be before the meeting."),
            )
        return data


class CancelForm(forms.Form):
    reason = TextField(
        label=_("Reason (optional, sent to the committee)"),
        required=False,
        max_length=LINE,
        validators=[validate_no_cpr_plain],
    )


class MoveItemForm(forms.Form):
    meeting = forms.TypedChoiceField(label=_("Move to"), coerce=int, choices=())

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["meeting"])
        field.choices = [(m.pk, str(m)) for m in meetings]


# The fields only a grant uses, and the one only an ending uses: the board shows each set for its
# outcomes only (static/js/shown-by-choice.js), and `clean` drops what the outcome does not use.
GRANT_FIELDS = ("hours_per_week", "period_start", "period_end", "revisit_on")
ENDING_FIELDS = ("stops_on",)


class DecisionForm(forms.Form):
    # Nothing is chosen beforehand: a careless save must not grant (or end) support.
    outcome = forms.ChoiceField(
        label=_("Decision (outcome)"),
        choices=(),
        error_messages={
            "required": _("Choose a decision."),
            "invalid_choice": _("Choose a decision."),
        },
    )
    hours_per_week = DecimalCommaField(
        label=_("Support hours a week"),
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=0.5,
        max_value=40,
        localize=True,
        # Django's own message writes the limit as 0.5; Danish writes 0,5.
        error_messages={
            "min_value": _("The hours a week must be at least 0.5."),
            "max_value": _("The hours a week must be at most 40."),
            "invalid": _("Write the hours as a number, e.g. 7,5."),
        },
    )
    period_start = DayField(
        label=_("From"), required=False, widget=DATE, validators=[validate_plausible_date]
    )
    period_end = DayField(
        label=_("To"), required=False, widget=DATE, validators=[validate_plausible_date]
    )
    revisit_on = DayField(
        label=_("Re-visitation"), required=False, widget=DATE, validators=[validate_plausible_date]
    )
    stops_on = DayField(
        label=_("The support stops on"),
        required=False,
        widget=DATE,
        validators=[validate_plausible_date],
        help_text=_(
            "The last day with support: today at the earliest, at the latest the day the "
            "support in force ends. The hours count until then."
        ),
    )
    reasons = TextField(
        label=_("Reasons"),
        max_length=MEDIUM,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr_child],
        error_messages={"required": _("Give the reasons for the decision.")},
    )

    def __init__(self, *args, item: AgendaItem, **kwargs):
        kwargs.setdefault("prefix", f"item{item.pk}")
        super().__init__(*args, **kwargs)
        self.item = item
        allowed = REVISIT_OUTCOMES if item.purpose == AgendaPurpose.REVISIT else FIRST_OUTCOMES
        outcome = cast(forms.ChoiceField, self.fields["outcome"])
        outcome.choices = [
            ("", _("Choose …")),
            *[(value, SupportOutcome(value).label) for value in allowed],
        ]
        for name in GRANT_FIELDS:
            if name in self.fields:
                self.fields[name].widget.attrs["data-for-outcomes"] = " ".join(GRANTING_OUTCOMES)
        application = item.application
        if item.purpose != AgendaPurpose.REVISIT:
            del self.fields["stops_on"]
        else:
            self.fields["stops_on"].widget.attrs["data-for-outcomes"] = SupportOutcome.ENDED
        if application.kind != SupportKind.SUPPORT_HOURS:
            # A special place is granted without hours: the form has no field for them.
            del self.fields["hours_per_week"]
        if not self.is_bound:
            hours = application.hours_per_week
            start: date | None = application.period_start
            end: date | None = application.period_end
            grant = grant_in_force(application) if item.purpose == AgendaPurpose.REVISIT else None
            if grant is not None and grant.period_start and grant.period_end:
                # An extension follows on from the grant in force, as long as it ran (at most
                # the two years a period can run).
                hours = grant.hours_per_week
                end_offset = min(
                    grant.period_end - grant.period_start,
                    timedelta(days=periods.PERIOD_MAX_DAYS),
                )
                start = earliest_start(item)
                end = start + end_offset
            elif start is not None:
                # A grant starts at the meeting at the earliest: the period applied for, from
                # the meeting's day if it would have started before.
                start = max(start, earliest_start(item))
                if end is not None and end < start:
                    end = None
            if "hours_per_week" in self.fields:
                self.initial.setdefault("hours_per_week", hours)
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", end)
            if "stops_on" in self.fields:
                self.initial.setdefault("stops_on", default_stop(application))

    def clean(self):
        """What the chosen outcome does not use is neither checked nor passed on (a hidden
        field's leftover value is not an error, and is not saved); then the service's checks,
        so that every refusal is shown at once (an empty reason and a missing re-visitation
        date together), each beside its field; a field the form already refused keeps its own
        message."""
        data = super().clean() or self.cleaned_data
        outcome = data.get("outcome")
        unused = [
            *(GRANT_FIELDS if outcome not in GRANTING_OUTCOMES else ()),
            *(ENDING_FIELDS if outcome != SupportOutcome.ENDED else ()),
        ]
        if not outcome:
            unused = []  # nothing chosen: the typed values stay as they are
        for name in unused:
            if name in self.fields:
                self.errors.pop(name, None)
                data[name] = None
        if not outcome:
            return data
        errors = decision_errors(
            self.item,
            outcome,
            data.get("hours_per_week"),
            data.get("period_start"),
            data.get("period_end"),
            data.get("revisit_on"),
            data.get("reasons") or "",
            data.get("stops_on"),
        )
        for field, message in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data
