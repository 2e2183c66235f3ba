"""Making data old: a case moved back in time with every date in it, as if it happened then.

The database refuses changes to signed versions and approved weeks, so the move runs with
PostgreSQL's triggers switched off for the session (`session_replication_role = replica`, which
the test database's superuser may set) and on again at once.
"""

import contextlib
from datetime import timedelta

from django.db import connection
from django.db.models import F

from forloeb.models import Course, CourseEvent, CourseNote, Evaluation, HourEntry, WeekSheet
from indsats.models import (
    Agreement,
    AgreementVersion,
    IntakeMeeting,
    InterventionRequest,
    RequestEvent,
    Signature,
)


@contextlib.contextmanager
def triggers_off():
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def _shift(queryset, shift: timedelta, *names: str) -> None:
    queryset.update(**{name: F(name) - shift for name in names})


def request_back(request_id: int, shift: timedelta) -> None:
    with triggers_off():
        _shift(
            InterventionRequest.objects.filter(pk=request_id),
            shift,
            "created_at",
            "updated_at",
            "submitted_at",
            "decided_at",
            "wished_start",
        )
        _shift(RequestEvent.objects.filter(request_id=request_id), shift, "created_at")
        _shift(IntakeMeeting.objects.filter(request_id=request_id), shift, "starts_at", "ends_at")
        agreements = Agreement.objects.filter(request_id=request_id)
        _shift(agreements, shift, "created_at", "ended_on")
        versions = AgreementVersion.objects.filter(agreement__in=agreements)
        _shift(
            versions,
            shift,
            "created_at",
            "updated_at",
            "sent_at",
            "in_force_at",
            "superseded_at",
            "starts_on",
            "ends_on",
        )
        _shift(Signature.objects.filter(version__in=versions), shift, "signed_at")
        courses = Course.objects.filter(agreement__in=agreements)
        _shift(courses, shift, "started_at", "closed_at")
        _shift(CourseEvent.objects.filter(course__in=courses), shift, "created_at")
        _shift(CourseNote.objects.filter(course__in=courses), shift, "day", "created_at")
        _shift(Evaluation.objects.filter(course__in=courses), shift, "due_on", "completed_at")
        sheets = WeekSheet.objects.filter(entries__course__in=courses).distinct()
        _shift(
            WeekSheet.objects.filter(pk__in=list(sheets.values_list("pk", flat=True))),
            shift,
            "week_start",
            "created_at",
            "updated_at",
            "submitted_at",
        )
        # Old weeks are approved long since (and so frozen by the database).
        WeekSheet.objects.filter(entries__course__in=courses).update(
            status="approved", approved_at=F("submitted_at")
        )
        assert not courses.exists() or HourEntry.objects.filter(course__in=courses).exists()
