"""The plan's pages: who records absence, what the week plan shows whom."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forloeb.models import Absence, AbsenceKind, AbsenceRepeat
from forloeb.plan import services
from forloeb.plan.services import AbsenceInput
from institutioner.models import AccessLogEntry, Notification, NotificationKind
from tests.forloeb.plan.helpers import agreement, christmas_year


def _week_url(day):
    year, week, _ = day.isocalendar()
    return reverse("week_plan", args=[year, week])


def _monday():
    day = date(christmas_year(), 12, 8)
    return day - timedelta(days=day.weekday())


def test_a_pedagogist_records_absence_and_the_leader_sees_the_day_fall_away(client, world):
    agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    tuesday = _monday() + timedelta(days=1)
    client.force_login(world.pedagogist.user)
    page = client.get(reverse("absence_create"))
    assert page.status_code == 200
    response = client.post(
        reverse("absence_create"),
        {
            "pedagogist": world.pedagogist.pk,
            "kind": AbsenceKind.ILLNESS,
            "starts_on": tuesday.isoformat(),
            "repeat": "none",
            "note": "Tandlæge",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _week_url(tuesday)
    absence = Absence.objects.get()
    assert (absence.ends_on, absence.created_by) == (tuesday, world.pedagogist.user)
    (note,) = Notification.objects.filter(kind=NotificationKind.ABSENCE)
    assert note.recipient == world.leader

    client.force_login(world.leader)
    page = client.get(_week_url(tuesday)).content.decode()
    assert "Fraværende: ingen praksis" in page
    assert "Sygdom" not in page and "Tandlæge" not in page
    client.force_login(world.pedagogist.user)
    page = client.get(_week_url(tuesday)).content.decode()
    assert "Fravær: sygdom" in page and "Tandlæge" in page


def test_bad_input_keeps_what_was_typed(client, world):
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("absence_create"),
        {
            "pedagogist": world.pedagogist.pk,
            "kind": AbsenceKind.COURSE,
            "starts_on": "2030-01-10",
            "ends_on": "2030-01-09",
            "repeat": "none",
            "note": "Vejledningskursus",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fraværet kan ikke slutte, før det begynder." in page
    assert "Vejledningskursus" in page
    assert not Absence.objects.exists()


def test_the_administration_records_for_a_pedagogist_but_not_an_outsider_for_her(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("absence_create"),
        {
            "pedagogist": world.outsider_pedagogist.pk,
            "kind": AbsenceKind.HOLIDAY,
            "starts_on": "2030-07-01",
            "ends_on": "2030-07-19",
            "repeat": "none",
        },
    )
    assert response.status_code == 302
    # A pedagogist cannot pick another pedagogist.
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("absence_create"),
        {
            "pedagogist": world.outsider_pedagogist.pk,
            "kind": AbsenceKind.HOLIDAY,
            "starts_on": "2031-07-01",
            "repeat": "none",
        },
    )
    # Her form has no choice of person: the absence is her own, never the outsider's.
    assert response.status_code == 302
    assert Absence.objects.filter(pedagogist=world.outsider_pedagogist).count() == 1
    assert Absence.objects.filter(pedagogist=world.pedagogist).count() == 1


def test_cancel_is_the_owners_and_the_administrations(client, world):
    absence = services.absence_record(
        actor=world.administrator,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.COURSE, starts_on=date(2030, 1, 7), ends_on=date(2030, 1, 7)
        ),
    )
    url = reverse("absence_cancel", args=[absence.pk])
    for person in (world.leader, world.outsider, world.staff):
        client.force_login(person)
        assert client.post(url).status_code == 404
    client.force_login(world.pedagogist.user)
    assert client.post(url).status_code == 302
    absence.refresh_from_db()
    assert absence.cancelled_by == world.pedagogist.user
    # Twice: a message, not an error.
    response = client.post(url, follow=True)
    assert "allerede aflyst" in response.content.decode()


def test_the_week_plan_is_logged_and_scoped(client, world):
    agreement(world, weekdays=(0, 1, 2, 3, 4))
    url = _week_url(_monday())
    client.force_login(world.outsider)
    page = client.get(url).content.decode()
    assert "Paula Pædagog" not in page
    client.force_login(world.administrator)
    page = client.get(url).content.decode()
    assert "Paula Pædagog" in page and "Ole Andensted" in page
    assert AccessLogEntry.objects.filter(user=world.administrator).count() == 1
    assert client.get(reverse("week_plan", args=[2026, 60])).status_code == 404


def test_the_week_plan_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    agreement(world, weekdays=(0, 1, 2, 3, 4))
    client.force_login(world.administrator)
    with django_assert_max_num_queries(20):
        assert client.get(_week_url(_monday())).status_code == 200
    for _ in range(3):
        agreement(world, weekdays=(0, 2))
    with django_assert_max_num_queries(20):
        assert client.get(_week_url(_monday())).status_code == 200


def _tuesday():
    day = date(christmas_year(), 12, 3)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def test_a_leader_proposes_on_the_course_page_and_the_pedagogist_accepts(client, world):
    from forloeb.models import PlanChange, PlanChangeStatus

    ag, _version = agreement(world, weekdays=(1,))
    course_url = reverse("course_detail", args=[ag.course.pk])
    client.force_login(world.leader)
    page = client.get(course_url).content.decode()
    assert "Planens ændringer" in page and "Foreslå en ændring af en praksisdag" in page
    tuesday = _tuesday()
    data = {
        "plan-kind": "move",
        "plan-day": tuesday.isoformat(),
        "plan-new_day": (tuesday + timedelta(days=1)).isoformat(),
        "plan-reason": "Vi er på tur tirsdag",
    }
    # A move into a weekend comes back with what was typed and a Danish message.
    response = client.post(
        reverse("plan_change_create", args=[ag.course.pk]),
        {**data, "plan-new_day": (tuesday + timedelta(days=4)).isoformat()},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Institutionerne er lukkede i weekenden." in page and "Vi er på tur tirsdag" in page
    response = client.post(reverse("plan_change_create", args=[ag.course.pk]), data)
    assert response.status_code == 302
    change = PlanChange.objects.get()
    assert change.status == PlanChangeStatus.PROPOSED
    # The leader cannot answer her own proposal; staff and outsiders cannot propose.
    assert client.post(reverse("plan_change_accept", args=[change.pk])).status_code == 404
    for person in (world.staff, world.outsider):
        client.force_login(person)
        assert (
            client.post(reverse("plan_change_create", args=[ag.course.pk]), data).status_code == 404
        )

    client.force_login(world.pedagogist.user)
    page = client.get(course_url).content.decode()
    assert "Vi er på tur tirsdag" in page and "Godkend" in page
    assert client.post(reverse("plan_change_accept", args=[change.pk])).status_code == 302
    change.refresh_from_db()
    assert change.status == PlanChangeStatus.ACCEPTED
    response = client.post(reverse("plan_change_decline", args=[change.pk]), follow=True)
    assert "allerede besvaret" in response.content.decode()
    page = client.get(_week_url(tuesday)).content.decode()
    assert "Flyttet til" in page and "Praksis (ændret)" in page


def test_a_cpr_number_in_a_changes_reason_gets_the_plain_message(client, world):
    """The reason for changing a practice day is not about a children's group: the message says
    only not to write CPR numbers, on the form and from the service."""
    from django.core.exceptions import ValidationError

    from forloeb.models import PlanChange
    from forloeb.plan.services import ChangeInput

    plain = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."
    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _tuesday()
    client.force_login(world.leader)
    page = client.post(
        reverse("plan_change_create", args=[ag.course.pk]),
        {"plan-kind": "cancel", "plan-day": tuesday.isoformat(), "plan-reason": "Se 010203-1234"},
    ).content.decode()
    assert plain in page and "børnegruppen" not in page
    with pytest.raises(ValidationError) as caught:
        services.plan_change_make(
            actor=world.pedagogist.user,
            course_id=ag.course.pk,
            data=ChangeInput(kind="cancel", day=tuesday, reason="Se 010203-1234"),
        )
    assert caught.value.message_dict == {"reason": [plain]}
    assert not PlanChange.objects.exists()


def test_a_cpr_number_in_an_absences_note_gets_the_plain_message(client, world):
    """The note on an absence is about the pedagogist's own day, not a children's group: the
    message says only not to write CPR numbers, on the page (keeping what was typed) and from the
    service."""
    from django.core.exceptions import ValidationError

    plain = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("absence_create"),
        {
            "pedagogist": world.pedagogist.pk,
            "kind": AbsenceKind.COURSE,
            "starts_on": "2030-01-10",
            "repeat": "none",
            "note": "Vejledningskursus 070589-1234",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert plain in page and "børnegruppen" not in page
    assert "Vejledningskursus 070589-1234" in page and 'value="2030-01-10"' in page
    with pytest.raises(ValidationError) as caught:
        services.absence_record(
            actor=world.pedagogist.user,
            pedagogist_id=world.pedagogist.pk,
            data=AbsenceInput(
                kind=AbsenceKind.COURSE,
                starts_on=date(2030, 1, 10),
                ends_on=date(2030, 1, 10),
                note="Vejledningskursus 070589-1234",
            ),
        )
    assert caught.value.message_dict == {"note": [plain]}
    assert not Absence.objects.exists()
    with pytest.raises(ValidationError) as caught:
        Absence._meta.get_field("note").run_validators("Kursus 070589-1234")
    assert caught.value.messages == [plain]


def test_the_administrations_week_plan_pages_and_filters_by_district(client, world, monkeypatch):
    """#21: the whole area's week was one page (580 KB at a large municipality's size); now
    pedagogists by name a page at a time, and a district's pedagogists when one is chosen, with
    the district and the page kept by the week links."""
    import re

    from forloeb.plan import views

    monkeypatch.setattr(views, "PLAN_PER_PAGE", 1)
    agreement(world, weekdays=(0, 1, 2, 3, 4))
    url = _week_url(_monday())
    client.force_login(world.administrator)

    def people(params):
        body = client.get(url, params).content.decode()
        return [int(pk) for pk in re.findall(r'id="person-(\d+)"', body)], body

    # Ole Andensted before Paula Pædagog.
    first, body = people({})
    assert first == [world.outsider_pedagogist.pk]
    assert "Side 1 af 2" in body
    second, body = people({"side": "2"})
    assert second == [world.pedagogist.pk]
    next_week = _week_url(_monday() + timedelta(weeks=1))
    assert f'href="{next_week}?side=2"' in body
    # Paula is attached in Ullerup Bæk (north), Ole in Søvang (south).
    north, body = people({"distrikt": world.north.pk})
    assert north == [world.pedagogist.pk]
    assert f'<option value="{world.north.pk}" selected>' in body
    assert f'href="{next_week}?distrikt={world.north.pk}"' in body
    south, _body = people({"distrikt": world.south.pk})
    assert south == [world.outsider_pedagogist.pk]
    # A district that is not one: everyone, not an error.
    assert people({"distrikt": "x"})[0] == [world.outsider_pedagogist.pk]
    # A pedagogist's own plan has no district filter and no pages.
    client.force_login(world.pedagogist.user)
    mine, body = people({})
    assert mine == [world.pedagogist.pk] and 'name="distrikt"' not in body


def test_the_absence_list_says_whole_day_or_whole_days(client, world):
    monday = _monday()
    for starts, ends in (
        (monday, monday),
        (monday + timedelta(days=2), monday + timedelta(days=4)),
    ):
        services.absence_record(
            actor=world.pedagogist.user,
            pedagogist_id=world.pedagogist.pk,
            data=AbsenceInput(kind=AbsenceKind.HOLIDAY, starts_on=starts, ends_on=ends),
        )
    # One day every other week is the whole day each time, not "whole days".
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.COURSE,
            starts_on=monday + timedelta(weeks=1),
            ends_on=monday + timedelta(weeks=1),
            repeat=AbsenceRepeat.FORTNIGHTLY,
            repeat_until=monday + timedelta(weeks=5),
        ),
    )
    client.force_login(world.pedagogist.user)
    body = " ".join(client.get(reverse("absence_list")).content.decode().split())
    assert f"Mandag {monday.day}. december {monday.year} hele dagen" in body
    assert f"fredag {monday.day + 4}. december {monday.year} hele dage" in body
    later = monday + timedelta(weeks=1)
    assert f"Mandag {later.day}. december {later.year} hele dagen · hver anden uge" in body


@pytest.mark.parametrize("sent", ["", "abc", "9999", "other"])
def test_a_pedagogists_own_absence_ignores_what_is_sent_for_the_person(client, world, sent):
    """The person field is hidden when she can only record her own; an edited value was refused
    without a word. Now it is not read: the absence is hers, never another's."""
    if sent == "other":
        sent = str(world.outsider_pedagogist.pk)
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("absence_create"),
        {
            "pedagogist": sent,
            "kind": AbsenceKind.COURSE,
            "starts_on": (_monday() + timedelta(days=2)).isoformat(),
            "repeat": "none",
        },
    )
    assert response.status_code == 302
    assert Absence.objects.get().pedagogist == world.pedagogist


