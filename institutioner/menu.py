"""Entries that higher apps add to the main menu, without this app naming their pages.

An app registers its entries in its AppConfig.ready(); templates/base.html shows, in order, those
the signed-in person may see, between "Home" and "Master data". An entry is highlighted on any of
its pages.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


def _everyone(user) -> bool:
    return True


@dataclass(frozen=True)
class MenuEntry:
    label: object  # lazy Danish text
    url_name: str
    # Who sees the entry: the owning app's access rule for the signed-in person.
    visible: Callable[..., bool] = _everyone
    # The pages (URL names) on which it is highlighted; its own page when empty.
    active_on: tuple[str, ...] = ()
    order: int = 50

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    @property
    def active_url_names(self) -> tuple[str, ...]:
        return self.active_on or (self.url_name,)


_entries: list[MenuEntry] = []


def register(*entries: MenuEntry) -> None:
    for entry in entries:
        if entry not in _entries:
            _entries.append(entry)


def entries_for(user) -> list[MenuEntry]:
    if not user.is_authenticated:
        return []
    shown = [entry for entry in _entries if entry.visible(user)]
    return sorted(shown, key=lambda entry: entry.order)
