"""Weekly hour logging: the grid, its rules, submit and approve, what leaders see, the exports."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forloeb.hours import services
from forloeb.hours import weeks as hours
from forloeb.models import HourCategory, HourEntry, SheetStatus, WeekSheet
from institutioner.errors import StateError
from tests import factories
from tests.indsats.helpers import accept, agreement_in_force, make_request

D = Decimal
P, PREP, SPAR, MEET, TRANS = (c.value for c in HourCategory)


def week_args(monday: date) -> list[int]:
    year, week, _day = monday.isocalendar()
    return [year, week]


@pytest.fixture
def running(world):
    """A course agreed from three weeks ago, 6 hours a week, with Paula as its pedagogist."""
    start = hours.this_monday() - timedelta(weeks=3)
    req = make_request(world, submit=True, wished_start=start, wished_weeks=10)
    accept(world, req, hours="6")
    agreement, _version = agreement_in_force(world, req)
    return agreement.course


@pytest.fixture
def elsewhere(world, running):
    """A second course of Paula's at an institution Lene does not lead."""
    factories.AssignmentFactory(pedagogist=world.pedagogist, institution=world.other_institution)
    leader = factories.UserFactory(email="lise@example.dk", name="Lise Leder", role="leader")
    factories.MembershipFactory(user=leader, institution=world.other_institution)
    world.leader, original = leader, world.leader
    req = make_request(
        world,
        submit=True,
        institution=world.other_institution,
        group=None,
        wished_start=hours.this_monday() - timedelta(weeks=1),
        contact_email="lise@example.dk",
    )
    accept(world, req, hours="4")
    agreement, _version = agreement_in_force(world, req)
    world.leader = original
    return agreement.course


def save(world, monday, values, **kwargs):
    return services.week_save(
        actor=world.pedagogist.user,
        pedagogist=world.pedagogist,
        monday=monday,
        values=values,
        **kwargs,
    )


# --- Weeks -------------------------------------------------------------------------------------


def test_a_week_belongs_to_the_month_of_its_thursday():
    assert hours.weeks_of_month(2026, 11) == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]
    # 31 December 2026 is a Thursday: the week of 28 December is December's, not January's.
    assert hours.weeks_of_month(2026, 12)[0] == date(2026, 11, 30)
    assert hours.weeks_of_month(2026, 12)[-1] == date(2026, 12, 28)
    assert hours.weeks_of_month(2027, 1)[0] == date(2027, 1, 4)
    assert hours.week_label(date(2026, 11, 16)) == "Uge 47, 2026"
    # 2026 has an ISO week 53; its Monday is 28 December.
    assert date.fromisocalendar(2026, 53, 1) == date(2026, 12, 28)


# --- The grid ----------------------------------------------------------------------------------


def test_a_new_week_is_prefilled_from_the_agreement_in_force(world, running):
    grid = hours.week_grid(world.pedagogist, hours.this_monday())
    assert grid.prefilled
    course_row, free_row = grid.rows
    assert course_row.course == running
    assert course_row.hours[P] == D("6")
    assert course_row.hours[PREP] == D("1")
    assert course_row.hours[SPAR] is None
    assert free_row.course is None and free_row.total == 0
    assert grid.total == D("7")
    # Nothing is stored until the pedagogist saves.
    assert not WeekSheet.objects.exists()


def test_a_week_before_the_course_has_no_course_row(world, running):
    grid = hours.week_grid(world.pedagogist, hours.this_monday() - timedelta(weeks=5))
    assert [row.course for row in grid.rows] == [None]
    assert not grid.prefilled


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


# --- Submit, reopen, approve -------------------------------------------------------------------


def month_of_weeks(world, running, *, skip=None):
    """Submit every week of the month before this one (one skipped if asked)."""
    year, month = hours.month_of_week(hours.this_monday() - timedelta(weeks=5))
    for monday in hours.weeks_of_month(year, month):
        if monday == skip:
            continue
        save(world, monday, {(None, MEET): D("2"), (None, SPAR): D("1.5")}, submit=True)
    return year, month


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


