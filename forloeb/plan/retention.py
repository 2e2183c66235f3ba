"""Retention of the notes on planned absence: `RETENTION_CLOSED_COURSE_YEARS` after an absence's
last day (its last repetition for a repeating one), its note, and the note's copies in its
history, become "[anonymiseret]", as a week sheet's note does after its week. The absence itself
(its kind and days) stays: the week sheets and the dashboards of those weeks subtract it.
Registered from ForloebConfig.ready()."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from forloeb.models import Absence
from institutioner.retention.registry import ANONYMISE, RetentionStep, register
from institutioner.retention.services import ANONYMISED, text_anonymise


def _written(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}note": ""}) & ~Q(**{f"{prefix}note": ANONYMISED})


def old_notes(*, before: datetime) -> QuerySet:
    """Absences whose last day is before `before`, with a note in the row or in its history."""
    history = Absence.history.model  # type: ignore[attr-defined]
    with_old_copies = history.objects.filter(_written()).values("id")
    return (
        Absence.objects.annotate(last_day=Coalesce("repeat_until", "ends_on"))
        .filter(last_day__lt=before.date())
        .filter(_written() | Q(pk__in=with_old_copies))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _anonymise(ids, *, before: datetime) -> int:
    """One absence at a time, inside the run's transaction for it."""
    done = 0
    for pk in ids:
        # Still past its period: a repetition may have been extended since it was found.
        if old_notes(before=before).filter(pk=pk).exists():
            text_anonymise(Absence, where={"id": pk}, replace=("note",))
            done += 1
    return done


register(
    RetentionStep(
        name="absence-notes",
        label=_("Notes on planned absence"),
        action=ANONYMISE,
        period_setting="RETENTION_CLOSED_COURSE_YEARS",
        find=old_notes,
        apply=_anonymise,
        order=31,
    ),
)
