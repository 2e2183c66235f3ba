"""Reading the access log: the search, the names of the people in a page of rows."""

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from institutioner.accesslog import rules
from institutioner.models import AccessLogEntry, AccessLogQuerySet, User

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def access_log_search(qs: AccessLogQuerySet, filters: dict) -> AccessLogQuerySet:
    """`qs` (already scoped) narrowed by the readable filters of `AccessLogSearchForm`."""
    if person := filters.get("person"):
        qs = qs.concerning(person.pk)
    if user := filters.get("user"):
        qs = qs.filter(user=user)
    if label := filters.get("object_type"):
        # As the page's own object, or among the others it showed (a visitation meeting's
        # board shows the child data of every application on it).
        qs = qs.showing(label, filters.get("object_id"))
    if action := filters.get("action"):
        qs = qs.filter(action=action)
    zone = timezone.get_current_timezone()
    if start := filters.get("date_from"):
        qs = qs.filter(at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end := filters.get("date_to"):
        qs = qs.filter(at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone))
    return qs.order_by("-at", "-pk")


def people_named(rows: Iterable[AccessLogEntry]) -> dict[int, str]:
    """The names of everyone the rows concern, in one query."""
    ids = {pk for row in rows for pk in row.concerns if isinstance(pk, int)}
    if not ids:
        return {}
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "name"))


def object_label(row: AccessLogEntry) -> str:
    """ "Samarbejdsaftale nr. 12": the kind of object and its number, without loading it."""
    if row.content_type_id is None:
        return ""
    model = ContentType.objects.get_for_id(row.content_type_id).model_class()
    name = str(model._meta.verbose_name).capitalize() if model else ""
    if row.object_id is None:
        return name
    return _("%(kind)s no. %(id)s") % {"kind": name, "id": row.object_id}


def own_object_links(rows: Iterable[AccessLogEntry], reader: User) -> dict[tuple[int, int], str]:
    """The addresses of the rows' objects that `reader` may open, by (content type, id): an
    object that still exists, has a page of its own, and is the reader's own as its pages log
    it (the leader who asked for a course; the model's access-log rule says whom it concerns).
    Others (a pedagogist's week sheet seen by the administration) stay plain text. One query
    per kind of object on the page, and what the rule reads of each."""
    wanted: dict[int, set[int]] = {}
    for row in rows:
        if row.content_type_id is not None and row.object_id is not None:
            wanted.setdefault(row.content_type_id, set()).add(row.object_id)
    links: dict[tuple[int, int], str] = {}
    for content_type_id, object_ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        reads = rules.concerns_of_model(model._meta.label)
        if not reads:
            continue
        for pk, obj in model._default_manager.in_bulk(object_ids).items():
            if reader.pk in _concerned(reads, obj):
                links[(content_type_id, pk)] = obj.get_absolute_url()
    return links


def _concerned(reads, obj) -> set:
    """Whom `obj` concerns, by the first of the model's rules that reads it."""
    for read in reads:
        try:
            return set(read(obj))
        except AttributeError:
            continue
    return set()


def also_shown_labels(row: AccessLogEntry) -> list[str]:
    """ "Støtteansøgning nr. 12, 13": the other objects the page showed, one text per kind."""
    labels = []
    for label, ids in sorted((row.also_shown or {}).items()):
        try:
            name = str(apps.get_model(label)._meta.verbose_name).capitalize()
        except LookupError:
            name = label
        numbers = ", ".join(str(pk) for pk in ids)
        labels.append(_("%(kind)s no. %(id)s") % {"kind": name, "id": numbers})
    return labels


def query_parts(query: str) -> list[tuple[str, str]]:
    """ "year=2026; week=47" -> [("year", "2026"), ("week", "47")], as `services._query` wrote
    it; a part without "=" is kept whole."""
    parts = []
    for part in query.split("; ") if query else []:
        key, sep, value = part.partition("=")
        parts.append((key, value) if sep else ("", part))
    return parts


def _value_text(value: str) -> str:
    if ISO_DATE.fullmatch(value):
        try:
            return f"{date.fromisoformat(value):%d.%m.%Y}"
        except ValueError:
            return value
    return value


def query_text(query: str) -> str:
    """The search terms and filters in Danish: "år 2026; uge 47", "fase: forløb", "distrikt nr.
    1". A key nobody registered is shown as it was stored."""
    texts = []
    for key, value in query_parts(query):
        known = rules.query_key(key) if key else None
        if known is None:
            texts.append(f"{key}={value}" if key else value)
        elif known.number:
            texts.append(_("%(kind)s no. %(id)s") % {"kind": known.label, "id": value})
        else:
            shown = known.values.get(value)
            texts.append(f"{known.label}: {shown if shown is not None else _value_text(value)}")
    return "; ".join(texts)


def page_text(row: AccessLogEntry) -> str:
    """What the page was, in Danish: its rule's title and what on it ("Ugeseddel, uge 47,
    2026"); the URL name for a page that no longer has a rule."""
    title = rules.title_for(row.url_name)
    if not title:
        return row.url_name
    rule = rules.rule_for(row.url_name)
    if rule is not None and rule.detail:
        values = dict(query_parts(row.query))
        try:
            return f"{title}, {str(rule.detail) % values}"
        except (KeyError, TypeError, ValueError):
            pass
    return str(title)
