"""The agreement's content as one typed object: JSON in the stored shape, rules, display,
differences and the week plan."""

from dataclasses import replace
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from indsats.agreements import services as agreements_services
from indsats.agreements.content import (
    JSON_KEYS,
    AgreementContent,
    Goal,
    NamedPedagogist,
    Plan,
    canonical_content,
    version_hash,
)
from indsats.models import AgreementVersion
from institutioner.workdays import working_day_on_or_after, working_day_on_or_before
from tests.indsats.helpers import accept, agreement_in_force, make_request


def _content(**changes) -> AgreementContent:
    # A new agreement starts today or later on a working day, its final evaluation on a
    # working day inside the period.
    today = working_day_on_or_after(timezone.localdate())
    content = AgreementContent(
        institution="Børnehuset Mariehønen",
        group="Sommerfuglen",
        background="Uro i overgangene.",
        goals=(
            Goal(text="Ro ved frokost", focus_level="boernegruppe", indicator="Færre konflikter"),
        ),
        methods=("medpraktiserende",),
        practice_roles=("beside",),
        participants="Lene Leder",
        pedagogists=(NamedPedagogist(id=7, name="Paula Pædagog"),),
        days_per_week=2,
        hours_per_week=Decimal("6.00"),
        weekdays=(1, 3),
        time_from=time(9, 0),
        time_to=time(12, 0),
        starts_on=today,
        ends_on=today + timedelta(weeks=10),
        midway_evaluation_on=None,
        final_evaluation_on=working_day_on_or_before(today + timedelta(weeks=10)),
        leadership_commitment="",
        parent_meetings=False,
    )
    return replace(content, **changes)


def test_the_json_keys_are_the_attribute_names_in_the_stored_order():
    content = _content()
    stored = content.to_json()
    assert tuple(stored) == JSON_KEYS
    assert stored["hours_per_week"] == "6.00"
    assert stored["time_from"] == "09:00" and stored["starts_on"] == content.starts_on.isoformat()
    assert stored["goals"] == [
        {"text": "Ro ved frokost", "focus_level": "boernegruppe", "indicator": "Færre konflikter"}
    ]
    assert stored["pedagogists"] == [{"id": 7, "name": "Paula Pædagog"}]
    assert AgreementContent.from_json(stored) == _content()


# A document as the editor has always stored it (the shape of the rows in the database).
STORED = {
    "institution": "Børnehuset Mariehønen",
    "group": "",
    "background": "Uro i overgangene.",
    "goals": [
        {"text": "Ro ved frokost", "focus_level": "boernegruppe", "indicator": ""},
        {"text": "Legegrupper", "focus_level": "personale", "indicator": "Tre dage om ugen."},
    ],
    "methods": ["medpraktiserende", "observation"],
    "practice_roles": ["front", "beside"],
    "participants": "Lene Leder og stuens pædagoger",
    "pedagogists": [{"id": 3, "name": "Paula Pædagog"}, {"id": 5, "name": "Ole Olsen"}],
    "days_per_week": 2,
    "hours_per_week": "8.5",
    "weekdays": [1, 3],
    "time_from": "08:30",
    "time_to": "11:30",
    "starts_on": "2026-03-02",
    "ends_on": "2026-06-28",
    "midway_evaluation_on": "2026-04-27",
    "final_evaluation_on": "2026-06-26",
    "leadership_commitment": "Lederen deltager i opstart og evaluering.",
    "parent_meetings": True,
}


def test_a_stored_document_comes_back_byte_for_byte():
    content = AgreementContent.from_json(STORED)
    assert content.to_json() == STORED
    assert list(content.to_json()) == list(STORED)
    assert canonical_content(content.to_json()) == canonical_content(STORED)
    assert content.pedagogist_ids() == {3, 5}
    assert content.hours_per_week == Decimal("8.5")
    assert content.midway_evaluation_on == date(2026, 4, 27)
    assert content.goal_texts() == ["Ro ved frokost", "Legegrupper"]


@pytest.mark.parametrize("hours", ["4", "3.00", "8.5", "0"])
def test_hours_keep_the_text_they_were_stored_with(hours):
    stored = {**_content().to_json(), "hours_per_week": hours}
    assert AgreementContent.from_json(stored).to_json() == stored


def test_empty_times_and_dates_stay_empty():
    content = _content(time_from=None, time_to=None, final_evaluation_on=None)
    stored = content.to_json()
    assert stored["time_from"] == stored["time_to"] == ""
    assert stored["midway_evaluation_on"] is None and stored["final_evaluation_on"] is None
    assert AgreementContent.from_json(stored) == content


