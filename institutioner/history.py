"""The stored history (django-simple-history) of any record as rows a page can show: who changed
what and when, with the fields' Danish names and readable values."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models
from django.utils.formats import date_format, time_format
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from institutioner.models import format_decimal

# Long values are cut on the page; the row in the database keeps them whole.
_MAX_VALUE = 200
# Bookkeeping columns that say nothing to a reader.
_SKIPPED = {"id", "updated_at", "created_at", "content_hash"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    when: datetime
    who: str
    what: str  # the record, e.g. "Slutevaluering 01.03.2025"
    action: str  # created / changed / deleted
    changes: list[Change] = field(default_factory=list)


_ACTIONS = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}


def _value(model_field, value, related: dict) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(model_field, models.ForeignKey):
        obj = related.get((model_field.related_model, value))
        return str(getattr(obj, "name", None) or obj) if obj is not None else f"#{value}"
    if isinstance(model_field, models.JSONField) and not hasattr(model_field, "item_choices"):
        return _("(changed)")
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    text = str(readable(model_field, value))
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def readable(model_field, value):
    """A stored value as the app's pages show it: a choice by its Danish name, a moment in
    Copenhagen's time ("4. december 2026 09:30"), a day as "4. december 2026", a time as "09:00",
    a number with a decimal comma, a list of choices (a field with `item_choices`, such as the
    wished weekdays) by their names ("mandag, onsdag"); anything else as it is. Both history pages
    (the app's and Stamdata's) use it."""
    item_choices = getattr(model_field, "item_choices", None)
    if item_choices is not None and isinstance(value, list):
        names = dict(item_choices)
        return ", ".join(str(names.get(item, item)) for item in value) or "\N{EN DASH}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return date_format(localtime(value) if is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value)
    if isinstance(value, time):
        return time_format(value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    return value


def _describe(record, describe: dict) -> str:
    kind = str(record.instance_type._meta.verbose_name).capitalize()
    name = describe.get(type(record))
    return f"{kind}: {name(record)}" if name else kind


def history_rows(*sources) -> list[HistoryRow]:
    """The history records of the given historical querysets, newest first, each compared with
    the record's previous state. A source is a queryset, or (queryset, describe) where
    `describe(record)` names the record on the page (by default its kind, e.g. "Evaluering")."""
    records = []
    describe: dict = {}
    for source in sources:
        qs, name = source if isinstance(source, tuple) else (source, None)
        if name is not None:
            describe[qs.model] = name
        records.extend(qs.select_related("history_user").order_by("history_date", "history_id"))
    previous: dict = {}
    rows: list[HistoryRow] = []
    # Related objects named in the changes, fetched once per model.
    wanted: dict = {}
    pairs = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        model = record.instance_type
        key = (model, record.id)
        before = previous.get(key)
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in _SKIPPED and f.attname in record.__dict__
        ]
        changed = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(before, f.attname) if before is not None else None
            if before is None and record.history_type == "+" and new in (None, "", [], {}):
                continue
            if before is not None and old == new:
                continue
            if record.history_type == "-":
                continue
            changed.append((f, old, new))
            if isinstance(f, models.ForeignKey):
                wanted.setdefault(f.related_model, set()).update(v for v in (old, new) if v)
        pairs.append((record, changed))
        previous[key] = record
    related = {}
    for model, ids in wanted.items():
        for pk, obj in model._default_manager.in_bulk(ids).items():
            related[(model, pk)] = obj
    for record, changed in pairs:
        if record.history_type == "~" and not changed:
            continue
        user = record.history_user
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=(getattr(user, "name", "") or str(user)) if user else _("the system"),
                what=_describe(record, describe),
                action=str(_ACTIONS[record.history_type]),
                changes=[
                    Change(
                        label=str(f.verbose_name).capitalize(),
                        old=_value(f, old, related) if record.history_type == "~" else "",
                        new=_value(f, new, related),
                    )
                    for f, old, new in changed
                ],
            )
        )
    rows.reverse()
    return rows
