"""Ids that people (or scripts) send in forms: anything but a plain, sensible number is an invalid
choice with the form's message, never a query (SQLite raised OverflowError for a number beyond
its integers: a server error)."""

import pytest
from django import forms

from institutioner.inputs import IdChoiceField, IdMultipleChoiceField
from institutioner.models import User

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
