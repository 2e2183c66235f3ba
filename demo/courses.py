"""The demo's course: the agreement in force has a course in the practice phase with notes."""

from datetime import timedelta

from django.utils import timezone

from demo import interventions, synthetic
from demo.organisation import DEMO_PASSWORD
from forloeb.courses import services as courses_services
from forloeb.hours import services as hours_services
from forloeb.models import Course, Phase
from indsats.agreements.content import written_on
from institutioner import workdays

NOTES = [
    (
        27,
        "beside",
        ["social"],
        "Opstartsmøde med lederen og stuens personale: vi gennemgik aftalen og aftalte, at "
        "formiddagens leg deles i tre mindre grupper tirsdag og torsdag.",
    ),
    (
        20,
        "front",
        ["social", "sprog"],
        "Jeg viste en legegruppe ved bordet, mens personalet observerede. Vi talte bagefter om, "
        "hvordan de voksne kan trække sig, når legen kører.",
    ),
    (
        13,
        "beside",
        ["krop"],
        "Personalet stod for to af grupperne, jeg for den tredje. Overgangen til frokost gik "
        "roligere: børnene vidste, hvor de skulle hen.",
    ),
    (
        6,
        "behind",
        ["social"],
        "Personalet kørte alle tre grupper selv; jeg observerede og gav feedback på "
        "personalemødet. Næste skridt: garderoben.",
    ),
]


def demo_courses() -> None:
    course = Course.objects.select_related("agreement__request").order_by("pk").first()
    if course is None:
        return
    pedagogist = course.agreement.request.allocations.select_related("pedagogist__user").first()
    if pedagogist is None:
        return
    user = pedagogist.pedagogist.user
    for item in course.checklist.filter(phase=Phase.STARTUP):
        courses_services.course_tick(actor=user, course_id=course.pk, item_id=item.pk, done=True)
    courses_services.course_advance(actor=user, course_id=course.pk, expected_phase=Phase.STARTUP)
    first = course.checklist.get(key="practice_roles")
    courses_services.course_tick(actor=user, course_id=course.pk, item_id=first.pk, done=True)
    today = timezone.localdate()
    for days_ago, role, themes, text in NOTES:
        courses_services.course_note_add(
            actor=user,
            course_id=course.pk,
            day=today - timedelta(days=days_ago),
            text=text,
            practice_role=role,
            themes=themes,
        )


def _course_in_force(
    leader_email: str,
    n: int,
    start_weeks_ago: int,
    pedagogist_email: str | None = None,
    final_on=None,
):
    """Another accepted request with its agreement signed, so its course exists. `final_on`:
    the agreement's final evaluation (and end) on that day, as agreed when it was written, so
    the course's evaluations say what its agreement says."""
    from indsats.agreements import services as indsats_services
    from indsats.models import InterventionRequest
    from institutioner.models import Pedagogist, User

    admin = User.objects.get(email="forvaltning@demo.dk")
    leader = User.objects.get(email=leader_email)
    institution = leader.institutions.first()
    pedagogists = Pedagogist.objects.filter(assignments__institution=institution)
    if pedagogist_email:
        pedagogists = pedagogists.filter(user__email=pedagogist_email)
    pedagogist = pedagogists.first()
    if institution is None or pedagogist is None:
        return None
    req = interventions._create(leader, institution, n, start_in_days=1, waited_days=90)
    # Started on a working day, as every wished start is.
    InterventionRequest.objects.filter(pk=req.pk).update(
        wished_start=workdays.working_day_on_or_before(
            timezone.localdate() - timedelta(weeks=start_weeks_ago)
        )
    )
    req.refresh_from_db()
    interventions._accept(admin, req, pedagogist, "4")
    agreement, version = interventions._agreement(pedagogist.user, req, goals=interventions.GOALS)
    _practice_times_free(agreement, version, pedagogist)
    if final_on is not None:
        _final_on(version, pedagogist, final_on)
    interventions._send(pedagogist.user, version)
    for signer in (pedagogist.user, leader):
        indsats_services.agreement_sign(actor=signer, version_id=version.pk, password=DEMO_PASSWORD)
    return Course.objects.get(agreement__request=req), pedagogist.user