# --- Norms -------------------------------------------------------------------------------------


def test_norm_warnings_from_the_seeds(settings):
    settings.HOURS_PRACTICE_SHARE_MIN_PERCENT = 60
    values = {
        (1, P): D("10"),
        (1, PREP): D("0.5"),
        (2, P): D("8"),
        (2, PREP): D("1"),
        (None, MEET): D("12"),
        (None, TRANS): D("8"),
        (None, SPAR): D("0.5"),
    }
    warnings = hours.norm_warnings(
        values,
        labels={1: "Mariehønen", 2: "Spiren"},
        contracted=D("37"),
        sparring_week_before=D("0.5"),
    )
    by_code = {w.code: w.message for w in warnings}
    # Preparation: course 1 has 0.5 of 1 h; course 2 meets the norm.
    assert "Mariehønen" in by_code["preparation"] and "0,5" in by_code["preparation"]
    assert [w.code for w in warnings].count("preparation") == 1
    # Sparring: 0.5 + 0.5 of 1.5 h in 14 days.
    assert "1 t" in by_code["sparring"]
    # Total 40 > 37 contracted.
    assert "40" in by_code["over_contracted"]
    # Practice 18 of 40 h = 45 %.
    assert "45 %" in by_code["practice_share"]


def test_a_week_within_the_norms_has_no_warnings():
    values = {(1, P): D("28"), (1, PREP): D("1"), (None, SPAR): D("1.5"), (None, MEET): D("6.5")}
    assert (
        hours.norm_warnings(
            values, labels={1: "X"}, contracted=D("37"), sparring_week_before=D("0")
        )
        == []
    )


def test_under_contracted_hours_ask_for_a_note():
    warnings = hours.norm_warnings(
        {(None, P): D("20")}, labels={}, contracted=D("37"), sparring_week_before=D("1.5")
    )
    assert [w.code for w in warnings] == ["under_contracted"]


# --- The page ----------------------------------------------------------------------------------


def test_the_week_sheet_page_saves_and_submits(client, world, running):
    client.force_login(world.pedagogist.user)
    monday = hours.this_monday()
    url = reverse("week_sheet", args=week_args(monday))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Udfyldt på forhånd" in html
    assert f'name="h_{running.pk}_practice"' in html and 'value="6"' in html
    response = client.post(
        url,
        {
            f"h_{running.pk}_practice": "5,5",
            f"h_{running.pk}_preparation": "1",
            "h_x_sparring": "1,5",
            "note": "Personalemøde torsdag",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    sheet = WeekSheet.objects.get()
    assert sheet.status == SheetStatus.SUBMITTED and sheet.note == "Personalemøde torsdag"
    assert {(e.course_id, e.category): e.hours for e in sheet.entries.all()} == {
        (running.pk, P): D("5.5"),
        (running.pk, PREP): D("1"),
        (None, SPAR): D("1.5"),
    }
    page = client.get(url).content.decode()
    assert "Genåbn ugen" in page and 'name="h_' not in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-2", "negative"),
        ("to", "Skriv timerne som et tal"),
        ("1,255", "to decimaler"),
        ("200", "168"),
        ("1e2", "Skriv timerne som et tal"),
    ],
)
def test_bad_input_gets_a_danish_message_and_keeps_what_was_typed(
    client, world, running, typed, message
):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    response = client.post(
        url,
        {
            f"h_{running.pk}_practice": typed,
            f"h_{running.pk}_preparation": "1,25",
            "h_x_meeting": "3",
            "note": "Tirsdag kursus",
            "action": "save",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html
    assert 'value="1,25"' in html and 'value="3"' in html and 'value="Tirsdag kursus"' in html
    assert not WeekSheet.objects.exists()


def test_a_week_over_168_hours_keeps_every_value(client, world, running):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    response = client.post(
        url,
        {f"h_{running.pk}_practice": "100", "h_x_meeting": "70", "action": "save"},
    )
    html = response.content.decode()
    assert "mere end de 168 timer" in html
    assert 'value="100"' in html and 'value="70"' in html
    assert not WeekSheet.objects.exists()


def test_posting_to_a_submitted_week_is_a_message_not_an_error(client, world, running):
    monday = hours.this_monday()
    save(world, monday, {(running.pk, P): D("6")}, submit=True)
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(monday))
    response = client.post(url, {f"h_{running.pk}_practice": "9", "action": "save"}, follow=True)
    assert response.status_code == 200
    assert "Genåbn den for at ændre den" in response.content.decode()
    assert HourEntry.objects.get().hours == D("6")


def test_a_week_far_ahead_shows_a_message(client, world, running):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday() + timedelta(weeks=3)))
    html = client.get(url).content.decode()
    assert "for langt fremme" in html and 'name="h_' not in html
    response = client.post(url, {"h_x_meeting": "1", "action": "save"}, follow=True)
    assert "for langt fremme" in response.content.decode()
    assert not WeekSheet.objects.exists()