def test_the_confirmation_says_leaders_were_told_only_when_they_were(client, world):
    agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    tuesday = _monday() + timedelta(days=1)
    client.force_login(world.pedagogist.user)

    def record(day):
        return client.post(
            reverse("absence_create"),
            {
                "pedagogist": world.pedagogist.pk,
                "kind": AbsenceKind.COURSE,
                "starts_on": day.isoformat(),
                "repeat": "none",
            },
            follow=True,
        ).content.decode()

    page = record(tuesday + timedelta(days=1))  # a Wednesday: no practice day
    assert "Det rører ingen praksisdage, så ingen ledere har fået besked." in page
    assert "har fået besked om det" not in page and "berørte institutioner" not in page
    assert not Notification.objects.filter(kind=NotificationKind.ABSENCE).exists()
    page = record(tuesday)
    assert "berørte institutioner" in page
    assert Notification.objects.filter(kind=NotificationKind.ABSENCE).count() == 1


def test_cancelling_an_absence_asks_first_and_says_the_leaders_are_told(client, world):
    """One click cancelled a whole repeating series: the button opens a confirmation (no
    JavaScript) that says what goes and who is told; the second button cancels."""
    monday = _monday()
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.COURSE,
            starts_on=monday,
            ends_on=monday,
            repeat=AbsenceRepeat.FORTNIGHTLY,
            repeat_until=monday + timedelta(weeks=4),
        ),
    )
    client.force_login(world.pedagogist.user)
    body = " ".join(client.get(reverse("absence_list")).content.decode().split())
    until = monday + timedelta(weeks=4)
    confirm = body[body.index("<details") : body.index("</details>")]
    assert "<summary" in confirm and "Aflys fraværet" in confirm
    assert f"Alle gentagelser til og med {until.day}. " in confirm
    assert "Lederne af de institutioner, hvis praksisdage det rører, får besked." in confirm
    assert 'type="submit"' in confirm and "Ja, aflys alle gentagelser" in confirm