def test_every_version_the_demo_makes_round_trips_with_the_same_hash(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    versions = list(AgreementVersion.objects.all())
    assert len(versions) >= 4 and any(v.content_hash for v in versions)
    for version in versions:
        again = AgreementContent.from_json(version.content).to_json()
        assert again == version.content
        assert canonical_content(again) == canonical_content(version.content)
        if version.number:
            assert version.content_hash == version_hash(
                agreement_id=version.agreement_id, number=version.number, content=again
            )


def test_a_signed_version_keeps_its_hash_through_the_object(world):
    _agreement, version = agreement_in_force(world)
    assert version.content_hash == version_hash(
        agreement_id=version.agreement_id,
        number=version.number,
        content=version.parsed.to_json(),
    )
    assert version.starts_on == version.parsed.starts_on
    assert version.hours_per_week == version.parsed.hours_per_week


def test_a_draft_from_the_request(world):
    req = make_request(world, submit=True)
    accept(world, req)
    content = AgreementContent.from_request(req)
    assert content.pedagogists == (NamedPedagogist(id=world.pedagogist.pk, name="Paula Pædagog"),)
    assert content.hours_per_week == Decimal("6.00")
    assert content.weekdays == (1, 3)
    assert content.midway_evaluation_on is None
    assert content.final_evaluation_on == content.ends_on == req.wished_end
    assert [goal.text for goal in content.goals] == [""]
    assert content.goal_texts() == []


def _errors(content, req) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        content.validate(req)
    return caught.value.message_dict


def test_validation_speaks_danish_per_field(world):
    req = make_request(world, submit=True)
    accept(world, req)
    _content().validate(req)  # a good content passes
    errors = _errors(_content(goals=(Goal(text="  "),), methods=()), req)
    assert errors["goals"] == ["Skriv mindst ét mål."]
    assert errors["methods"] == ["Vælg mindst én metode."]
    start = _content().starts_on
    assert _errors(_content(ends_on=start - timedelta(days=1)), req)["ends_on"] == [
        "Slutdatoen kan ikke ligge før starten."
    ]
    assert _errors(_content(starts_on=start + timedelta(days=800)), req) == {
        "starts_on": ["Starten skal ligge inden for to år fra i dag."]
    }
    assert _errors(_content(ends_on=start + timedelta(days=800)), req) == {
        "ends_on": ["En aftale kan højst løbe i to år; justér den for at fortsætte."]
    }
    assert _errors(_content(final_evaluation_on=None), req)["final_evaluation_on"] == [
        "Der skal være en dato for slutevaluering."
    ]
    late = start + timedelta(weeks=20)
    period = f"{start:%d.%m.%Y}-{start + timedelta(weeks=10):%d.%m.%Y}"
    assert _errors(_content(final_evaluation_on=late), req)["final_evaluation_on"] == [
        f"Slutevalueringen skal ligge i perioden ({period})."
    ]
    assert _errors(_content(midway_evaluation_on=late), req)["midway_evaluation_on"] == [
        "Midtvejsevalueringen skal ligge i perioden."
    ]
    assert _errors(_content(hours_per_week=Decimal("0")), req)["hours_per_week"] == [
        "Timer om ugen skal være over 0."
    ]
    too_many = _errors(_content(hours_per_week=Decimal("40")), req)["hours_per_week"]
    assert too_many == ["Paula Pædagog har 37 normtimer om ugen; aftalen kræver flere."]
    cpr = _errors(_content(background="Barnet 070589-1234"), req)
    assert list(cpr) == ["background"]
    assert list(_errors(_content(goals=(Goal(text="Om 0705891234"),)), req)) == ["goals"]


def test_display_rows_are_danish_labels_and_dates():
    view = _content(midway_evaluation_on=date.today()).display()
    assert view.methods == ["Medpraktiserende pædagogik"]
    assert view.practice_roles == ["Ved siden af"]
    assert view.weekdays == ["Tirsdag", "Torsdag"]
    assert view.goals[0].focus_level == "Børnegruppe"
    assert view.pedagogists == ["Paula Pædagog"]
    assert view.time_from == "09:00" and view.time_to == "12:00"
    assert view.hours_per_week == Decimal("6.00")
    assert view.midway_evaluation_on == date.today()


def test_differences_name_each_changed_field_in_danish():
    before = _content()
    after = replace(
        before,
        hours_per_week=Decimal("8"),
        weekdays=(0, 2),
        parent_meetings=True,
        goals=(*before.goals, Goal(text="Legegrupper", focus_level="personale")),
    )
    rows = {d.label: (d.before, d.after) for d in before.differences(after)}
    assert rows["Timer om ugen"] == ("6", "8")
    assert rows["Ugedage"] == ("Tirsdag\nTorsdag", "Mandag\nOnsdag")
    assert rows["Deltager i forældremøder eller tværfaglige møder"] == ("Nej", "Ja")
    assert rows["Mål"][1].endswith("\nLegegrupper – Pædagogisk personale")
    assert len(rows) == 4
    assert before.differences(before) == []


def test_the_plan_ignores_the_order_of_weekdays_and_reads_in_danish():
    assert _content(weekdays=(3, 1)).plan == _content().plan
    assert _content(time_to=time(11, 0)).plan != _content().plan
    assert Plan(weekdays=(0, 2), time_from=time(8, 30), time_to=time(11, 30)).text() == (
        "mandag, onsdag, 08:30-11:30"
    )
    assert Plan(weekdays=(), time_from=None, time_to=None).text() == "ingen faste ugedage"


def test_the_service_stores_the_object_as_json(world):
    req = make_request(world, submit=True)
    accept(world, req)
    agreement = agreements_services.agreement_create(actor=world.pedagogist.user, request_id=req.pk)
    version = agreement.versions.get()
    changed = replace(version.parsed, goals=(Goal(text="Ro", focus_level="barn"),))
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=changed
    )
    version.refresh_from_db()
    assert version.content == changed.to_json()
    assert version.parsed == changed


