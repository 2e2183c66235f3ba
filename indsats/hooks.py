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


# Whether the work under an agreement is over (a higher app knows when it ends). A finished
# agreement is not adjusted, sent or signed again, so no e-mails go out about it.
_agreement_finished: list[Callable[..., bool]] = []


def on_agreement_finished_check(check: Callable[..., bool]) -> Callable[..., bool]:
    if check not in _agreement_finished:
        _agreement_finished.append(check)
    return check


def agreement_finished(*, agreement_id: int) -> bool:
    return any(check(agreement_id=agreement_id) for check in _agreement_finished)
