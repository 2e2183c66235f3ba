"""Typed readers for environment variables that fail loudly on bad values.

A typo in a deployment's environment must stop the process at start, not quietly fall back to a
default that, for example, turns DEBUG on or security headers off.
"""

import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_decimal(name: str, default: str, *, minimum: str = "0") -> Decimal:
    value = os.environ.get(name, default).strip().replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if not number.is_finite() or number < Decimal(minimum):
        raise ImproperlyConfigured(f"{name}={value} must be a number of at least {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_seconds(name: str, default: float, *, minimum: float = 0.0) -> float:
    """A duration in seconds (a whole or decimal number, "0.5" or "0,5")."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number of seconds.") from None
    if not number == number or number in (float("inf"), float("-inf")) or number < minimum:
        raise ImproperlyConfigured(
            f"{name}={value} must be a number of seconds of at least {minimum}."
        )
    return number