def test_week_navigation_stays_within_the_weeks_that_can_be_filled_in(client, world):
    client.force_login(world.pedagogist.user)
    first = hours.first_allowed_monday()
    html = client.get(reverse("week_sheet", args=week_args(first))).content.decode()
    assert "Næste uge" in html and "Forrige uge" not in html
    html = client.get(reverse("week_sheet", args=week_args(first + timedelta(weeks=1)))).content
    assert "Forrige uge" in html.decode()
    # A week long gone says so, offers no way further back and does not read as open.
    html = client.get(reverse("week_sheet", args=[2020, 10])).content.decode()
    assert "for langt tilbage" in html
    assert "Forrige uge" not in html and "Åben" not in html
    client.force_login(world.administrator)
    url = reverse("week_sheet_of", args=[world.pedagogist.pk, *week_args(first)])
    assert "Forrige uge" not in client.get(url).content.decode()


def test_an_impossible_week_number_is_404(client, world):
    client.force_login(world.pedagogist.user)
    assert client.get(reverse("week_sheet", args=[2027, 53])).status_code == 404
    assert client.get(reverse("week_sheet", args=[1, 1])).status_code == 404
    assert client.get(reverse("week_sheet", args=[9999, 52])).status_code == 404


def test_a_week_not_begun_is_saved_but_not_submitted(world, running):
    next_week = hours.this_monday() + timedelta(weeks=1)
    with pytest.raises(ValidationError, match="når den er begyndt"):
        save(world, next_week, {(None, MEET): D("2")}, submit=True)
    assert save(world, next_week, {(None, MEET): D("2")}).status == SheetStatus.OPEN


def test_a_week_more_than_a_year_back_is_refused(world):
    with pytest.raises(ValidationError, match="for langt tilbage"):
        save(world, hours.this_monday() - timedelta(weeks=53), {(None, MEET): D("2")})


def test_copying_an_empty_week_says_so_and_keeps_the_prefill(client, world, running):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    html = client.get(url, {"kopi": "1"}).content.decode()
    assert "Sidste uge har ingen timer at kopiere" in html
    assert f'name="h_{running.pk}_practice"' in html and 'value="6"' in html


def test_staff_read_the_logbook_not_the_hours(client, world, running):
    client.force_login(world.staff)
    assert client.get(reverse("hours_delivered")).status_code == 404
    html = client.get(reverse("course_detail", args=[running.pk])).content.decode()
    assert "Timer pr. uge" not in html and 'href="/timer/"' not in html


