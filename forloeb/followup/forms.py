from django import forms
from django.utils.translation import gettext_lazy as _

from forloeb.models import AskAgain, PracticeInUse
from institutioner.textlimits import MEDIUM, TextField
from institutioner.validators import validate_no_cpr_plain


class FollowUpForm(forms.Form):
    would_ask_again = forms.ChoiceField(
        label=_("Would you ask for an intervention again?"),
        choices=AskAgain.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether you would ask for an intervention again."),
            "invalid_choice": _("Say whether you would ask for an intervention again."),
        },
    )
    needs = TextField(
        label=_("Is there anything you need?"),
        max_length=MEDIUM,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr_plain],
        help_text=_("For example a talk with the pedagogist, a staff meeting, or a new request."),
    )

    def __init__(self, *args, goals: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        fields = {}
        for index, goal in enumerate(goals):
            fields[f"goal_{index}"] = forms.ChoiceField(
                label=_("Goal %(n)s: %(goal)s") % {"n": index + 1, "goal": goal},
                choices=PracticeInUse.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Say whether the practice is still in use."),
                    "invalid_choice": _("Say whether the practice is still in use."),
                },
            )
        # The goals first, as the question reads.
        self.fields = {**fields, **self.fields}

    def goal_answers(self) -> list[tuple[str, str]]:
        return [(goal, self.cleaned_data[f"goal_{i}"]) for i, goal in enumerate(self.goals)]
