"""An intervention at a place without groups (a daycare home) is named without empty brackets:
"Dagplejen Tusindfryd", not "Dagplejen Tusindfryd ()"."""

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tests.indsats.helpers import make_request

BODIES = sorted(
    path.name.removesuffix("_body.txt")
    for path in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*_body.txt")
    if "req." in path.read_text() or "course.agreement.request" in path.read_text()
)


@pytest.mark.parametrize("template", BODIES)
def test_a_body_names_a_place_without_a_group_without_empty_brackets(world, template):
    req = make_request(world)
    # A daycare home has no groups: the request names the place alone.
    req.group = None
    req.institution.name = "Dagplejen Tusindfryd"
    course = SimpleNamespace(pk=1, agreement=SimpleNamespace(request=req))
    context = {
        "req": req,
        "recipient": world.leader,
        "version": SimpleNamespace(number=2, pk=1, agreement_id=1),
        "evaluation": SimpleNamespace(
            get_kind_display="Midtvejsevaluering", due_on=date(2026, 3, 2), pk=1
        ),
        "follow_up": SimpleNamespace(months=3, closed_on=date(2026, 8, 19), pk=1),
        "ends_on": date(2026, 3, 2),
        "first_day": date(2026, 3, 2),
        "course": course,
        "actor": world.administrator,
        "was_proposal": template == "plan_change_withdrawn",
        "changes": [],
        "url": "/x/",
        "working_days": 3,
    }
    with translation.override("da"):
        body = render_to_string(f"emails/{template}_body.txt", context)
    assert "()" not in body
    assert "Dagplejen Tusindfryd" in body or "Tusindfryd" not in body


# The bodies that name the request's institution: each names its group too, as the subjects do,
# so a leader with several interventions at one institution can tell which one is meant.
NAMING = [
    name
    for name in BODIES
    if "inst="
    in (Path(settings.BASE_DIR) / "templates" / "emails" / f"{name}_body.txt").read_text()
]


@pytest.mark.parametrize("template", NAMING)
def test_a_body_that_names_the_institution_names_the_group_too(world, template):
    req = make_request(world)
    course = SimpleNamespace(pk=1, agreement=SimpleNamespace(request=req))
    context = {
        "req": req,
        "recipient": world.leader,
        "leader": world.leader,
        "version": SimpleNamespace(number=2, pk=1, agreement_id=1),
        "evaluation": SimpleNamespace(
            get_kind_display="Midtvejsevaluering", due_on=date(2026, 3, 2), pk=1
        ),
        "change": SimpleNamespace(made_by=world.leader),
        "follow_up": SimpleNamespace(months=3, closed_on=date(2026, 8, 19), pk=1),
        "course": course,
        "when": req.created_at,
        "working_days": 3,
        "weekly_hours": 6,
        "url": "/x/",
    }
    with translation.override("da"):
        body = render_to_string(f"emails/{template}_body.txt", context)
    assert "Børnehuset Mariehønen, Sommerfuglen" in body


SUPPORT = sorted(
    path.name
    for path in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*.txt")
    if "application." in path.read_text() or "app." in path.read_text()
)


@pytest.mark.parametrize("template", SUPPORT)
def test_a_support_message_names_the_childs_group_too(world, template):
    """A support e-mail (subject and body) names the institution with the group the child is in,
    as the support pages do, so a leader with two children on support can tell them apart."""
    from tests.indsats.support.helpers import make_application

    application = make_application(world)
    application.revisit_on = date(2027, 3, 1)
    decision = SimpleNamespace(
        get_outcome_display="Bevilget",
        outcome="granted",
        period_start=None,
        stops_on=None,
        has_letter=False,
    )
    context = {
        "application": application,
        "app": application,
        "decision": decision,
        "recipient": world.leader,
        "url": "/x/",
    }
    with translation.override("da"):
        text = render_to_string(f"emails/{template}", context)
    assert f"nr. {application.pk} (Børnehuset Mariehønen, Sommerfuglen)" in text, text
