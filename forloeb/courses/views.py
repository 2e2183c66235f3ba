from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forloeb import access
from forloeb.courses import pdf, services
from forloeb.courses.filters import CourseFilter
from forloeb.courses.forms import (
    AdvanceReasonForm,
    EvaluationAddForm,
    EvaluationForm,
    NoteForm,
    SetPhaseForm,
)
from forloeb.hours import weeks as hours
from forloeb.models import (
    CHECKLIST,
    PHASE_ORDER,
    Course,
    CourseNote,
    Evaluation,
    EvaluationStatus,
    Phase,
    PlanChangeStatus,
)
from forloeb.plan import selectors as plan_selectors
from forloeb.plan import triage as plan_triage
from forloeb.plan.forms import PlanChangeDeclineForm, PlanChangeForm
from forloeb.voice import selectors as voice
from indsats.models import AgreementVersion
from institutioner import paging
from institutioner.accesslog import services as access_log
from institutioner.errors import StateError
from institutioner.forms import add_errors
from institutioner.history import Change, history_rows


@login_required
def course_list(request):
    filterset = CourseFilter(
        request.GET or None, queryset=access.courses_for(request.user), request=request
    )
    courses = (
        filterset.qs.select_related(
            "agreement__request__institution__district", "agreement__request__group"
        )
        # The next evaluation only: the planned ones by date, in the same one query.
        .prefetch_related(
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.filter(status=EvaluationStatus.PLANNED).order_by(
                    "due_on", "pk"
                ),
                to_attr="planned_evaluations",
            )
        )
        # When the agreed period starts (the version in force, else the last signed one): the
        # course is made at the signing, often days before its first day.
        .annotate(
            period_starts=Subquery(
                AgreementVersion.objects.signed()
                .filter(agreement=OuterRef("agreement"))
                .order_by("status", "-number")  # "in_force" before "superseded"
                .values("starts_on")[:1]
            )
        )
        .order_by("-started_at", "-pk")
    )
    # 50 to a page: the administration's list held every course (2 MB of HTML at 6,000).
    page = paging.page_of(courses, request)
    shown = list(page.object_list)
    for course in shown:
        course.next_evaluation = (  # type: ignore[attr-defined]
            course.planned_evaluations[0] if course.planned_evaluations else None
        )
    return render(
        request,
        "forloeb/courses/course_list.html",
        {
            "courses": shown,
            "page": page,
            "page_query": paging.page_query(request),
            "filter": filterset,
            "today": timezone.localdate(),
            "can_have_courses": access.can_have_courses(request.user),
        },
    )


def _with_warnings(changes: list) -> list:
    """A proposal waiting for an answer (its days not passed) carries what the pedagogist would
    be warned of if she took it into the plan: she is elsewhere or away on the new day, or the
    day it cancels is already taken by her absence. The leader who proposed it reads it too."""
    today = timezone.localdate()
    for change in changes:
        waiting = change.status == PlanChangeStatus.PROPOSED and all(
            day is None or day >= today for day in (change.day, change.new_day)
        )
        change.warnings = plan_triage.change_warnings(change) if waiting else []
    return changes


def _with_decline_forms(changes: list, can_change_plan: bool) -> list:
    """A proposal the person may answer carries the form to decline it, with why (optional);
    each its own field ids, as several proposals may wait on the page."""
    for change in changes:
        change.decline_form = (
            PlanChangeDeclineForm(auto_id=f"id_decline_{change.pk}_%s")
            if can_change_plan and change.status == PlanChangeStatus.PROPOSED
            else None
        )
    return changes


