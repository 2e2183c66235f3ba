"""Every write of the institution's voice: answering an evaluation's form and inviting staff."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb import access
from forloeb.models import (
    MEETING_HOURS_MAX,
    Evaluation,
    InstitutionRating,
    RatingArea,
    RatingInvitation,
)
from forloeb.voice import selectors
from institutioner.errors import StateError
from institutioner.models import NotificationKind, User
from institutioner.notifications.services import notification_queue_many
from institutioner.retention.services import text_anonymise
from institutioner.textlimits import LINE, LONG, check_lengths
from institutioner.validators import validate_no_cpr_plain


def _lock_evaluation(evaluation_id: int) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("course__agreement__request__institution")
        .get(pk=evaluation_id)
    )


def _check_open(evaluation: Evaluation) -> None:
    if selectors.rating_closed_by_course(evaluation):
        raise StateError(
            _("The course was closed without this evaluation; it can no longer be answered.")
        )
    window = selectors.rating_window(evaluation)
    state = window.state(timezone.localdate())
    if state == "not_yet":
        raise StateError(
            _("The form opens on %(day)s, two weeks before the evaluation.")
            % {"day": f"{window.opens_on:%d.%m.%Y}"}
        )
    if state == "closed":
        assert window.closes_on is not None
        raise StateError(
            _(
                "The form closed on %(day)s, 30 days after the evaluation was recorded; "
                "answers can no longer be given."
            )
            % {"day": f"{window.closes_on:%d.%m.%Y}"}
        )


@transaction.atomic
def rating_submit(
    *,
    actor: User,
    evaluation_id: int,
    scores: dict[str, int],
    comments: dict[str, str],
    meeting_hours: Decimal | None,
    comment: str,
) -> InstitutionRating:
    """One answer per person and evaluation; it is not changed afterwards."""
    evaluation = _lock_evaluation(evaluation_id)
    if not access.can_answer_rating(actor, evaluation):
        raise StateError(_("Only the institution's leaders and invited staff answer this form."))
    _check_open(evaluation)
    if selectors.has_answered(actor, evaluation):
        raise StateError(_("You have already answered this evaluation."))
    errors = {}
    for area in RatingArea:
        score = scores.get(area.value)
        if not isinstance(score, int) or not 1 <= score <= 5:
            errors[area.value] = _("Choose a score from 1 to 5.")
    leads = access.can_invite_raters(actor, evaluation.course)
    if leads and meeting_hours is None:
        errors["meeting_hours"] = _(
            "Write how many hours the staff spent in meetings for the course (0 if none)."
        )
    if meeting_hours is not None and not Decimal(0) <= meeting_hours <= MEETING_HOURS_MAX:
        errors["meeting_hours"] = _("Write a number of hours from 0 to 500.")
    if errors:
        raise ValidationError(errors)
    texts = {f"{area}_comment": comments.get(area, "") for area in RatingArea.values}
    for text in (*texts.values(), comment):
        validate_no_cpr_plain(text)
    check_lengths(**{name: (text, LINE) for name, text in texts.items()}, comment=(comment, LONG))
    rating = InstitutionRating(
        evaluation=evaluation,
        respondent=actor,
        meeting_hours=meeting_hours if leads else None,
        comment=comment,
        **{area: scores[area] for area in RatingArea.values},
        **texts,
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        # Two tabs at once: the database keeps one answer.
        raise StateError(_("You have already answered this evaluation.")) from None
    return rating


@transaction.atomic
def rating_invite(*, actor: User, evaluation_id: int, person_ids: list[int]) -> int:
    """The leader asks some of the institution's staff to answer too; each gets a message."""
    evaluation = _lock_evaluation(evaluation_id)
    if not access.can_invite_raters(actor, evaluation.course):
        raise StateError(_("Only the institution's leaders invite staff to answer."))
    _check_open(evaluation)
    people = list(selectors.invitable_staff(evaluation).filter(pk__in=person_ids))
    if not people:
        raise ValidationError({"people": _("Choose who should answer.")})
    RatingInvitation.objects.bulk_create(
        RatingInvitation(evaluation=evaluation, person=person, invited_by=actor)
        for person in people
    )
    course = evaluation.course
    url = reverse("rating_answer", args=[course.pk, evaluation.pk])
    notification_queue_many(
        recipients=people,
        template="rating_invitation",
        kind=NotificationKind.RATING_INVITATION,
        context={
            "evaluation": evaluation,
            "req": course.agreement.request,
            "leader": actor,
            "url": url,
        },
        concerns=course,
        url=url,
        dedupe_key=f"rating-invitation:{evaluation.pk}",
    )
    return len(people)


def ratings_anonymise(*, course_id: int) -> None:
    """Retention, within `course_anonymise`: the comments of every answer to the course's
    evaluations lose their text; the scores and the meeting time stay for the figures. The
    invitations hold no text (who asked whom stays, as any link to an account)."""
    text_anonymise(
        InstitutionRating,
        where={"evaluation__course_id": course_id},
        replace=("comment", *(f"{area}_comment" for area in RatingArea.values)),
    )
