from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forloeb.models import Decision, Phase, Scale
from indsats.models import LearningTheme, PracticeRole
from institutioner.inputs import DayField
from institutioner.textlimits import LINE, LONG, MEDIUM, TextField
from institutioner.validators import (
    validate_no_cpr,
    validate_no_cpr_plain,
    validate_plausible_date,
)


class NoteForm(forms.Form):
    day = DayField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
    )
    text = TextField(
        label=_("What was done and why"),
        max_length=LONG,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
        help_text=_("Readable by the institution's leader and staff. No children's names."),
    )
    practice_role = forms.ChoiceField(
        label=_("Role in practice"),
        choices=[("", "---------"), *PracticeRole.choices],
        required=False,
    )
    themes = forms.MultipleChoiceField(
        label=_("Learning-plan themes"),
        choices=LearningTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("day", timezone.localdate())

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A note cannot be dated in the future."))
        return day


class EvaluationForm(forms.Form):
    held_on = DayField(
        label=_("Held on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
        help_text=_(
            "The day of the evaluation meeting: change it if it was not held on the planned day."
        ),
        error_messages={"required": _("Write the day the evaluation was held.")},
    )
    participants = TextField(
        label=_("Who took part"),
        max_length=LINE,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
        error_messages={"required": _("Write who took part in the evaluation.")},
    )
    leadership_took_part = forms.BooleanField(label=_("The leadership took part"), required=False)
    summary = TextField(
        label=_("Summary"),
        max_length=LONG,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
        required=False,
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    # The saved evaluation the correction was opened on (services.evaluation_stamp).
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, goals: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for index, goal in enumerate(goals):
            self.fields[f"scale_{index}"] = forms.TypedChoiceField(
                label=_("Goal %(n)s: %(goal)s") % {"n": index + 1, "goal": goal},
                choices=Scale.choices,
                coerce=int,
            )
            self.fields[f"observation_{index}"] = TextField(
                label=_("What was seen"),
                max_length=MEDIUM,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                validators=[validate_no_cpr],
            )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(
                _("The evaluation cannot have been held after today. Write the day it was held.")
            )
        return held_on

    @classmethod
    def initial_from(cls, evaluation) -> dict:
        """What a completed evaluation says, to correct it in the same form."""
        initial = {
            "held_on": evaluation.held_on,
            "participants": evaluation.participants,
            "leadership_took_part": evaluation.leadership_took_part,
            "decision": evaluation.decision,
            "summary": evaluation.summary,
            "stamp": evaluation.updated_at.isoformat(),
        }
        for index, assessment in enumerate(evaluation.assessments.all()):
            initial[f"scale_{index}"] = assessment.scale
            initial[f"observation_{index}"] = assessment.observation
        return initial

    def assessments(self) -> list[tuple[str, int, str]]:
        return [
            (goal, self.cleaned_data[f"scale_{i}"], self.cleaned_data[f"observation_{i}"])
            for i, goal in enumerate(self.goals)
        ]


class EvaluationAddForm(forms.Form):
    due_on = DayField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
        error_messages={"required": _("Choose a date for the evaluation.")},
    )


class AdvanceReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you move on without them?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr_plain],
        help_text=_("The unticked items are marked as not done, with this reason."),
        error_messages={"required": _("Write why you move on without the unticked items.")},
    )


class SetPhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Move the course to"), choices=Phase.choices)
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr_plain],
        help_text=_("Kept in the course's history."),
        error_messages={"required": _("Write why the course is moved.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "I know that this skips the usual rules (checklist and final evaluation) and that a "
            "closed course is opened again."
        ),
        error_messages={"required": _("Confirm that you want to move the course.")},
    )
    # The course's phase when the page was opened (services.course_phase_stamp).
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        phase = self.fields["phase"]
        assert isinstance(phase, forms.ChoiceField)
        phase.choices = [c for c in Phase.choices if c[0] != current]

    def now_in(self, current: str, *, stamp: str) -> None:
        """The course changed phase after the page was opened: offer the phases from where it is
        now and keep its new stamp, so the form (reason as typed) sent again moves it."""
        phase = self.fields["phase"]
        assert isinstance(phase, forms.ChoiceField)
        phase.choices = [c for c in Phase.choices if c[0] != current]
        data = QueryDict(mutable=True)
        data.update(self.data)
        data["stamp"] = stamp
        self.data = data