def test_an_absence_that_is_over_can_be_cancelled_when_recorded_by_mistake(client, world):
    """An absence wholly in the past (sick days recorded for the wrong week) could not be
    cancelled ("det kan ikke aflyses"), so the week plan and the capacity counted it for good.
    The pedagogist cancels it; the page says nobody is told (nobody is), and which saved week
    sheets keep their hours. The list offers the button, saying what it does."""
    from forloeb.models import WeekSheet
    from institutioner.workdays import monday_of

    old = services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.ILLNESS, starts_on=date(2020, 3, 2), ends_on=date(2020, 3, 10)
        ),
    )
    WeekSheet.objects.create(pedagogist=world.pedagogist, week_start=date(2020, 3, 9))
    client.force_login(world.pedagogist.user)
    page = client.get(_week_url(date(2020, 3, 2))).content.decode()
    assert "Fravær: sygdom" in page
    response = client.post(reverse("absence_cancel", args=[old.pk]), follow=True)
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert (
        "Fraværet er aflyst. Det var overstået, så ingen har fået besked; ugeplanen og "
        "overblikket tæller det ikke længere." in page
    )
    assert (
        "Ugesedlen for uge 11, 2020 er allerede gemt og beholder sine timer; tjek dem, hvis "
        "fraværet blev trukket fra." in page
    )
    old.refresh_from_db()
    assert old.cancelled_by == world.pedagogist.user
    assert not Notification.objects.filter(template="absence_cancelled").exists()
    assert "Fravær: sygdom" not in client.get(_week_url(date(2020, 3, 2))).content.decode()

    # One that ended days ago, and one partly past: each has the button, saying what it does.
    monday = monday_of(timezone.localdate())
    over = services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.COURSE,
            starts_on=monday - timedelta(weeks=1),
            ends_on=monday - timedelta(days=3),
        ),
    )
    begun = services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.COURSE,
            starts_on=monday - timedelta(days=2),
            ends_on=monday + timedelta(days=11),
        ),
    )
    body = " ".join(client.get(reverse("absence_list")).content.decode().split())

    def row(absence) -> str:
        url = reverse("absence_cancel", args=[absence.pk])
        start = body.rindex("<li", 0, body.index(url))
        return body[start : body.index("</li>", start)]

    assert "Overstået" in row(over) and "<details" in row(over)
    assert "Det er overstået: aflys det kun, hvis det blev registreret ved en fejl." in row(over)
    assert "Lederne af de institutioner" not in row(over)
    assert (
        "De dage, der allerede er gået, aflyses også; passede fraværet på nogle af dem, så "
        "registrér de dage igen bagefter." in row(begun)
    )
    # The administration may cancel one that is over too.
    client.force_login(world.administrator)
    client.post(reverse("absence_cancel", args=[over.pk]))
    over.refresh_from_db()
    assert over.cancelled_by == world.administrator


