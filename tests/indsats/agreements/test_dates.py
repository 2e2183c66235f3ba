"""The agreement's days (QA: a draft started in the past with its evaluations already passed,
a final evaluation on a Saturday after the period, one on a holiday, a start on a Sunday): a new
agreement starts today or later on a working day; its midway and final evaluations lie on
working days inside the period, not in the past, the midway one first. The edit form says so
beside each field, sending for signature refuses a draft saved before the rule, and an
adjustment keeps the days of the version it adjusts."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from indsats.agreements import services
from indsats.models import AgreementVersion, VersionStatus
from institutioner.workdays import (
    holiday_name,
    is_working_day,
    working_day_on_or_after,
    working_day_on_or_before,
)
from tests.indsats.agreements.conftest import _draft, _edit_post, _goal
from tests.indsats.helpers import agreement_in_force


def _weekday_after(day: date, weekday: int) -> date:
    """The first `weekday` after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)


def _good(version):
    """The draft with a period two weeks ahead and its evaluations on working days in it."""
    today = timezone.localdate()
    start = working_day_on_or_after(today + timedelta(weeks=2))
    end = start + timedelta(weeks=16)
    return replace(
        _goal(version.parsed),
        starts_on=start,
        ends_on=end,
        midway_evaluation_on=working_day_on_or_after(start + timedelta(weeks=8)),
        final_evaluation_on=working_day_on_or_before(end),
    )


def _errors(content, version, previous=None):
    adjusts = {"previous": previous} if previous is not None else {}
    with pytest.raises(ValidationError) as caught:
        content.validate(version.agreement.request, **adjusts)
    return caught.value.message_dict


def test_a_new_agreement_starts_today_or_later_on_a_working_day(world):
    _agreement, version = _draft(world)
    good = _good(version)
    good.validate(version.agreement.request)
    today = timezone.localdate()
    past = working_day_on_or_before(today - timedelta(days=30))
    assert _errors(replace(good, starts_on=past), version)["starts_on"] == [
        f"Starten kan ikke ligge i fortiden: en ny aftale starter i dag ({today:%d.%m.%Y}) "
        "eller senere."
    ]
    # Long ago with a long period: told that it is in the past, not only about the length.
    errors = _errors(replace(good, starts_on=today - timedelta(days=700)), version)
    assert errors["starts_on"][0].startswith("Starten kan ikke ligge i fortiden")
    sunday = _weekday_after(good.starts_on, 6)
    assert _errors(replace(good, starts_on=sunday), version)["starts_on"] == [
        f"{sunday:%d.%m.%Y} er en weekenddag; vælg en arbejdsdag."
    ]
    # Today itself is fine when it is a working day (the midway one moved out of the way).
    if is_working_day(today):
        replace(good, starts_on=today).validate(version.agreement.request)


def test_evaluations_lie_on_working_days_inside_the_period_and_not_in_the_past(world):
    _agreement, version = _draft(world)
    good = _good(version)
    today = timezone.localdate()
    start, end = good.starts_on, good.ends_on

    def final_error(day):
        return _errors(replace(good, final_evaluation_on=day), version)["final_evaluation_on"]

    def midway_error(day):
        return _errors(replace(good, midway_evaluation_on=day), version)["midway_evaluation_on"]

    # The QA's draft: evaluations that have already passed.
    assert midway_error(today - timedelta(days=60)) == [
        "Midtvejsevalueringen kan ikke ligge i fortiden."
    ]
    assert final_error(today - timedelta(days=30)) == [
        "Slutevalueringen kan ikke ligge i fortiden."
    ]
    # A Saturday after the period, and a working day just after it: inside the period only.
    period = f"Slutevalueringen skal ligge i perioden ({start:%d.%m.%Y}-{end:%d.%m.%Y})."
    assert final_error(_weekday_after(end, 5)) == [period]
    assert final_error(working_day_on_or_after(end + timedelta(days=1))) == [period]
    assert midway_error(working_day_on_or_after(end + timedelta(days=1))) == [
        "Midtvejsevalueringen skal ligge i perioden."
    ]
    # A weekend or a holiday inside the period.
    saturday = _weekday_after(start, 5)
    while holiday_name(saturday):  # a Saturday that is only that (26 December is a holiday too)
        saturday += timedelta(weeks=1)
    assert final_error(saturday) == [f"{saturday:%d.%m.%Y} er en weekenddag; vælg en arbejdsdag."]
    assert midway_error(saturday) == [f"{saturday:%d.%m.%Y} er en weekenddag; vælg en arbejdsdag."]
    year = today.year if today < date(today.year, 12, 20) else today.year + 1
    boxing_day = date(year, 12, 26)
    around = replace(
        good,
        starts_on=working_day_on_or_after(max(today, boxing_day - timedelta(weeks=3))),
        ends_on=boxing_day + timedelta(weeks=6),
        midway_evaluation_on=None,
    )
    errors = _errors(replace(around, final_evaluation_on=boxing_day), version)
    assert errors["final_evaluation_on"] == [
        f"26.12.{year} er en helligdag ({holiday_name(boxing_day)}); vælg en arbejdsdag."
    ]
    # The midway one comes first.
    assert midway_error(good.final_evaluation_on) == [
        "Midtvejsevalueringen skal ligge før slutevalueringen "
        f"({good.final_evaluation_on:%d.%m.%Y})."
    ]


