"""Who may see and work on courses, hours and the allocation figures, built on the request and
agreement scopes. Views, start-page sections, PDFs and exports ask here; none of them looks at a
person's role itself, so a page and the file downloaded from it obey the same rule."""

import hmac
from dataclasses import dataclass
from typing import cast

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from forloeb.models import (
    Absence,
    AbsenceQuerySet,
    CalendarFeed,
    Course,
    Evaluation,
    EvaluationStatus,
    FeedScope,
    FollowUp,
    HourEntry,
    HourExport,
    InstitutionRating,
    Phase,
    PlanChange,
    PlanChangeStatus,
    RatingInvitation,
    WeekSheet,
    YearReport,
)
from indsats import access as indsats_access
from institutioner import access
from institutioner.accesslog import rules as log
from institutioner.models import Group, Institution, Pedagogist, User


def can_have_courses(user: User) -> bool:
    """Whether any course can ever be in the person's scope: not for the visitation role
    (småbørnskonsulent, committee members), who sees support applications but no request,
    agreement or course. The menu offers them neither Forløb nor Forankring."""
    return bool(user.is_authenticated and user.is_active) and not access.is_consultant(user)


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


def can_work_on(user: User, course: Course) -> bool:
    """The assigned pedagogists keep the logbook and move the phases; so may the administration."""
    if access.is_administration(user):
        return True
    return (
        access.is_pedagogist(user)
        and course.agreement.request.allocations.filter(pedagogist__user=user).exists()
    )


def can_correct_evaluations(user: User, course: Course) -> bool:
    """Whoever records the evaluations corrects them (until the course closes, which the
    service checks): the assigned pedagogists and the administration."""
    return can_work_on(user, course)


def can_set_course_phase(user: User) -> bool:
    """The way out of any state (any phase, reopening, closing without the guards) is the
    administration's, with a reason."""
    return access.is_administration(user)


def can_see_course_history(user: User) -> bool:
    """The stored history of a course, its evaluations and logbook: the administration."""
    return access.can_see_history(user)


def can_see_week_sheet_history(user: User) -> bool:
    return access.can_see_history(user)


# Hours ----------------------------------------------------------------------------------------


def can_see_hours(user: User, course: Course | None = None) -> bool:
    """Hours delivered are for the administration, the pedagogists and the institutions'
    leaders; the institution's staff read the logbook, not the hours, and the visitation's
    consultant has no courses. With a course: the hours of that course, which must be one the
    person sees. The course page, the closing report and the hour exports all ask this one
    question."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not (access.is_administration(user) or access.is_pedagogist(user) or access.is_leader(user)):
        return False
    return course is None or courses_for(user).filter(pk=course.pk).exists()


def can_download_closing_report(user: User, course: Course) -> bool:
    """Whoever sees the course may download its closing report; what it holds follows the
    page's rules (`closing_report_shows_hours`)."""
    return courses_for(user).filter(pk=course.pk).exists()


def closing_report_shows_hours(user: User, course: Course) -> bool:
    """The report shows the hours delivered only to whoever sees them on the course page."""
    return can_see_hours(user, course)


def keeps_week_sheets(user: User) -> bool:
    """A pedagogist fills in their own weeks."""
    return pedagogist_of(user) is not None


def pedagogist_of(user: User) -> Pedagogist | None:
    """The person's own pedagogist record, if they are a pedagogist (cached on the user)."""
    if not access.is_pedagogist(user):
        return None
    return getattr(user, "pedagogist", None)


def get_own_pedagogist(user: User) -> Pedagogist:
    pedagogist = pedagogist_of(user)
    if pedagogist is None:
        raise Http404
    return pedagogist


def can_approve_hours(user: User) -> bool:
    """The administration approves the months and reads every pedagogist's weeks."""
    return access.is_administration(user)


def get_pedagogist_for_week_sheets(user: User, pk) -> Pedagogist:
    """Another pedagogist's week sheets are read by the administration only."""
    if not can_approve_hours(user):
        raise Http404
    return access.get_pedagogist_for(user, pk)


def week_sheets_for(user: User) -> QuerySet[WeekSheet]:
    """The administration: every week sheet. A pedagogist: their own. Nobody else."""
    qs = WeekSheet.objects.all()
    if can_approve_hours(user):
        return qs
    if access.is_pedagogist(user):
        return qs.filter(pedagogist__user=user)
    return qs.none()


