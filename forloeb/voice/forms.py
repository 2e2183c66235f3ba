from django import forms
from django.utils.translation import gettext_lazy as _

from forloeb.models import MEETING_HOURS_MAX, RatingArea, RatingScore
from institutioner.inputs import DecimalCommaField, IdMultipleChoiceField
from institutioner.textlimits import LINE, LONG, TextField
from institutioner.validators import validate_no_cpr_plain

# What each of seed 004's areas asks about, under its name on the form.
AREA_HELP = {
    RatingArea.COLLABORATION: _("How did the collaboration with the pedagogist work?"),
    RatingArea.EFFECT: _("What did the course give the children's learning environment?"),
    RatingArea.FLEXIBILITY: _(
        "Did the pedagogist's days, times and way of working fit the institution's plans?"
    ),
    RatingArea.DEVELOPMENT: _("Did the staff develop their practice with the course?"),
    RatingArea.CULTURE: _("Did the course fit, and move, the institution's culture?"),
}


class RatingForm(forms.Form):
    """Seed 004's five areas, 1-5 with a comment each; the staff's meeting time (leaders only);
    anything else."""

    def __init__(self, *args, asks_meeting_hours: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for area in RatingArea:
            self.fields[area.value] = forms.TypedChoiceField(
                label=area.label,
                help_text=AREA_HELP[area],
                choices=RatingScore.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a score from 1 to 5."),
                    "invalid_choice": _("Choose a score from 1 to 5."),
                },
            )
            self.fields[f"{area.value}_comment"] = TextField(
                label=_("Comment"),
                max_length=LINE,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                validators=[validate_no_cpr_plain],
            )
        if asks_meeting_hours:
            # 100000 is both above 500 and too many digits: one message, the first.
            self.fields["meeting_hours"] = DecimalCommaField(
                label=_("The staff's hours in meetings for the course"),
                help_text=_(
                    "All the institution's own staff together, since the course started or the "
                    "last evaluation: intake meeting, evaluations and other meetings about the "
                    "course. 0 if none."
                ),
                min_value=0,
                max_value=MEETING_HOURS_MAX,
                max_digits=5,
                decimal_places=1,
                localize=True,
                error_messages={
                    "required": _(
                        "Write how many hours the staff spent in meetings for the course "
                        "(0 if none)."
                    ),
                    "invalid": _("Write a number of hours from 0 to 500."),
                    "min_value": _("Write a number of hours from 0 to 500."),
                    "max_value": _("Write a number of hours from 0 to 500."),
                },
            )
        self.fields["comment"] = TextField(
            label=_("Anything else you want to say about the course"),
            max_length=LONG,
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            validators=[validate_no_cpr_plain],
        )

    def areas(self):
        """(score field, comment field) per area, for the template."""
        return [(self[area.value], self[f"{area.value}_comment"]) for area in RatingArea]

    def scores(self) -> dict[str, int]:
        return {area: self.cleaned_data[area] for area in RatingArea.values}

    def comments(self) -> dict[str, str]:
        return {area: self.cleaned_data[f"{area}_comment"] for area in RatingArea.values}


class _StaffChoice(IdMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class InviteForm(forms.Form):
    people: forms.ModelMultipleChoiceField = _StaffChoice(
        label=_("Who should answer"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose who should answer."),
            "invalid_choice": _("Choose who should answer."),
            "invalid_pk_value": _("Choose who should answer."),
        },
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        people = self.fields["people"]
        assert isinstance(people, forms.ModelMultipleChoiceField)
        people.queryset = staff
