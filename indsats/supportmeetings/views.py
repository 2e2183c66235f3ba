"""The visitation meetings: the list, planning, the board (each application with its facts,
documents, status and the decision form), agenda and minutes as PDF, the calendar invitation,
and the decision letter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from indsats import access
from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    SupportDecision,
    VisitationMeetingStatus,
)
from indsats.supportmeetings import calendar, documents, pdf, selectors, services
from indsats.supportmeetings.forms import (
    CancelForm,
    DecisionForm,
    MoveItemForm,
    VisitationMeetingForm,
)
from institutioner import paging
from institutioner.accesslog import services as access_log
from institutioner.errors import StateError
from institutioner.forms import add_errors


def _require_support_work(user) -> None:
    if not access.works_with_support(user):
        raise Http404


def _require_planner(user) -> None:
    if not access.can_plan_visitation(user):
        raise Http404


@login_required
def visitation_meeting_list(request):
    _require_support_work(request.user)
    meetings = selectors.meetings_listed(access.visitation_meetings_for(request.user))
    page = paging.page_of(meetings, request)
    return render(
        request,
        "indsats/supportmeetings/meeting_list.html",
        {
            "meetings": page.object_list,
            "page": page,
            "page_query": paging.page_query(request),
            "can_plan": access.can_plan_visitation(request.user),
            "revisits_due": services.revisits_due().count(),
            "now": timezone.now(),
        },
    )


@login_required
def visitation_meeting_create(request):
    _require_planner(request.user)
    form = VisitationMeetingForm(request.POST or None, new=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_plan(
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                application_deadline=data["application_deadline"],
                members=list(data["members"]),
                client_token=data["client_token"],
            )
        except StateError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The meeting is planned and the committee is invited. "
                    "%(n)d applications are on its agenda."
                )
                % {"n": meeting.items.count()},
            )
            return redirect("visitation_meeting_detail", pk=meeting.pk)
    return render(
        request, "indsats/supportmeetings/meeting_form.html", {"form": form, "meeting": None}
    )


@login_required
def visitation_meeting_edit(request, pk: int):
    _require_planner(request.user)
    meeting = access.get_visitation_meeting_for(request.user, pk)
    if meeting.status != VisitationMeetingStatus.PLANNED:
        messages.error(request, _("Only a planned meeting can be changed."))
        return redirect("visitation_meeting_detail", pk=meeting.pk)
    form = VisitationMeetingForm(
        request.POST or None, initial=VisitationMeetingForm.initial_of(meeting)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_move(
                actor=request.user,
                meeting_id=meeting.pk,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                application_deadline=data["application_deadline"],
                members=list(data["members"]),
                expected_stamp=data["stamp"],
            )
        except services.MeetingChangedMeanwhile as error:
            # Keep what was typed, marked nowhere; a second save now means "mine, knowing
            # about the other change".
            posted = request.POST.copy()
            meeting.refresh_from_db()
            posted["stamp"] = services.meeting_stamp(meeting)
            form = VisitationMeetingForm(posted)
            form.is_valid()
            form.add_error(None, error.message)
        except StateError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The meeting is changed and the committee is told."))
            return redirect("visitation_meeting_detail", pk=meeting.pk)
    return render(
        request, "indsats/supportmeetings/meeting_form.html", {"form": form, "meeting": meeting}
    )


@require_POST
@login_required
def visitation_meeting_cancel(request, pk: int):
    _require_planner(request.user)
    meeting = access.get_visitation_meeting_for(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            cancelled = services.meeting_cancel(
                actor=request.user, meeting_id=meeting.pk, reason=form.cleaned_data["reason"]
            )
        except StateError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _cancelled_message(cancelled))
    if form.errors:
        # A refused reason: the board again, the reason kept and the message beside it.
        return _board(request, meeting, cancel_form=form)
    return redirect("visitation_meeting_detail", pk=meeting.pk)


def _cancelled_message(meeting) -> str:
    """Where the cancelled meeting's applications went, as it is."""
    moved, target = meeting.moved_count, meeting.moved_to
    if not moved:
        return _(
            "The meeting is cancelled and the committee is told. No applications waited on it."
        )
    if target is not None:
        return ngettext(
            "The meeting is cancelled and the committee is told. Its application is moved to "
            "%(meeting)s.",
            "The meeting is cancelled and the committee is told. Its %(n)d applications are "
            "moved to %(meeting)s.",
            moved,
        ) % {"n": moved, "meeting": target}
    return ngettext(
        "The meeting is cancelled and the committee is told. No other meeting is planned: its "
        "application waits for a new meeting. Plan one.",
        "The meeting is cancelled and the committee is told. No other meeting is planned: its "
        "%(n)d applications wait for a new meeting. Plan one.",
        moved,
    ) % {"n": moved}


