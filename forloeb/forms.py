from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indsats.models import LearningTheme, PracticeRole
from institutioner.validators import validate_no_cpr


class NoteForm(forms.Form):
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
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