def test_the_week_sheet_query_count_does_not_grow_with_courses(client, world, running):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    save(world, hours.this_monday(), {(running.pk, P): D("6")})
    with CaptureQueriesContext(connection) as one_course:
        assert client.get(url).status_code == 200
    second = agreement_in_force(
        world, accept(world, make_request(world, submit=True, wished_start=hours.this_monday()))
    )[0].course
    save(world, hours.this_monday(), {(running.pk, P): D("6"), (second.pk, P): D("2")})
    with CaptureQueriesContext(connection) as two_courses:
        html = client.get(url).content.decode()
    assert f'name="h_{second.pk}_practice"' in html
    assert len(two_courses.captured_queries) == len(one_course.captured_queries) <= 14


def test_the_approval_page_approves_a_month(client, world, running):
    year, month = month_of_weeks(world, running)
    client.force_login(world.administrator)
    url = reverse("hours_approval")
    page = client.get(url, {"maaned": f"{year}-{month:02d}"}).content.decode()
    assert "Paula Pædagog" in page and "Godkend måneden" in page
    response = client.post(
        url, {"maaned": f"{year}-{month:02d}", "paedagog": world.pedagogist.pk}, follow=True
    )
    assert "er godkendt" in response.content.decode()
    assert not WeekSheet.objects.exclude(status=SheetStatus.APPROVED).exists()
    # Approving again is a message, not an error.
    response = client.post(
        url, {"maaned": f"{year}-{month:02d}", "paedagog": world.pedagogist.pk}, follow=True
    )
    assert response.status_code == 200 and "allerede godkendt" in response.content.decode()


def test_the_approval_page_opens_on_the_oldest_month_waiting(client, world, running):
    client.force_login(world.administrator)
    url = reverse("hours_approval")
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    assert client.get(url).context["month_value"] == f"{last.year:04d}-{last.month:02d}"
    year, month = hours.month_of_week(hours.this_monday() - timedelta(weeks=12))
    oldest = hours.weeks_of_month(year, month)
    save(world, hours.this_monday() - timedelta(weeks=1), {(running.pk, P): D("5")}, submit=True)
    for monday in oldest:
        save(world, monday, {(None, MEET): D("2")}, submit=True)
    assert client.get(url).context["month_value"] == f"{year:04d}-{month:02d}"
    # Once that month is approved, the next month waiting comes first.
    services.month_approve(
        actor=world.administrator, pedagogist=world.pedagogist, year=year, month=month
    )
    year, month = hours.month_of_week(hours.this_monday() - timedelta(weeks=1))
    assert client.get(url).context["month_value"] == f"{year:04d}-{month:02d}"


# --- Leaders and exports -----------------------------------------------------------------------


@pytest.fixture
def logged(world, running, elsewhere):
    monday = hours.this_monday() - timedelta(weeks=1)
    save(
        world,
        monday,
        {
            (running.pk, P): D("5.5"),
            (running.pk, PREP): D("1"),
            (elsewhere.pk, P): D("4"),
            (None, TRANS): D("2.25"),
        },
        submit=True,
    )
    # This week is saved but not submitted: not delivered yet.
    save(world, hours.this_monday(), {(running.pk, P): D("3")})
    return monday


def test_a_leader_sees_only_the_hours_at_their_institution(client, world, running, logged):
    client.force_login(world.leader)
    page = client.get(reverse("hours_delivered")).content.decode()
    html = page[page.index('<main id="indhold"') :]  # the table, not the menu's unread count
    assert "Børnehuset Mariehønen" in html
    assert "6,5" in html  # 5.5 practice + 1 preparation, last week
    assert "Vuggestuen Spiren" not in html
    assert "2,25" not in html  # transport not tied to a course
    assert ">3<" not in html  # this week's unsubmitted hours


def test_the_course_page_shows_agreed_and_logged_hours(client, world, running, logged):
    client.force_login(world.leader)
    html = client.get(reverse("course_detail", args=[running.pk])).content.decode()
    assert "Timer pr. uge" in html
    assert "6,5" in html


