"""Migration 0030 on data as the schema before it left it: a phase move's reason and unticked
items were only inside the event's sentence, in Danish or in English. The migration fills the
new fields from those sentences (items by their keys, a label with a comma of its own too), and
the course's history then shows them beside the phase change. Run through Django's migration
executor (back to 0029, then forward), on PostgreSQL as in production."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from forloeb.courses import services
from forloeb.models import CourseEvent, Phase
from tests.indsats.helpers import agreement_in_force

BEFORE = ("forloeb", "0029_course_history_names")
AFTER = ("forloeb", "0030_course_event_reason")
REASON = "Punkterne blev klaret på indsatsmødet."


def _migrate(target) -> None:
    # The rows made in this test's transaction have their foreign keys checked now: a table
    # with checks pending cannot be altered.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _old_event(course, actor, from_phase, to_phase, message) -> int:
    """An event as the code before 0030 wrote it (the new columns do not exist yet)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO forloeb_courseevent "
            "(course_id, actor_id, from_phase, to_phase, message, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            [course.pk, actor.pk, from_phase, to_phase, message, timezone.now()],
        )
        return cursor.fetchone()[0]


def test_old_phase_moves_get_their_reasons_and_items_from_their_sentences(client, postgres, world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    pedagogist, admin = world.pedagogist.user, world.administrator
    for phase in (Phase.STARTUP, Phase.PRACTICE):
        services.course_advance(
            actor=pedagogist, course_id=course.pk, expected_phase=phase, reason=REASON
        )
    services.course_set_phase(
        actor=admin, course_id=course.pk, phase="practice", reason="Forlænget på mødet."
    )
    _migrate(BEFORE)
    english = {
        "advance": _old_event(
            course,
            pedagogist,
            "practice",
            "follow_up",
            "Phase changed to follow-up. Not ticked: Practice in front, beside and behind the "
            "staff, The practice team takes part. Why: We ran out of time.",
        ),
        "moved": _old_event(
            course,
            admin,
            "follow_up",
            "practice",
            "The administration moved the course to the phase course. Why: Longer: two weeks.",
        ),
        "reopened": _old_event(
            course,
            admin,
            "closed",
            "follow_up",
            "The administration reopened the course in the phase follow-up. Why: Closed too early.",
        ),
        # A label no longer known: the startup items passed with the same reason are taken.
        "renamed": _old_event(
            course,
            pedagogist,
            "startup",
            "practice",
            f"Fase skiftet til forløb. Ikke afkrydset: Noget andet. Begrundelse: {REASON}",
        ),
        # Neither a label nor a reason to find the items by: the names as they were written.
        "unknown": _old_event(
            course,
            pedagogist,
            "startup",
            "practice",
            "Fase skiftet til forløb. Ikke afkrydset: Noget andet. Begrundelse: Andet.",
        ),
        "plain": _old_event(course, pedagogist, "startup", "practice", "Fase skiftet til forløb."),
        "ticked": _old_event(course, pedagogist, "", "", "Afkrydset: Koordinering"),
    }

    _migrate(AFTER)

    def fields(pk):
        event = CourseEvent.objects.get(pk=pk)
        return event.reason, event.unticked_items

    danish = list(course.events.exclude(from_phase="").order_by("pk")[:3])
    assert [(e.reason, e.unticked_items) for e in danish] == [
        (REASON, ["coordination", "contracting", "leadership_startup"]),
        (REASON, ["practice_roles", "reflections", "practice_team"]),
        ("Forlænget på mødet.", []),
    ]
    assert fields(english["advance"]) == (
        "We ran out of time.",
        ["practice_roles", "practice_team"],
    )
    assert fields(english["moved"]) == ("Longer: two weeks.", [])
    assert fields(english["reopened"]) == ("Closed too early.", [])
    assert fields(english["renamed"]) == (
        REASON,
        ["coordination", "contracting", "leadership_startup"],
    )
    assert fields(english["unknown"]) == ("Andet.", ["Noget andet"])
    assert fields(english["plain"]) == ("", [])
    assert fields(english["ticked"]) == ("", [])

    # The history page shows the old moves' reasons from the fields now.
    client.force_login(admin)
    body = client.get(reverse("course_history", args=[course.pk])).content.decode()
    at = body.index("Forlænget på mødet.")
    row = body[body.rindex("<tr>", 0, at) : body.index("</tr>", at)]
    assert "<strong>Begrundelse</strong>" in row and "Opfølgning</del>" in row
    assert "Praksis foran, ved siden af og bagved personalet, Løbende refleksioner" in body
