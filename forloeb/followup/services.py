"""Every write of the follow-ups after closing: made by the reminder rule, answered by a leader."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb import access
from forloeb.models import AskAgain, Course, FollowUp, FollowUpGoal, PracticeInUse
from institutioner.errors import StateError
from institutioner.models import User
from institutioner.retention.services import text_anonymise
from institutioner.textlimits import GOAL, MEDIUM, check_lengths
from institutioner.validators import validate_no_cpr_plain


def follow_up_open(*, course: Course, months: int, closed_on: date, due_on: date) -> FollowUp:
    """The follow-up of one closing of the course, made once however often the rule runs (the
    database keeps one per course, months and closing)."""
    existing = FollowUp.objects.filter(course=course, months=months, closed_on=closed_on).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return FollowUp.objects.create(
                course=course, months=months, closed_on=closed_on, due_on=due_on
            )
    except IntegrityError:
        # A second beat made it at the same moment.
        return FollowUp.objects.get(course=course, months=months, closed_on=closed_on)


@transaction.atomic
def follow_up_answer(
    *,
    actor: User,
    follow_up_id: int,
    goals: list[tuple[str, str]],
    would_ask_again: str,
    needs: str,
) -> FollowUp:
    """The leader's answer: each goal's practice still in use or not, whether she would ask for
    an intervention again, and anything she needs. Answered once."""
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("course__agreement__request")
        .get(pk=follow_up_id)
    )
    if not access.can_answer_follow_up(actor, follow_up):
        raise StateError(_("Only the institution's leaders answer the follow-up."))
    if follow_up.void:
        raise StateError(
            _(
                "The course was opened again after it closed on %(day)s, so this follow-up no "
                "longer applies. A new one comes when the course closes again."
            )
            % {"day": f"{follow_up.closed_on:%d.%m.%Y}"}
        )
    if follow_up.answered:
        raise StateError(_("This follow-up has already been answered."))
    errors = {}
    for index, (_goal, in_use) in enumerate(goals):
        if in_use not in PracticeInUse.values:
            errors[f"goal_{index}"] = _("Say whether the practice is still in use.")
    if would_ask_again not in AskAgain.values:
        errors["would_ask_again"] = _("Say whether you would ask for an intervention again.")
    if errors:
        raise ValidationError(errors)
    validate_no_cpr_plain(needs)
    check_lengths(
        needs=(needs, MEDIUM), **{f"goal_{i}": (g, GOAL) for i, (g, _u) in enumerate(goals)}
    )
    follow_up.answered_at = timezone.now()
    follow_up.answered_by = actor
    follow_up.would_ask_again = would_ask_again
    follow_up.needs = needs
    follow_up.save(update_fields=["answered_at", "answered_by", "would_ask_again", "needs"])
    FollowUpGoal.objects.bulk_create(
        FollowUpGoal(follow_up=follow_up, goal=goal, in_use=in_use) for goal, in_use in goals
    )
    return follow_up


def follow_ups_anonymise(*, course_id: int) -> None:
    """Retention, within `course_anonymise`: what the leader needed and the goals copied from the
    agreement lose their text; whether the practice is in use and the answer to asking again
    stay for the figures."""
    text_anonymise(FollowUp, where={"course_id": course_id}, replace=("needs",))
    text_anonymise(FollowUpGoal, where={"follow_up__course_id": course_id}, replace=("goal",))
