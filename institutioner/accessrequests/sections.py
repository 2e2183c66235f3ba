"""What an access request contains: sections that each app registers for its own data.

A section is a table: its columns (a key for the JSON and a Danish label for the readable
summary) and a function that yields one dict per row for a person, iterating the database in
chunks (`.iterator()`), so a person with many thousand rows never sits in memory. `count` tells
the progress bar how many rows to expect. A section holds what the system keeps about that
person; other people appear only by name where they acted in the person's own case (who
decided a request, who signed an agreement with them), never with their own details.

The JSON files hold the rows as stored. A column whose stored value is a document of its own
(an agreement's content) can name a `readable` function that turns the value into Danish
(label, value) rows for the summary; only the section's own app reads the document's keys.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Row = Mapping[str, Any]


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


_sections: dict[str, Section] = {}


def register(*sections: Section) -> None:
    for section in sections:
        if section.key in _sections and _sections[section.key] != section:
            raise ValueError(f"Two access-request sections named {section.key!r}.")
        _sections[section.key] = section


def registered() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))
