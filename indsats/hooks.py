"""What higher apps do when something happens here, without this app importing them.

A higher app registers a handler in its AppConfig.ready(), e.g. to open the course when an
agreement comes into force. Handlers run inside the transaction of the change that triggered them.
"""

from collections.abc import Callable

_agreement_in_force: list[Callable] = []


def on_agreement_in_force(handler: Callable) -> Callable:
    if handler not in _agreement_in_force:
        _agreement_in_force.append(handler)
    return handler


def agreement_in_force(*, version, actor) -> None:
    for handler in _agreement_in_force:
        handler(version=version, actor=actor)