def hour_entries_for(user: User) -> QuerySet[HourEntry]:
    """The hour entries a person may read (on a page or in an export): the administration every
    reported week; a pedagogist their own weeks; a leader the reported hours on the courses they
    see (never the pedagogists' other work); the institution's staff none."""
    qs = HourEntry.objects.all()
    if not can_see_hours(user):
        return qs.none()
    if can_approve_hours(user):
        return qs.reported()
    if access.is_pedagogist(user):
        return qs.filter(sheet__pedagogist__user=user)
    return qs.reported().filter(course__in=courses_for(user))


def hour_exports_for(user: User) -> QuerySet[HourExport]:
    """A person's own background exports (what they hold was scoped when they were built)."""
    if not can_see_hours(user):
        return HourExport.objects.none()
    return HourExport.objects.filter(requested_by=user)


def get_hour_export_for(user: User, pk) -> HourExport:
    try:
        return hour_exports_for(user).get(pk=pk)
    except HourExport.DoesNotExist:
        raise Http404 from None


# Allocation dashboards ------------------------------------------------------------------------


def can_see_dashboards(user: User) -> bool:
    """The administration sees the municipality's figures, a leader their own institutions'."""
    return access.is_administration(user) or access.is_leader(user)


def dashboard_institutions_for(user: User) -> QuerySet[Institution]:
    """The institutions a person's allocation figures cover; 404 for those without figures."""
    if not can_see_dashboards(user):
        raise Http404
    return access.institutions_for(user)


def dashboards_own_institutions_only(user: User) -> bool:
    """The figures are limited to the person's own institutions (the page says so)."""
    return not access.is_administration(user)


def can_see_pedagogist_dashboard(user: User) -> bool:
    """A pedagogist's whole week is the administration's to see, not a leader's."""
    return access.is_administration(user)


# --- The yearly report for the committee ---------------------------------------------------------


def can_make_year_reports(user: User) -> bool:
    """The yearly report goes from the administration to the committee; nobody else makes or
    reads it (it holds the leaders' comments, whoever wrote them)."""
    return access.is_administration(user)


def year_reports_for(user: User) -> QuerySet[YearReport]:
    """The administration shares the kept reports; nobody else sees any."""
    if not can_make_year_reports(user):
        return YearReport.objects.none()
    return YearReport.objects.select_related("requested_by")


def get_year_report_for(user: User, pk) -> YearReport:
    try:
        return year_reports_for(user).get(pk=pk)
    except YearReport.DoesNotExist:
        raise Http404 from None


def year_report_institutions_for(user: User) -> QuerySet[Institution]:
    """The whole municipality, for the administration only; 404 for anyone else."""
    if not can_make_year_reports(user):
        raise Http404
    return Institution.objects.all()


# --- The plan: absence and the week plan ---------------------------------------------------------


def can_record_absence(user: User) -> bool:
    """A pedagogist records her own absence; the administration records anyone's."""
    return access.is_administration(user) or pedagogist_of(user) is not None


def absence_pedagogists_for(user: User) -> QuerySet[Pedagogist]:
    """Whom the person may record absence for: the administration every active pedagogist, a
    pedagogist herself."""
    qs = Pedagogist.objects.select_related("user").filter(user__is_active=True)
    if access.is_administration(user):
        return qs
    if pedagogist_of(user) is not None:
        return qs.filter(user=user)
    return qs.none()


def absences_for(user: User) -> AbsenceQuerySet:
    """The absences whose kind and note a person may read: her own, or (the administration)
    everyone's. A leader learns only that practice days fall away (the week plan), never why:
    illness is health data."""
    qs = cast(
        AbsenceQuerySet,
        Absence.objects.select_related("pedagogist__user", "created_by", "cancelled_by"),
    )
    if access.is_administration(user):
        return qs
    if pedagogist_of(user) is not None:
        return qs.filter(pedagogist__user=user)
    return qs.none()


def get_absence_for(user: User, pk) -> Absence:
    try:
        return absences_for(user).get(pk=pk)
    except Absence.DoesNotExist:
        raise Http404 from None


def can_change_plan(user: User, course: Course) -> bool:
    """The course's pedagogists and the administration cancel, move and add practice days."""
    return can_work_on(user, course)


def can_propose_plan_change(user: User, course: Course) -> bool:
    """A leader of the course's institution proposes a change; the pedagogist decides."""
    return (
        access.is_leader(user)
        and access.institutions_for(user)
        .filter(pk=course.agreement.request.institution_id)
        .exists()
    )