def test_an_absence_on_weekend_days_only_is_refused_on_the_first_day(client, world):
    """A Saturday and Sunday were recorded as absence, which counts no hours: the form comes
    back with the message under "Første dag" and what was typed."""
    saturday = _monday() + timedelta(weeks=8, days=5)
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("absence_create"),
        {
            "pedagogist": world.pedagogist.pk,
            "kind": AbsenceKind.COURSE,
            "starts_on": saturday.isoformat(),
            "ends_on": (saturday + timedelta(days=1)).isoformat(),
            "repeat": "none",
            "note": "Vejledningskursus",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"] == [
        "Fraværet falder kun på weekend- eller helligdage og tæller ingen timer. "
        "Vælg en arbejdsdag."
    ]
    page = response.content.decode()
    assert "Vejledningskursus" in page and saturday.isoformat() in page
    assert not Absence.objects.exists()


@pytest.mark.parametrize("typed", ["31.12.10000", "10000-12-31", "9999-12-31"])
def test_an_absence_in_a_year_the_form_does_not_take_is_told_as_the_year(client, world, typed):
    """A year typed with five digits (a browser's date picker takes them) got "Indtast en gyldig
    dato.", as if the day were wrong; the page names the year and the dates the form takes."""
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("absence_create"),
        {
            "pedagogist": world.pedagogist.pk,
            "kind": AbsenceKind.COURSE,
            "starts_on": typed,
            "repeat": "none",
        },
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["starts_on"]
    assert typed.replace("-12-31", "").replace("31.12.", "") in error
    assert "Vælg en dato mellem" in error and "Indtast en gyldig dato." not in error
    assert not Absence.objects.exists()
