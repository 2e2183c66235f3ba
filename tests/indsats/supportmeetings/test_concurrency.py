"""Two committee members saving the same decision at once give one decision (PostgreSQL)."""

import threading

from django.db import connection

from indsats.models import AgendaItem, SupportDecision, SupportEvent, SupportEventKind
from tests.indsats.supportmeetings.helpers import begin, grant, make_application, plan


def test_two_members_deciding_at_once_give_one_decision(
    postgres, transactional_db, world, consultant
):
    app = make_application(world)
    begin(plan(world, members=[consultant, world.administrator]))
    item = AgendaItem.objects.get(application=app)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def decide(outcome):
        try:
            barrier.wait()
            grant(world, item, outcome=outcome, reasons=f"Afgjort: {outcome}.")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(o,)) for o in ("granted", "rejected")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert SupportDecision.objects.filter(agenda_item=item).count() == 1
    assert len(errors) == 1 and "allerede afgjort" in str(errors[0])
    assert SupportEvent.objects.filter(application=app, kind=SupportEventKind.DECIDED).count() == 1
