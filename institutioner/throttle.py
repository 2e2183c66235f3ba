"""Counting attempts per address and for the whole site, in the cache (Redis in production, so
every web replica counts together; local memory on a laptop).

axes locks one e-mail at one address after a few wrong passwords. These limits catch what it
does not: one wrong password each for many accounts from one address, a flood from many
addresses, and password-reset e-mails sent without end.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    minutes: int


def _key(limit: Limit, who: str) -> str:
    return f"throttle:{limit.name}:{who}"


def is_reached(limit: Limit, who: str = "all") -> bool:
    return (cache.get(_key(limit, who)) or 0) >= limit.count


def count(limit: Limit, who: str = "all") -> None:
    """One more attempt in the current window; the window starts with the first attempt."""
    key = _key(limit, who)
    if not cache.add(key, 1, timeout=limit.minutes * 60):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=limit.minutes * 60)


def login_failures_per_address() -> Limit:
    return Limit("login-address", settings.LOGIN_FAILURES_PER_ADDRESS, settings.THROTTLE_MINUTES)


def login_failures_everywhere() -> Limit:
    return Limit("login-all", settings.LOGIN_FAILURES_EVERYWHERE, settings.THROTTLE_MINUTES)


def resets_per_address() -> Limit:
    return Limit("reset-address", settings.PASSWORD_RESETS_PER_ADDRESS, settings.THROTTLE_MINUTES)


def resets_per_email() -> Limit:
    return Limit("reset-email", settings.PASSWORD_RESETS_PER_EMAIL, settings.THROTTLE_MINUTES)


def resets_everywhere() -> Limit:
    return Limit("reset-all", settings.PASSWORD_RESETS_EVERYWHERE, settings.THROTTLE_MINUTES)
