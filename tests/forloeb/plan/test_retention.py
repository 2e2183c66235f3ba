"""Retention of the notes on planned absence: anonymised with their history copies once the
absence's last day is `RETENTION_CLOSED_COURSE_YEARS` past; the absence itself stays."""

from datetime import timedelta

from django.utils import timezone

from forloeb.models import Absence, AbsenceKind, AbsenceRepeat
from forloeb.plan import services
from forloeb.plan.services import AbsenceInput
from institutioner.retention import services as retention
from institutioner.workdays import working_day_on_or_after

NOTE = "Lægebesøg for ryggen"


def _absence(world, *, back_days: int, **fields) -> Absence:
    """An absence recorded with a note (it gets a copy in the history), then moved back in
    time by `back_days` (as if recorded then)."""
    # A working day: an absence on nothing but a weekend day or a holiday is refused.
    start = working_day_on_or_after(timezone.localdate() + timedelta(days=7))
    absence = services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.ILLNESS,
            starts_on=start,
            ends_on=start,
            note=NOTE,
            **fields,
        ),
    )
    shift = timedelta(days=back_days)
    Absence.objects.filter(pk=absence.pk).update(
        starts_on=absence.starts_on - shift,
        ends_on=absence.ends_on - shift,
        repeat_until=absence.repeat_until - shift if absence.repeat_until else None,
    )
    return absence


def _notes(absence) -> list[str]:
    return [
        Absence.objects.get(pk=absence.pk).note,
        *Absence.history.filter(id=absence.pk).values_list("note", flat=True),
    ]


def test_an_old_absence_loses_its_note_and_keeps_its_days(world, settings):
    settings.RETENTION_CLOSED_COURSE_YEARS = 5
    old = _absence(world, back_days=6 * 365)
    young = _absence(world, back_days=4 * 365)
    # Repeats every week until a day inside the period: its last day counts, not its first.
    # (its first day past the period, its last repetition 200 days later, inside it).
    repeating = _absence(
        world,
        back_days=5 * 365 + 100,
        repeat=AbsenceRepeat.WEEKLY,
        repeat_until=timezone.localdate() + timedelta(days=7 + 300),
    )
    assert _notes(old) == [NOTE, NOTE] and _notes(young) == [NOTE, NOTE]
    days_before = list(Absence.objects.filter(pk=old.pk).values("kind", "starts_on", "ends_on"))

    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["absence-notes"].done == 1 and not reports["absence-notes"].failed
    assert _notes(old) == [retention.ANONYMISED, retention.ANONYMISED]
    assert list(Absence.objects.filter(pk=old.pk).values("kind", "starts_on", "ends_on")) == (
        days_before
    )
    assert _notes(young) == [NOTE, NOTE]
    assert NOTE in _notes(repeating)
    again = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert again["absence-notes"].count == 0


def test_the_dry_run_counts_the_old_notes_and_changes_nothing(world, settings):
    settings.RETENTION_CLOSED_COURSE_YEARS = 5
    old = _absence(world, back_days=6 * 365)
    report = {r.step.name: r for r in retention.retention_report(now=timezone.now())}
    assert report["absence-notes"].count == 1 and report["absence-notes"].ids == [old.pk]
    assert _notes(old) == [NOTE, NOTE]
