"""The search of the access log: by person, user, object and period."""

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from institutioner.accesslog import rules
from institutioner.inputs import DayField, IdChoiceField
from institutioner.models import AccessAction, User
from institutioner.validators import validate_plausible_date

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# An object's id is a PostgreSQL bigint; a longer number is said, not tried.
BIGINT_MAX = 2**63 - 1


def object_types() -> list[tuple[str, str]]:
    """The kinds of object the registered pages show (as their own or beside it), by their
    Danish name, plus a person."""
    registered = rules.registered().values()
    labels = {rule.model for rule in registered if rule.model not in (None, "*")}
    labels |= {rule.also_shown_model for rule in registered if rule.also_shown_model}
    labels.add("institutioner.User")
    models = [apps.get_model(label) for label in labels]
    return sorted(
        ((model._meta.label_lower, str(model._meta.verbose_name).capitalize()) for model in models),
        key=lambda choice: choice[1],
    )


class PersonChoiceField(IdChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class AccessLogSearchForm(forms.Form):
    """Every field may be left empty. A field that cannot be read is said in Danish and left
    out; the others still apply."""

    person = PersonChoiceField(
        label=_("Concerning (person)"),
        queryset=User.objects.order_by("name", "email"),
        required=False,
        empty_label=_("All"),
        help_text=_("The person whose request, agreement, course or week was looked at."),
    )
    user = PersonChoiceField(
        label=_("Looked up by"),
        queryset=User.objects.order_by("name", "email"),
        required=False,
        empty_label=_("All"),
    )
    object_type = forms.ChoiceField(label=_("Kind of object"), required=False)
    object_id = forms.IntegerField(
        label=_("Object number"),
        required=False,
        min_value=1,
        max_value=BIGINT_MAX,
        # Django's own would say "mindre end eller lig 9223372036854775807".
        error_messages={
            "invalid": _("Write the object's number as a whole number."),
            "min_value": _("An object's number is 1 or more."),
            "max_value": _("No object has a number that long; check the number."),
        },
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All")), *AccessAction.choices],
    )
    date_from = DayField(
        label=_("From"), required=False, widget=DATE, validators=[validate_plausible_date]
    )
    date_to = DayField(
        label=_("To"), required=False, widget=DATE, validators=[validate_plausible_date]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *object_types()]

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        if cleaned.get("object_id") and not cleaned.get("object_type"):
            self.add_error("object_type", _("Choose the kind of object the number belongs to."))
        return cleaned

    def filters(self) -> dict:
        """The filters that could be read (all of them, when the form is valid)."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "")
        }
