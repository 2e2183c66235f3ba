"""The follow-ups in an access request (indsigt), registered from ForloebConfig.ready().

A person's follow-ups are those she answered: whether she would ask again, what she needed, and
for each of the agreement's goals whether its practice is still in use.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from forloeb.models import FollowUp, FollowUpGoal
from institutioner.accessrequests.sections import Section, register
from institutioner.models import User

CHUNK = 1000


def follow_ups_of(person: User) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(answered_by=person)


def _follow_ups(person: User):
    for follow_up in follow_ups_of(person).order_by("answered_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "id": follow_up.pk,
            "course": follow_up.course_id,
            "months": follow_up.months,
            "due": follow_up.due_on,
            "answered": follow_up.answered_at,
            "would_ask_again": str(follow_up.get_would_ask_again_display()),
            "needs": follow_up.needs,
        }


def _goals(person: User):
    rows = FollowUpGoal.objects.filter(follow_up__in=follow_ups_of(person))
    for goal in rows.order_by("follow_up_id", "pk").iterator(chunk_size=CHUNK):
        yield {
            "follow_up": goal.follow_up_id,
            "goal": goal.goal,
            "in_use": str(goal.get_in_use_display()),
        }


register(
    Section(
        key="follow_ups",
        title=_("Follow-ups the person answered"),
        columns=(
            ("id", _("Number")),
            ("course", _("Course")),
            ("months", _("Months after closing")),
            ("due", _("Due")),
            ("answered", _("Answered")),
            ("would_ask_again", _("Would ask for an intervention again")),
            ("needs", _("Anything needed")),
        ),
        rows=_follow_ups,
        count=lambda person: follow_ups_of(person).count(),
        order=45,
    ),
    Section(
        key="follow_up_goals",
        title=_("The goals in those follow-ups"),
        columns=(
            # Not the course's phase "Follow-up" (Opfølgning): the check after closing.
            ("follow_up", _("Lasting-change follow-up")),
            ("goal", _("Goal")),
            ("in_use", _("Still in use")),
        ),
        rows=_goals,
        count=lambda person: FollowUpGoal.objects.filter(
            follow_up__in=follow_ups_of(person)
        ).count(),
        order=46,
    ),
)
