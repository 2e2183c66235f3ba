"""What other rooms do when something happens to a course, without the courses room naming them.

A room that keeps free text tied to a course (the institution's ratings, the follow-ups, the
plan's changes) registers an anonymiser from ForloebConfig.ready(); retention's
`course_anonymise` runs every one of them inside the course's transaction, so a course is
anonymised whole or not at all.
"""

from collections.abc import Callable

_course_anonymisers: list[Callable[..., None]] = []


def on_course_anonymise(anonymiser: Callable[..., None]) -> Callable[..., None]:
    """Register `anonymiser(course_id=...)`: it anonymises the room's texts of that course."""
    if anonymiser not in _course_anonymisers:
        _course_anonymisers.append(anonymiser)
    return anonymiser


def course_anonymised(*, course_id: int) -> None:
    for anonymiser in _course_anonymisers:
        anonymiser(course_id=course_id)
