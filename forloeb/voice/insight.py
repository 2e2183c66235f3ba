"""The institution's voice in an access request (indsigt), registered from ForloebConfig.ready().

A person's ratings are the answers she gave at a course's evaluations, every score and comment.
Her invitations are those she was sent and those she sent to the institution's staff (who was
asked is her own act in the case).
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from forloeb.models import InstitutionRating, RatingArea, RatingInvitation
from institutioner.accessrequests.sections import Section, register
from institutioner.models import User

CHUNK = 1000
_COMMENT_LABELS = {
    RatingArea.COLLABORATION.value: _("Comment on collaboration"),
    RatingArea.EFFECT.value: _("Comment on effect"),
    RatingArea.FLEXIBILITY.value: _("Comment on flexibility"),
    RatingArea.DEVELOPMENT.value: _("Comment on pedagogical development"),
    RatingArea.CULTURE.value: _("Comment on culture"),
}


def _ratings(person: User):
    rows = InstitutionRating.objects.filter(respondent=person).select_related("evaluation")
    for rating in rows.order_by("submitted_at", "pk").iterator(chunk_size=CHUNK):
        row = {
            "course": rating.evaluation.course_id,
            "evaluation": str(rating.evaluation.get_kind_display()),
            "submitted": rating.submitted_at,
        }
        for area in RatingArea.values:
            row[area] = getattr(rating, area)
            row[f"{area}_comment"] = getattr(rating, f"{area}_comment")
        row["meeting_hours"] = rating.meeting_hours
        row["comment"] = rating.comment
        yield row


def invitations_of(person: User) -> QuerySet[RatingInvitation]:
    return RatingInvitation.objects.filter(Q(person=person) | Q(invited_by=person))


def _invitations(person: User):
    rows = invitations_of(person).select_related("evaluation", "person", "invited_by")
    for invitation in rows.order_by("invited_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "course": invitation.evaluation.course_id,
            "evaluation": str(invitation.evaluation.get_kind_display()),
            "person": invitation.person.name,
            "invited_by": invitation.invited_by.name,
            "invited": invitation.invited_at,
        }


register(
    Section(
        key="ratings",
        title=_("The person's answers to the institution's rating"),
        columns=(
            ("course", _("Course")),
            ("evaluation", _("Evaluation")),
            ("submitted", _("Submitted")),
            *(
                column
                for area in RatingArea
                for column in (
                    (area.value, area.label),
                    (f"{area.value}_comment", _COMMENT_LABELS[area.value]),
                )
            ),
            ("meeting_hours", _("Staff hours in meetings for the course")),
            ("comment", _("Anything else")),
        ),
        rows=_ratings,
        count=lambda person: InstitutionRating.objects.filter(respondent=person).count(),
        order=43,
    ),
    Section(
        key="rating_invitations",
        title=_("Invitations to answer the institution's rating"),
        columns=(
            ("course", _("Course")),
            ("evaluation", _("Evaluation")),
            ("person", _("Invited")),
            ("invited_by", _("Invited by")),
            ("invited", _("Sent")),
        ),
        rows=_invitations,
        count=lambda person: invitations_of(person).count(),
        order=44,
    ),
)
