"""Ids that people (or scripts) send in forms: anything but a plain, sensible number is an invalid
choice with the form's message, never a query (SQLite raised OverflowError for a number beyond
its integers: a server error)."""

from datetime import date

import pytest
from django import forms

from institutioner.inputs import DayField, IdChoiceField, IdMultipleChoiceField
from institutioner.models import User
from institutioner.validators import validate_plausible_date

pytestmark = pytest.mark.django_db

BAD = ["9223372036854775808", "9" * 5000, "-1", "²", "1.5"]


class _Form(forms.Form):
    one = IdChoiceField(queryset=User.objects.all(), required=False)
    many = IdMultipleChoiceField(
        queryset=User.objects.all(),
        required=False,
        error_messages={"invalid_pk_value": "Vælg nogen."},
    )


@pytest.mark.parametrize("value", BAD)
def test_a_bad_id_is_an_invalid_choice(world, value):
    form = _Form(data={"one": value})
    assert not form.is_valid()
    assert form.errors["one"][0].startswith("Marker en gyldig valgmulighed")
    form = _Form(data={"many": [str(world.leader.pk), value]})
    assert not form.is_valid()
    assert form.errors["many"] == ["Vælg nogen."]


def test_good_ids_still_choose(world):
    form = _Form(data={"one": str(world.leader.pk), "many": [str(world.staff.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == world.leader
    assert list(form.cleaned_data["many"]) == [world.staff]


@pytest.mark.parametrize("typed", ["1e2", "1_0", "\uff13", "1.000,5", "NaN", "Infinity"])
def test_a_decimal_comma_field_takes_only_plain_numbers(typed):
    from institutioner.inputs import DecimalCommaField

    field = DecimalCommaField(required=False, max_digits=6, decimal_places=2)
    with pytest.raises(forms.ValidationError) as caught:
        field.clean(typed)
    assert caught.value.code == "invalid"


@pytest.mark.parametrize(
    "typed, value", [("7,5", "7.5"), ("7.5", "7.5"), (",5", "0.5"), (" 3 ", "3")]
)
def test_a_decimal_comma_field_takes_the_comma_and_the_point(typed, value):
    from decimal import Decimal

    from institutioner.inputs import DecimalCommaField

    field = DecimalCommaField(required=False, max_digits=6, decimal_places=2)
    assert field.clean(typed) == Decimal(value)


@pytest.mark.parametrize(
    "typed, value",
    [("7,50", "7.5"), ("10,00", "10.0"), ("0,50", "0.5"), ("40,000", "40.0"), ("7,5", "7.5")],
)
def test_trailing_zeros_beyond_the_fields_places_are_not_an_error(typed, value):
    """Hours are often written "7,50": with one decimal place kept (the support hours), that
    was refused with "Skriv højst 1 decimal efter kommaet"."""
    from decimal import Decimal

    from institutioner.inputs import DecimalCommaField

    field = DecimalCommaField(required=False, max_digits=4, decimal_places=1)
    assert field.clean(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["7,55", "0,05", "1" * 40 + ",00"])
def test_a_decimal_the_field_cannot_keep_is_still_refused(typed):
    from institutioner.inputs import DecimalCommaField

    field = DecimalCommaField(required=False, max_digits=4, decimal_places=1)
    with pytest.raises(forms.ValidationError) as caught:
        field.clean(typed)
    assert len(caught.value.error_list) == 1


class _DateForm(forms.Form):
    plain = DayField(required=False)
    plausible = DayField(required=False, validators=[validate_plausible_date])


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("31.12.10000", "10000"),
        ("10000-12-31", "10000"),
        ("275760-01-01", "275760"),
        ("0000-01-01", "0000"),
        ("1.1.0000", "0000"),
    ],
)
def test_a_year_no_date_can_hold_is_told_as_the_year(typed, year):
    """Django says "Indtast en gyldig dato." for a year beyond 9999 (a browser's date picker
    takes up to 275760) or year 0, as if the day or the month were wrong: the message names the
    year, and where the field takes only dates near today, which dates those are."""
    form = _DateForm(data={"plain": typed, "plausible": typed})
    assert not form.is_valid()
    for field in ("plain", "plausible"):
        [error] = form.errors.as_data()[field]
        assert error.code == "year_outside"
        assert year in error.message
        assert "Indtast en gyldig dato." not in error.message
    assert "Vælg en dato mellem" in form.errors["plausible"][0]
    assert "Vælg en dato mellem" not in form.errors["plain"][0]


@pytest.mark.parametrize(
    ("typed", "year"),
    [("9999-01-01", "9999"), ("1.1.9999", "9999"), ("31.12.9999", "9999"), ("1.1.1899", "1899")],
)
def test_a_year_outside_the_plausible_years_is_named_before_the_dates_taken(typed, year):
    form = _DateForm(data={"plausible": typed})
    assert not form.is_valid()
    [error] = form.errors.as_data()["plausible"]
    assert error.code == "implausible_date"
    assert year in error.message and "Vælg en dato mellem" in error.message


@pytest.mark.parametrize("typed", ["32.1.2026", "2026-02-30", "abc", "1.1.0", "1.13.2026"])
def test_a_date_wrong_in_its_day_or_month_keeps_djangos_message(typed):
    form = _DateForm(data={"plain": typed, "plausible": typed})
    assert not form.is_valid()
    assert form.errors["plain"] == ["Indtast en gyldig dato."]
    assert form.errors["plausible"] == ["Indtast en gyldig dato."]


@pytest.mark.parametrize(
    "typed", ["24.12.2026", "24-12-2026", "24/12/2026", "2026-12-24", "24.12.26"]
)
def test_a_day_field_reads_the_danish_formats(typed):
    form = _DateForm(data={"plain": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["plain"] == date(2026, 12, 24)
