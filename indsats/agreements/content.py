import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from indsats.models import (
    InterventionRequest,
    Method,
    PracticeRole,
)
from institutioner.models import Pedagogist, format_decimal
from institutioner.validators import validate_no_cpr

TEXT_FIELDS = ("background", "participants", "leadership_commitment")


PLAN_KEYS = ("weekdays", "time_from", "time_to")


def canonical_content(content: dict) -> str:
    """The content as one stable text: the same content always gives the same bytes."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_content(content).encode("utf-8")).hexdigest()


def version_hash(*, agreement_id: int, number: int, content: dict) -> str:
    """The SHA-256 a version is signed and verified by: its content together with which
    agreement and which version it is, so two versions never share a hash."""
    return content_hash({"agreement": agreement_id, "version": number, "content": content})


def _pedagogists_of(req: InterventionRequest) -> list[Pedagogist]:
    return [a.pedagogist for a in req.allocations.select_related("pedagogist__user")]


def agreement_content_from_request(req: InterventionRequest) -> dict:
    """A first draft from the accepted request and the triage (hours, pedagogists)."""
    allocations = list(req.allocations.select_related("pedagogist__user"))
    hours = max((a.weekly_hours for a in allocations), default=Decimal("0"))
    weeks = req.wished_weeks
    start, end = req.wished_start, req.wished_end
    midway = (
        start + timedelta(weeks=weeks // 2)
        if weeks >= settings.AGREEMENT_MIDWAY_MIN_WEEKS
        else None
    )
    return {
        "institution": req.institution.name,
        "group": req.group.name if req.group else "",
        "background": req.need,
        "goals": [
            {"text": "", "focus_level": level.level, "indicator": ""}
            for level in req.focus_levels.all()[:1]
        ],
        "methods": [Method.CO_PRACTICE.value],
        "practice_roles": [PracticeRole.BESIDE.value],
        "participants": req.contact_name,
        "pedagogists": [
            {"id": a.pedagogist_id, "name": a.pedagogist.user.name} for a in allocations
        ],
        "days_per_week": max(1, len(req.wished_weekdays)),
        "hours_per_week": str(hours),
        "weekdays": sorted(req.wished_weekdays),
        "time_from": req.wished_time_from.strftime("%H:%M") if req.wished_time_from else "",
        "time_to": req.wished_time_to.strftime("%H:%M") if req.wished_time_to else "",
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "midway_evaluation_on": midway.isoformat() if midway else None,
        "final_evaluation_on": end.isoformat(),
        "leadership_commitment": "",
        "parent_meetings": False,
    }


def agreement_content_validate(content: dict, req: InterventionRequest) -> None:
    """The rules a version must keep, whoever writes it. Danish messages, per field."""
    errors: dict[str, list[str]] = {}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    for field in TEXT_FIELDS:
        try:
            validate_no_cpr(content.get(field, ""))
        except ValidationError as exc:
            error(field, exc.messages[0])
    for goal in content.get("goals", []):
        try:
            validate_no_cpr(goal.get("text", "") + " " + goal.get("indicator", ""))
        except ValidationError as exc:
            error("goals", exc.messages[0])
    if not [g for g in content.get("goals", []) if g.get("text", "").strip()]:
        error("goals", _("Write at least one goal."))
    if not content.get("methods"):
        error("methods", _("Choose at least one method."))
    start = date.fromisoformat(content["starts_on"])
    end = date.fromisoformat(content["ends_on"])
    today = timezone.localdate()
    if not today - timedelta(days=730) <= start <= today + timedelta(days=730):
        error("starts_on", _("The start must lie within two years from today."))
        raise ValidationError(errors)
    if end < start:
        error("ends_on", _("The end cannot be before the start."))
    elif end > start + timedelta(days=730):
        error("ends_on", _("An agreement can run for at most two years; adjust it to go on."))
        raise ValidationError(errors)
    final = content.get("final_evaluation_on")
    if not final:
        error("final_evaluation_on", _("A final evaluation date is required."))
    elif not start <= date.fromisoformat(final) <= end + timedelta(weeks=4):
        error(
            "final_evaluation_on", _("The final evaluation must lie in the period or just after.")
        )
    midway = content.get("midway_evaluation_on")
    if midway and not start <= date.fromisoformat(midway) <= end:
        error("midway_evaluation_on", _("The midway evaluation must lie in the period."))
    hours = Decimal(content["hours_per_week"])
    if hours <= 0:
        error("hours_per_week", _("Hours a week must be more than 0."))
    for pedagogist in _pedagogists_of(req):
        if hours > pedagogist.weekly_hours:
            error(
                "hours_per_week",
                _("%(name)s has %(hours)s contracted hours a week; the agreement asks more.")
                % {"name": pedagogist.user.name, "hours": format_decimal(pedagogist.weekly_hours)},
            )
    if errors:
        raise ValidationError(errors)
