from django import forms
from django.utils.translation import gettext_lazy as _

from institutioner import access
from institutioner.inputs import IdChoiceField
from institutioner.models import User
from institutioner.textlimits import TextField
from institutioner.validators import validate_no_cpr_child, validate_plausible_date


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
    child_birth_date = forms.DateField(
        label=_("The child's birth date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
        error_messages={"required": _("Write the child's birth date.")},
    )

    def clean_child_name(self) -> str:
        return " ".join(self.cleaned_data["child_name"].split())
