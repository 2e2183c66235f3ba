"""The access log's pages: the data protection officer's search and CSV, and each person's own
"Hvem har set mine oplysninger"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from institutioner import access, paging
from institutioner.accesslog import selectors
from institutioner.accesslog.export import access_log_csv
from institutioner.accesslog.forms import AccessLogSearchForm
from institutioner.accesslog.services import shown

PAGE_SIZE = 50
# No readable filter is this long (a date, a number, a person's or a model's id).
FILTER_VALUE_MAX = 200


def _rows_for_page(page, reader=None) -> list[dict]:
    """The page's rows as shown; with `reader` (the person's own log) each object the reader
    may open links to its page."""
    names = selectors.people_named(page.object_list)
    links = selectors.own_object_links(page.object_list, reader) if reader is not None else {}
    return [
        {
            "entry": row,
            "object": selectors.object_label(row),
            "link": links.get((row.content_type_id, row.object_id)),
            "also_shown": selectors.also_shown_labels(row),
            "page": selectors.page_text(row),
            "query": selectors.query_text(row.query),
            "concerns": [names.get(pk, f"#{pk}") for pk in row.concerns],
        }
        for row in page.object_list
    ]


def _searched(request):
    """The form, its filters and the rows found; the rows are None when a filter cannot be
    read: the search is not run until every filter is right, since the other
    filters alone would find more than was asked for."""
    if not access.can_search_access_log(request.user):
        raise Http404
    form = AccessLogSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        shown(request, [])
        return form, {}, None
    filters = form.filters() if request.GET else {}
    rows = selectors.access_log_search(access.access_log_for(request.user), filters)
    person = filters.get("person")
    # The search is itself a look-up of the person searched for.
    shown(request, [person.pk] if person else [])
    return form, filters, rows


@require_GET
@login_required
def access_log_search(request):
    form, filters, rows = _searched(request)
    not_run = rows is None
    page = paging.page_of(rows if not not_run else [], request, PAGE_SIZE)
    return render(
        request,
        "institutioner/accesslog/search.html",
        {
            "form": form,
            "page": page,
            "rows": [] if not_run else _rows_for_page(page),
            "not_run": not_run,
            "narrowed": bool(filters) or not_run,
            "query": paging.page_query(request),
            "can_make_access_requests": access.can_make_access_requests(request.user),
            "can_see_retention": access.can_see_retention(request.user),
        },
    )


def _same_search(request) -> str:
    """The search's own filters as the form reads them, each cut to a length no readable value
    reaches: the page says the same beside each field, and an address stays short enough to
    redirect to (a 100,000-character value would not be)."""
    query = QueryDict(mutable=True)
    for name in AccessLogSearchForm.base_fields:
        value = request.GET.get(name)
        if value:
            query[name] = value[:FILTER_VALUE_MAX]
    return query.urlencode()


@require_GET
@login_required
def access_log_export(request):
    _form, _filters, rows = _searched(request)
    if rows is None:
        # A filter that cannot be read would be left out, and the file would hold more than was
        # asked for: no file, and the search page says what is wrong beside the field.
        messages.error(request, _("Correct the search: the export was not made."))
        return redirect(f"{reverse('access_log_search')}?{_same_search(request)}")
    return access_log_csv(rows, f"opslagslog-{timezone.localdate():%Y-%m-%d}")


@require_GET
@login_required
def access_log_mine(request):
    if not access.can_see_own_access_log(request.user):
        raise Http404
    rows = access.own_access_log_for(request.user).order_by("-at", "-pk")
    page = paging.page_of(rows, request, PAGE_SIZE)
    return render(
        request,
        "institutioner/accesslog/mine.html",
        {
            "page": page,
            "rows": _rows_for_page(page, reader=request.user),
            "about_cases": access.own_access_log_is_about_cases(request.user),
        },
    )
