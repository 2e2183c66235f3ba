from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from forloeb import access
from forloeb.history import selectors
from institutioner.accesslog import services as access_log


@login_required
def history_institution(request, pk: int):
    """Every intervention at the institution across the years, group by group."""
    institution = access.get_institution_history_for(request.user, pk)
    access_log.shown(request, institution)
    histories = selectors.course_histories(selectors.environment_courses(institution=institution))
    return render(
        request,
        "forloeb/history/history.html",
        {
            "institution": institution,
            "group": None,
            "histories": histories,
            "groups": institution.groups.order_by("name"),
        },
    )


@login_required
def history_group(request, pk: int):
    """Every intervention in one group (stue) across the years."""
    group = access.get_group_history_for(request.user, pk)
    access_log.shown(request, group)
    histories = selectors.course_histories(selectors.environment_courses(group=group))
    return render(
        request,
        "forloeb/history/history.html",
        {"institution": group.institution, "group": group, "histories": histories, "groups": []},
    )
