from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb import access
from forloeb.models import InstitutionRating, RatingArea
from forloeb.voice import selectors, services
from forloeb.voice.forms import InviteForm, RatingForm
from institutioner.accesslog import services as access_log
from institutioner.errors import StateError


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def rating_answer(request, pk: int, evaluation_id: int):
    """The institution's form at an evaluation: a leader's, or an invited member of staff's."""
    evaluation = access.get_evaluation_to_rate(request.user, pk, evaluation_id)
    course = evaluation.course
    access_log.shown(request, course)
    own = InstitutionRating.objects.filter(evaluation=evaluation, respondent=request.user).first()
    window = selectors.rating_window(evaluation)
    closed_message = ""
    if selectors.rating_closed_by_course(evaluation):
        closed_message = _(
            "The course was closed without this evaluation; it can no longer be answered."
        )
    elif window.state(timezone.localdate()) == "closed":
        closed_message = _(
            "The form closed on %(day)s, 30 days after the evaluation was recorded; answers can "
            "no longer be given."
        ) % {"day": f"{window.closes_on:%d.%m.%Y}"}
    elif window.state(timezone.localdate()) == "not_yet":
        closed_message = _("The form opens on %(day)s, two weeks before the evaluation.") % {
            "day": f"{window.opens_on:%d.%m.%Y}"
        }
    form = None
    if own is None and not closed_message:
        form = RatingForm(
            request.POST or None,
            asks_meeting_hours=access.can_invite_raters(request.user, course),
        )
    unsaved: list[tuple[str, str]] = []
    refused = ""
    if request.method == "POST" and (own is not None or closed_message):
        # Another tab sent first, or the form closed meanwhile: nothing is saved, but what was
        # typed here is shown back, so it can be copied elsewhere.
        refused = (
            _("You have already answered this evaluation.") if own is not None else closed_message
        )
        unsaved = _typed(request.POST)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.rating_submit(
                actor=request.user,
                evaluation_id=evaluation.pk,
                scores=form.scores(),
                comments=form.comments(),
                meeting_hours=form.cleaned_data.get("meeting_hours"),
                comment=form.cleaned_data["comment"],
            )
        except StateError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your answer is saved; the pedagogist sees it once she has "
                    "recorded the evaluation."
                ),
            )
            return redirect("course_detail", pk=course.pk)
    return render(
        request,
        "forloeb/voice/rating_form.html",
        {
            "course": course,
            "req": course.agreement.request,
            "evaluation": evaluation,
            "form": form,
            "own": own,
            "window": window,
            "closed_message": closed_message,
            "can_invite": access.can_invite_raters(request.user, course) and not closed_message,
            "refused": refused,
            "unsaved": unsaved,
        },
    )


def _typed(data) -> list[tuple[str, str]]:
    """(label, text) of what a refused form held: each area's score and comment, the meeting
    hours and the last comment; empty ones left out."""
    rows = []
    for area in RatingArea:
        score = data.get(area.value, "").strip()
        comment = data.get(f"{area.value}_comment", "").strip()
        if score or comment:
            label = str(area.label)
            if score:
                label = _("%(area)s (score %(score)s)") % {"area": label, "score": score}
            rows.append((label, comment))
    hours = data.get("meeting_hours", "").strip()
    if hours:
        rows.append((str(_("The staff's hours in meetings for the course")), hours))
    comment = data.get("comment", "").strip()
    if comment:
        rows.append((str(_("Anything else you want to say about the course")), comment))
    return rows


@login_required
def rating_invite(request, pk: int, evaluation_id: int):
    """A leader asks some of the institution's staff to answer the form too."""
    evaluation = access.get_evaluation_to_rate(request.user, pk, evaluation_id)
    course = evaluation.course
    if not access.can_invite_raters(request.user, course):
        raise Http404
    access_log.shown(request, course)
    form = InviteForm(request.POST or None, staff=selectors.invitable_staff(evaluation))
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.rating_invite(
                actor=request.user,
                evaluation_id=evaluation.pk,
                person_ids=[person.pk for person in form.cleaned_data["people"]],
            )
        except StateError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(n)s invited to answer the form.") % {"n": invited})
            return redirect("rating_answer", pk=course.pk, evaluation_id=evaluation.pk)
    return render(
        request,
        "forloeb/voice/rating_invite.html",
        {
            "course": course,
            "req": course.agreement.request,
            "evaluation": evaluation,
            "form": form,
            "invited": evaluation.rating_invitations.select_related("person").order_by(
                "person__name"
            ),
        },
    )