def plan_changes_for(user: User) -> QuerySet[PlanChange]:
    """Whoever sees the course sees the changes to its plan."""
    return PlanChange.objects.filter(course__in=courses_for(user))


def proposals_to_answer_for(user: User) -> QuerySet[PlanChange]:
    """The leaders' proposals waiting for this pedagogist's answer (her start page): on the
    courses she is allocated to. The administration may answer any, but its start page does
    not list the municipality's."""
    if not access.is_pedagogist(user):
        return PlanChange.objects.none()
    return PlanChange.objects.filter(
        course__in=courses_for(user),
        course__agreement__request__allocations__pedagogist__user=user,
        status=PlanChangeStatus.PROPOSED,
    )


def open_proposals(proposals: QuerySet[PlanChange]) -> QuerySet[PlanChange]:
    """Those of `proposals` that can still be taken into the plan: the course is not closed and
    no day of theirs has passed."""
    today = timezone.localdate()
    return proposals.exclude(course__phase=Phase.CLOSED).exclude(
        Q(day__lt=today) | Q(new_day__lt=today)
    )


def waiting_proposals_for(user: User) -> QuerySet[PlanChange]:
    """The proposals the course list's filter "waiting for an answer" finds: for a pedagogist
    those her start page lists (all of them, not its first ten), for anyone else those on the
    courses they see."""
    if access.is_pedagogist(user):
        return open_proposals(proposals_to_answer_for(user))
    return open_proposals(
        PlanChange.objects.filter(course__in=courses_for(user), status=PlanChangeStatus.PROPOSED)
    )


def get_plan_change_to_decide(user: User, pk) -> PlanChange:
    """A proposal is answered by whoever may change the course's plan; 404 for anyone else."""
    try:
        change = plan_changes_for(user).select_related("course__agreement__request").get(pk=pk)
    except PlanChange.DoesNotExist:
        raise Http404 from None
    if not can_change_plan(user, change.course):
        raise Http404
    return change


def can_withdraw_plan_change(user: User, change: PlanChange) -> bool:
    """A change in the plan is taken back by whoever may change the plan; a proposal not yet
    answered by the leader who made it."""
    if change.status == PlanChangeStatus.ACCEPTED:
        return can_change_plan(user, change.course)
    if change.status == PlanChangeStatus.PROPOSED:
        return change.made_by_id == user.pk
    # Already answered or withdrawn (a second click): the service says so.
    return change.made_by_id == user.pk or can_change_plan(user, change.course)


def get_plan_change_to_withdraw(user: User, pk) -> PlanChange:
    """404 for anyone who may not take it back (or not see it)."""
    try:
        change = plan_changes_for(user).select_related("course__agreement__request").get(pk=pk)
    except PlanChange.DoesNotExist:
        raise Http404 from None
    if not can_withdraw_plan_change(user, change):
        raise Http404
    return change


def can_see_week_plan(user: User) -> bool:
    """The administration, the pedagogists and the leaders have a week plan."""
    return (
        user.is_authenticated
        and user.is_active
        and (access.is_administration(user) or access.is_pedagogist(user) or access.is_leader(user))
    )


@dataclass(frozen=True)
class WeekPlanScope:
    """What a person's week plan holds: every pedagogist (None) or these; every institution
    (None) or these; whether absence shows its kind; whether clashes are flagged."""

    pedagogist_ids: list[int] | None
    institution_ids: list[int] | None
    sees_absence_kind: bool
    flags_clashes: bool


def week_plan_scope_for(user: User) -> WeekPlanScope:
    if not can_see_week_plan(user):
        raise Http404
    if access.is_administration(user):
        return WeekPlanScope(None, None, sees_absence_kind=True, flags_clashes=True)
    own = pedagogist_of(user)
    if own is not None:
        return WeekPlanScope([own.pk], None, sees_absence_kind=True, flags_clashes=True)
    institutions = list(access.institutions_for(user).values_list("pk", flat=True))
    return WeekPlanScope(None, institutions, sees_absence_kind=False, flags_clashes=False)


# --- Calendar subscriptions ---------------------------------------------------------------------


def feed_choices_for(user: User) -> list[tuple[str, Institution | None]]:
    """The calendars a person may subscribe to: her own plan (whoever has a week plan), each of
    a leader's institutions, and the administration's shared calendar of the whole area."""
    choices: list[tuple[str, Institution | None]] = []
    if can_see_week_plan(user) and (pedagogist_of(user) is not None or access.is_leader(user)):
        choices.append((FeedScope.PERSONAL, None))
    if access.is_leader(user):
        choices += [(FeedScope.INSTITUTION, i) for i in access.institutions_for(user)]
    if access.is_administration(user):
        choices.append((FeedScope.AREA, None))
    return choices


