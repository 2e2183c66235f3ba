from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forloeb.hours.forms import PeriodForm
from institutioner.widgets import QuickSelect


class DashboardFilterForm(PeriodForm):
    """The period, a district and a name search for the allocation dashboards. The districts
    are given by the view (those the person sees), so the form asks the database nothing."""

    distrikt = forms.TypedChoiceField(
        label=_("District"),
        required=False,
        coerce=int,
        widget=QuickSelect,  # the dashboards are timed; Django's select is a template per option
        error_messages={"invalid_choice": _("Choose a district from the list.")},
    )
    soeg = forms.CharField(label=_("Name contains"), required=False, max_length=100)

    # The figures reach back to the oldest data a municipality keeps and a little ahead (the
    # agreements in force): a period in 2099 is said, not shown as empty weeks.
    YEARS_BACK, YEARS_AHEAD = 10, 2

    def __init__(
        self,
        *args,
        districts: list[tuple[int, str]] | None,
        search_label=None,
        period=True,
        **kwargs,
    ):
        """`districts` None: no district filter (the district page itself)."""
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.FIRST_YEAR, self.LAST_YEAR = year - self.YEARS_BACK, year + self.YEARS_AHEAD
        if not period:
            del self.fields["fra"], self.fields["til"]
        if districts is None:
            del self.fields["distrikt"]
        else:
            self.fields["distrikt"].choices = [("", _("All districts")), *districts]  # type: ignore[attr-defined]
        if search_label is None:
            del self.fields["soeg"]
        else:
            self.fields["soeg"].label = search_label
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "distrikt" else "form-control"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-describedby"] = f"id_{name}_error"

    def value(self, name: str):
        """A valid filter's value, or None: a bad district does not empty the page."""
        if name not in self.fields or not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None


class EffectFilterForm(DashboardFilterForm):
    """The effect figures: what to group by, and a district."""

    efter = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        error_messages={"invalid_choice": _("Choose a grouping from the list.")},
    )

    def __init__(self, *args, dimensions, **kwargs):
        super().__init__(*args, **kwargs)
        efter = self.fields["efter"]
        assert isinstance(efter, forms.ChoiceField)
        efter.choices = list(dimensions.items())
        efter.widget.attrs["class"] = "form-select"