def _course_page(request, course, *, note_form=None, add_evaluation_form=None):
    # Also when a refused logbook note shows the page again (its access-log row).
    access_log.shown(request, course)
    # Hours the person may not see are not even computed.
    hour_weeks, hour_totals = (
        hours.course_weeks(course) if access.can_see_hours(request.user, course) else (None, None)
    )
    evaluations = list(course.evaluations.prefetch_related("assessments", "ratings__respondent"))
    voice.course_voice(request.user, course, evaluations)
    can_change_plan = access.can_change_plan(request.user, course) and course.phase != Phase.CLOSED
    items = {item.key: item for item in course.checklist.select_related("done_by", "waived_by")}
    phases = []
    for phase in PHASE_ORDER:
        phase_items = [items[key] for key, _label in CHECKLIST.get(phase, []) if key in items]
        past = PHASE_ORDER.index(phase) < PHASE_ORDER.index(Phase(course.phase))
        # "Done" only beside ticked boxes; a phase left with items not done says so.
        complete = all(item.done_at for item in phase_items)
        phases.append(
            {
                "phase": phase,
                "label": phase.label,
                "current": course.phase == phase,
                "done": past and complete,
                "passed": past and not complete,
                "items": phase_items,
            }
        )
    return render(
        request,
        "forloeb/courses/course_detail.html",
        {
            "course": course,
            "req": course.agreement.request,
            "phases": phases,
            "notes": course.notes.select_related("author"),
            "events": course.events.select_related("actor"),
            "versions": course.agreement.versions.exclude(number=None).order_by("-number"),
            "agreed": _agreed(course),
            "hour_weeks": hour_weeks,
            "hour_totals": hour_totals,
            "can_work": access.can_work_on(request.user, course),
            "can_correct": access.can_correct_evaluations(request.user, course)
            and course.phase != Phase.CLOSED,
            "can_set_phase": access.can_set_course_phase(request.user),
            "can_see_history": access.can_see_course_history(request.user),
            "note_form": note_form or NoteForm(),
            "evaluations": evaluations,
            "reads_ratings": access.reads_ratings(request.user, course),
            "sees_environment_history": access.can_see_environment_history(request.user),
            "follow_ups": list(
                access.follow_ups_for(request.user)
                .filter(course=course)
                .select_related("answered_by", "course")
                .order_by("closed_on", "months")
            ),
            "add_evaluation_form": add_evaluation_form or EvaluationAddForm(),
            # The plan's exceptions, beside the agreement (forloeb/plan/).
            "plan_changes": _with_decline_forms(
                _with_warnings(
                    plan_selectors.plan_changes_of(
                        course, user_id=request.user.pk, can_change=can_change_plan
                    )
                ),
                can_change_plan,
            ),
            "can_change_plan": can_change_plan,
            "can_propose_plan_change": access.can_propose_plan_change(request.user, course)
            and course.phase != Phase.CLOSED,
            "plan_change_form": PlanChangeForm(prefix="plan"),
            # An evaluation is recorded from its day; one past its day and not recorded is
            # overdue (as on the start page and in the course list).
            "today": timezone.localdate(),
            "plan_period_ended_on": plan_selectors.period_ended_on(course),
            "next_phase": None
            if course.phase == Phase.CLOSED
            else PHASE_ORDER[PHASE_ORDER.index(Phase(course.phase)) + 1],
        },
    )


@login_required
def course_detail(request, pk: int):
    course = access.get_course_for(request.user, pk)
    access_log.shown(request, course)
    return _course_page(request, course)


def _get_workable(request, pk):
    course = access.get_course_for(request.user, pk)
    if not access.can_work_on(request.user, course):
        raise Http404
    return course


@require_POST
@login_required
def course_tick(request, pk: int, item_id: int):
    course = _get_workable(request, pk)
    # Another course's item (or none) is outside this page: 404, not a server error.
    get_object_or_404(course.checklist, pk=item_id)
    try:
        services.course_tick(
            actor=request.user,
            course_id=course.pk,
            item_id=item_id,
            done=request.POST.get("done") == "1",
        )
    except StateError as error:
        messages.error(request, error.message)
    # Back to the checklist, not the top of the page.
    return redirect(reverse("course_detail", args=[course.pk]) + "#tjekliste")


@require_POST
@login_required
def course_advance(request, pk: int):
    """Moving on; with unticked items of the phase, a page asks why (the reason is kept on each)."""
    course = _get_workable(request, pk)
    form = AdvanceReasonForm(request.POST) if "reason" in request.POST else AdvanceReasonForm()
    reason = form.cleaned_data["reason"] if form.is_bound and form.is_valid() else ""
    try:
        course = services.course_advance(
            actor=request.user,
            course_id=course.pk,
            expected_phase=request.POST.get("phase", ""),
            reason=reason,
        )
    except services.ChecklistOpen as error:
        return render(
            request,
            "forloeb/courses/course_advance_confirm.html",
            {
                "course": course,
                "items": error.items,
                "form": form,
                "next_phase": PHASE_ORDER[PHASE_ORDER.index(Phase(course.phase)) + 1],
            },
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The course is now in the phase %(phase)s.")
            % {"phase": course.get_phase_display().lower()},
        )
    return redirect("course_detail", pk=course.pk)