def can_subscribe(user: User, scope: str, institution_id: int | None) -> bool:
    return any(
        s == scope and (i.pk if i else None) == institution_id for s, i in feed_choices_for(user)
    )


def feed_scope_for(feed: CalendarFeed) -> WeekPlanScope | None:
    """What a feed shows, by its owner's access now; None when the owner has lost it (left,
    or no longer leads the institution): the feed then answers 404."""
    owner = feed.user
    if not owner.is_active or not can_subscribe(owner, feed.scope, feed.institution_id):
        return None
    if feed.scope == FeedScope.PERSONAL:
        return week_plan_scope_for(owner)
    if feed.scope == FeedScope.INSTITUTION and feed.institution_id is not None:
        return WeekPlanScope(
            None, [feed.institution_id], sees_absence_kind=False, flags_clashes=False
        )
    # The shared calendar may be read more widely than the administration: no absence reasons.
    return WeekPlanScope(None, None, sees_absence_kind=False, flags_clashes=False)


def get_feed_by_address(pk, secret: str) -> CalendarFeed:
    """The live feed whose address this is; 404 for a wrong or ended address. The secret is
    compared in constant time, so its characters cannot be guessed one by one."""
    feed = (
        CalendarFeed.objects.select_related("user", "institution")
        .filter(pk=pk, revoked_at__isnull=True)
        .first()
    )
    expected = feed.secret if feed is not None else "x" * 43
    if not hmac.compare_digest(expected.encode(), str(secret).encode()) or feed is None:
        raise Http404
    return feed


def get_own_feed(user: User, pk) -> CalendarFeed:
    """One of the person's own subscriptions, stopped or not (a second click on "stop" is
    told it is stopped); 404 for anyone else's."""
    try:
        return CalendarFeed.objects.get(pk=pk, user=user)
    except CalendarFeed.DoesNotExist:
        raise Http404 from None


# The institution's voice (forloeb/voice/) ----------------------------------------------------


def _leads(user: User, institution_id: int) -> bool:
    return (
        access.is_leader(user) and user.memberships.filter(institution_id=institution_id).exists()
    )


def can_invite_raters(user: User, course: Course) -> bool:
    """The institution's leaders answer every evaluation's form and may ask their staff to
    answer it too."""
    return bool(user.is_active) and _leads(user, course.agreement.request.institution_id)


def can_answer_rating(user: User, evaluation: Evaluation) -> bool:
    """The institution's leaders, and the staff a leader invited (while they work there)."""
    if not (user.is_authenticated and user.is_active):
        return False
    institution_id = evaluation.course.agreement.request.institution_id
    if _leads(user, institution_id):
        return True
    return (
        access.is_staff_member(user)
        and user.memberships.filter(institution_id=institution_id).exists()
        and RatingInvitation.objects.filter(evaluation=evaluation, person=user).exists()
    )


def evaluations_to_rate_for(user: User) -> QuerySet[Evaluation]:
    """Evaluations whose form the person may answer, open or not (the same rule as
    `can_answer_rating`, as a query)."""
    if not (user.is_authenticated and user.is_active):
        return Evaluation.objects.none()
    own = Evaluation.objects.filter(
        course__agreement__request__institution__in=user.memberships.values("institution")
    )
    if access.is_leader(user):
        return own
    if access.is_staff_member(user):
        return own.filter(rating_invitations__person=user)
    return Evaluation.objects.none()


