from dataclasses import replace
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from indsats.agreements.content import AgreementContent, Goal
from indsats.models import (
    FocusLevel,
    Method,
    PracticeRole,
    Weekday,
)
from indsats.requests.forms import DATE, HOURS_A_WEEK_ERRORS, TIME
from institutioner.inputs import DayField
from institutioner.textlimits import GOAL, LINE, LONG, MEDIUM, TextField
from institutioner.validators import validate_no_cpr, validate_no_cpr_plain

_DAYS_A_WEEK = _("Days a week must be between 1 and 5.")
DAYS_A_WEEK_ERRORS = {"min_value": _DAYS_A_WEEK, "max_value": _DAYS_A_WEEK}


class AgreementForm(forms.Form):
    background = TextField(
        label=_("Background and need"),
        max_length=LONG,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_cpr],
    )
    methods = forms.MultipleChoiceField(
        label=_("Methods"),
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one method.")},
    )
    practice_roles = forms.MultipleChoiceField(
        label=_("The pedagogist's role in practice"),
        choices=PracticeRole.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )
    participants = TextField(
        label=_("Participants from the institution"),
        max_length=LINE,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr_plain],
        help_text=_("Leader and staff who take part; no children's names."),
    )
    days_per_week = forms.IntegerField(
        label=_("Days a week"),
        error_messages=DAYS_A_WEEK_ERRORS,
        min_value=1,
        max_value=5,
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours a week"),
        error_messages=HOURS_A_WEEK_ERRORS,
        min_value=Decimal("0.25"),
        max_value=48,
        decimal_places=2,
        localize=True,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    time_from = forms.TimeField(label=_("From (time of day)"), required=False, widget=TIME)
    time_to = forms.TimeField(label=_("To (time of day)"), required=False, widget=TIME)
    starts_on = DayField(label=_("Start"), widget=DATE)
    ends_on = DayField(label=_("End"), widget=DATE)
    midway_evaluation_on = DayField(
        label=_("Midway evaluation"),
        required=False,
        widget=DATE,
        help_text=_("Only proposed for longer courses; leave empty for a short course."),
    )
    final_evaluation_on = DayField(label=_("Final evaluation"), widget=DATE)
    leadership_commitment = TextField(
        label=_("What the leadership commits to"),
        max_length=MEDIUM,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
    )
    version_stamp = forms.CharField(widget=forms.HiddenInput, required=False)
    parent_meetings = forms.BooleanField(
        label=_(
            "The leader asks the pedagogist to take part in parent or interdisciplinary meetings"
        ),
        required=False,
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end cannot be before the start."))
        t_from, t_to = data.get("time_from"), data.get("time_to")
        if t_from and t_to and t_to <= t_from:
            self.add_error("time_to", _("The end of the time window must be after its start."))
        if bool(t_from) != bool(t_to):
            self.add_error(
                "time_to" if t_from else "time_from",
                _("Give both the start and the end of the time window, or neither."),
            )
        days, weekdays = data.get("days_per_week"), data.get("weekdays")
        if days and weekdays and len(weekdays) != days:
            self.add_error("weekdays", _("Tick as many weekdays as the days a week, or none."))
        return data


class GoalForm(forms.Form):
    text = TextField(
        label=_("Goal"),
        max_length=GOAL,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
    )
    # An empty first choice, so the blank extra goal counts as untouched and is skipped.
    focus_level = forms.ChoiceField(
        label=_("Focus level"), choices=[("", "---------"), *FocusLevel.choices]
    )
    indicator = TextField(
        label=_("How will we see that it is reached?"),
        max_length=LINE,
        required=False,
        validators=[validate_no_cpr],
    )


# At most as many goals as the agreement holds (the browser's "Tilføj et mål" stops there too).
GoalFormSet = forms.formset_factory(
    GoalForm, extra=1, can_delete=True, max_num=AgreementContent.MAX_GOALS, validate_max=True
)


def agreement_initial(content: AgreementContent) -> tuple[dict, list[dict]]:
    fields = {
        key: list(value) if isinstance(value, tuple) else value
        for key in AgreementForm.base_fields
        if (value := getattr(content, key, None)) is not None
    }
    # A Decimal, so the field shows it the Danish way (8,5 not 8.50).
    fields["hours_per_week"] = content.hours_per_week.normalize()
    return fields, [goal.to_json() for goal in content.goals]


def agreement_content(form: AgreementForm, goals, base: AgreementContent) -> AgreementContent:
    """The content from the form; what the form does not edit is kept from `base`."""
    data = form.cleaned_data
    return replace(
        base,
        background=data["background"],
        methods=tuple(data["methods"]),
        practice_roles=tuple(data["practice_roles"]),
        participants=data["participants"],
        days_per_week=data["days_per_week"],
        hours_per_week=data["hours_per_week"],
        weekdays=tuple(sorted(data["weekdays"])),
        time_from=data["time_from"],
        time_to=data["time_to"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        midway_evaluation_on=data["midway_evaluation_on"],
        final_evaluation_on=data["final_evaluation_on"],
        leadership_commitment=data["leadership_commitment"],
        parent_meetings=bool(data["parent_meetings"]),
        goals=tuple(
            Goal(text=g["text"], focus_level=g["focus_level"], indicator=g["indicator"])
            for g in goals.cleaned_data
            if g and not g.get("DELETE") and g.get("text")
        ),
    )


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter your password again to sign."),
    )


class DeclineForm(forms.Form):
    reason = TextField(
        label=_("Why do you decline to sign?"),
        max_length=MEDIUM,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
        error_messages={"required": _("Write why you decline to sign.")},
    )
