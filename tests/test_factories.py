"""The factories build every state the tests ask for, through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest

from forloeb.hours import weeks
from forloeb.models import HourCategory, HourEntry, Phase, SheetStatus
from indsats.models import RequestStatus, VersionStatus
from tests import factories


@pytest.mark.parametrize("status", RequestStatus.values)
def test_a_request_in_every_status(world, status):
    req = factories.request_in(world, status)
    assert req.status == status
    assert req.events.exists() or status == RequestStatus.DRAFT


@pytest.mark.parametrize(
    "status", [VersionStatus.DRAFT, VersionStatus.SENT, VersionStatus.IN_FORCE]
)
def test_an_agreement_in_every_status_before_an_adjustment(world, status):
    agreement, version = factories.agreement_in(world, status)
    assert version.status == status and version.agreement == agreement


def test_a_course_and_a_submitted_week(world):
    course = factories.course(
        world,
        factories.request_in(
            world, "accepted", wished_start=weeks.this_monday() - timedelta(weeks=1)
        ),
    )
    assert course.phase == Phase.STARTUP
    sheet = factories.week(
        world, weeks.this_monday(), {(course.pk, HourCategory.PRACTICE): Decimal("6")}, submit=True
    )
    assert sheet.status == SheetStatus.SUBMITTED
    assert HourEntry.objects.get().hours == Decimal("6")
