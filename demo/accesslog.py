"""The demo's access log and access request: a newcomer opens Opslagslog and finds a month of
look-ups, sees who looked at her things as the demo leader, and finds one finished indsigt."""

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from forloeb.models import Course
from indsats.models import Agreement, InterventionRequest
from institutioner.accesslog.services import access_log_record
from institutioner.accessrequests.build import access_request_build
from institutioner.models import (
    AccessAction,
    AccessLogEntry,
    AccessRequest,
    Pedagogist,
    User,
)


def demo_access_log() -> None:
    """About 150 rows over the last 30 days: the administration and the pedagogist opening the
    demo leader's requests, agreements and courses, the administration looking at the demo
    pedagogist's weeks, searches and exports. Written as the pages would write them."""
    rng = random.Random(16)  # noqa: S311 - demo data, not secrets
    admin = User.objects.get(email="forvaltning@demo.dk")
    leader = User.objects.get(email="leder@demo.dk")
    pedagogist = Pedagogist.objects.get(user__email="paedagog@demo.dk")
    requests = list(InterventionRequest.objects.filter(created_by=leader).order_by("pk"))
    agreements = list(Agreement.objects.filter(request__created_by=leader).order_by("pk"))
    courses = list(Course.objects.filter(agreement__in=agreements).order_by("pk"))
    kinds: list[tuple[User, str, str, list[Any], Callable[[Any], list[int]]]] = [
        (admin, "triage_detail", AccessAction.VIEW, requests, lambda obj: [obj.created_by_id]),
        (admin, "request_detail", AccessAction.VIEW, requests, lambda obj: [obj.created_by_id]),
        (
            pedagogist.user,
            "agreement_detail",
            AccessAction.VIEW,
            agreements,
            lambda obj: [obj.request.created_by_id],
        ),
        (
            pedagogist.user,
            "course_detail",
            AccessAction.VIEW,
            courses,
            lambda obj: [obj.agreement.request.created_by_id],
        ),
        (
            admin,
            "week_sheet_of",
            AccessAction.VIEW,
            [pedagogist],
            lambda obj: [obj.user_id],
        ),
    ]
    now = timezone.now()
    rows = []
    for _n in range(120):
        user, url_name, action, objects, concerns = rng.choice(kinds)
        if not objects:
            continue
        obj = rng.choice(objects)
        year, week, _day = (now - timedelta(days=rng.randint(0, 60))).isocalendar()
        rows.append(
            AccessLogEntry(
                user=user,
                at=now - timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 600)),
                action=action,
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                concerns=concerns(obj),
                query=f"year={year}; week={week}" if url_name == "week_sheet_of" else "",
                client_address=f"10.20.0.{rng.randint(2, 250)}",
                url_name=url_name,
            )
        )
    for _n in range(30):
        url_name, action, query = rng.choice(
            [
                ("course_list", AccessAction.SEARCH, "phase=practice"),
                ("triage_queue", AccessAction.SEARCH, ""),
                ("hours_export", AccessAction.EXPORT, "fmt=csv; from=2026-09-01"),
                ("dashboard_pedagogists", AccessAction.SEARCH, "district=1"),
            ]
        )
        rows.append(
            AccessLogEntry(
                user=admin,
                at=now - timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 600)),
                action=action,
                query=query,
                client_address="10.20.0.7",
                url_name=url_name,
            )
        )
    AccessLogEntry.objects.bulk_create(rows)


def demo_access_request() -> None:
    """One finished access request: the demo leader asked what the system holds about her; and
    one from two months ago, past `RETENTION_EXPORT_DAYS`, for the nightly run to delete."""
    admin = User.objects.get(email="forvaltning@demo.dk")
    leader = User.objects.get(email="leder@demo.dk")
    made = AccessRequest.objects.create(
        subject=leader, requested_by=admin, requested_at=timezone.now() - timedelta(days=2)
    )
    access_log_record(
        user=admin,
        action=AccessAction.EXPORT,
        obj=made,
        concerns=[leader.pk],
        query=f"person={leader.pk}",
        client_address_value="10.20.0.7",
        url_name="access_request_create",
    )
    access_request_build(request_id=made.pk)
    two_months_ago = timezone.now() - timedelta(days=60)
    old = AccessRequest.objects.create(
        subject=leader, requested_by=admin, requested_at=two_months_ago
    )
    access_request_build(request_id=old.pk)
    # Made back then too: retention counts from when the file was made.
    AccessRequest.objects.filter(pk=old.pk).update(
        started_at=two_months_ago, finished_at=two_months_ago
    )
