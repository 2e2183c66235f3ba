from datetime import date

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from institutioner import access
from institutioner.inputs import DayField, IdChoiceField
from institutioner.models import User
from institutioner.textlimits import TextField
from institutioner.validators import validate_no_cpr_child


class SubjectField(IdChoiceField):
    def label_from_instance(self, obj: User) -> str:
        text = str(obj)
        return text if obj.is_active else _("%(person)s – left") % {"person": text}


class AccessRequestForm(forms.Form):
    person = SubjectField(
        label=_("Person"),
        queryset=User.objects.none(),
        help_text=_("The person who asked to see what the system holds about them."),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = access.access_request_subjects_for(user)


class ChildAccessRequestForm(forms.Form):
    """An access request about a child: the name and birth date the support applications use."""

    child_name = TextField(
        label=_("The child's name"),
        max_length=150,
        validators=[validate_no_cpr_child],
        error_messages={"required": _("Write the child's name.")},
    )
    child_birth_date = DayField(
        label=_("The child's birth date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Write the child's birth date.")},
    )

    # The applications are kept for years after the child has left daycare: a custody holder
    # may ask about a child who is a teenager by now (QA: a five-year-old was refused).
    BIRTH_YEARS_BACK = 30

    def clean_child_name(self) -> str:
        return " ".join(self.cleaned_data["child_name"].split())

    def clean_child_birth_date(self) -> date:
        born = self.cleaned_data["child_birth_date"]
        today = timezone.localdate()
        earliest = today.replace(year=today.year - self.BIRTH_YEARS_BACK, day=1)
        if not earliest <= born <= today:
            raise forms.ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s.")
                % {
                    "earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
                    "latest": formats.date_format(today, "SHORT_DATE_FORMAT"),
                }
            )
        return born
