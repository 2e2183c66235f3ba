"""E-mail subjects tell two interventions at one institution apart: they name the group."""

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tests.indsats.helpers import make_request

# Subjects that are about no intervention.
NOT_ABOUT_A_PLACE = {
    "notification_test",
    "password_reset",
    "reminder_week_sheet",
    "access_request_ready",
    "hours_export_ready",
    "hours_export_failed",
    # A pedagogist's absence: about her days at the leader's institution, whichever
    # interventions they belong to (the body lists the days and the groups).
    "absence_recorded",
    "absence_cancelled",
    "absence_clash_cleared",
    # Visitation meetings (indsats/supportmeetings/): the committee's invitations are about a
    # meeting of many applications; the decision and its re-visitation name the application and
    # its institution, never the child (tests/indsats/supportmeetings/ checks those subjects).
    "visitation_planned",
    "visitation_moved",
    "visitation_cancelled",
    "visitation_removed",
    "support_decided",
    "reminder_support_revisit",
}
TEMPLATES = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*_subject.txt")
    if path.name.removesuffix("_subject.txt") not in NOT_ABOUT_A_PLACE
)


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_subject_names_the_group(world, template):
    groups = world.institution.groups.order_by("name")
    subjects = []
    for group in groups:
        req = make_request(world, group=group)
        evaluation = SimpleNamespace(get_kind_display="Midtvejsevaluering", due_on=date(2026, 3, 2))
        context = {
            "req": req,
            # A support application names its place too (never the child).
            "application": req,
            "version": SimpleNamespace(number=1),
            "evaluation": evaluation,
            "ends_on": date(2026, 3, 2),
            "meeting": SimpleNamespace(request=req),
            "course": SimpleNamespace(agreement=SimpleNamespace(request=req)),
        }
        with translation.override("da"):
            subject = render_to_string(f"emails/{template}_subject.txt", context)
        assert f"Børnehuset Mariehønen, {group.name}" in subject
        subjects.append(subject)
    assert len(set(subjects)) == len(subjects) == 2
