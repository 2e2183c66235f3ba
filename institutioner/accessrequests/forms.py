from django import forms
from django.utils.translation import gettext_lazy as _

from institutioner import access
from institutioner.inputs import IdChoiceField
from institutioner.models import User


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
