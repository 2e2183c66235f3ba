from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forloeb.models import Decision, Scale
from indsats.models import LearningTheme, PracticeRole
from institutioner.validators import validate_no_cpr, validate_plausible_date


class NoteForm(forms.Form):
    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
    )
    text = forms.CharField(
        label=_("What was done and why"),
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
    participants = forms.CharField(
        label=_("Who took part"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
        error_messages={"required": _("Write who took part in the evaluation.")},
    )
    leadership_took_part = forms.BooleanField(label=_("The leadership took part"), required=False)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
        required=False,
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)

    def __init__(self, *args, goals: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for index, goal in enumerate(goals):
            self.fields[f"scale_{index}"] = forms.TypedChoiceField(
                label=_("Goal %(n)s: %(goal)s") % {"n": index + 1, "goal": goal},
                choices=Scale.choices,
                coerce=int,
            )
            self.fields[f"observation_{index}"] = forms.CharField(
                label=_("What was seen"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                validators=[validate_no_cpr],
            )

    def assessments(self) -> list[tuple[str, int, str]]:
        return [
            (goal, self.cleaned_data[f"scale_{i}"], self.cleaned_data[f"observation_{i}"])
            for i, goal in enumerate(self.goals)
        ]


class EvaluationAddForm(forms.Form):
    due_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
    )