def _practice_times_free(agreement, version, pedagogist) -> None:
    """The agreement's weekdays and times where its pedagogist has no other course (the demo's
    other agreements and its generated past): one pedagogist is at one place at a time."""
    import random
    from dataclasses import replace

    from indsats.agreements import services as indsats_services

    version.refresh_from_db()
    content = version.parsed
    slots = synthetic.PracticeSlots()
    slots.load(exclude_agreement=agreement.pk)
    rng = random.Random(f"demo-{agreement.request_id}")  # noqa: S311 - demo data
    found = slots.find([pedagogist.pk], content.starts_on, content.ends_on, rng)
    if found is None:
        return
    weekdays, (time_from, time_to) = found
    # Written as on its start, as the demo's other agreements are (demo/interventions.py).
    with written_on(content.starts_on):
        indsats_services.agreement_draft_update(
            actor=pedagogist.user,
            version_id=version.pk,
            content=replace(
                content,
                weekdays=tuple(weekdays),
                days_per_week=len(weekdays),
                time_from=time_from,
                time_to=time_to,
            ),
        )
    version.refresh_from_db()


def _final_on(version, pedagogist, day) -> None:
    """The draft's final evaluation, and its end, on `day` (its midway one before it)."""
    from dataclasses import replace

    from indsats.agreements import services as indsats_services

    version.refresh_from_db()
    content = version.parsed
    midway = content.midway_evaluation_on
    with written_on(content.starts_on):
        indsats_services.agreement_draft_update(
            actor=pedagogist.user,
            version_id=version.pk,
            content=replace(
                content,
                ends_on=day,
                final_evaluation_on=day,
                midway_evaluation_on=midway if midway and midway < day else None,
            ),
        )
    version.refresh_from_db()


def plan_ongoing(courses, day):
    """An ongoing evaluation on `day`, planned through the service by its pedagogist, on the
    first of `courses` whose agreement holds that day (None if none does)."""
    from django.core.exceptions import ValidationError

    from institutioner.errors import StateError

    for course in courses:
        allocation = course.agreement.request.allocations.select_related("pedagogist").first()
        if allocation is None:
            continue
        try:
            return courses_services.evaluation_add(
                actor=allocation.pedagogist.user, course_id=course.pk, due_on=day
            )
        except (ValidationError, StateError):
            continue
    return None


def _tick_all(course, user, phase) -> None:
    """The demo's courses move on with their checklist done (an unticked item needs a reason)."""
    for item in course.checklist.filter(phase=phase, done_at__isnull=True):
        courses_services.course_tick(actor=user, course_id=course.pk, item_id=item.pk, done=True)


def demo_more_courses() -> None:
    """A course that has just started, one in follow-up and one closed with its report."""
    from forloeb.models import EvaluationKind

    _course_in_force("leder.3.2@demo.dk", 1, start_weeks_ago=1)
    follow = _course_in_force("leder.4.1@demo.dk", 2, start_weeks_ago=9)
    if follow:
        course, user = follow
        for phase in (Phase.STARTUP, Phase.PRACTICE):
            _tick_all(course, user, phase)
            courses_services.course_advance(actor=user, course_id=course.pk, expected_phase=phase)
    # Its final evaluation was held three days ago (the note below), as its agreement says.
    closed = _course_in_force(
        "leder.5.1@demo.dk",
        3,
        start_weeks_ago=10,
        final_on=workdays.working_day_on_or_before(timezone.localdate() - timedelta(days=3)),
    )
    if closed:
        course, user = closed
        courses_services.course_note_add(
            actor=user,
            course_id=course.pk,
            day=timezone.localdate() - timedelta(days=3),
            text="Slutevaluering holdt med lederen; personalet fortsætter legegrupperne selv.",
            practice_role="behind",
            themes=["social"],
        )
        for phase in (Phase.STARTUP, Phase.PRACTICE):
            _tick_all(course, user, phase)
            courses_services.course_advance(actor=user, course_id=course.pk, expected_phase=phase)
        final = course.evaluations.get(kind=EvaluationKind.FINAL)
        courses_services.evaluation_complete(
            actor=user,
            evaluation_id=final.pk,
            held_on=final.due_on,
            participants="Lederen, stuens to pædagoger og indsatspædagogen",
            leadership_took_part=True,
            decision="close",
            summary="Overgangene er rolige, og legegrupperne er blevet en fast del af dagen.",
            assessments=[
                (text, 4, "") for text in course.agreement.versions.get().parsed.goal_texts()
            ],
        )
        _tick_all(course, user, Phase.FOLLOW_UP)
        courses_services.course_advance(
            actor=user, course_id=course.pk, expected_phase=Phase.FOLLOW_UP
        )


