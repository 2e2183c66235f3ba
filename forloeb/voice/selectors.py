"""Reads of the institution's voice: when an evaluation's form is open, and who has answered."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from forloeb import access
from forloeb.models import (
    Evaluation,
    EvaluationStatus,
    InstitutionRating,
    Phase,
    RatingInvitation,
)
from institutioner.models import Role, User

# The form opens two weeks before the evaluation (people answer before the meeting, so the
# pedagogist's view does not anchor theirs) and closes 30 days after she recorded it.
OPENS_DAYS_BEFORE = 14
OPEN_DAYS_AFTER = 30


@dataclass(frozen=True)
class RatingWindow:
    opens_on: date
    # None: open until the evaluation is recorded, and 30 days after.
    closes_on: date | None

    def state(self, today: date) -> str:
        """ "not_yet", "open" or "closed"."""
        if today < self.opens_on:
            return "not_yet"
        if self.closes_on is not None and today > self.closes_on:
            return "closed"
        return "open"


def rating_window(evaluation: Evaluation) -> RatingWindow:
    closes_on = None
    if evaluation.completed_at is not None:
        closes_on = timezone.localdate(evaluation.completed_at) + timedelta(days=OPEN_DAYS_AFTER)
    return RatingWindow(evaluation.due_on - timedelta(days=OPENS_DAYS_BEFORE), closes_on)


def rating_closed_by_course(evaluation: Evaluation) -> bool:
    """A planned evaluation of a closed course was never held: nothing to answer."""
    return evaluation.status == EvaluationStatus.PLANNED and evaluation.course.phase == Phase.CLOSED


def invitable_staff(evaluation: Evaluation) -> QuerySet[User]:
    """The institution's active staff not yet invited to this evaluation's form."""
    return (
        User.objects.filter(
            is_active=True,
            role=Role.STAFF,
            memberships__institution_id=evaluation.course.agreement.request.institution_id,
        )
        .exclude(pk__in=RatingInvitation.objects.filter(evaluation=evaluation).values("person"))
        .distinct()
        .order_by("name")
    )


def has_answered(user: User, evaluation: Evaluation) -> bool:
    return InstitutionRating.objects.filter(evaluation=evaluation, respondent=user).exists()


@dataclass
class EvaluationVoice:
    """What the course page shows of the institution's answers at one evaluation."""

    answers: int
    # The answers themselves, once revealed (the blind reveal), to whoever reads them.
    revealed: list[InstitutionRating]
    # The person's own part: may answer now, has answered.
    may_answer: bool
    answered: bool
    # Whether the pedagogist has recorded the evaluation (the answers are shown to readers).
    is_revealed: bool = False


def course_voice(user: User, course, evaluations) -> None:
    """Sets `evaluation.voice` on each evaluation (prefetched with `ratings__respondent`), in a
    fixed number of queries."""
    reads = access.reads_ratings(user, course)
    leads = access.can_invite_raters(user, course)
    invited: set[int] = set()
    if not leads:
        invited = set(
            RatingInvitation.objects.filter(
                evaluation__course=course, person_id=user.pk
            ).values_list("evaluation_id", flat=True)
        )
    today = timezone.localdate()
    for evaluation in evaluations:
        evaluation.course = course
        ratings = list(evaluation.ratings.all())
        own = [r for r in ratings if r.respondent_id == user.pk]
        respondent = leads or evaluation.pk in invited
        open_now = (
            not rating_closed_by_course(evaluation)
            and rating_window(evaluation).state(today) == "open"
        )
        # Readers see every answer once revealed; a respondent only her own.
        is_revealed = access.ratings_revealed(evaluation)
        revealed = ratings if is_revealed else []
        shown = revealed if reads else own
        evaluation.voice = EvaluationVoice(
            answers=len(ratings),
            revealed=shown,
            may_answer=respondent and open_now and not own,
            answered=bool(own),
            is_revealed=is_revealed,
        )