def test_the_edit_form_says_so_beside_each_field_and_keeps_the_rest(client, world):
    """The QA's draft: start 01.06 with evaluations 01.07 and 01.08 when today is later."""
    _agreement, version = _draft(world)
    client.force_login(world.pedagogist.user)
    url = reverse("agreement_edit", args=[version.pk])
    today = timezone.localdate()
    good = _good(version)
    start = today - timedelta(days=185)
    data = _edit_post(
        version,
        good,
        starts_on=start.isoformat(),
        midway_evaluation_on=(start + timedelta(days=30)).isoformat(),
        final_evaluation_on=(start + timedelta(days=61)).isoformat(),
        participants="Lene og to fra stuen",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["starts_on"][0].startswith("Starten kan ikke ligge i fortiden")
    assert form.errors["midway_evaluation_on"] == [
        "Midtvejsevalueringen kan ikke ligge i fortiden."
    ]
    assert form.errors["final_evaluation_on"] == ["Slutevalueringen kan ikke ligge i fortiden."]
    body = response.content.decode()
    assert "Lene og to fra stuen" in body and f'value="{start.isoformat()}"' in body
    version.refresh_from_db()
    assert version.parsed.starts_on != start  # nothing saved


def test_a_draft_saved_before_the_rule_is_not_sent_unchanged(client, world):
    _agreement, version = _draft(world)
    good = _good(version)
    saturday_after = _weekday_after(good.ends_on, 5)
    # Written straight to the row, as a draft saved before the rule was.
    AgreementVersion.objects.filter(pk=version.pk).update(
        content=replace(good, final_evaluation_on=saturday_after).to_json()
    )
    with pytest.raises(ValidationError) as caught:
        services.agreement_send_for_signature(actor=world.pedagogist.user, version_id=version.pk)
    assert list(caught.value.message_dict) == ["final_evaluation_on"]
    # The page's button gets a Danish message, not a server error, and the draft stays one.
    client.force_login(world.pedagogist.user)
    response = client.post(reverse("agreement_send", args=[version.pk]), follow=True)
    assert response.status_code == 200
    assert "Slutevalueringen skal ligge i perioden" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT and version.number is None
    # Mended, it goes.
    services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=good
    )
    services.agreement_send_for_signature(actor=world.pedagogist.user, version_id=version.pk)


def test_an_adjustment_keeps_the_days_that_have_passed_and_keeps_the_rules_for_new_ones(world):
    """A course that started eight weeks ago with its midway evaluation held: the adjustment
    keeps its start and the midway day, and is sent; moving a day into the past or onto a
    weekend is refused as for a new agreement."""
    today = timezone.localdate()
    start = working_day_on_or_before(today - timedelta(weeks=8))
    midway = working_day_on_or_before(today - timedelta(weeks=2))
    end = today + timedelta(weeks=8)
    agreement, _version = agreement_in_force(
        world,
        starts_on=start,
        ends_on=end,
        midway_evaluation_on=midway,
        final_evaluation_on=working_day_on_or_before(end),
    )
    draft = services.agreement_adjust(actor=world.pedagogist.user, agreement_id=agreement.pk)
    previous = agreement.versions.in_force().get().parsed
    adjusted = replace(draft.parsed, leadership_commitment="Lederen deltager i evalueringen.")
    services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=draft.pk, content=adjusted
    )
    moved = replace(adjusted, midway_evaluation_on=working_day_on_or_before(midway - timedelta(1)))
    assert _errors(moved, draft, previous)["midway_evaluation_on"] == [
        "Midtvejsevalueringen kan ikke ligge i fortiden."
    ]
    saturday = _weekday_after(today, 5)
    assert _errors(replace(adjusted, final_evaluation_on=saturday), draft, previous)[
        "final_evaluation_on"
    ] == [f"{saturday:%d.%m.%Y} er en weekenddag; vælg en arbejdsdag."]
    sent = services.agreement_send_for_signature(actor=world.pedagogist.user, version_id=draft.pk)
    assert (sent.number, sent.starts_on) == (2, start)