@require_POST
@login_required
def visitation_meeting_held(request, pk: int):
    _require_planner(request.user)
    meeting = access.get_visitation_meeting_for(request.user, pk)
    move = request.POST.get("move_undecided") == "1"
    try:
        held = services.meeting_mark_held(
            actor=request.user, meeting_id=meeting.pk, move_undecided=move
        )
    except services.UndecidedItems as error:
        # The board again, with the way to move the undecided ones open.
        messages.error(request, error.message)
        url = reverse("visitation_meeting_detail", args=[meeting.pk])
        return redirect(f"{url}?held=undecided#held")
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _held_message(held))
    return redirect("visitation_meeting_detail", pk=meeting.pk)


def _held_message(meeting) -> str:
    moved, target = meeting.moved_count, meeting.moved_to
    if not moved:
        return _("The meeting is marked as held.")
    if target is not None:
        return ngettext(
            "The meeting is marked as held. The undecided application is moved to %(meeting)s.",
            "The meeting is marked as held. The %(n)d undecided applications are moved to "
            "%(meeting)s.",
            moved,
        ) % {"n": moved, "meeting": target}
    return ngettext(
        "The meeting is marked as held. No other meeting is planned: the undecided application "
        "waits for a new meeting. Plan one.",
        "The meeting is marked as held. No other meeting is planned: the %(n)d undecided "
        "applications wait for a new meeting. Plan one.",
        moved,
    ) % {"n": moved}


@login_required
def visitation_meeting_detail(request, pk: int):
    meeting = access.get_visitation_meeting_for(request.user, pk)
    return _board(request, meeting)


def _board(
    request,
    meeting,
    *,
    bound: DecisionForm | None = None,
    bound_item_id=None,
    cancel_form: CancelForm | None = None,
    not_saved: str = "",
):
    user = request.user
    items = selectors.board_items(meeting)
    # The page shows the child data of every item: the access-log row names them all.
    setattr(meeting, "shown_items", items)  # noqa: B010
    access_log.shown(request, meeting)
    can_decide = access.can_decide_support(user) and meeting.status != (
        VisitationMeetingStatus.CANCELLED
    )
    has_started = meeting.starts_at <= timezone.now()
    can_plan = access.can_plan_visitation(user)
    targets = selectors.other_planned_meetings(meeting) if can_plan else []
    for item in items:
        waiting = item.status == AgendaItemStatus.WAITING
        decision_form = None
        if can_decide and waiting and has_started:
            decision_form = (
                bound if bound is not None and bound_item_id == item.pk else DecisionForm(item=item)
            )
        if decision_form is not None and decision_form is bound and not_saved:
            bound.add_error(None, not_saved)
        if bound is not None and bound_item_id == item.pk and decision_form is None:
            # The item was decided (or taken off) while this person wrote: what they typed is
            # shown beside what happened, to copy, not lost with the form.
            setattr(item, "kept", _kept(bound, not_saved))  # noqa: B010
        move_form = MoveItemForm(meetings=targets) if (can_plan and waiting and targets) else None
        setattr(item, "decision_form", decision_form)  # noqa: B010
        setattr(item, "move_form", move_form)  # noqa: B010
    # An item no longer on this board (moved to another meeting, or another meeting's): what
    # was typed is kept above the agenda.
    kept_apart = None
    if bound is not None and not any(
        item.pk == bound_item_id
        and (hasattr(item, "kept") or getattr(item, "decision_form", None) is bound)
        for item in items
    ):
        kept_apart = _kept(bound, not_saved)
    revisits = []
    undecided = 0
    following = None
    if can_plan and meeting.status == VisitationMeetingStatus.PLANNED:
        revisits = list(services.revisits_due())
        undecided = sum(1 for item in items if item.status == AgendaItemStatus.WAITING)
        # Where they would go: the first of these (as services._following_meeting).
        following = targets[0] if targets else None
    return render(
        request,
        "indsats/supportmeetings/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "members": list(meeting.members.all()),
            "can_plan": can_plan,
            "can_decide": can_decide,
            "is_planned": meeting.status == VisitationMeetingStatus.PLANNED,
            "has_started": has_started,
            "decisions_open_at": services.decisions_open_at(meeting),
            "revisits": revisits,
            "cancel_form": cancel_form or CancelForm(),
            "undecided": undecided,
            "following": following,
            "held_refused": request.GET.get("held") == "undecided",
            "kept_apart": kept_apart,
        },
    )