@require_POST
@login_required
def course_note_add(request, pk: int):
    course = _get_workable(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.course_note_add(actor=request.user, course_id=course.pk, **form.cleaned_data)
        except StateError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            add_errors(form, error)
            return _course_page(request, course, note_form=form)
        else:
            messages.success(request, _("The note is added to the logbook."))
        return redirect("course_detail", pk=course.pk)
    return _course_page(request, course, note_form=form)


def _agreed(course):
    version = course.agreement.versions.in_force().first()
    return version.parsed.display() if version else None


def _goals(course) -> list[str]:
    version = course.agreement.versions.in_force().first()
    return version.parsed.goal_texts() if version else []


def _evaluation_form_page(request, course, evaluation, form, *, save, done, correcting=False):
    """Record or correct an evaluation: the same form, the same messages."""
    changed_meanwhile = ""
    if request.method == "POST" and form.is_valid():
        extra = {"expected_stamp": form.cleaned_data["stamp"]} if correcting else {}
        try:
            save(
                actor=request.user,
                evaluation_id=evaluation.pk,
                held_on=form.cleaned_data["held_on"],
                participants=form.cleaned_data["participants"],
                leadership_took_part=form.cleaned_data["leadership_took_part"],
                decision=form.cleaned_data["decision"],
                summary=form.cleaned_data["summary"],
                assessments=form.assessments(),
                **extra,
            )
        except services.EvaluationChangedMeanwhile as error:
            # Above the form, which keeps what was typed, with a link to what is saved now.
            changed_meanwhile = error.message
        except StateError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, done)
            return redirect("course_detail", pk=course.pk)
    return render(
        request,
        "forloeb/courses/evaluation_form.html",
        {
            "form": form,
            "course": course,
            "evaluation": evaluation,
            "correcting": correcting,
            "changed_meanwhile": changed_meanwhile,
        },
    )


@login_required
def evaluation_complete(request, pk: int, evaluation_id: int):
    course = _get_workable(request, pk)
    evaluation = get_object_or_404(course.evaluations, pk=evaluation_id)
    if evaluation.status == EvaluationStatus.COMPLETED:
        messages.error(request, _("This evaluation is already completed."))
        return redirect("course_detail", pk=course.pk)
    if evaluation.due_on > timezone.localdate():
        messages.error(
            request,
            _(
                "The evaluation is planned for %(day)s and cannot be recorded before the "
                "evaluation's day."
            )
            % {"day": f"{evaluation.due_on:%d.%m.%Y}"},
        )
        return redirect("course_detail", pk=course.pk)
    # Most are held on their planned day (which is not in the future: see above).
    form = EvaluationForm(
        request.POST or None, goals=_goals(course), initial={"held_on": evaluation.due_on}
    )
    return _evaluation_form_page(
        request,
        course,
        evaluation,
        form,
        save=services.evaluation_complete,
        done=_("The evaluation is recorded."),
    )


@login_required
def evaluation_correct(request, pk: int, evaluation_id: int):
    """The same form as recording, filled in with what was recorded; until the course closes."""
    course = access.get_course_for(request.user, pk)
    if not access.can_correct_evaluations(request.user, course):
        raise Http404
    evaluation = get_object_or_404(
        course.evaluations.prefetch_related("assessments"), pk=evaluation_id
    )
    if evaluation.status != EvaluationStatus.COMPLETED or course.phase == Phase.CLOSED:
        messages.error(
            request,
            _("The course is closed; its evaluations cannot be changed.")
            if course.phase == Phase.CLOSED
            else _("Only a completed evaluation can be corrected."),
        )
        return redirect("course_detail", pk=course.pk)
    goals = [a.goal for a in evaluation.assessments.all()] or _goals(course)
    form = EvaluationForm(
        request.POST or None, goals=goals, initial=EvaluationForm.initial_from(evaluation)
    )
    return _evaluation_form_page(
        request,
        course,
        evaluation,
        form,
        save=services.evaluation_correct,
        done=_("The evaluation is corrected."),
        correcting=True,
    )


