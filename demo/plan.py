"""The demo's plan: absence that takes practice days away, with the leaders told.

Loaded last, after the reminders have marked the older messages read, so the demo leader finds
the absence messages unread under the bell.
"""

from datetime import time, timedelta

from django.utils import timezone

from forloeb.models import AbsenceKind, AbsenceRepeat
from forloeb.plan import selectors, services
from forloeb.plan.services import AbsenceInput, ChangeInput
from institutioner.models import Pedagogist, User
from institutioner.workdays import working_day_on_or_after, working_day_on_or_before


def _demo_changes(sofie: Pedagogist, days: list[selectors.PracticeDay]) -> None:
    """On Sofie's course: a day cancelled, a day moved to the afternoon of the next day, and
    the leader's proposal of an extra day waiting for Sofie's answer."""
    from forloeb.models import Course, PlanChangeKind
    from institutioner.workdays import is_working_day

    with_course = [p for p in days[1:] if p.course_id is not None]
    if not with_course:
        return
    course_id = with_course[0].course_id
    assert course_id is not None
    course = Course.objects.select_related("agreement__request").get(pk=course_id)
    own = [p for p in with_course if p.course_id == course.pk]
    if len(own) < 2:
        return
    ordinary = {p.day for p in days if p.course_id == course.pk}
    services.plan_change_make(
        actor=sofie.user,
        course_id=course.pk,
        data=ChangeInput(
            kind=PlanChangeKind.CANCEL, day=own[0].day, reason="Teammøde i forvaltningen"
        ),
    )
    moved = own[1]
    target = moved.day + timedelta(days=1)
    while not is_working_day(target) or target in ordinary:
        target += timedelta(days=1)
    services.plan_change_make(
        actor=sofie.user,
        course_id=course.pk,
        data=ChangeInput(
            kind=PlanChangeKind.MOVE,
            day=moved.day,
            new_day=target,
            new_time_from=time(12, 30),
            new_time_to=time(15, 30),
            reason="Stuen holder forældrekaffe om formiddagen",
        ),
    )
    extra = target + timedelta(days=1)
    while not is_working_day(extra) or extra in ordinary:
        extra += timedelta(days=1)
    leader = User.objects.get(email="leder@demo.dk")
    services.plan_change_make(
        actor=leader,
        course_id=course.pk,
        proposal=True,
        data=ChangeInput(
            kind=PlanChangeKind.EXTRA, new_day=extra, reason="Pædagogisk dag om overgange"
        ),
    )


def _demo_feeds() -> None:
    """Subscription addresses on the demo users' Kalenderabonnementer pages: the pedagogist's
    own plan, the leader's plan and her first institution's, the administration's shared one."""
    from forloeb.models import FeedScope

    for email, scope in (
        ("paedagog@demo.dk", FeedScope.PERSONAL),
        ("leder@demo.dk", FeedScope.PERSONAL),
        ("forvaltning@demo.dk", FeedScope.AREA),
    ):
        user = User.objects.filter(email=email).first()
        if user is not None:
            services.calendar_feed_make(actor=user, scope=scope, institution_id=None)
    leader = User.objects.filter(email="leder@demo.dk").first()
    institution = leader.institutions.order_by("name").first() if leader else None
    if leader is not None and institution is not None:
        services.calendar_feed_make(
            actor=leader, scope=FeedScope.INSTITUTION, institution_id=institution.pk
        )


def demo_plan() -> None:
    """- Sofie (paedagog@demo.dk) has a training day every other week on one of her practice
      days, as the seeds' pedagogists had their days at the university college;
    - another pedagogist is ill today (recorded by the administration) and on holiday for a
      week in three weeks; a course afternoon of a third was recorded and then cancelled;
    - Sofie's course has a cancelled and a moved practice day, and the demo leader's proposal
      of an extra day waits for Sofie."""
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
            _demo_changes(sofie, days)
    others = list(
        Pedagogist.objects.exclude(user__email="paedagog@demo.dk").order_by("user__name")[:2]
    )
    if others:
        ill = others[0]
        services.absence_record(
            actor=admin,
            pedagogist_id=ill.pk,
            # Ill today, or on the last working day when the demo is loaded on a weekend or a
            # holiday (an absence on no working day is refused).
            data=AbsenceInput(
                kind=AbsenceKind.ILLNESS,
                starts_on=working_day_on_or_before(today),
                ends_on=working_day_on_or_before(today),
            ),
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
        course_day = working_day_on_or_after(next_monday + timedelta(days=2))
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
    _demo_feeds()