def _kept(form: DecisionForm, message: str) -> dict:
    """What a person typed into a decision form that could not be saved: the typed values as
    they wrote them (the form may not even be valid), for the board to show."""
    values = []
    for name in ("outcome", "hours_per_week", "period_start", "period_end", "revisit_on"):
        value = (form.data.get(form.add_prefix(name)) or "").strip()
        if not value:
            continue
        if name == "outcome":
            value = str(dict(form.fields["outcome"].choices).get(value, value))  # type: ignore[attr-defined]
        values.append((form.fields[name].label, value))
    return {
        "message": message or _("Your decision was not saved; what you wrote is kept below."),
        "values": values,
        "reasons": form.data.get(form.add_prefix("reasons"), ""),
    }


def _not_saved_message(item: AgendaItem, reason: str) -> str:
    """Why the decision was not saved: who decided the application meanwhile, and when; or
    the service's reason (moved, taken off the agenda, withdrawn)."""
    decision = (
        SupportDecision.objects.filter(agenda_item_id=item.pk).select_related("decided_by").first()
    )
    if decision is None:
        return _("%(reason)s Your decision was not saved; what you wrote is kept below.") % {
            "reason": reason
        }
    when = timezone.localtime(decision.decided_at)
    return _(
        "Application #%(id)s was decided meanwhile: %(name)s saved the decision "
        "“%(outcome)s” on %(day)s at %(time)s. Your decision was not saved. What you wrote is "
        "kept below so that you can copy it; read the decision above, and if you disagree with "
        "it, take it up with %(name)s."
    ) % {
        "id": item.application_id,
        "name": decision.decided_by.name,
        "outcome": decision.get_outcome_display(),
        "day": date_format(when.date(), "j. F Y"),
        "time": date_format(when, "H:i"),
    }


def _item_on(request, meeting_pk: int, item_pk: int) -> tuple:
    meeting = access.get_visitation_meeting_for(request.user, meeting_pk)
    item = get_object_or_404(
        AgendaItem.objects.select_related("application__institution"), pk=item_pk
    )
    return meeting, item


