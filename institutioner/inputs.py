"""Reading numbers that people (or scripts) type into query strings and hidden fields.

`str.isdigit()` is true for "²" and for 5,000 digits, and `int()` then raises: each such value
was once a server error. Everything that reads an id or a page number from a request goes
through here and gets None for anything but a plain, sensible number.
"""

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
