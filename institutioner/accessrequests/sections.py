"""What an access request contains: sections that each app registers for its own data.

A section is a table: its columns (a key for the JSON and a Danish label for the readable
summary) and a function that yields one dict per row for a person, iterating the database in
chunks (`.iterator()`), so a person with many thousand rows never sits in memory. `count` tells
the progress bar how many rows to expect. A section holds what the system keeps about that
person; other people appear only by name where they acted in the person's own case (who
decided a request, who signed an agreement with them), never with their own details.

A section may also put files into the ZIP (`files`): the stored documents themselves, copied in
one at a time, each under the path its row names.

The JSON files hold the rows as stored. A column whose stored value is a document of its own
(an agreement's content) can name a `readable` function that turns the value into Danish
(label, value) rows for the summary; only the section's own app reads the document's keys.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

Row = Mapping[str, Any]

# Whom a section is about: a person with a user account, or a child (kompenserende støtte: the
# applications name a child by name and birth date; a custody holder may ask what is held).
PERSON = "person"
CHILD = "child"


@dataclass(frozen=True)
class Child:
    """A child as the support applications name one: the name (compared without regard to case
    and surrounding spaces) and the birth date."""

    name: str
    birth_date: date


@dataclass(frozen=True)
class Section:
    key: str  # the JSON file's name in the ZIP: data/<key>.json
    title: object  # lazy Danish text
    columns: tuple[tuple[str, object], ...]  # (key, lazy Danish label)
    rows: Callable[[Any], Iterable[Row]]
    count: Callable[[Any], int]
    order: int = 50
    # column key -> the value as Danish (label, value) rows, for the readable summary only
    readable: Mapping[str, Callable[[Any], Sequence[tuple[str, str]]]] = field(default_factory=dict)
    about: str = PERSON  # PERSON: rows(user); CHILD: rows(Child)
    # Files that go into the ZIP beside the rows (a child's documents): (path in the ZIP, a
    # function that opens the stored file for reading). The rows name the same path in the
    # column `file`, which the summary links to.
    files: Callable[[Any], Iterable[tuple[str, Callable[[], IO[bytes]]]]] | None = None


_sections: dict[str, Section] = {}


def register(*sections: Section) -> None:
    for section in sections:
        if section.key in _sections and _sections[section.key] != section:
            raise ValueError(f"Two access-request sections named {section.key!r}.")
        _sections[section.key] = section


def registered(about: str = PERSON) -> list[Section]:
    chosen = [section for section in _sections.values() if section.about == about]
    return sorted(chosen, key=lambda section: (section.order, section.key))
