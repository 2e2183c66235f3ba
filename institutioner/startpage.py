"""Sections that higher apps add to the start page, without this app importing them.

An app registers a provider in its AppConfig.ready(); the start view asks every provider for a
section for the person who is signed in. Providers that have nothing to show return None.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class StartSection:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(request) -> list[StartSection]:
    found = [section for provider in _providers if (section := provider(request))]
    return sorted(found, key=lambda section: section.order)
