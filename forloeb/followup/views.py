from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from forloeb import access
from forloeb.followup import selectors
from forloeb.followup.forms import FollowUpForm
from forloeb.followup.services import follow_up_answer as answer_follow_up
from institutioner import paging
from institutioner.accesslog import services as access_log
from institutioner.errors import StateError


@login_required
def follow_up_list(request):
    """Every follow-up the person may see, the unanswered first and then the latest answered
    (answered or not is visible), 50 to a page."""
    if not access.can_see_follow_ups(request.user):
        raise Http404
    page = paging.page_of(
        access.follow_ups_for(request.user)
        .select_related(
            "course__agreement__request__institution",
            "course__agreement__request__group",
            "answered_by",
        )
        # The unanswered first (by due day), then the latest answered, on every database: as
        # the list's index holds them on PostgreSQL (forloeb/models.py: FollowUp).
        .order_by(F("answered_at").desc(nulls_first=True), "-due_on", "pk"),
        request,
    )
    return render(
        request,
        "forloeb/followup/follow_up_list.html",
        {"follow_ups": page.object_list, "page": page, "page_query": paging.page_query(request)},
    )


@login_required
def follow_up_answer(request, pk: int):
    """A follow-up: the leader answers it; everyone who sees it reads the answer."""
    follow_up = access.get_follow_up_for(request.user, pk)
    access_log.shown(request, follow_up)
    course = follow_up.course
    may_answer = (
        access.can_answer_follow_up(request.user, follow_up)
        and not follow_up.answered
        and not follow_up.void
    )
    form = None
    if may_answer:
        form = FollowUpForm(request.POST or None, goals=selectors.goal_texts(course))
    if request.method == "POST":
        if not access.can_answer_follow_up(request.user, follow_up):
            raise Http404
        if form is None:
            messages.error(
                request,
                _("This follow-up has already been answered.")
                if follow_up.answered
                else _(
                    "The course was opened again after it closed on %(day)s, so this follow-up "
                    "no longer applies. A new one comes when the course closes again."
                )
                % {"day": f"{follow_up.closed_on:%d.%m.%Y}"},
            )
            return redirect("follow_up_answer", pk=follow_up.pk)
        if form.is_valid():
            try:
                answer_follow_up(
                    actor=request.user,
                    follow_up_id=follow_up.pk,
                    goals=form.goal_answers(),
                    would_ask_again=form.cleaned_data["would_ask_again"],
                    needs=form.cleaned_data["needs"],
                )
            except StateError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Thank you. The follow-up is answered."))
                return redirect("follow_up_answer", pk=follow_up.pk)
    return render(
        request,
        "forloeb/followup/follow_up.html",
        {
            "follow_up": follow_up,
            "course": course,
            "req": course.agreement.request,
            "form": form,
            "goals": follow_up.goals.all(),
        },
    )
