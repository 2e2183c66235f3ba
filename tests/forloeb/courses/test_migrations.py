"""Migration 0026 on data as the schema before it left it: completed evaluations without the day
they were held get the Copenhagen calendar day they were recorded, their history rows too, and
planned ones none. Run through Django's migration executor (back to 0025, then forward), on
PostgreSQL as in production."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from forloeb.courses import services
from forloeb.models import EvaluationKind
from tests.forloeb.courses.conftest import _complete, working_day
from tests.indsats.helpers import agreement_in_force

BEFORE = ("forloeb", "0025_evaluation_updated_at")
AFTER = ("forloeb", "0026_evaluation_held_on")


def _migrate(target) -> None:
    # The rows made in this test's transaction have their foreign keys checked now: a table
    # with checks pending cannot be altered.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_evaluations_recorded_before_get_the_day_they_were_recorded(postgres, world):
    from django.utils import timezone

    agreement, _version = agreement_in_force(
        world, starts_on=timezone.localdate() - timedelta(days=21)
    )
    course = agreement.course
    late = _complete(world, course.evaluations.get(kind=EvaluationKind.FINAL))
    planned_pk = services.evaluation_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        due_on=working_day(timezone.localdate() - timedelta(days=1)),
    ).pk
    _migrate(BEFORE)
    # Recorded at 23:30 UTC on 2 March: 00:30 on 3 March in Copenhagen.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE forloeb_evaluation SET completed_at = %s WHERE id = %s",
            [datetime(2026, 3, 2, 23, 30, tzinfo=UTC), late.pk],
        )
        cursor.execute(
            "UPDATE forloeb_historicalevaluation SET completed_at = %s "
            "WHERE id = %s AND status = 'completed'",
            [datetime(2026, 3, 2, 23, 30, tzinfo=UTC), late.pk],
        )

    _migrate(AFTER)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, held_on FROM forloeb_evaluation WHERE course_id = %s", [course.pk]
        )
        held = dict(cursor.fetchall())
        cursor.execute(
            "SELECT DISTINCT held_on FROM forloeb_historicalevaluation "
            "WHERE id = %s AND status = 'completed'",
            [late.pk],
        )
        history = [row[0] for row in cursor.fetchall()]
    assert held[late.pk].isoformat() == "2026-03-03"
    assert held[planned_pk] is None
    assert [day.isoformat() for day in history] == ["2026-03-03"]
