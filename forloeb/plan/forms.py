from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forloeb.models import AbsenceKind, AbsenceRepeat, PlanChangeKind
from forloeb.plan.services import AbsenceInput, ChangeInput, ShortenInput
from institutioner.inputs import DayField, IdChoiceField
from institutioner.models import Pedagogist
from institutioner.textlimits import SHORT, TextField
from institutioner.validators import validate_no_cpr_plain, validate_plausible_date

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AbsenceForm(forms.Form):
    pedagogist: forms.ModelChoiceField = IdChoiceField(
        label=_("Pedagogist"), queryset=Pedagogist.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AbsenceKind.choices)
    starts_on = DayField(label=_("First day"), widget=DATE, validators=[validate_plausible_date])
    ends_on = DayField(
        label=_("Last day"),
        widget=DATE,
        validators=[validate_plausible_date],
        required=False,
        help_text=_("Empty: the first day only."),
    )
    time_from = forms.TimeField(
        label=_("From"), widget=TIME, required=False, help_text=_("Empty: the whole day.")
    )
    time_to = forms.TimeField(label=_("To"), widget=TIME, required=False)
    repeat = forms.ChoiceField(
        label=_("Repeats"), choices=AbsenceRepeat.choices, initial=AbsenceRepeat.NONE
    )
    repeat_until = DayField(
        label=_("Repeats until"), widget=DATE, required=False, validators=[validate_plausible_date]
    )
    note = TextField(
        label=_("Note"),
        max_length=SHORT,
        required=False,
        validators=[validate_no_cpr_plain],
        help_text=_("Seen by you and the administration, never by the leaders."),
    )

    def __init__(self, *args, pedagogists, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["pedagogist"]).queryset = pedagogists
        only = list(pedagogists[:2])
        if len(only) == 1:
            # Her own absence: what the form sends for the person is not read at all (an edited
            # hidden field was refused without a word, on a field no one sees).
            self.fields["pedagogist"].initial = only[0].pk
            self.fields["pedagogist"].widget = forms.HiddenInput()
            self.fields["pedagogist"].disabled = True

    def clean(self):
        data = super().clean() or {}
        if data.get("starts_on") and not data.get("ends_on"):
            data["ends_on"] = data["starts_on"]
        return data

    def absence_input(self) -> AbsenceInput:
        data = self.cleaned_data
        return AbsenceInput(
            kind=data["kind"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            time_from=data["time_from"],
            time_to=data["time_to"],
            repeat=data["repeat"],
            repeat_until=data["repeat_until"],
            note=data["note"] or "",
        )


class PlanChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("plan change", "Change"), choices=PlanChangeKind.choices
    )
    day = DayField(
        label=_("Practice day"),
        widget=DATE,
        required=False,
        validators=[validate_plausible_date],
        help_text=_("The day that is cancelled or moved."),
    )
    new_day = DayField(
        label=_("New day"),
        widget=DATE,
        required=False,
        validators=[validate_plausible_date],
        help_text=_("Where it moves to, or the extra day."),
    )
    new_time_from = forms.TimeField(
        label=_("From"), widget=TIME, required=False, help_text=_("Empty: the usual times.")
    )
    new_time_to = forms.TimeField(label=_("To"), widget=TIME, required=False)
    reason = TextField(label=_("Reason"), max_length=SHORT, validators=[validate_no_cpr_plain])

    # The kinds each field is used by: with JavaScript the form shows only those of the chosen
    # kind (static/js/shown-by-choice.js); without it every field shows, and the server names
    # the field a kind needs under that field.
    USED_BY = {
        "day": (PlanChangeKind.CANCEL, PlanChangeKind.MOVE),
        "new_day": (PlanChangeKind.MOVE, PlanChangeKind.EXTRA),
        "new_time_from": (PlanChangeKind.MOVE, PlanChangeKind.EXTRA),
        "new_time_to": (PlanChangeKind.MOVE, PlanChangeKind.EXTRA),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kinds in self.USED_BY.items():
            self.fields[name].widget.attrs["data-for-kinds"] = " ".join(kinds)

    def change_input(self) -> ChangeInput:
        data = self.cleaned_data
        return ChangeInput(
            kind=data["kind"],
            reason=data["reason"],
            day=data["day"],
            new_day=data["new_day"],
            new_time_from=data["new_time_from"],
            new_time_to=data["new_time_to"],
        )


class PlanChangeDeclineForm(forms.Form):
    """The pedagogist's answer no to a leader's proposal, with why if she will say it."""

    reason = TextField(
        label=_("Why do you decline? (optional)"),
        max_length=SHORT,
        required=False,
        validators=[validate_no_cpr_plain],
        help_text=_(
            "The leader reads it with your answer, on the course's page and in the message."
        ),
    )


class AbsenceShortenForm(forms.Form):
    """A shorter period for a recorded absence: the first and last day of one that does not
    repeat, the last repetition of one that does (its days each time stay)."""

    starts_on = DayField(
        label=_("First day"), widget=DATE, required=False, validators=[validate_plausible_date]
    )
    ends_on = DayField(
        label=_("Last day"),
        widget=DATE,
        required=False,
        validators=[validate_plausible_date],
        help_text=_("Back early? The last day of the absence."),
    )
    repeat_until = DayField(
        label=_("Repeats until"),
        widget=DATE,
        required=False,
        validators=[validate_plausible_date],
        help_text=_("The repetitions that start after this day fall away."),
    )

    def __init__(self, *args, absence, **kwargs):
        kwargs["initial"] = {
            "starts_on": absence.starts_on,
            "ends_on": absence.ends_on,
            "repeat_until": absence.repeat_until,
        }
        super().__init__(*args, **kwargs)
        self.absence = absence
        # The date pickers (on a phone, the only way to type a date) offer the recorded period.
        if absence.repeat == AbsenceRepeat.NONE:
            del self.fields["repeat_until"]
            for name in ("starts_on", "ends_on"):
                self.fields[name].required = True
                self.fields[name].widget.attrs.update(
                    min=absence.starts_on.isoformat(), max=absence.ends_on.isoformat()
                )
        else:
            del self.fields["starts_on"]
            del self.fields["ends_on"]
            self.fields["repeat_until"].required = True
            self.fields["repeat_until"].widget.attrs.update(
                min=absence.ends_on.isoformat(), max=absence.repeat_until.isoformat()
            )

    def shorten_input(self) -> ShortenInput:
        data = self.cleaned_data
        return ShortenInput(
            starts_on=data.get("starts_on") or self.absence.starts_on,
            ends_on=data.get("ends_on") or self.absence.ends_on,
            repeat_until=data.get("repeat_until"),
        )
