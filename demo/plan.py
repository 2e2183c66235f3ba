"""The demo's plan: absence that takes practice days away, with the leaders told.

Loaded last, after the reminders have marked the older messages read, so the demo leader finds
the absence messages unread under the bell.
"""

from datetime import time, timedelta

from django.utils import timezone

from forloeb.models import AbsenceKind, AbsenceRepeat
from forloeb.plan import selectors, services
from forloeb.plan.services import AbsenceInput
from institutioner.models import Pedagogist, User


def demo_plan() -> None:
    """- Sofie (paedagog@demo.dk) has a training day every other week on one of her practice
      days, as the seeds' pedagogists had their days at the university college;
    - another pedagogist is ill today (recorded by the administration) and on holiday for a
      week in three weeks; a course afternoon of a third was recorded and then cancelled."""
    admin = User.objects.get(email="forvaltning@demo.dk")
    today = timezone.localdate()
    next_monday = today + timedelta(days=7 - today.weekday())
    sofie = Pedagogist.objects.filter(user__email="paedagog@demo.dk").first()
    if sofie is not None:
        days = selectors.practice_days(
            pedagogist_ids=[sofie.pk], first=next_monday, last=next_monday + timedelta(days=13)
        )
        if days:
            first = days[0].day
            services.absence_record(
                actor=sofie.user,
                pedagogist_id=sofie.pk,
                data=AbsenceInput(
                    kind=AbsenceKind.TRAINING_DAY,
                    starts_on=first,
                    ends_on=first,
                    repeat=AbsenceRepeat.FORTNIGHTLY,
                    repeat_until=first + timedelta(weeks=6),
                    note="Vejlederuddannelsen, modul 2",
                ),
            )
    others = list(
        Pedagogist.objects.exclude(user__email="paedagog@demo.dk").order_by("user__name")[:2]
    )
    if others:
        ill = others[0]
        services.absence_record(
            actor=admin,
            pedagogist_id=ill.pk,
            data=AbsenceInput(kind=AbsenceKind.ILLNESS, starts_on=today, ends_on=today),
        )
        holiday = next_monday + timedelta(weeks=2)
        services.absence_record(
            actor=ill.user,
            pedagogist_id=ill.pk,
            data=AbsenceInput(
                kind=AbsenceKind.HOLIDAY, starts_on=holiday, ends_on=holiday + timedelta(days=4)
            ),
        )
    if len(others) > 1:
        course_day = next_monday + timedelta(days=2)
        absence = services.absence_record(
            actor=others[1].user,
            pedagogist_id=others[1].pk,
            data=AbsenceInput(
                kind=AbsenceKind.COURSE,
                starts_on=course_day,
                ends_on=course_day,
                time_from=time(12),
                time_to=time(16),
                note="Temadag om sprogvurdering",
            ),
        )
        services.absence_cancel(actor=others[1].user, absence_id=absence.pk)
