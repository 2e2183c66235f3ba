"""Which pages show personal data, and what their access-log rows say.

A lower app names no higher one: each app registers its own pages (by URL name) from its
`AppConfig.ready()`. A rule says what the page does (view, search, export, download, print),
which object it shows (its model and the URL argument with the id, so no query is needed) and
who the object concerns (a function of the object the view loaded, reading `..._id` columns the
view's access helper already joined, so it costs no query either), and what the page is in
Danish (`title`, and `detail` from its search terms: "Ugeseddel, uge 47, 2026"), for whoever
reads the log. The search terms' own keys ("phase", "fmt") are registered with their Danish
names and values (`QueryKey`) by the app whose pages take them, and translated when a row is
shown: the rows keep what the page was given.
"""

import fnmatch
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from institutioner.models import AccessAction


@dataclass(frozen=True)
class LogRule:
    action: AccessAction
    # The model of the object the page shows, and the URL argument that holds its id.
    model: str | None = None  # "app_label.ModelName"
    id_kwarg: str = "pk"
    # Who the object concerns: user ids, from the object the view hands to `shown()`. A rule
    # with `concerns` needs the view to call `shown()`; the middleware fails loudly otherwise.
    concerns: Callable[[Any], Iterable[int | None]] | None = None
    # Other objects whose data the page shows beside its own (the support applications on a
    # visitation meeting's board): their model, and their ids from the object the view hands to
    # `shown()` (loaded already: no query). The search by object finds the row under each of
    # them too. A rule with `also_shown` needs the view to call `shown()`, as for `concerns`.
    also_shown_model: str | None = None
    also_shown: Callable[[Any], Iterable[int | None]] | None = None
    # The object is a person (a user's page in Stamdata): it concerns that person.
    object_is_person: bool = False
    # What the page is, in Danish (lazy): "Forløbets side". Every registered rule has one.
    title: object = ""
    # What on the page, from its search terms (lazy, %(key)s of the query): "week %(week)s,
    # %(year)s". Left out when the row's query lacks a key.
    detail: object = ""


def view(model: str | None = None, **options) -> LogRule:
    return LogRule(AccessAction.VIEW, model, **options)


def search(**options) -> LogRule:
    """A list or search page: the filters it was given are its query."""
    return LogRule(AccessAction.SEARCH, **options)


def export(**options) -> LogRule:
    return LogRule(AccessAction.EXPORT, **options)


def download(model: str | None = None, **options) -> LogRule:
    return LogRule(AccessAction.DOWNLOAD, model, **options)


@dataclass(frozen=True)
class QueryKey:
    """A key of the search terms and filters as the log shows it: its Danish name (lazy), and
    the Danish names of its stored values (`values`), or that the value is a number of
    something (`number`: "distrikt nr. 1")."""

    label: object
    values: Mapping[str, object] = field(default_factory=dict)
    number: bool = False


_RULES: dict[str, LogRule] = {}
_QUERY_KEYS: dict[str, QueryKey] = {}
# Rows written by a service rather than a page (access_log_record): their URL names' titles.
_TITLES: dict[str, object] = {}


def register(rules: dict[str, LogRule]) -> None:
    """Called from an app's `AppConfig.ready()` with its `access.ACCESS_LOG`."""
    for name, rule in rules.items():
        if (rule.also_shown is None) != (rule.also_shown_model is None):
            raise ValueError(f"The page {name!r} names other objects shown without their model.")
        if name in _RULES and _RULES[name] != rule:
            raise ValueError(f"Two access-log rules for the page {name!r}.")
        _RULES[name] = rule


def register_query_keys(keys: dict[str, QueryKey]) -> None:
    """Called from an app's `AppConfig.ready()` for the filters its pages take. A key two apps
    use gets the values of both (the same value must mean the same)."""
    for key, query_key in keys.items():
        known = _QUERY_KEYS.get(key)
        if known is not None and known != query_key:
            query_key = QueryKey(known.label, {**query_key.values, **known.values}, known.number)
        _QUERY_KEYS[key] = query_key


def register_titles(titles: Mapping[str, object]) -> None:
    """The titles of rows a service writes under a URL name that has no page rule."""
    _TITLES.update(titles)


def query_key(key: str) -> QueryKey | None:
    return _QUERY_KEYS.get(key)


def title_for(view_name: str) -> object:
    rule = rule_for(view_name)
    return rule.title if rule is not None and rule.title else _TITLES.get(view_name, "")


def admin_model(view_name: str) -> str | None:
    """ "admin:institutioner_user_change" -> "institutioner.user": Stamdata's pages name their
    model in the URL name, so one pattern rule covers every model."""
    from django.apps import apps

    if not view_name.startswith("admin:"):
        return None
    name = view_name.split(":", 1)[1]
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model._meta.label_lower
    return None


def rule_for(view_name: str) -> LogRule | None:
    """The rule for a URL name ("course_detail", "admin:institutioner_user_change"); a key may
    be a pattern ("admin:*_change")."""
    rule = _RULES.get(view_name)
    if rule is not None:
        return rule
    for key, pattern_rule in _RULES.items():
        if "*" in key and fnmatch.fnmatchcase(view_name, key):
            return pattern_rule
    return None


def concerns_of_model(label: str | None) -> list[Callable[[Any], Iterable[int | None]]]:
    """How the model's pages that say whom their object concerns read it (the course's own page:
    its leader), in the order they were registered. A page that shows the same object without
    saying it (the course's history, recording an evaluation) records the same people, so a
    search by that person finds every page that showed the object. A rule reads what its view
    hands to `shown()`, which is not always the model's object (signing an agreement version
    hands over the agreement): the caller uses the first that reads the object."""
    if label in (None, "*"):
        return []
    return [
        rule.concerns
        for rule in _RULES.values()
        if rule.model == label and rule.concerns is not None
    ]


def registered() -> dict[str, LogRule]:
    return dict(_RULES)