@login_required
def course_set_phase(request, pk: int):
    """The administration's way out of any state, with a reason and a confirmation."""
    course = access.get_course_for(request.user, pk)
    if not access.can_set_course_phase(request.user):
        raise Http404
    form = SetPhaseForm(
        request.POST or None,
        current=course.phase,
        initial={"stamp": services.course_phase_stamp(course)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_set_phase(
                actor=request.user,
                course_id=course.pk,
                phase=form.cleaned_data["phase"],
                reason=form.cleaned_data["reason"],
                expected_stamp=form.cleaned_data["stamp"],
            )
        except services.CourseMovedMeanwhile as error:
            # The form keeps the typed reason; the page now shows the phase as it is, and
            # sending it again moves the course.
            form.add_error(None, error.message)
            course.refresh_from_db()
            form.now_in(course.phase, stamp=services.course_phase_stamp(course))
        except StateError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("The course is now in the phase %(phase)s.")
                % {"phase": course.get_phase_display().lower()},
            )
            return redirect("course_detail", pk=course.pk)
    return render(
        request, "forloeb/courses/course_set_phase.html", {"form": form, "course": course}
    )


@login_required
def course_history(request, pk: int):
    """What the database keeps of the course, its evaluations and its logbook, for the
    administration."""
    course = access.get_course_for(request.user, pk)
    if not access.can_see_course_history(request.user):
        raise Http404
    rows = history_rows(
        Course.history.filter(id=course.pk),
        (
            Evaluation.history.filter(course_id=course.pk),
            lambda record: f"{record.get_kind_display()} {record.due_on:%d.%m.%Y}",
        ),
        (
            CourseNote.history.filter(course_id=course.pk),
            lambda record: f"{record.day:%d.%m.%Y}",
        ),
    )
    _add_phase_reasons(rows, course)
    return render(request, "forloeb/courses/course_history.html", {"course": course, "rows": rows})


def _add_phase_reasons(rows: list, course: Course) -> None:
    """The stored history keeps the phase, not why it was moved: the reason (the
    administration's, or why unticked items were left) and the items left are kept on the
    course's event of the move (`CourseEvent.reason`, `.unticked_items`), and shown beside the
    phase change it was given with: the last phase change saved before the event, when it moved
    between the event's phases (a move saves the course, then its event, in one transaction)."""
    course_name = str(Course._meta.verbose_name).capitalize()
    phase_field = Course._meta.get_field("phase")
    phase_label = str(phase_field.verbose_name).capitalize()
    phase_names = dict(phase_field.flatchoices)
    moves = []
    for row in rows:
        if row.what != course_name:
            continue
        change = next((c for c in row.changes if c.label == phase_label), None)
        if change is not None:
            moves.append((row, change.old, change.new))
    events = course.events.exclude(to_phase="").exclude(from_phase="").exclude(reason="")
    for event in events:
        # The rows are newest first: the last phase change saved before the event is its move.
        move = next((m for m in moves if m[0].when <= event.created_at), None)
        if move is None or move[1:] != (
            str(phase_names[event.from_phase]),
            str(phase_names[event.to_phase]),
        ):
            continue
        row = move[0]
        if event.unticked_labels:
            row.changes.append(
                Change(label=_("Not ticked"), old="", new=", ".join(event.unticked_labels))
            )
        row.changes.append(Change(label=_("Reason"), old="", new=event.reason))


@require_POST
@login_required
def evaluation_add(request, pk: int):
    course = _get_workable(request, pk)
    form = EvaluationAddForm(request.POST)
    if form.is_valid():
        try:
            evaluation = services.evaluation_add(
                actor=request.user, course_id=course.pk, due_on=form.cleaned_data["due_on"]
            )
        except StateError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            # Under the field, with the date as typed.
            add_errors(form, error)
            return _course_page(request, course, add_evaluation_form=form)
        else:
            if getattr(evaluation, "created", True):
                messages.success(request, _("The evaluation is planned."))
            else:
                messages.info(
                    request,
                    _("An evaluation is already planned for %(day)s.")
                    % {"day": f"{evaluation.due_on:%d.%m.%Y}"},
                )
        return redirect("course_detail", pk=course.pk)
    return _course_page(request, course, add_evaluation_form=form)


@require_POST
@login_required
def evaluation_remove(request, pk: int, evaluation_id: int):
    """Remove a planned ongoing evaluation (planned by mistake); the page asks first."""
    course = _get_workable(request, pk)
    evaluation = course.evaluations.filter(pk=evaluation_id).first()
    if evaluation is None:
        if not Evaluation.history.filter(
            id=evaluation_id, course_id=course.pk, history_type="-"
        ).exists():
            # Another course's evaluation, or none: outside this page.
            raise Http404
        # Removed already (the button pressed twice, or in another tab).
        messages.info(request, _("The evaluation is already removed."))
        return redirect("course_detail", pk=course.pk)
    try:
        services.evaluation_remove(
            actor=request.user, course_id=course.pk, evaluation_id=evaluation.pk
        )
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The ongoing evaluation of %(day)s is removed.")
            % {"day": f"{evaluation.due_on:%d.%m.%Y}"},
        )
    return redirect("course_detail", pk=course.pk)


@login_required
def course_report(request, pk: int):
    course = access.get_course_for(request.user, pk)
    if not access.can_download_closing_report(request.user, course):
        raise Http404
    access_log.shown(request, course)
    report = pdf.closing_report_pdf(
        course, with_hours=access.closing_report_shows_hours(request.user, course)
    )
    response = HttpResponse(report, content_type="application/pdf")
    name = "afslutningsrapport" if course.closed_at else "forloebsrapport-foreloebig"
    response["Content-Disposition"] = f'inline; filename="{name}-{course.pk}.pdf"'
    return response
