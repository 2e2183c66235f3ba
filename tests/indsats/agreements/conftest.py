"""Helpers of the agreements room's tests: a draft, a goal, the edit form's post."""

from dataclasses import replace

from django.db import IntegrityError, InternalError

from indsats.agreements import services as agreements_services
from indsats.agreements.content import Goal
from tests.indsats.helpers import accept, make_request

DB_REFUSES = (IntegrityError, InternalError)


def _draft(world):
    req = make_request(world, submit=True)
    accept(world, req)
    agreement = agreements_services.agreement_create(actor=world.pedagogist.user, request_id=req.pk)
    return agreement, agreement.versions.get()


def _goal(content):
    return replace(content, goals=(Goal(text="Ro ved frokost", focus_level="boernegruppe"),))


def _edit_post(version, content, **overrides):
    from indsats.agreements.forms import AgreementForm, agreement_initial

    initial, _goals = agreement_initial(content)
    data = {}
    for name in AgreementForm.base_fields:
        value = initial.get(name)
        if value is None or value is False:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is True:
            data[name] = "on"
        else:
            data[name] = str(value).replace(".", ",") if name == "hours_per_week" else str(value)
    data["version_stamp"] = version.updated_at.isoformat()
    data.update({"goals-TOTAL_FORMS": "1", "goals-INITIAL_FORMS": "0"})
    data.update({"goals-0-text": "Ro ved frokost", "goals-0-focus_level": "boernegruppe"})
    data.update(overrides)
    return data
