"""Retention of a visitation meeting's general minutes: free text that may name the children of
its cases, so it goes with them, once every case on its agenda has been anonymised and the
meeting lies the support period back; in the row and in its history."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    SupportApplication,
    SupportStatus,
    VisitationMeeting,
)
from indsats.support import services as support_services
from institutioner.retention import services as retention
from tests.indsats.support.helpers import CHILD, make_application

pytestmark = pytest.mark.usefixtures("postgres")

MINUTES = f"{CHILD}s sag blev drøftet; PPR deltog."


def _meeting(world, *, years_ago: float, cases=()) -> VisitationMeeting:
    when = timezone.now() - timedelta(days=int(years_ago * 366))
    meeting = VisitationMeeting.objects.create(
        starts_at=when,
        ends_at=when + timedelta(hours=2),
        place="Rådhuset",
        application_deadline=when.date(),
        created_by=world.administrator,
    )
    meeting.minutes = MINUTES
    meeting._change_reason = f"Referat om {CHILD}"
    meeting.save()  # a second copy in the history, with the text and its change reason
    for application in cases:
        AgendaItem.objects.create(
            meeting=meeting, application=application, status=AgendaItemStatus.MOVED
        )
    return meeting


def _text(meeting: VisitationMeeting) -> str:
    rows = [
        VisitationMeeting.objects.filter(pk=meeting.pk),
        VisitationMeeting.history.filter(id=meeting.pk),
    ]
    return json.dumps([list(qs.values()) for qs in rows], default=str, ensure_ascii=False)


def _withdrawn_long_ago(world) -> SupportApplication:
    application = make_application(world, submit=True)
    support_services.support_withdraw(actor=world.leader, application_id=application.pk)
    long_ago = timezone.now() - timedelta(days=6 * 366)
    SupportApplication.objects.filter(pk=application.pk).update(updated_at=long_ago)
    return application


def test_the_minutes_go_once_every_case_on_the_agenda_is_anonymised(
    world, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_SUPPORT_YEARS = 5
    gone = _withdrawn_long_ago(world)
    all_gone = _meeting(world, years_ago=6, cases=[gone, _withdrawn_long_ago(world)])
    empty = _meeting(world, years_ago=6)  # no case was ever on it
    running = make_application(world, submit=True)  # a case still open: its minutes stay
    one_kept = _meeting(world, years_ago=6, cases=[_withdrawn_long_ago(world), running])
    assert CHILD in _text(all_gone)

    with django_capture_on_commit_callbacks(execute=True):
        reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["ended-support-applications"].done == 3
    assert reports["visitation-meeting-minutes"].done == 2
    for meeting in (all_gone, empty):
        assert CHILD not in _text(meeting)
        meeting.refresh_from_db()
        assert meeting.minutes == retention.ANONYMISED
        assert meeting.anonymised_at is not None
        assert meeting.place == "Rådhuset"
        assert VisitationMeeting.history.filter(id=meeting.pk).count() == 2
    assert CHILD in _text(one_kept)
    one_kept.refresh_from_db()
    assert one_kept.minutes == MINUTES and one_kept.anonymised_at is None
    again = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert again["visitation-meeting-minutes"].count == 0


def test_a_recent_meeting_keeps_its_minutes_even_when_its_cases_are_gone(world, settings):
    settings.RETENTION_SUPPORT_YEARS = 5
    application = make_application(world, submit=True)
    SupportApplication.objects.filter(pk=application.pk).update(
        status=SupportStatus.WITHDRAWN, anonymised_at=timezone.now()
    )
    recent = _meeting(world, years_ago=4, cases=[application])
    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert reports["visitation-meeting-minutes"].count == 0
    recent.refresh_from_db()
    assert recent.minutes == MINUTES