def test_the_csv_export_is_for_danish_excel(client, world, running, elsewhere, logged):
    client.force_login(world.administrator)
    response = client.get(
        reverse("hours_export", args=["csv"]),
        {"fra": (logged - timedelta(weeks=1)).isoformat(), "til": logged.isoformat()},
    )
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Pædagog",
        "År",
        "Uge",
        "Ugens mandag",
        "Institution",
        "Gruppe",
        "Forløb nr.",
        "Kategori",
        "Timer",
        "Status",
    ]
    year, week, _day = logged.isocalendar()
    body = sorted(rows[1:])
    assert len(body) == 4
    assert [
        "Paula Pædagog",
        str(year),
        str(week),
        logged.strftime("%d.%m.%Y"),
        "Børnehuset Mariehønen",
        "Sommerfuglen",
        str(running.pk),
        "Praksis",
        "5,50",
        "Indsendt",
    ] in body
    assert any(row[6] == "Ikke knyttet til et forløb" and row[8] == "2,25" for row in body)


def test_a_leaders_export_holds_only_their_courses(client, world, running, elsewhere, logged):
    client.force_login(world.leader)
    response = client.get(reverse("hours_export", args=["xlsx"]), {"fra": logged.isoformat()})
    # Without "til" the period is the default eight weeks.
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Pædagog" and rows[0][8] == "Timer"
    body = rows[1:]
    assert {row[6] for row in body} == {running.pk}
    assert sorted(row[8] for row in body) == [1.0, 5.5]
    assert all(isinstance(row[3], type(timezone.now().replace(tzinfo=None))) for row in body)


def test_an_export_with_a_backwards_period_explains(client, world):
    client.force_login(world.administrator)
    response = client.get(
        reverse("hours_export", args=["csv"]),
        {"fra": "2026-05-01", "til": "2026-04-01"},
        follow=True,
    )
    assert "før dens start" in response.content.decode()


def test_approval_and_delivered_query_counts_do_not_grow(client, world, running, elsewhere):
    year, month = month_of_weeks(world, running)
    client.force_login(world.administrator)
    approval = reverse("hours_approval")
    delivered = reverse("hours_delivered")
    with CaptureQueriesContext(connection) as before_approval:
        client.get(approval, {"maaned": f"{year}-{month:02d}"})
    with CaptureQueriesContext(connection) as before_delivered:
        client.get(delivered)
    more = factories.PedagogistFactory(user__email="bo@example.dk")
    services.week_save(
        actor=more.user, pedagogist=more, monday=hours.this_monday(), values={(None, MEET): D("1")}
    )
    save(world, hours.this_monday() - timedelta(weeks=1), {(elsewhere.pk, P): D("3")}, submit=True)
    with CaptureQueriesContext(connection) as after_approval:
        page = client.get(approval, {"maaned": f"{year}-{month:02d}"}).content.decode()
    with CaptureQueriesContext(connection) as after_delivered:
        client.get(delivered)
    assert "bo@example.dk" in page or more.user.name in page
    assert len(after_approval.captured_queries) == len(before_approval.captured_queries) <= 10
    assert len(after_delivered.captured_queries) == len(before_delivered.captured_queries) <= 10


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_name_like_a_formula_stays_text_in_the_export(client, world, running, logged, fmt):
    """#15 item 6: "=HYPERLINK(...)" as a name was a live formula in Excel."""
    world.pedagogist.user.name = '=HYPERLINK("https://example.com","x")'
    world.pedagogist.user.save(update_fields=["name"])
    world.institution.name = "+1+2"
    world.institution.save(update_fields=["name"])
    client.force_login(world.administrator)
    response = client.get(reverse("hours_export", args=[fmt]), {"fra": logged.isoformat()})
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1:]
        assert rows and all(row[0] == "'" + world.pedagogist.user.name for row in rows)
        assert {row[4] for row in rows} >= {"'+1+2"}
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = list(book.active.iter_rows(min_row=2))
        assert cells
        for row in cells:
            assert row[0].data_type == "s" and row[0].value == world.pedagogist.user.name
        assert {row[4].value for row in cells} >= {"+1+2"}
        assert all(row[4].data_type == "s" for row in cells if row[4].value)