# --- The demo's courses dated in their own past ------------------------------------------------


def demo_course_history() -> None:
    """The demo's own courses are made through the services while the demo loads, so their
    history said the day and hour of the loading: "Forløbet startede" today, for a course that
    started weeks ago (`demo_hours` dates the course's start back, not its history). Each such
    course's history is dated in its own past, in the order it was written (as the generated
    past's courses are, demo/synthetic.py): the start at the course's start, an evaluation
    recorded on the day it was held, an ongoing evaluation planned a week before its day, a
    closed course closed moments after its final evaluation, and the rows between on the
    working days between them. What the course page and its history page show with them moves
    along: the ticks' days, the evaluation's and the closing's moments (with the agreement's
    end), the stored history's rows, and the logbook notes, written on their days."""
    for course in Course.objects.select_related("agreement").order_by("pk"):
        events = list(course.events.order_by("created_at", "pk"))
        # The generated past's courses are dated already; a course started today is right.
        if events and events[0].created_at - course.started_at >= timedelta(hours=1):
            _date_back(course, events)


def _date_back(course, events) -> None:
    from bisect import bisect_left
    from datetime import time

    from forloeb.models import (
        ChecklistItem,
        CourseEvent,
        CourseNote,
        Evaluation,
        EvaluationKind,
    )

    now = timezone.now()
    old = [event.created_at for event in events]
    # The course's first stored row: every stamp of it from then on was made while loading.
    created = course.history.filter(history_type="+").order_by("history_date").first()
    loaded = min(old[0], created.history_date) if created is not None else old[0]
    last = len(events) - 1

    def index_of(moment) -> int:
        """The event a stamp belongs to: the first written at or after it (a service saves its
        rows, then writes the event)."""
        return min(bisect_left(old, moment), last)

    # The day it began (its agreement's start when that came first: the start `demo_hours` moved
    # it to, which a change of summer time can carry over midnight).
    start = min(workdays.at_local(courses_services.course_start(course), time(9)), now)
    anchors = {0: start}
    for evaluation in course.evaluations.filter(completed_at__gte=loaded, held_on__isnull=False):
        anchors[index_of(evaluation.completed_at)] = workdays.at_local(evaluation.held_on, time(14))
    planned = Evaluation.history.filter(
        course_id=course.pk,
        kind=EvaluationKind.ONGOING,
        history_type="+",
        history_date__gte=loaded,
    )
    for record in planned:
        anchors[index_of(record.history_date)] = workdays.at_local(
            workdays.working_day_on_or_before(record.due_on - timedelta(days=7)), time(15)
        )
    if last not in anchors:
        tail = max(anchors)
        if course.phase == Phase.CLOSED:
            # Closed when its final evaluation was recorded, its last items ticked just before.
            anchors[last] = anchors[tail] + timedelta(minutes=5 * (last - tail))
        else:
            yesterday = workdays.working_day_on_or_before(
                timezone.localdate(now) - timedelta(days=1)
            )
            anchors[last] = workdays.at_local(yesterday, time(15))
    new = [start] * len(events)
    previous = None
    for index in sorted(anchors):
        moment = min(anchors[index], now)
        if previous is not None:
            moment = max(moment, new[previous] + timedelta(minutes=index - previous))
            between = _moments_between(new[previous], moment, index - previous - 1)
            new[previous + 1 : index] = between
        new[index] = moment
        previous = index

    def moved(moment):
        return new[index_of(moment)]

    for event, moment in zip(events, new, strict=True):
        CourseEvent.objects.filter(pk=event.pk).update(created_at=moment)
    # The checklist's ticks (and items passed with a reason) on the days of their events.
    for item in course.checklist.filter(done_at__gte=loaded):
        ChecklistItem.objects.filter(pk=item.pk).update(done_at=moved(item.done_at))
    for item in course.checklist.filter(waived_at__gte=loaded):
        ChecklistItem.objects.filter(pk=item.pk).update(waived_at=moved(item.waived_at))
    for evaluation in course.evaluations.filter(completed_at__gte=loaded):
        when = moved(evaluation.completed_at)
        Evaluation.objects.filter(pk=evaluation.pk).update(completed_at=when)
        Evaluation.history.filter(id=evaluation.pk, completed_at=evaluation.completed_at).update(
            completed_at=when
        )
    for record in Evaluation.history.filter(course_id=course.pk, history_date__gte=loaded):
        type(record)._default_manager.filter(pk=record.pk).update(
            history_date=moved(record.history_date)
        )
    closed_at = course.closed_at
    if closed_at is not None and closed_at >= loaded:
        closed_at = moved(course.closed_at)
        _agreement_ended_back(course, timezone.localdate(closed_at))
        course.history.filter(closed_at=course.closed_at).update(closed_at=closed_at)
    Course.objects.filter(pk=course.pk).update(started_at=start, closed_at=closed_at)
    course.history.update(started_at=start)
    for record in course.history.filter(history_date__gte=loaded):
        type(record)._default_manager.filter(pk=record.pk).update(
            history_date=moved(record.history_date)
        )
    # The logbook's notes written on their days (after the day's practice).
    for note in course.notes.filter(created_at__gte=loaded):
        written = min(workdays.at_local(note.day, time(15)), now)
        CourseNote.objects.filter(pk=note.pk).update(created_at=written)
        CourseNote.history.filter(id=note.pk, history_date__gte=loaded).update(history_date=written)


