from django import forms
from django.utils.translation import gettext_lazy as _


class YearForm(forms.Form):
    """The year of the report; the service says whether it is one with figures."""

    year = forms.IntegerField(
        label=_("Year"),
        error_messages={
            "required": _("Choose a year."),
            "invalid": _("Write the year as four digits, e.g. 2025."),
        },
    )
