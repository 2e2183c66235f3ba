from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from forloeb.hours.weeks import CATEGORIES, Grid, GridRow, sheet_stamp
from institutioner.inputs import DayField, plain_decimal_text
from institutioner.models import format_decimal
from institutioner.textlimits import LINE, TextField
from institutioner.validators import validate_no_cpr_plain

HOUR_ERRORS = {
    "invalid": _("Write the hours as a number, e.g. 1,5."),
    "min_value": _("Hours cannot be negative."),
    "max_value": _("A week has only 168 hours."),
    "max_digits": _("A week has only 168 hours."),
    "max_whole_digits": _("A week has only 168 hours."),
    "max_decimal_places": _("Use at most two decimals."),
}


class HoursField(forms.DecimalField):
    def to_python(self, value):
        # Digits 0-9 with an optional decimal comma or point, or a half hour typed as ",5":
        # no exponents such as 1e2, no thousands separators, no other scripts' digits.
        if value not in self.empty_values:
            value = plain_decimal_text(str(value))
            if value is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def run_validators(self, value):
        """One message per cell: 99999 is both too large and too long, say it once."""
        try:
            super().run_validators(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.error_list[:1]) from None


class WeekForm(forms.Form):
    """The week sheet's grid: one field per row (course or none) and category. Bound data is
    re-shown as typed when something is wrong, so nothing is lost."""

    note = TextField(
        label=_("Note for the week"),
        max_length=LINE,
        required=False,
        validators=[validate_no_cpr_plain],
        help_text=_("E.g. holiday, illness or a course day. No children's names."),
        widget=forms.TextInput(),
    )

    # The saved week the form was opened on (weeks.sheet_stamp): a save from another tab or
    # window in between is noticed instead of silently replaced.
    sheet_stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, grid: Grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.initial.setdefault("note", grid.sheet.note if grid.sheet else "")
        self.initial.setdefault("sheet_stamp", sheet_stamp(grid.sheet))
        for row in grid.rows:
            for category in CATEGORIES:
                name = self.field_name(row, category)
                self.fields[name] = HoursField(
                    label=f"{category.label}, {row.label}",
                    required=False,
                    min_value=Decimal("0"),
                    max_value=Decimal("168"),
                    max_digits=5,
                    decimal_places=2,
                    localize=True,
                    error_messages=HOUR_ERRORS,
                    widget=forms.TextInput(
                        attrs={"inputmode": "decimal", "autocomplete": "off", "size": 4}
                    ),
                )
                value = row.hours.get(category.value)
                if value:
                    self.initial[name] = format_decimal(value)

    @staticmethod
    def field_name(row: GridRow, category: str) -> str:
        return f"h_{row.key}_{category}"

    def rows(self):
        """(row, [(category, bound field)]) for the template."""
        return [
            (row, [(category, self[self.field_name(row, category)]) for category in CATEGORIES])
            for row in self.grid.rows
        ]

    def clean(self):
        cleaned = super().clean() or {}
        total = sum((v for k, v in cleaned.items() if k.startswith("h_") and v), Decimal("0"))
        if total > 168:
            raise forms.ValidationError(
                _("The week's hours add up to more than the 168 hours a week has.")
            )
        return cleaned

    def values(self) -> dict[tuple[int | None, str], Decimal | None]:
        return {
            (row.course.pk if row.course else None, category.value): self.cleaned_data.get(
                self.field_name(row, category)
            )
            for row in self.grid.rows
            for category in CATEGORIES
        }


class PeriodForm(forms.Form):
    """A period of whole weeks, for the delivered hours and the exports."""

    fra = DayField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    til = DayField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    # The page shows a column per week; the exports have no limit (ExportPeriodForm).
    MAX_WEEKS: int | None = 106
    FIRST_YEAR, LAST_YEAR = 2000, 2100

    def _bounded(self, name):
        value = self.cleaned_data.get(name)
        if value and not self.FIRST_YEAR <= value.year <= self.LAST_YEAR:
            raise forms.ValidationError(
                _("Choose a date between the years %(first)s and %(last)s.")
                % {"first": self.FIRST_YEAR, "last": self.LAST_YEAR}
            )
        return value

    def clean_fra(self):
        return self._bounded("fra")

    def clean_til(self):
        return self._bounded("til")

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("fra"), cleaned.get("til")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if self.MAX_WEEKS is not None and (end - start).days > self.MAX_WEEKS * 7:
                raise forms.ValidationError(_("Choose a period of at most two years."))
        return cleaned


class ExportPeriodForm(PeriodForm):
    """The exports take any period between the years the dates allow: the CSV streams from the
    database, and a large Excel file is built in the background."""

    MAX_WEEKS = None
