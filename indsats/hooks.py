"""What higher apps do when something happens here, without this app importing them.

A higher app registers a handler in its AppConfig.ready(), e.g. to open the course when an
agreement comes into force. Handlers run inside the transaction of the change that triggered them.
"""

from collections.abc import Callable
from dataclasses import dataclass

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


# Lines a higher app shows beside a request at triage, such as what the same learning
# environment had before. A provider takes the requests on the page and answers, in a fixed number
# of queries, {request id: [TriageNote, ...]}.
@dataclass(frozen=True)
class TriageNote:
    text: str
    url: str


_triage_notes: list[Callable[..., dict[int, list[TriageNote]]]] = []


def on_triage_notes(
    provider: Callable[..., dict[int, list[TriageNote]]],
) -> Callable[..., dict[int, list[TriageNote]]]:
    if provider not in _triage_notes:
        _triage_notes.append(provider)
    return provider


def triage_notes(*, requests: list) -> dict[int, list[TriageNote]]:
    notes: dict[int, list[TriageNote]] = {}
    for provider in _triage_notes:
        for request_id, lines in provider(requests=requests).items():
            notes.setdefault(request_id, []).extend(lines)
    return notes


# Hours a higher app knows a pedagogist is away in a week (planned absence), for capacity to
# subtract. A provider takes pedagogist ids and Mondays and answers, in one query,
# {(pedagogist id, Monday): hours}. Without a provider nobody is away.
_planned_absence: list[Callable[..., dict]] = []


def on_planned_absence(provider: Callable[..., dict]) -> Callable[..., dict]:
    if provider not in _planned_absence:
        _planned_absence.append(provider)
    return provider


def planned_absence(*, pedagogist_ids: list[int], mondays: list) -> dict:
    hours: dict = {}
    if not pedagogist_ids or not mondays:
        return hours
    for provider in _planned_absence:
        for key, value in provider(pedagogist_ids=pedagogist_ids, mondays=mondays).items():
            hours[key] = hours.get(key, 0) + value
    return hours


# Where a version's plan (weekdays, times, period) clashes with what its pedagogists already
# have elsewhere (a higher app knows the plan): one Danish line per clash, for the one who sends
# it for signature. A provider takes the version and answers [str, ...].
_plan_clashes: list[Callable[..., list[str]]] = []


def on_plan_clashes(provider: Callable[..., list[str]]) -> Callable[..., list[str]]:
    if provider not in _plan_clashes:
        _plan_clashes.append(provider)
    return provider


def plan_clashes(*, version) -> list[str]:
    return [line for provider in _plan_clashes for line in provider(version=version)]


# What a higher app knows about planned intake meetings that the people at them should see,
# such as a participant recorded absent that day (a higher app knows the plan). A provider
# takes the meetings and the person looking (`viewer`, or None) and answers, in a fixed number
# of queries, {meeting id: [Danish line, ...]}. Without a provider nothing is said.
_meeting_warnings: list[Callable[..., dict[int, list[str]]]] = []


def on_meeting_warnings(
    provider: Callable[..., dict[int, list[str]]],
) -> Callable[..., dict[int, list[str]]]:
    if provider not in _meeting_warnings:
        _meeting_warnings.append(provider)
    return provider


def meeting_warnings(*, meetings: list, viewer=None) -> dict[int, list[str]]:
    warnings: dict[int, list[str]] = {}
    if not meetings:
        return warnings
    for provider in _meeting_warnings:
        for meeting_id, lines in provider(meetings=meetings, viewer=viewer).items():
            warnings.setdefault(meeting_id, []).extend(lines)
    return warnings


def with_meeting_warnings(meetings, viewer=None) -> list:
    """The meetings as a list, each with `warnings` (the providers' lines, or none)."""
    meetings = list(meetings)
    found = meeting_warnings(meetings=meetings, viewer=viewer)
    for meeting in meetings:
        meeting.warnings = found.get(meeting.pk, [])
    return meetings