def _moments_between(after, before, count: int) -> list:
    """`count` moments after `after` and before `before`, in order: at office hours on the
    working days between them (several to a day when the days are fewer), else minutes apart."""
    from datetime import time

    first, end = timezone.localdate(after), timezone.localdate(before)
    days = [
        first + timedelta(days=n)
        for n in range(1, (end - first).days)
        if workdays.is_working_day(first + timedelta(days=n))
    ]
    if not days:
        step = (before - after) / (count + 1)
        return [after + step * (n + 1) for n in range(count)]
    moments: list = []
    for n in range(count):
        day = days[n * len(days) // count]
        same_day = sum(1 for moment in moments if timezone.localdate(moment) == day)
        moments.append(workdays.at_local(day, time(10)) + timedelta(minutes=10 * same_day))
    return moments


def _agreement_ended_back(course, day) -> None:
    """A closed course's agreement ended on the day it was closed (agreement_end): that day."""
    from django.utils.translation import gettext as _

    from indsats.models import Agreement, EventKind

    agreement = Agreement.objects.get(pk=course.agreement_id)
    if agreement.ended_on is None or agreement.ended_on == day:
        return
    was = agreement.ended_on
    Agreement.objects.filter(pk=agreement.pk).update(ended_on=day)
    agreement.history.filter(ended_on=was).update(ended_on=day)
    agreement.request.events.filter(
        kind=EventKind.AGREEMENT_ENDED,
        message=_("Agreed hours count until the end of the week of %(day)s.")
        % {"day": f"{was:%d.%m.%Y}"},
    ).update(
        message=_("Agreed hours count until the end of the week of %(day)s.")
        % {"day": f"{day:%d.%m.%Y}"}
    )


# --- Hours --------------------------------------------------------------------------------------

HOLIDAY_NOTE = "Ferie"


def _week_values(course_rows, monday, rng, *, heavy=False):
    """A realistic week: the agreed hours on each course with a little variation, the
    preparation hour, sparring every other week, meetings and transport, and the rest as
    practice in the attached institutions (not tied to a course)."""
    from decimal import Decimal

    from forloeb.models import HourCategory as C

    values = {}
    used = Decimal("0")
    for course in course_rows:
        agreed_from, agreed_to = (
            getattr(course, "agreed_from", None),
            getattr(course, "agreed_to", None),
        )
        if agreed_from and (agreed_from > monday + timedelta(days=6) or agreed_to < monday):
            continue  # signed, but the agreed weeks have not begun (or are over)
        practice = (course.agreed_hours or Decimal("4")) + Decimal(
            rng.choice(["-1", "0", "0", "0.5"])
        )
        values[(course.pk, C.PRACTICE)] = practice
        values[(course.pk, C.PREPARATION)] = Decimal(rng.choice(["1", "1", "1", "0.5"]))
        used += practice + values[(course.pk, C.PREPARATION)]
    if monday.isocalendar()[1] % 2 == 0:
        values[(None, C.SPARRING)] = Decimal("1.5")
    values[(None, C.MEETING)] = Decimal("9" if heavy else rng.choice(["2", "3", "3.5"]))
    values[(None, C.TRANSPORT)] = Decimal("6" if heavy else rng.choice(["1.5", "2", "2.5"]))
    week = Decimal(rng.choice(["37", "37", "36.5", "38", "35"]))
    rest = week - used - sum((v for k, v in values.items() if k[0] is None), Decimal("0"))
    if rest > 0:
        values[(None, C.PRACTICE)] = rest
    return values


# --- The past, for the dashboards ---------------------------------------------------------------


def _last_months_weeks() -> list:
    """The weeks of last month: the month before this week's (a week belongs to the month of
    its Thursday). `demo_hours` writes its weeks from the first of them; `demo_history`'s
    approved past ends the week before."""
    from forloeb.hours import weeks as hours

    previous = (hours.this_monday() + timedelta(days=3)).replace(day=1) - timedelta(days=1)
    return hours.weeks_of_month(previous.year, previous.month)


def demo_history() -> None:
    """About 16 months of interventions before the demo's own weeks, made by the synthetic
    municipality's generator on the demo's organisation: courses that ran and closed (some
    adjusted, some repeats in the same group, some with another pedagogist than the attached
    one, whose attachments changed at the last school year) and some still running, rejected
    and withdrawn requests, and approved week sheets up to the demo's own weeks. It runs before
    `demo_hours`, so the weeks that loader writes carry the running courses too. The
    allocation dashboards then have a past and a present to show."""
    import random

    from forloeb.hours import weeks as hours
    from institutioner.models import Assignment, User

    admin = User.objects.get(email="forvaltning@demo.dk")
    org = synthetic.organisation_from_database(admin=admin)
    today = timezone.localdate()
    # Up to the week before the first that `demo_hours` writes: no week without hours between.
    last_monday = _last_months_weeks()[0] - timedelta(weeks=1)
    first_monday = hours.monday_of(last_monday - timedelta(weeks=70))
    existing_from = min(Assignment.objects.values_list("valid_from", flat=True))
    current = {a.institution_id: a.pedagogist_id for a in Assignment.objects.all()}
    rng = random.Random(2026)  # noqa: S311 - demo data, not secrets
    synthetic.attachments_create(
        org=org,
        rng=rng,
        current=current,
        first_year=synthetic.school_year_start(first_monday),
        today=today,
        existing_from=existing_from,
    )
    synthetic.history_create(
        org=org,
        rng=rng,
        first_monday=first_monday,
        last_monday=last_monday,
        today=today,
        agreements=110,
        waiting=False,
    )


def demo_hours() -> None:
    """Week sheets in every state: last month approved (all but one pedagogist, whose month
    waits for the administration's button), this month submitted, last week still open for
    the demo pedagogist, a holiday week, a week heavy on meetings and transport, and this week
    prefilled but not saved."""
    import random

    from forloeb.hours import weeks as hours
    from institutioner.models import Pedagogist, User

    # The demo pedagogist's own course, at the demo leader's institution.
    own = _course_in_force(
        "leder@demo.dk", 4, start_weeks_ago=7, pedagogist_email="paedagog@demo.dk"
    )
    if own:
        course, user = own
        for item in course.checklist.filter(phase=Phase.STARTUP):
            courses_services.course_tick(
                actor=user, course_id=course.pk, item_id=item.pk, done=True
            )
        courses_services.course_advance(
            actor=user, course_id=course.pk, expected_phase=Phase.STARTUP
        )
    # The demo's courses began in the past: date their start back to the agreed start, so
    # their weeks can carry hours.
    for course in hours.with_agreed(Course.objects.all()):
        started = timezone.localdate(course.started_at)
        agreed_from = getattr(course, "agreed_from", None)
        if agreed_from and agreed_from < started:
            Course.objects.filter(pk=course.pk).update(
                started_at=course.started_at - (started - agreed_from)
            )
    rng = random.Random(2026)  # noqa: S311 - demo data, not secrets
    admin = User.objects.get(email="forvaltning@demo.dk")
    this_monday = hours.this_monday()
    last_monday = this_monday - timedelta(weeks=1)
    last_months_weeks = _last_months_weeks()
    previous = last_months_weeks[0] + timedelta(days=3)  # a day of that month
    first = last_months_weeks[0]
    pedagogists = list(Pedagogist.objects.select_related("user").order_by("user__name"))
    for index, pedagogist in enumerate(pedagogists):
        demo_user = pedagogist.user.email == "paedagog@demo.dk"
        monday = first
        while monday < this_monday:
            holiday = monday == first + timedelta(weeks=2) and index % 2 == 0
            heavy = index == 3 and monday == last_monday - timedelta(weeks=1)
            courses = hours.courses_in_week(pedagogist, monday)
            hours_services.week_save(
                actor=pedagogist.user,
                pedagogist=pedagogist,
                monday=monday,
                values={} if holiday else _week_values(courses, monday, rng, heavy=heavy),
                note=HOLIDAY_NOTE if holiday else "",
                submit=not (demo_user and monday == last_monday),
            )
            monday += timedelta(weeks=1)
        # One pedagogist's month waits for the administration's button; so does the demo
        # pedagogist's when her open week belongs to it.
        if index != 1 and not (demo_user and last_monday in last_months_weeks):
            hours_services.month_approve(
                actor=admin, pedagogist=pedagogist, year=previous.year, month=previous.month
            )


# --- Reminders and notifications ----------------------------------------------------------------


def demo_hour_export() -> None:
    """The administration asked for a year of hours in Excel: built as the worker builds a large
    export, with its notification and its page (Timer → Leverede timer → the export's link)."""
    from forloeb.hours import services as hours_services
    from forloeb.hours import weeks as hours
    from institutioner.models import User

    administrator = User.objects.filter(email="forvaltning@demo.dk").first()
    if administrator is None:
        return
    end = hours.this_monday() - timedelta(days=1)
    made = hours_services.hour_export_start(
        actor=administrator, start=end - timedelta(weeks=52), end=end
    )
    hours_services.hour_export_build(export_id=made.pk)


def demo_reminders() -> None:
    """Reminders in every state, made by the rules themselves from the demo's data.

    - Sofie's course has an ongoing evaluation in four days, and another course one overdue
      (planned three days ago, not recorded): both reminders go to the pedagogist and the
      leader.
    - The requests that have waited more than five working days remind the administration, and
      Sofie's unsubmitted week sheet reminds her (in the app only: she switched e-mail off).
    - The agreement waiting for the leader's signature was sent today; its reminder is made as
      the rule will make it after three working days, so the leader meets it now.
    - Older messages are read; one e-mail failed after every attempt (a mail server that hung
      up), for the health page.
    """
    from forloeb.reminders import rules as reminders
    from forloeb.reminders.tasks import run_all
    from institutioner.models import (
        Notification,
        NotificationKind,
        NotificationOptOut,
        NotificationStatus,
        User,
    )

    now = timezone.now()
    today = timezone.localdate(now)
    # Everything said so far (requests, meetings, agreements) has been read long ago.
    Notification.objects.update(read_at=now)

    sofie = User.objects.get(email="paedagog@demo.dk")
    NotificationOptOut.objects.get_or_create(user=sofie, kind=NotificationKind.WEEK_SHEET_REMINDER)
    # Ongoing evaluations planned as the pedagogist plans them: the agreed midway and final
    # ones keep the days their agreements say.
    running = Course.objects.exclude(phase=Phase.CLOSED).order_by("pk")
    sofies = running.filter(agreement__request__allocations__pedagogist__user=sofie)
    plan_ongoing(sofies, workdays.working_day_on_or_after(today + timedelta(days=4)))
    plan_ongoing(
        running.exclude(agreement__request__allocations__pedagogist__user=sofie),
        workdays.working_day_on_or_before(today - timedelta(days=3)),
    )

    run_all(now=now)
    reminders.signatures_waiting(now=now + timedelta(days=7))

    # A few of the administration's reminders are already read.
    admin = User.objects.get(email="forvaltning@demo.dk")
    read = Notification.objects.filter(recipient=admin).unread().order_by("pk")[:2]
    Notification.objects.filter(pk__in=[n.pk for n in read]).update(read_at=now)

    # An e-mail that could not be sent: the health page shows it and can send it again.
    failed = (
        Notification.objects.filter(status=NotificationStatus.PENDING)
        .exclude(recipient=sofie)
        .order_by("pk")
        .first()
    )
    if failed is not None:
        Notification.objects.filter(pk=failed.pk).update(
            status=NotificationStatus.FAILED,
            attempts=8,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )


# --- A past beyond the retention periods --------------------------------------------------------


def demo_past_retention() -> None:
    """Something for `manage.py retention --dry-run` to report: three interventions closed
    about six years ago with their week sheets (the generator's, one with a logbook note), the
    generated past's rejected and withdrawn requests older than a year, a pedagogist's absence
    with a note from then, access-log rows from
    before two years, messages from before a year, and an Excel export of hours and a yearly
    report asked for two months ago (both failed, so they kept no file). Nothing here is
    anonymised or deleted yet: that is the nightly run's job (or `manage.py retention`)."""
    import random

    from forloeb.hours import weeks as hours
    from forloeb.models import (
        CourseNote,
        HourExport,
        HourExportFailure,
        HourExportStatus,
        YearReport,
        YearReportFailure,
    )
    from forloeb.yearreport import selectors as year_report_selectors
    from institutioner.models import (
        AccessAction,
        AccessLogEntry,
        Notification,
        NotificationKind,
        NotificationStatus,
        User,
    )

    admin = User.objects.get(email="forvaltning@demo.dk")
    org = synthetic.organisation_from_database(admin=admin)
    today = timezone.localdate()
    first = hours.monday_of(today - timedelta(days=6 * 365 + 90))
    last = first + timedelta(weeks=26)
    synthetic.history_create(
        org=org,
        rng=random.Random(2020),  # noqa: S311 - demo data, not secrets
        first_monday=first,
        last_monday=last,
        today=today,
        agreements=3,
        waiting=False,
        closed_by=last,
    )
    old = Course.objects.filter(phase=Phase.CLOSED, closed_at__date__lt=last).order_by("pk")
    course = old.select_related("agreement__request").first()
    if course is not None:
        pedagogist = course.agreement.request.allocations.select_related("pedagogist__user")[0]
        CourseNote.objects.create(
            course=course,
            author=pedagogist.pedagogist.user,
            day=course.started_at.date() + timedelta(days=14),
            text="Vi delte formiddagen i små legegrupper; personalet tog over efter to uger.",
        )
    # A pedagogist's absence with a note from that time, past its period too.
    from forloeb.models import Absence, AbsenceKind
    from institutioner.models import Pedagogist

    away = Pedagogist.objects.select_related("user").order_by("pk").first()
    if away is not None:
        Absence.objects.create(
            pedagogist=away,
            kind=AbsenceKind.COURSE,
            starts_on=first + timedelta(weeks=4, days=1),
            ends_on=first + timedelta(weeks=4, days=2),
            note="Kursus i sprogvurdering i Vejle.",
            created_by=away.user,
        )
    now = timezone.now()
    leader = User.objects.get(email="leder@demo.dk")
    # A request the administration asked about fourteen months ago and the leader never
    # answered: left waiting with nothing happening, past the ended requests' period.
    from indsats.models import EventKind, InterventionRequest, RequestEvent, RequestStatus

    stalled_at = now - timedelta(days=430)
    place = leader.institutions.order_by("pk")[0]
    group = place.groups.order_by("pk")[0]
    stalled = InterventionRequest.objects.create(
        institution=place,
        group=group,
        need="Vi har svært ved at få samlingen til at fungere for de yngste.",
        age_group=group.age_group,
        group_size=16,
        wished_start=workdays.working_day_on_or_after(stalled_at.date() + timedelta(days=30)),
        wished_weeks=8,
        contact_name=leader.name,
        contact_email=leader.email,
        status=RequestStatus.NEEDS_INFO,
        created_by=leader,
        submitted_at=stalled_at - timedelta(days=2),
    )
    for kind, before, after, when, message in (
        (EventKind.SUBMITTED, RequestStatus.DRAFT, RequestStatus.SUBMITTED, 2, ""),
        (
            EventKind.INFO_REQUESTED,
            RequestStatus.SUBMITTED,
            RequestStatus.NEEDS_INFO,
            0,
            "Hvor mange voksne er der på stuen om formiddagen?",
        ),
    ):
        event = RequestEvent.objects.create(
            request=stalled,
            kind=kind,
            actor=leader if kind == EventKind.SUBMITTED else admin,
            from_status=before,
            to_status=after,
            message=message,
        )
        RequestEvent.objects.filter(pk=event.pk).update(
            created_at=stalled_at - timedelta(days=when)
        )
    InterventionRequest.objects.filter(pk=stalled.pk).update(
        created_at=stalled_at - timedelta(days=3), updated_at=stalled_at
    )
    # A draft the leader began sixteen months ago and never sent: deleted by retention.
    abandoned_at = now - timedelta(days=480)
    abandoned = InterventionRequest.objects.create(
        institution=place,
        group=group,
        need="Vi vil gerne have hjælp til overgangen fra vuggestue til børnehave.",
        age_group=group.age_group,
        group_size=14,
        wished_start=workdays.working_day_on_or_after(abandoned_at.date() + timedelta(days=40)),
        wished_weeks=6,
        contact_name=leader.name,
        contact_email=leader.email,
        created_by=leader,
    )
    created = RequestEvent.objects.create(
        request=abandoned, kind=EventKind.CREATED, actor=leader, to_status=RequestStatus.DRAFT
    )
    RequestEvent.objects.filter(pk=created.pk).update(created_at=abandoned_at)
    InterventionRequest.objects.filter(pk=abandoned.pk).update(
        created_at=abandoned_at, updated_at=abandoned_at
    )
    for days in (760, 800, 900):
        AccessLogEntry.objects.create(
            user=admin,
            at=now - timedelta(days=days),
            action=AccessAction.VIEW,
            url_name="request_detail",
            concerns=[leader.pk],
        )
    for days in (400, 430):
        Notification.objects.create(
            recipient=leader,
            email=leader.email,
            template="request_submitted",
            kind=NotificationKind.REQUESTS,
            subject="Anmodningen er modtaget",
            body_text="Din anmodning om en indsats er modtaget af forvaltningen.",
            status=NotificationStatus.SENT,
            created_at=now - timedelta(days=days),
            sent_at=now - timedelta(days=days),
            read_at=now - timedelta(days=days - 1),
        )
    # Kept exports older than RETENTION_EXPORT_DAYS.
    two_months_ago = now - timedelta(days=60)
    # A year of hours whose rows could not be read from the database (a query that ran too
    # long): what the page says, with what to do; the worker's log would hold the traceback.
    failed = HourExport.objects.create(
        requested_by=admin,
        starts_on=today - timedelta(days=425),
        ends_on=today - timedelta(days=60),
        status=HourExportStatus.FAILED,
        failure=HourExportFailure.DATABASE,
        started_at=two_months_ago,
        finished_at=two_months_ago + timedelta(seconds=30),
    )
    HourExport.objects.filter(pk=failed.pk).update(created_at=two_months_ago)
    # Its figures and its PDF were made, but the file store did not answer when it was saved
    # (what the page says; the worker's log would hold the traceback).
    sections = len(year_report_selectors.SECTIONS)
    report = YearReport.objects.create(
        year=today.year - 2,
        requested_by=admin,
        status=HourExportStatus.FAILED,
        failure=YearReportFailure.STORAGE,
        steps_total=sections + 1,
        steps_done=sections,
        started_at=two_months_ago + timedelta(seconds=2),
        finished_at=two_months_ago + timedelta(seconds=41),
    )
    YearReport.objects.filter(pk=report.pk).update(created_at=two_months_ago)