def get_evaluation_to_rate(user: User, course_pk, evaluation_pk) -> Evaluation:
    """The evaluation whose form the person may answer; 404 for anyone else."""
    course = get_course_for(user, course_pk)
    try:
        evaluation = course.evaluations.get(pk=evaluation_pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None
    evaluation.course = course
    if not can_answer_rating(user, evaluation):
        raise Http404
    return evaluation


def reads_ratings(user: User, course: Course) -> bool:
    """Who reads the institution's answers about a course: the administration, the course's
    pedagogists and the institution's leaders (staff read only their own answer)."""
    return can_work_on(user, course) or _leads(user, course.agreement.request.institution_id)


def ratings_revealed(evaluation: Evaluation) -> bool:
    """The blind reveal: the answers are shown once the pedagogist has recorded the evaluation
    (her side), so neither anchors the other; until then only that an answer came."""
    return evaluation.status == EvaluationStatus.COMPLETED


def ratings_for(user: User) -> QuerySet[InstitutionRating]:
    """The answers a person may read in figures (the effect dashboard): the administration all;
    a leader those about her institutions' courses; revealed answers only."""
    qs = InstitutionRating.objects.filter(evaluation__status=EvaluationStatus.COMPLETED)
    if access.is_administration(user):
        return qs
    if access.is_leader(user):
        return qs.filter(evaluation__course__in=courses_for(user))
    return qs.none()


# Follow-ups after closing (forloeb/followup/) -------------------------------------------------


def follow_ups_for(user: User) -> QuerySet[FollowUp]:
    """The administration all; a leader her institutions'; a pedagogist her courses'. Staff
    none: the follow-up is the leader's check."""
    if not (user.is_authenticated and user.is_active) or access.is_staff_member(user):
        return FollowUp.objects.none()
    return FollowUp.objects.filter(course__in=courses_for(user))


def can_see_follow_ups(user: User) -> bool:
    """The follow-ups are the leaders' check on their courses: not staff's, and not the
    visitation role's, who has no courses."""
    return can_have_courses(user) and not access.is_staff_member(user)


def get_follow_up_for(user: User, pk) -> FollowUp:
    try:
        return (
            follow_ups_for(user)
            .select_related(
                "course__agreement__request__institution",
                "course__agreement__request__group",
                "answered_by",
            )
            .get(pk=pk)
        )
    except FollowUp.DoesNotExist:
        raise Http404 from None


def follow_ups_to_answer_for(user: User) -> QuerySet[FollowUp]:
    """The follow-ups a person answers: a leader's institutions' (as `can_answer_follow_up`)."""
    if not (access.is_leader(user) and user.is_active):
        return FollowUp.objects.none()
    return FollowUp.objects.filter(
        course__agreement__request__institution__in=user.memberships.values("institution")
    )


def can_answer_follow_up(user: User, follow_up: FollowUp) -> bool:
    """The institution's leaders answer it."""
    return bool(user.is_active) and _leads(user, follow_up.course.agreement.request.institution_id)


# The learning environment's history (forloeb/history/) ---------------------------------------


def can_see_environment_history(user: User) -> bool:
    """Every intervention at a place across the years, with the leaders' ratings: the
    administration (at triage) and the institution's leaders."""
    return access.is_administration(user) or (access.is_leader(user) and user.is_active)


def get_institution_history_for(user: User, pk) -> Institution:
    if not can_see_environment_history(user):
        raise Http404
    return access.get_institution_for(user, pk)


def get_group_history_for(user: User, pk) -> Group:
    if not can_see_environment_history(user):
        raise Http404
    try:
        return Group.objects.select_related("institution__district").get(
            pk=pk, institution__in=access.institutions_for(user)
        )
    except Group.DoesNotExist:
        raise Http404 from None


# --- The access log -------------------------------------------------------------------------------


def _course_people(course: Course) -> list[int]:
    """A course concerns the leader who asked for it (joined by `get_course_for`)."""
    return [course.agreement.request.created_by_id]


# The pages of courses, hours and the allocation figures that show personal data, and what their
# access-log rows say (institutioner/accesslog/rules.py); registered from ForloebConfig.ready().
ACCESS_LOG = {
    "course_list": log.search(title=pgettext_lazy("access log page", "Courses")),
    "course_detail": log.view(
        "forloeb.Course", concerns=_course_people, title=pgettext_lazy("access log page", "Course")
    ),
    "course_history": log.view(
        "forloeb.Course", title=pgettext_lazy("access log page", "Course's history")
    ),
    # A refused logbook note shows the course's page again.
    "course_note_add": log.view(
        "forloeb.Course",
        concerns=_course_people,
        title=pgettext_lazy("access log page", "Logbook note on a course"),
    ),
    "course_set_phase": log.view(
        "forloeb.Course", title=pgettext_lazy("access log page", "Changing a course's phase")
    ),
    "evaluation_complete": log.view(
        "forloeb.Course",
        title=pgettext_lazy("access log page", "Recording an evaluation"),
        detail=pgettext_lazy("access log page", "evaluation no. %(evaluation_id)s"),
    ),
    "evaluation_correct": log.view(
        "forloeb.Course",
        title=pgettext_lazy("access log page", "Correcting an evaluation"),
        detail=pgettext_lazy("access log page", "evaluation no. %(evaluation_id)s"),
    ),
    "course_report": log.download(
        "forloeb.Course",
        concerns=_course_people,
        title=pgettext_lazy("access log page", "Closing report (PDF)"),
    ),
    # The institution's voice: the form names the course's pedagogists and the invitation page
    # the institution's staff.
    "rating_answer": log.view(
        "forloeb.Course",
        title=pgettext_lazy("access log page", "The institution's rating"),
        detail=pgettext_lazy("access log page", "evaluation no. %(evaluation_id)s"),
    ),
    "rating_invite": log.view(
        "forloeb.Course",
        title=pgettext_lazy("access log page", "Asking staff to rate"),
        detail=pgettext_lazy("access log page", "evaluation no. %(evaluation_id)s"),
    ),
    # The learning environment's history names the pedagogists and who answered.
    "history_institution": log.view(
        "institutioner.Institution",
        title=pgettext_lazy("access log page", "Institution's learning-environment history"),
    ),
    "history_group": log.view(
        "institutioner.Group",
        title=pgettext_lazy("access log page", "Group's learning-environment history"),
    ),
    # Follow-ups name who answered them.
    "follow_up_list": log.search(title=pgettext_lazy("access log page", "Follow-ups")),
    "follow_up_answer": log.view(
        "forloeb.FollowUp", title=pgettext_lazy("access log page", "Follow-up")
    ),
    # Another pedagogist's week: the object is the pedagogist, the week is the query.
    "week_sheet_of": log.view(
        "institutioner.Pedagogist",
        concerns=lambda pedagogist: [pedagogist.user_id],
        title=pgettext_lazy("access log page", "Week sheet"),
        detail=pgettext_lazy("access log page", "week %(week)s, %(year)s"),
    ),
    "hours_approval": log.search(title=pgettext_lazy("access log page", "Approval of hours")),
    "hours_delivered": log.search(title=pgettext_lazy("access log page", "Delivered hours")),
    "hours_export": log.export(title=pgettext_lazy("access log page", "Export of hours")),
    "hours_export_download": log.download(
        "forloeb.HourExport", title=pgettext_lazy("access log page", "Export of hours (file)")
    ),
    "dashboard_pedagogists": log.search(
        title=pgettext_lazy("access log page", "Allocation per pedagogist")
    ),
    # Grouped by pedagogist, the effect figures name them.
    "dashboard_effect": log.search(title=pgettext_lazy("access log page", "Effect figures")),
    "dashboard_effect_export": log.export(
        title=pgettext_lazy("access log page", "Effect figures (export)")
    ),
    "dashboard_pedagogists_export": log.export(
        title=pgettext_lazy("access log page", "Allocation per pedagogist (export)")
    ),
    # The yearly report quotes the leaders' comments (never who wrote them, nor any child).
    "year_report_download": log.download(
        "forloeb.YearReport", title=pgettext_lazy("access log page", "Yearly report (PDF)")
    ),
    # The plan: whose days and absences a page shows.
    "week_plan": log.search(
        title=pgettext_lazy("access log page", "Week plan"),
        detail=pgettext_lazy("access log page", "week %(week)s, %(year)s"),
    ),
    "absence_list": log.search(title=pgettext_lazy("access log page", "Absence")),
    "absence_create": log.view(title=pgettext_lazy("access log page", "Recording absence")),
    # Shortening one shows the absence (its kind and note): it concerns its pedagogist.
    "absence_shorten": log.view(
        "forloeb.Absence",
        concerns=lambda absence: [absence.pedagogist.user_id],
        title=pgettext_lazy("access log page", "Absence"),
    ),
    "calendar_feed": log.download(
        "forloeb.CalendarFeed", title=pgettext_lazy("access log page", "Calendar subscription")
    ),
}


def access_log_query_keys() -> dict[str, log.QueryKey]:
    """The Danish names of the filters the course list and the effect figures take (the
    access log)."""
    from forloeb.dashboards.effect import DIMENSIONS

    return {
        "phase": log.QueryKey(pgettext_lazy("access log filter", "phase"), dict(Phase.choices)),
        "efter": log.QueryKey(pgettext_lazy("access log filter", "grouped by"), dict(DIMENSIONS)),
        "proposals": log.QueryKey(
            pgettext_lazy("access log filter", "proposals for the plan"),
            {"waiting": pgettext_lazy("access log filter", "waiting for an answer")},
        ),
    }
