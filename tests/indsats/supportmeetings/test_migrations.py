"""Migration 0019 on data as the code before 0016 left it: agenda items taken off for a question
said "removed", as withdrawn ones do. Run through Django's migration executor (back to 0018,
then forward), on PostgreSQL as in production."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indsats.models import AgendaItem, AgendaItemStatus
from indsats.support import services as support
from tests.indsats.support.helpers import make_application
from tests.indsats.supportmeetings.helpers import plan

BEFORE = ("indsats", "0018_child_fields_cpr_message")
AFTER = ("indsats", "0019_agenda_items_taken_off_for_a_question")


def _migrate(target) -> None:
    # The rows made in this test's transaction have their foreign keys checked now: a table
    # with checks pending cannot be altered (going back past 0026 drops a column of the
    # meetings' table).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _status(item) -> str:
    return AgendaItem.objects.get(pk=item.pk).status


def test_items_taken_off_for_a_question_say_so_after_the_migration(postgres, world):
    plan(world)
    asked, withdrawn, both = (make_application(world, submit=True) for _ in range(3))
    item_of = {app.pk: AgendaItem.objects.get(application=app) for app in (asked, withdrawn, both)}
    admin, leader = world.administrator, world.leader
    support.support_ask(actor=admin, application_id=asked.pk, question="Hvor mange timer?")
    support.support_withdraw(actor=leader, application_id=withdrawn.pk, reason="Flytter.")
    # Asked, answered (back on the agenda), then withdrawn: the first item was taken off by the
    # question, the second by the withdrawal.
    support.support_ask(actor=admin, application_id=both.pk, question="Hvilke mål?")
    support.support_answer(actor=leader, application_id=both.pk, answer="Sproget.")
    second = AgendaItem.objects.get(application=both, status=AgendaItemStatus.WAITING)
    support.support_withdraw(actor=leader, application_id=both.pk, reason="Flytter.")
    # What the code before 0016 wrote for the items taken off by a question.
    _migrate(BEFORE)
    AgendaItem.objects.filter(status=AgendaItemStatus.AWAITING_INFO).update(
        status=AgendaItemStatus.REMOVED
    )
    assert AgendaItem.objects.filter(status=AgendaItemStatus.REMOVED).count() == 4

    _migrate(AFTER)

    assert _status(item_of[asked.pk]) == AgendaItemStatus.AWAITING_INFO
    assert _status(item_of[withdrawn.pk]) == AgendaItemStatus.REMOVED
    assert _status(item_of[both.pk]) == AgendaItemStatus.AWAITING_INFO
    assert _status(second) == AgendaItemStatus.REMOVED


def test_a_deadline_on_the_meeting_day_moves_to_the_day_before(postgres, world):
    from datetime import timedelta

    from django.utils import timezone

    from indsats.models import VisitationMeeting, VisitationMeetingStatus

    on_the_day = plan(world, days=14)
    fine = plan(world, days=21, deadline_days=10)
    cancelled = plan(world, days=28)
    past = plan(world, days=35)
    # As the planning form allowed before: the deadline on the meeting's day.
    _migrate(("indsats", "0019_agenda_items_taken_off_for_a_question"))
    for meeting in (on_the_day, cancelled, past):
        VisitationMeeting.objects.filter(pk=meeting.pk).update(
            application_deadline=timezone.localtime(meeting.starts_at).date()
        )
    VisitationMeeting.objects.filter(pk=cancelled.pk).update(
        status=VisitationMeetingStatus.CANCELLED
    )
    VisitationMeeting.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2)
    )
    # The columns this migration knows (the model has later ones).
    before = dict(VisitationMeeting.objects.values_list("pk", "application_deadline"))

    _migrate(("indsats", "0020_meeting_deadlines_before_the_meeting_day"))

    after = dict(VisitationMeeting.objects.values_list("pk", "application_deadline"))
    day = timezone.localtime(on_the_day.starts_at).date()
    assert after[on_the_day.pk] == day - timedelta(days=1)
    assert {pk: after[pk] for pk in (fine.pk, cancelled.pk, past.pk)} == {
        pk: before[pk] for pk in (fine.pk, cancelled.pk, past.pk)
    }
