"""Retention of closed courses: `RETENTION_CLOSED_COURSE_YEARS` after closing, a course, its
agreement (every version) and its request are anonymised. Registered from ForloebConfig.ready()."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from forloeb.courses import services
from forloeb.models import Course, Phase
from institutioner.retention.registry import ANONYMISE, RetentionStep, register


def closed_courses(*, before: datetime) -> QuerySet:
    return (
        Course.objects.filter(phase=Phase.CLOSED, closed_at__lt=before, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _anonymise(ids, *, before: datetime) -> int:
    return sum(services.course_anonymise(course_id=pk, before=before) for pk in ids)


register(
    RetentionStep(
        name="closed-courses",
        label=_("Closed courses with their agreements, evaluations, logbooks and requests"),
        action=ANONYMISE,
        period_setting="RETENTION_CLOSED_COURSE_YEARS",
        find=closed_courses,
        apply=_anonymise,
        order=10,
    ),
)
