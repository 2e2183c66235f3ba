"""Two people with data: the world's leader (and her pedagogist), and the outsider leader with a
request, a pedagogist and look-ups of his own. An access request about one must show nothing of
the other."""

import io
import json
import uuid
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from forloeb.hours import weeks
from forloeb.models import HourCategory
from indsats.models import InterventionRequest
from indsats.requests import services as requests_services
from institutioner.models import AccessAction, AccessLogEntry
from tests import factories
from tests.indsats.helpers import (
    accept,
    agreement_in_force,
    make_request,
    plan_meeting,
    request_data,
)

OTTO_NEED = "Ottos egen beskrivelse af uro i Ræven"
OLE_NOTE = "Oles uge med ekstra sparring"
OTTO_SEARCH = "q=otto-soegning"
PAULA_ABSENCE = "Paulas tandlæge"
OLE_ABSENCE = "Oles kursus i Vejle"


@pytest.fixture
def people(world):
    w = world
    # Lene's case: a request that became a course, with a meeting and notifications.
    w.request = make_request(w, submit=True, need="Lenes behov: ro i overgangene")
    accept(w, w.request)
    w.meeting = plan_meeting(w, w.request)
    w.agreement, w.version = agreement_in_force(w, w.request)
    w.course = w.agreement.course
    # Paula's week on the course.
    factories.week(
        w,
        weeks.this_monday() - timedelta(days=7),
        {(None, HourCategory.MEETING): Decimal("6.5")},
        submit=True,
        note="Paulas uge",
    )
    # Otto's own request, and Ole's week.
    data = request_data(
        w,
        institution=w.outsider_institution,
        group=w.outsider_institution.groups.get(name="Ræven"),
        need=OTTO_NEED,
        contact_name="Otto Udenfor",
        contact_email="otto@example.dk",
    )
    w.otto_request, _ = requests_services.request_create(
        actor=w.outsider, data=data, client_token=uuid.uuid4()
    )
    from forloeb.hours import services as hours_services

    hours_services.week_save(
        actor=w.outsider_pedagogist.user,
        pedagogist=w.outsider_pedagogist,
        monday=weeks.this_monday() - timedelta(days=7),
        values={(None, HourCategory.SPARRING): Decimal("1.5")},
        note=OLE_NOTE,
    )
    # Paula's and Ole's planned absence, with their notes.
    from forloeb.models import AbsenceKind
    from forloeb.plan import services as plan_services
    from institutioner.workdays import working_day_on_or_after

    for pedagogist, note in ((w.pedagogist, PAULA_ABSENCE), (w.outsider_pedagogist, OLE_ABSENCE)):
        # A working day: an absence on a holiday alone is refused.
        day = working_day_on_or_after(weeks.this_monday() + timedelta(days=15))
        plan_services.absence_record(
            actor=pedagogist.user,
            pedagogist_id=pedagogist.pk,
            data=plan_services.AbsenceInput(
                kind=AbsenceKind.OTHER, starts_on=day, ends_on=day, note=note
            ),
        )
    # Look-ups: Frida opened Lene's request; Frida searched for Otto; Otto looked at his own.
    request_type = ContentType.objects.get_for_model(InterventionRequest)
    AccessLogEntry.objects.create(
        user=w.administrator,
        action=AccessAction.VIEW,
        content_type=request_type,
        object_id=w.request.pk,
        concerns=[w.leader.pk],
        url_name="request_detail",
    )
    AccessLogEntry.objects.create(
        user=w.administrator,
        action=AccessAction.SEARCH,
        concerns=[w.outsider.pk],
        query=OTTO_SEARCH,
        url_name="access_log_search",
    )
    AccessLogEntry.objects.create(
        user=w.outsider,
        action=AccessAction.VIEW,
        content_type=request_type,
        object_id=w.otto_request.pk,
        concerns=[w.outsider.pk],
        url_name="request_detail",
    )
    return w


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def section(files: dict[str, str], key: str) -> list[dict]:
    return json.loads(files[f"data/{key}.json"])
