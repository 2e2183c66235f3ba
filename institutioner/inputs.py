"""Reading numbers that people (or scripts) type into query strings and hidden fields.

`str.isdigit()` is true for "²" and for 5,000 digits, and `int()` then raises: each such value
was once a server error. Everything that reads an id or a page number from a request goes
through here and gets None for anything but a plain, sensible number.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from institutioner.validators import (
    plausible_range_message,
    validate_plausible_date,
    year_outside_message,
)

# An id or a page number never needs more digits than a PostgreSQL bigint holds.
MAX_DIGITS = 18


def whole_number(value: object) -> int | None:
    """The non-negative whole number written in ASCII digits, or None."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_DIGITS:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value)


def whole_numbers(values: list[str]) -> list[int]:
    """The good numbers among `values` (e.g. a list of ticked ids); the rest are left out."""
    return [number for value in values if (number := whole_number(value)) is not None]


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one row by its id, where the id is read as above first: anything but a plain,
    sensible number (a minus, 5,000 digits, a number beyond the database's integers, which
    SQLite would not even take as a parameter) is an invalid choice, never a query."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and self.to_field_name is None
            and whole_number(str(value)) is None
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows by their ids (ticked boxes), read as `IdChoiceField` reads one."""

    def clean(self, value):
        if self.to_field_name is None and isinstance(value, list | tuple):
            for pk in value:
                if whole_number(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super().clean(value)


# A number as people type one: digits 0-9 with an optional decimal comma or point, or a half
# typed as ",5" (and a minus, so the form can say why it is wrong). Python's Decimal also takes
# an exponent ("1e2" is 100), underscores ("1_0" is 10) and any script's digits (a full-width
# three): none of them is what the person meant to write, so they are refused.
PLAIN_DECIMAL = re.compile(r"^\s*-?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)\s*$")
LEADING_SEPARATOR = re.compile(r"^(\s*-?)([.,])")


def plain_decimal_text(value: str) -> str | None:
    """`value` ready for Django's decimal parsing (",5" as "0,5"), or None when it is not a
    plain number (PLAIN_DECIMAL)."""
    if not PLAIN_DECIMAL.match(value):
        return None
    return LEADING_SEPARATOR.sub(r"\g<1>0\2", value)


class DecimalCommaField(forms.DecimalField):
    """A decimal number as it is typed in Danish, "7,5", or as a browser's number input sends
    it, "7.5" (localized, so the form shows "7,5" too), and nothing else (PLAIN_DECIMAL: no
    "1e2", "1_0" or full-width digits); a value breaking several limits (1000 is both above the
    maximum and too many digits) gets one message, the first."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value not in self.empty_values:
            value = plain_decimal_text(str(value))
            if value is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        number = super().to_python(value)
        # "7,50" and "10,00" are how hours are often written: trailing zeros beyond the places
        # the field keeps are dropped (7.5, 10.0), not refused as too many decimals; "7,55"
        # still is. (A number too long to round is left to the digits' own message.)
        if number is not None and self.decimal_places is not None and number.is_finite():
            places = Decimal(1).scaleb(-self.decimal_places)
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and exponent < -self.decimal_places:
                try:
                    rounded = number.quantize(places)
                except InvalidOperation:
                    rounded = None
                if rounded == number:
                    number = rounded
        return number

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError as error:
            raise ValidationError(error.error_list[:1]) from None


# A date as the forms read it (config/formats/da: 24.12.2026, 24-12-2026, 24/12/2026, 2026-12-24)
# with a year of any number of digits: a browser's date picker takes years up to 275760.
_ANY_YEAR_DATE = re.compile(
    r"^\s*(?:[0-9]{1,2}([./-])[0-9]{1,2}\1(?P<year>[0-9]+)"
    r"|(?P<iso_year>[0-9]+)-[0-9]{1,2}-[0-9]{1,2})\s*$"
)


def out_of_range_year(value: object) -> str | None:
    """The year as written when `value` is a date but for a year Python's dates do not hold
    (0000, 10000 and beyond), else None."""
    match = _ANY_YEAR_DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    year = match["year"] or match["iso_year"]
    if len(year) <= 2 or 1 <= int(year) <= 9999:
        return None
    return year


class DayField(forms.DateField):
    """A date field whose message for a year it cannot take (31.12.10000, 0000-01-01) says it
    is the year: Django's own, "Indtast en gyldig dato.", reads as if the day or the month were
    wrong. With validate_plausible_date the message gives the dates the field takes (as that
    validator does for 9999); without, it asks for a year of four digits."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            year = out_of_range_year(value)
            if year is None:
                raise
        if validate_plausible_date in self.validators:
            advice = plausible_range_message()
        else:
            advice = str(_("Write the year with four digits."))
        message = f"{year_outside_message(year)} {advice}"
        raise ValidationError(message, code="year_outside")
