"""Which kinds of message each role receives, and the kind of an e-mail template.

The kinds themselves are `NotificationKind` (institutioner/models.py): the database column's
choices, fixed by the migrations. The app that sends a kind registers it from its
AppConfig.ready(): the roles that receive it (and so may switch its e-mail off) and the prefixes of
its templates, whose messages are of that kind when the sender does not say.
"""

from collections.abc import Iterable

from institutioner.models import NotificationKind

_roles: dict[str, set[str]] = {}
_kind_by_prefix: dict[str, str] = {}


def register(kind: str, *, roles: Iterable[str], template_prefixes: Iterable[str] = ()) -> None:
    if kind == NotificationKind.SYSTEM:
        raise ValueError("System messages are always e-mailed; no role chooses them.")
    _roles.setdefault(kind, set()).update(roles)
    for prefix in template_prefixes:
        _kind_by_prefix[prefix] = kind


def kinds_for_role(role: str) -> tuple[str, ...]:
    """The kinds a person of `role` receives, in the order of NotificationKind (never SYSTEM)."""
    return tuple(kind for kind in NotificationKind if role in _roles.get(kind, ()))


def kind_of(template: str) -> str:
    """The registered kind of a template by its prefix; a message from the system otherwise."""
    for prefix, kind in _kind_by_prefix.items():
        if template.startswith(prefix):
            return kind
    return NotificationKind.SYSTEM
