from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

WEEKDAY_CHOICES = [
    # Crontab numbers: Sunday is 0.
    ("1", pgettext_lazy("weekday", "Monday")),
    ("2", pgettext_lazy("weekday", "Tuesday")),
    ("3", pgettext_lazy("weekday", "Wednesday")),
    ("4", pgettext_lazy("weekday", "Thursday")),
    ("5", pgettext_lazy("weekday", "Friday")),
    ("6", pgettext_lazy("weekday", "Saturday")),
    ("0", pgettext_lazy("weekday", "Sunday")),
]


class ScheduleForm(forms.Form):
    """When a reminder rule runs: a time of day on chosen weekdays, Copenhagen time."""

    enabled = forms.BooleanField(label=_("Switched on"), required=False)
    at = forms.TimeField(
        label=_("Time of day"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Write the time as hours and minutes, e.g. 14:00.")},
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one weekday."),
            "invalid_choice": _("Choose among the weekdays shown."),
        },
    )

    def day_of_week(self) -> str:
        days = sorted(int(d) for d in self.cleaned_data["weekdays"])
        return "*" if len(days) == 7 else ",".join(str(d) for d in days)
