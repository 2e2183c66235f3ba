"""Who may see and work on courses, built on the request and agreement scopes."""

from django.db.models import QuerySet
from django.http import Http404

from forloeb.models import Course
from indsats import access as indsats_access
from institutioner import access
from institutioner.models import Role, User


def courses_for(user: User) -> QuerySet[Course]:
    """Whoever sees the agreement sees the course, the institution's staff included."""
    return Course.objects.filter(agreement__in=indsats_access.agreements_for(user))


def get_course_for(user: User, pk) -> Course:
    try:
        return (
            courses_for(user)
            .select_related(
                "agreement__request__institution__district", "agreement__request__group"
            )
            .get(pk=pk)
        )
    except Course.DoesNotExist:
        raise Http404 from None


def can_see_hours(user: User) -> bool:
    """Hours delivered are for the administration, the pedagogists and the institutions'
    leaders; the institution's staff read the logbook, not the hours."""
    return user.is_authenticated and user.is_active and user.role != Role.STAFF


def can_work_on(user: User, course: Course) -> bool:
    """The assigned pedagogists keep the logbook and move the phases; so may the administration."""
    if access.is_administration(user):
        return True
    return (
        user.role == Role.PEDAGOGIST
        and course.agreement.request.allocations.filter(pedagogist__user=user).exists()
    )
