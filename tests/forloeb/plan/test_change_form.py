"""The form that changes (or proposes a change to) a practice day (testers on the demo): each
field says which kinds use it, for the page's script to show only those; without the script the
server names the field to fill, under that field; a course whose agreement's period has ended is
not offered the form; the plan's time ranges use the en dash."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forloeb.models import PlanChange, PlanChangeKind
from forloeb.plan import services
from forloeb.plan.services import ChangeInput
from institutioner.errors import StateError
from institutioner.models import Notification, NotificationKind
from tests.forloeb.plan.helpers import agreement, christmas_year


def _wednesday() -> date:
    day = date(christmas_year(), 12, 9)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def _post(client, course, **fields):
    data = {"plan-reason": "Personalemøde"}
    data.update({f"plan-{name}": value for name, value in fields.items()})
    return client.post(reverse("plan_change_create", args=[course.pk]), data)


def test_each_field_says_which_kinds_use_it_and_the_page_loads_the_script(client, world):
    ag, _version = agreement(world, weekdays=(2,))
    for person in (world.pedagogist.user, world.leader):
        client.force_login(person)
        page = client.get(reverse("course_detail", args=[ag.course.pk])).content.decode()
        assert "js/shown-by-choice.js" in page and "plan-change-form" in page
        assert 'name="plan-day"' in page and 'data-for-kinds="cancel move"' in page
        assert page.count('data-for-kinds="move extra"') == 3  # the new day and its times
        # The reason and the kind are always shown.
        assert page.count("data-for-kinds") == 4
    page = client.get(reverse("plan_change_create", args=[ag.course.pk])).content.decode()
    assert "js/shown-by-choice.js" in page and 'data-for-kinds="cancel move"' in page


def test_a_field_the_kind_needs_is_named_under_it(client, world):
    ag, _version = agreement(world, weekdays=(2,))
    wednesday = _wednesday()
    client.force_login(world.leader)
    # The testers' case: an extra day with only "Praksisdag" filled.
    response = _post(client, ag.course, kind=PlanChangeKind.EXTRA, day=wednesday.isoformat())
    errors = response.context["form"].errors
    assert list(errors) == ["new_day"]
    assert "Ny dag" in errors["new_day"][0] and "Praksisdag" in errors["new_day"][0]
    response = _post(client, ag.course, kind=PlanChangeKind.EXTRA)
    errors = response.context["form"].errors
    assert list(errors) == ["new_day"] and "Ny dag" in errors["new_day"][0]
    for kind in (PlanChangeKind.CANCEL, PlanChangeKind.MOVE):
        errors = _post(client, ag.course, kind=kind).context["form"].errors
        assert "Praksisdag" in errors["day"][0]
        if kind == PlanChangeKind.MOVE:
            assert "Ny dag" in errors["new_day"][0]
    # A time needs both ends: the one missing is named, under itself.
    common = {"kind": PlanChangeKind.MOVE, "day": wednesday.isoformat()}
    common["new_day"] = (wednesday + timedelta(days=1)).isoformat()
    errors = _post(client, ag.course, new_time_from="13:00", **common).context["form"].errors
    assert list(errors) == ["new_time_to"] and "Til" in errors["new_time_to"][0]
    errors = _post(client, ag.course, new_time_to="15:00", **common).context["form"].errors
    assert list(errors) == ["new_time_from"] and "Fra" in errors["new_time_from"][0]
    assert not PlanChange.objects.exists()


@pytest.fixture
def after_the_period(monkeypatch):
    """Today is a day after the helper's agreements end (30 April)."""
    real = timezone.localdate
    later = date(christmas_year() + 1, 5, 12)

    def localdate(value=None, timezone=None):
        return real(value, timezone) if value is not None else later

    def use():
        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    return use


def test_an_agreement_whose_period_has_ended_offers_no_form(client, world, after_the_period):
    ag, _version = agreement(world, weekdays=(2,))
    url = reverse("course_detail", args=[ag.course.pk])
    client.force_login(world.pedagogist.user)
    assert 'name="plan-kind"' in client.get(url).content.decode()
    after_the_period()
    for person in (world.pedagogist.user, world.leader):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert 'name="plan-kind"' not in page and "shown-by-choice.js" not in page
        assert "30. april" in page and "ingen praksisdage tilbage" in page
        # The form's own page and a sent form say the same, and change nothing.
        response = client.get(reverse("plan_change_create", args=[ag.course.pk]), follow=True)
        assert "ingen praksisdage tilbage" in response.content.decode()
        day = date(christmas_year() + 1, 5, 13)
        response = client.post(
            reverse("plan_change_create", args=[ag.course.pk]),
            {"plan-kind": PlanChangeKind.EXTRA, "plan-new_day": day, "plan-reason": "Ekstra"},
            follow=True,
        )
        assert "ingen praksisdage tilbage" in response.content.decode()
    with pytest.raises(StateError):
        services.plan_change_make(
            actor=world.pedagogist.user,
            course_id=ag.course.pk,
            data=ChangeInput(kind=PlanChangeKind.EXTRA, new_day=day, reason="Ekstra"),
        )
    assert not PlanChange.objects.exists()


def test_the_plans_time_ranges_use_the_en_dash(client, world):
    ag, _version = agreement(world, weekdays=(2,))
    wednesday = _wednesday()
    for day, kind in ((wednesday, PlanChangeKind.MOVE), (wednesday + timedelta(weeks=1), None)):
        services.plan_change_make(
            actor=world.pedagogist.user,
            course_id=ag.course.pk,
            data=ChangeInput(
                kind=kind or PlanChangeKind.MOVE,
                day=day,
                new_day=day if kind else day + timedelta(days=1),
                new_time_from=time(12, 30),
                new_time_to=time(15, 30),
                reason="Forældremøde",
            ),
        )
    client.force_login(world.leader)
    page = client.get(reverse("course_detail", args=[ag.course.pk])).content.decode()
    assert page.count("12:30–15:30") == 2 and "12:30-15:30" not in page
    for note in Notification.objects.filter(kind=NotificationKind.PLAN_CHANGE):
        assert "12:30–15:30" in note.body_text and "12:30-15:30" not in note.body_text