def test_hours_beyond_what_the_days_and_times_hold_are_warned_of():
    # Tuesdays and Thursdays 9-12 hold six hours: six or fewer is fine (a window is a frame).
    assert _content(hours_per_week=Decimal("6.00")).hours_beyond_plan() is None
    assert _content(hours_per_week=Decimal("4.50")).hours_beyond_plan() is None
    assert _content(hours_per_week=Decimal("8.00")).hours_beyond_plan() == (
        "2 dage om ugen fra 09:00 til 12:00 rummer 6 timer; aftalen giver 8 timer om ugen. "
        "Tjek timerne, dagene og tidspunkterne."
    )
    one = _content(weekdays=(2,), days_per_week=1, time_to=time(11, 30))
    assert one.hours_beyond_plan() == (
        "1 dag om ugen fra 09:00 til 11:30 rummer 2,5 timer; aftalen giver 6 timer om ugen. "
        "Tjek timerne, dagene og tidspunkterne."
    )
    # No weekdays ticked: the days a week written count; none written, nothing to hold against.
    assert _content(weekdays=(), days_per_week=3).hours_beyond_plan() is None
    assert _content(weekdays=(), days_per_week=1).most_hours_a_week() == Decimal(3)
    assert _content(weekdays=(), days_per_week=0).hours_beyond_plan() is None
    # No time window: nothing to hold the hours against.
    assert (
        _content(time_from=None, time_to=None, hours_per_week=Decimal(30)).hours_beyond_plan()
        is None
    )
    # A warning, not a rule: the content is still valid.
    assert _content(hours_per_week=Decimal("8.00")).most_hours_a_week() == Decimal(6)


def test_the_time_window_lies_in_the_institutions_opening_hours(world):
    """One rule, as the plan's moved and extra days keep: the institution's opening hours
    (06:30-17:00 here), never a wider general day beside them that would say otherwise."""
    req = make_request(world, submit=True)
    accept(world, req)
    rule = (
        "Børnehuset Mariehønen har åbent 06:30-17:00; praksisdagen skal ligge inden for "
        "åbningstiden."
    )
    for changes, field in (
        ({"time_from": time(2), "time_to": time(12)}, "time_from"),
        ({"time_from": time(6), "time_to": time(12)}, "time_from"),
        ({"time_from": time(9), "time_to": time(17, 30)}, "time_to"),
        ({"time_from": time(9), "time_to": time(23, 30)}, "time_to"),
    ):
        assert _errors(_content(**changes), req) == {field: [rule]}
    _content(time_from=time(6, 30), time_to=time(17), hours_per_week=Decimal(6)).validate(req)


def test_the_general_day_holds_only_where_no_opening_hours_are_recorded(world):
    from indsats.agreements.content import practice_day_bounds

    opens, closes, rule = practice_day_bounds(world.institution)
    assert (opens, closes) == (time(6, 30), time(17)) and "06:00" not in rule
    world.institution.opens_at = world.institution.closes_at = None
    opens, closes, rule = practice_day_bounds(world.institution)
    assert (opens, closes) == (time(6), time(18))
    assert rule == (
        "Der er ikke registreret en åbningstid for institutionen, så praksisdagen skal ligge "
        "inden for den almindelige dag, 06:00-18:00."
    )
