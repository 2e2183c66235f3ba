"""Helpers of the follow-ups' tests: a course closed some days ago."""

from datetime import timedelta

from django.utils import timezone

from forloeb.courses import services as courses
from forloeb.models import Course, Phase
from institutioner.models import Notification


def closed_course(world, *, days_ago: int):
    from tests.indsats.helpers import agreement_in_force

    agreement, _version = agreement_in_force(world)
    course = agreement.course
    courses.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.CLOSED, reason="Afsluttet."
    )
    Course.objects.filter(pk=course.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    Notification.objects.all().delete()  # the messages of getting here are not under test
    course.refresh_from_db()
    return course