@require_POST
@login_required
def agenda_item_decide(request, pk: int, item_id: int):
    if not access.can_decide_support(request.user):
        raise Http404
    meeting, item = _item_on(request, pk, item_id)
    form = DecisionForm(request.POST, item=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.support_decide(
                actor=request.user,
                item_id=item.pk,
                meeting_id=meeting.pk,
                outcome=data["outcome"],
                hours_per_week=data.get("hours_per_week"),
                period_start=data["period_start"],
                period_end=data["period_end"],
                revisit_on=data["revisit_on"],
                stops_on=data.get("stops_on"),
                reasons=data["reasons"],
            )
        except StateError as error:
            # Decided in another tab or by another member meanwhile (or moved, or not to be
            # decided yet): the board as it is now, with what this person typed kept, beside
            # the decision that was saved.
            return _board(
                request,
                meeting,
                bound=form,
                bound_item_id=item.pk,
                not_saved=_not_saved_message(item, error.message),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The decision on application #%(id)s is saved and the leader is told.")
                % {"id": item.application_id},
            )
            return redirect("visitation_meeting_detail", pk=meeting.pk)
    # Bad input: the board again, with the message beside the field and everything typed.
    if item.status != AgendaItemStatus.WAITING:
        # Decided (or moved) before this form was sent: say so, and keep the text.
        return _board(
            request,
            meeting,
            bound=form,
            bound_item_id=item.pk,
            not_saved=_not_saved_message(
                item, _("The application no longer waits for a decision at this meeting.")
            ),
        )
    return _board(request, meeting, bound=form, bound_item_id=item.pk)


@require_POST
@login_required
def agenda_item_move(request, pk: int, item_id: int):
    _require_planner(request.user)
    meeting, item = _item_on(request, pk, item_id)
    if item.meeting_id != meeting.pk:
        raise Http404
    form = MoveItemForm(request.POST, meetings=selectors.other_planned_meetings(meeting))
    if not form.is_valid():
        messages.error(request, _("Choose a planned meeting to move the application to."))
        return redirect("visitation_meeting_detail", pk=meeting.pk)
    try:
        moved = services.agenda_move(
            actor=request.user, item_id=item.pk, meeting_id=form.cleaned_data["meeting"]
        )
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Application #%(id)s is moved to %(meeting)s.")
            % {"id": item.application_id, "meeting": moved.meeting},
        )
    return redirect("visitation_meeting_detail", pk=meeting.pk)


@require_POST
@login_required
def visitation_revisit_place(request, pk: int):
    _require_planner(request.user)
    meeting = access.get_visitation_meeting_for(request.user, pk)
    try:
        application_id = int(request.POST.get("application", ""))
    except ValueError:
        raise Http404 from None
    application = get_object_or_404(
        access.support_applications_for(request.user), pk=application_id
    )
    try:
        services.revisit_place(
            actor=request.user, application_id=application.pk, meeting_id=meeting.pk
        )
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Application #%(id)s is on the agenda for re-visitation.") % {"id": application.pk},
        )
    return redirect("visitation_meeting_detail", pk=meeting.pk)


def _file(content, *, content_type: str, name: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@login_required
def visitation_meeting_agenda_pdf(request, pk: int):
    meeting = access.get_visitation_meeting_for(request.user, pk)
    # The items the file shows, whose children the access-log row names.
    items = pdf.agenda_items(meeting)
    setattr(meeting, "shown_items", items)  # noqa: B010
    access_log.shown(request, meeting)
    return _file(
        pdf.agenda_pdf(meeting, items),
        content_type="application/pdf",
        name=f"dagsorden-visitationsmoede-{meeting.pk}.pdf",
    )


@login_required
def visitation_meeting_minutes_pdf(request, pk: int):
    meeting = access.get_visitation_meeting_for(request.user, pk)
    # The items the file shows, whose children the access-log row names.
    items = pdf.minutes_items(meeting)
    setattr(meeting, "shown_items", items)  # noqa: B010
    access_log.shown(request, meeting)
    return _file(
        pdf.minutes_pdf(meeting, items),
        content_type="application/pdf",
        name=f"referat-visitationsmoede-{meeting.pk}.pdf",
    )


@login_required
def visitation_meeting_ics(request, pk: int):
    meeting = access.get_visitation_meeting_for(request.user, pk)
    return _file(
        calendar.visitation_ics(meeting),
        content_type="text/calendar; charset=utf-8",
        name=f"visitationsmoede-{meeting.pk}.ics",
        inline=False,
    )


@login_required
def support_decision_letter(request, pk: int):
    """The decision letter (a grant, a rejection or an ending), for whoever sees the
    application."""
    decision = get_object_or_404(
        SupportDecision.objects.select_related(
            "application__institution", "application__group", "agenda_item__meeting"
        ).filter(application__in=access.support_applications_for(request.user)),
        pk=pk,
    )
    if not documents.has_letter(decision):
        raise Http404
    access_log.shown(request, decision)
    return _file(
        documents.decision_letter_bytes(decision),
        content_type="application/pdf",
        name=documents.file_name(decision),
    )
