"""Saving, submitting, reopening and approving weeks (forloeb/hours/services.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from forloeb.hours import services
from forloeb.hours import weeks as hours
from forloeb.models import HourEntry, SheetStatus, WeekSheet
from institutioner.errors import StateError
from tests import factories
from tests.forloeb.hours.conftest import MEET, PREP, SPAR, TRANS, D, P, month_of_weeks, save
from tests.indsats.helpers import accept, agreement_in_force, make_request


def test_copy_last_week_takes_last_weeks_hours(world, running):
    monday = hours.this_monday()
    save(world, monday - timedelta(weeks=1), {(running.pk, P): D("5"), (None, SPAR): D("1.5")})
    grid = hours.week_grid(world.pedagogist, monday, copy_previous=True)
    assert grid.copied and not grid.prefilled
    assert grid.rows[0].hours[P] == D("5")
    assert grid.rows[0].hours[PREP] is None
    assert grid.rows[1].hours[SPAR] == D("1.5")


def test_copy_last_week_keeps_the_prefill_of_a_course_begun_this_week(world, running):
    monday = hours.this_monday()
    save(world, monday - timedelta(weeks=1), {(running.pk, P): D("5"), (None, SPAR): D("1.5")})
    req = make_request(
        world,
        submit=True,
        group=world.institution.groups.get(name="Frøen"),
        wished_start=monday,
        wished_weeks=8,
    )
    accept(world, req, hours="4")
    new = agreement_in_force(world, req)[0].course
    grid = hours.week_grid(world.pedagogist, monday, copy_previous=True)
    rows = {row.course.pk if row.course else None: row for row in grid.rows}
    assert grid.copied and grid.prefilled
    assert rows[running.pk].hours[P] == D("5") and rows[running.pk].hours[PREP] is None
    assert rows[new.pk].hours[P] == D("4") and rows[new.pk].hours[PREP] == D("1")
    assert rows[None].hours[SPAR] == D("1.5")


def test_saving_twice_or_from_two_tabs_never_counts_double(world, running):
    monday = hours.this_monday()
    values = {(running.pk, P): D("5.5"), (running.pk, PREP): D("1"), (None, TRANS): D("0.75")}
    save(world, monday, values)
    save(world, monday, values)
    # The other tab changes one cell and empties another.
    save(world, monday, {(running.pk, P): D("6"), (None, TRANS): D("0.75")})
    stored = {(e.course_id, e.category): e.hours for e in HourEntry.objects.all()}
    assert stored == {(running.pk, P): D("6"), (None, TRANS): D("0.75")}
    assert WeekSheet.objects.count() == 1


def test_the_database_has_one_row_per_sheet_course_and_category(world, running):
    sheet = save(world, hours.this_monday(), {(running.pk, P): D("5"), (None, MEET): D("1")})
    with pytest.raises(IntegrityError), transaction.atomic():
        HourEntry.objects.create(sheet=sheet, course=running, category=P, hours=D("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        HourEntry.objects.create(sheet=sheet, course=None, category=MEET, hours=D("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        WeekSheet.objects.create(pedagogist=world.pedagogist, week_start=hours.this_monday())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (D("-1"), "negative"),
        (D("1.005"), "to decimaler"),
        (D("169"), "168"),
    ],
)
def test_the_service_refuses_bad_hours(world, running, value, message):
    with pytest.raises(ValidationError, match=message):
        save(world, hours.this_monday(), {(running.pk, P): value})
    assert not HourEntry.objects.exists()


def test_more_hours_than_the_week_has_are_refused(world, running):
    values = {(running.pk, P): D("100"), (None, MEET): D("68.5")}
    with pytest.raises(ValidationError, match="168"):
        save(world, hours.this_monday(), values)


def test_a_week_far_ahead_is_refused(world, running):
    with pytest.raises(ValidationError, match="for langt fremme"):
        save(world, hours.this_monday() + timedelta(weeks=2), {(None, MEET): D("1")})
    # Next week is allowed (HOURS_WEEKS_AHEAD = 1).
    save(world, hours.this_monday() + timedelta(weeks=1), {(None, MEET): D("1")})


def test_a_course_not_running_that_week_is_refused(world, running, elsewhere):
    # The second course started last week; the week before it did not run.
    two_weeks_ago = hours.this_monday() - timedelta(weeks=2)
    with pytest.raises(ValidationError, match="Vuggestuen Spiren"):
        save(world, two_weeks_ago, {(elsewhere.pk, P): D("2")})
    # Another pedagogist's course is not Paula's to log.
    other = factories.PedagogistFactory(user__email="anna@example.dk")
    with pytest.raises(ValidationError):
        services.week_save(
            actor=other.user,
            pedagogist=other,
            monday=hours.this_monday(),
            values={(running.pk, P): D("2")},
        )
    assert not HourEntry.objects.exists()


def test_only_the_pedagogist_fills_in_their_week(world, running):
    with pytest.raises(StateError):
        services.week_save(
            actor=world.administrator,
            pedagogist=world.pedagogist,
            monday=hours.this_monday(),
            values={(None, MEET): D("1")},
        )


def test_submitting_locks_the_week_until_reopened(world, running):
    monday = hours.this_monday()
    sheet = save(world, monday, {(running.pk, P): D("6")}, submit=True)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_at
    with pytest.raises(StateError, match="indsendt"):
        save(world, monday, {(running.pk, P): D("7")})
    services.week_reopen(actor=world.pedagogist.user, pedagogist=world.pedagogist, monday=monday)
    save(world, monday, {(running.pk, P): D("7")})
    assert HourEntry.objects.get().hours == D("7")
    with pytest.raises(StateError, match="allerede åben"):
        services.week_reopen(
            actor=world.pedagogist.user, pedagogist=world.pedagogist, monday=monday
        )


def test_a_month_is_approved_only_when_every_week_is_submitted(world, running):
    year, month = hours.month_of_week(hours.this_monday() - timedelta(weeks=5))
    weeks = hours.weeks_of_month(year, month)
    month_of_weeks(world, running, skip=weeks[1])
    with pytest.raises(StateError, match=f"Uge {weeks[1].isocalendar()[1]}"):
        services.month_approve(
            actor=world.administrator, pedagogist=world.pedagogist, year=year, month=month
        )
    assert not WeekSheet.objects.filter(status=SheetStatus.APPROVED).exists()
    save(world, weeks[1], {}, note="Ferie", submit=True)
    approved = services.month_approve(
        actor=world.administrator, pedagogist=world.pedagogist, year=year, month=month
    )
    assert len(approved) == len(weeks)
    assert all(s.approved_by == world.administrator for s in approved)
    with pytest.raises(StateError, match="allerede godkendt"):
        services.month_approve(
            actor=world.administrator, pedagogist=world.pedagogist, year=year, month=month
        )
    with pytest.raises(StateError, match="godkendt"):
        services.week_reopen(
            actor=world.pedagogist.user, pedagogist=world.pedagogist, monday=weeks[0]
        )
    with pytest.raises(StateError, match="godkendt"):
        save(world, weeks[0], {(None, MEET): D("3")})
    with pytest.raises(StateError):
        services.month_approve(
            actor=world.pedagogist.user, pedagogist=world.pedagogist, year=year, month=month
        )


def test_every_change_of_a_week_names_who_made_it_outside_a_web_request_too(world, running):
    """Services run from commands and tasks too: the history row names the acting person
    without the request middleware, and a save writes only the fields it changed."""
    monday = hours.this_monday()
    sheet = save(world, monday, {(running.pk, P): D("6"), (None, MEET): D("1")}, note="Uge")
    save(world, monday, {(running.pk, P): D("5")}, submit=True)
    paula = world.pedagogist.user
    assert [h.history_user for h in sheet.history.all()] == [paula, paula, paula]
    assert {h.history_user for h in HourEntry.history.all()} == {paula}
    assert sorted(h.history_type for h in HourEntry.history.all()) == ["+", "+", "-", "~"]
    year, month = month_of_weeks(world, running)
    services.month_approve(
        actor=world.administrator, pedagogist=world.pedagogist, year=year, month=month
    )
    approved = WeekSheet.objects.filter(status=SheetStatus.APPROVED).first()
    assert approved.history.first().history_user == world.administrator


def test_the_database_refuses_changes_to_an_approved_week(world, running):
    year, month = month_of_weeks(world, running)
    services.month_approve(
        actor=world.administrator, pedagogist=world.pedagogist, year=year, month=month
    )
    entry = HourEntry.objects.first()
    sheet = entry.sheet
    with pytest.raises(DatabaseError, match="week_sheet_approved"), transaction.atomic():
        HourEntry.objects.filter(pk=entry.pk).update(hours=D("9"))
    with pytest.raises(DatabaseError, match="week_sheet_approved"), transaction.atomic():
        HourEntry.objects.create(sheet=sheet, course=None, category=TRANS, hours=D("1"))
    with pytest.raises(DatabaseError, match="week_sheet_approved"), transaction.atomic():
        WeekSheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.OPEN, approved_at=None)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="week_sheet_approved"), transaction.atomic():
            HourEntry.objects.filter(pk=entry.pk).delete()


def test_a_week_not_begun_is_saved_but_not_submitted(world, running):
    next_week = hours.this_monday() + timedelta(weeks=1)
    with pytest.raises(ValidationError, match="når den er begyndt"):
        save(world, next_week, {(None, MEET): D("2")}, submit=True)
    assert save(world, next_week, {(None, MEET): D("2")}).status == SheetStatus.OPEN


def test_a_week_more_than_a_year_back_is_refused(world):
    with pytest.raises(ValidationError, match="for langt tilbage"):
        save(world, hours.this_monday() - timedelta(weeks=53), {(None, MEET): D("2")})
