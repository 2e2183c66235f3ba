"""Who may see and do what: the one place that answers it.

Every view loads objects through a `get_<thing>_for(user, pk)` helper or lists them through a
`<things>_for(user)` queryset from here. Objects outside a person's scope answer 404, so their
existence does not leak. Later apps add their own helpers on top of these scopes.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import pgettext_lazy

from institutioner.accesslog import rules as log
from institutioner.models import (
    AccessLogEntry,
    AccessLogQuerySet,
    AccessRequest,
    Assignment,
    District,
    Institution,
    Pedagogist,
    Role,
    User,
)
from institutioner.notifications.kinds import kinds_for_role


def is_administration(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == Role.ADMINISTRATION)
    )


def can_see_history(user) -> bool:
    """The stored history of the domain's records (who changed what, when) is the
    administration's to read."""
    return is_administration(user)


def is_leader(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.LEADER)


def is_pedagogist(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.PEDAGOGIST)


def is_staff_member(user) -> bool:
    """Staff ("Personale") of an institution; not Django's `is_staff` (admin access)."""
    return bool(user.is_authenticated and user.role == Role.STAFF)


def is_consultant(user) -> bool:
    """Småbørnskonsulent / member of the visitation committee (kompenserende støtte)."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.CONSULTANT)


def start_page_for(user) -> str:
    """Which start page the person gets: "administration", "pedagogist", "consultant" or
    "institution"."""
    if is_administration(user):
        return "administration"
    if is_pedagogist(user):
        return "pedagogist"
    if is_consultant(user):
        # Not at an institution: only the sections the apps register for them.
        return "consultant"
    return "institution"


def notification_kinds_for(user) -> tuple:
    """The kinds of notification the person can receive, and so may switch e-mail off for."""
    if not user.is_authenticated:
        return ()
    return kinds_for_role(user.role)


def can_see_operations(user) -> bool:
    """The health page (Drift og påmindelser) and its schedule editor are the administration's."""
    return is_administration(user)


def needs_second_factor(user) -> bool:
    """The administration's accounts use a second factor (TOTP) when they log in with a
    password; a login through the municipality's identity provider brings its own."""
    return is_administration(user)


def can_manage_master_data(user) -> bool:
    """Districts, institutions, people and attachments are kept by the administration."""
    return is_administration(user)


def institutions_for(user: User) -> QuerySet[Institution]:
    """Administration: all. Leader and staff: their own. Pedagogist: those attached now or later."""
    qs = Institution.objects.select_related("district")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_administration(user):
        return qs
    if is_leader(user) or is_staff_member(user):
        return qs.filter(memberships__user=user).distinct()
    if is_pedagogist(user):
        return qs.filter(
            pk__in=Assignment.objects.not_ended()
            .filter(pedagogist__user=user)
            .values("institution_id")
        )
    return qs.none()


def covers_every_institution(institutions) -> bool:
    """`institutions` is the whole municipality: an Institution queryset with no condition
    (the administration's scope from `institutions_for`). A leader's, a pedagogist's and an
    empty scope all carry a condition, and a list of ids is never taken for the whole."""
    if not isinstance(institutions, QuerySet) or institutions.model is not Institution:
        return False
    query = institutions.query
    return (
        not query.where
        and not query.is_sliced
        and query.combinator is None
        and not query.distinct_fields  # one per district is not every institution
        and query.values_select in ((), ("id",))  # nor a column other than the key
    )


def within(rows: QuerySet, path: str, institutions) -> QuerySet:
    """`rows` whose institution, reached by `path` (e.g. "agreement__request__institution"), is
    among `institutions` (a scope from `institutions_for`, or ids). For the whole municipality
    the condition only asks that the row has an institution: the same rows, without the join
    to the institutions and the subquery that every figure of the administration's would
    otherwise carry."""
    if covers_every_institution(institutions):
        return rows.filter(**{f"{path}__isnull": False})
    return rows.filter(**{f"{path}__in": institutions})


def districts_for(user: User) -> QuerySet[District]:
    """Only the administration works with whole districts."""
    if is_administration(user):
        return District.objects.all()
    return District.objects.none()


def pedagogists_for(user: User) -> QuerySet[Pedagogist]:
    """Administration: all. Pedagogist: themself. Leader/staff: those attached to their places."""
    qs = Pedagogist.objects.select_related("user")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_administration(user):
        return qs
    if is_pedagogist(user):
        return qs.filter(user=user)
    if is_leader(user) or is_staff_member(user):
        return qs.filter(
            pk__in=Assignment.objects.not_ended()
            .filter(institution__memberships__user=user)
            .values("pedagogist_id")
        )
    return qs.none()


def _get_or_404(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404 from None


def get_institution_for(user: User, pk) -> Institution:
    return _get_or_404(institutions_for(user), pk)


def get_district_for(user: User, pk) -> District:
    return _get_or_404(districts_for(user), pk)


def get_pedagogist_for(user: User, pk) -> Pedagogist:
    return _get_or_404(pedagogists_for(user), pk)


# --- Data protection: the log, and access requests -----------------------------------------------


def can_search_access_log(user) -> bool:
    """The whole access log is the data protection officer's (the permission "Can search the
    access log", given in Stamdata) and the administration's.

    Leaders and pedagogists never hold it: the log is about their work, and the officer who
    searches it is someone else. It also spares their every page the permission queries (the
    menu asks this).
    """
    if not (user.is_authenticated and user.is_active):
        return False
    if is_administration(user):
        return True
    if is_leader(user) or is_pedagogist(user):
        return False
    return user.has_perm("institutioner.search_access_log")


def can_make_access_requests(user) -> bool:
    """Access requests (indsigt) are answered by whoever searches the log."""
    return can_search_access_log(user)


def can_see_retention(user) -> bool:
    """What the nightly retention run would take now (counts only, no one's data): the
    administration's, beside the health page, and the data protection officer's, who answers
    for how long personal data is kept."""
    return can_see_operations(user) or can_search_access_log(user)


def can_see_own_access_log(user) -> bool:
    """ "Hvem har set mine oplysninger": leaders and pedagogists, whose requests, agreements,
    courses and week sheets others open."""
    return bool(
        user.is_authenticated and user.is_active and (is_leader(user) or is_pedagogist(user))
    )


def own_access_log_is_about_cases(user) -> bool:
    """A leader's own log is about the requests, applications, agreements and courses she
    wrote; a pedagogist's about her week sheets: the page's intro names what the person has."""
    return is_leader(user)


def access_log_for(user: User) -> AccessLogQuerySet:
    """The rows a person may read: all for the data protection officer, otherwise none."""
    qs = AccessLogEntry.objects.select_related("user", "content_type")
    if can_search_access_log(user):
        return qs
    return qs.none()


def own_access_log_for(user: User) -> AccessLogQuerySet:
    """The rows about the person's own things, written when someone else opened them."""
    qs = AccessLogEntry.objects.select_related("user", "content_type")
    if not can_see_own_access_log(user):
        return qs.none()
    return qs.concerning(user.pk).exclude(user=user)


def access_requests_for(user: User) -> QuerySet[AccessRequest]:
    qs = AccessRequest.objects.select_related("subject", "requested_by", "file")
    if can_make_access_requests(user):
        return qs
    return qs.none()


def get_access_request_for(user: User, pk) -> AccessRequest:
    return _get_or_404(access_requests_for(user), pk)


def access_request_subjects_for(user: User) -> QuerySet[User]:
    """Whom an access request may be made for: everyone, those who left too."""
    if can_make_access_requests(user):
        return User.objects.order_by("name", "email")
    return User.objects.none()


# --- The access log -------------------------------------------------------------------------------

# The organisation's pages that show personal data, and what each one's access-log row says
# (institutioner/accesslog/rules.py). Registered from InstitutionerConfig.ready(); the other apps
# keep their own tables beside their own rules. `tests/test_access_table.py` fails for a page that
# shows a person's name or e-mail address without a rule here (or a reason there).
ACCESS_LOG = {
    # The log itself: a search of it concerns the person searched for (the view hands over the
    # ids), its CSV is an export of the same; "Hvem har set mine oplysninger" lists who looked.
    "access_log_search": log.search(
        concerns=lambda people: people, title=pgettext_lazy("access log page", "Access log search")
    ),
    "access_log_export": log.export(
        concerns=lambda people: people, title=pgettext_lazy("access log page", "Access log as CSV")
    ),
    "access_log_mine": log.search(
        title=pgettext_lazy("access log page", "Who has looked at my data")
    ),
    # Access requests: the list names people; a request and its ZIP concern its person.
    "access_request_list": log.search(title=pgettext_lazy("access log page", "Access requests")),
    "access_request_detail": log.view(
        "institutioner.AccessRequest",
        concerns=lambda request: [request.subject_id] if request.subject_id else [],
        title=pgettext_lazy("access log page", "Access request"),
    ),
    "access_request_download": log.download(
        "institutioner.AccessRequest",
        concerns=lambda request: [request.subject_id] if request.subject_id else [],
        title=pgettext_lazy("access log page", "Access request (ZIP)"),
    ),
    # The start page lists the person's work with the people in it; it names no single object.
    "start": log.view(title=pgettext_lazy("access log page", "Start page")),
    "district_detail": log.view(
        "institutioner.District", title=pgettext_lazy("access log page", "District page")
    ),
    "institution_detail": log.view(
        "institutioner.Institution", title=pgettext_lazy("access log page", "Institution page")
    ),
    "pedagogist_detail": log.view(
        "institutioner.Pedagogist",
        concerns=lambda pedagogist: [pedagogist.user_id],
        title=pgettext_lazy("access log page", "Pedagogist page"),
    ),
    # Stamdata: every list is a search, every object and its history a view; a user's own page
    # concerns that person.
    "admin:institutioner_user_change": log.view(
        "*",
        id_kwarg="object_id",
        object_is_person=True,
        title=pgettext_lazy("access log page", "Stamdata: a user"),
    ),
    "admin:institutioner_user_history": log.view(
        "*",
        id_kwarg="object_id",
        object_is_person=True,
        title=pgettext_lazy("access log page", "Stamdata: a user's history"),
    ),
    "admin:institutioner_user_simple_history": log.view(
        "*",
        id_kwarg="object_id",
        object_is_person=True,
        title=pgettext_lazy("access log page", "Stamdata: a user's past version"),
    ),
    "admin:institutioner_user_delete": log.view(
        "*",
        id_kwarg="object_id",
        object_is_person=True,
        title=pgettext_lazy("access log page", "Stamdata: deleting a user"),
    ),
    "admin:*_changelist": log.search(title=pgettext_lazy("access log page", "Stamdata: list")),
    "admin:autocomplete": log.search(
        title=pgettext_lazy("access log page", "Stamdata: name search")
    ),
    # Deleting asks first, listing what would go with the object (people's names among it).
    "admin:*_delete": log.view(
        "*", id_kwarg="object_id", title=pgettext_lazy("access log page", "Stamdata: deleting")
    ),
    "admin:*_change": log.view(
        "*", id_kwarg="object_id", title=pgettext_lazy("access log page", "Stamdata: record")
    ),
    "admin:*_history": log.view(
        "*", id_kwarg="object_id", title=pgettext_lazy("access log page", "Stamdata: history")
    ),
}


def access_log_query_keys() -> dict[str, log.QueryKey]:
    """The Danish names of the search terms and filters the organisation's pages and the
    generic ones (weeks, periods, formats, paging) take, for the access log's readers."""
    from django.apps import apps

    from institutioner.models import AccessAction

    formats = {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF", "ics": "iCalendar", "zip": "ZIP"}
    period_from = log.QueryKey(pgettext_lazy("access log filter", "from"))
    period_to = log.QueryKey(pgettext_lazy("access log filter", "to"))
    search = log.QueryKey(pgettext_lazy("access log filter", "search"))
    year = log.QueryKey(pgettext_lazy("access log filter", "year"))
    kinds = {
        model._meta.label_lower: str(model._meta.verbose_name).capitalize()
        for model in apps.get_models()
    }
    return {
        "year": year,
        "aar": year,
        "week": log.QueryKey(pgettext_lazy("access log filter", "week")),
        "maaned": log.QueryKey(pgettext_lazy("access log filter", "month")),
        "fmt": log.QueryKey(pgettext_lazy("access log filter", "format"), formats),
        "from": period_from,
        "fra": period_from,
        "date_from": period_from,
        "to": period_to,
        "til": period_to,
        "date_to": period_to,
        "side": log.QueryKey(pgettext_lazy("access log filter", "page")),
        "q": search,
        "soeg": search,
        "district": log.QueryKey(pgettext_lazy("access log filter", "district"), number=True),
        "distrikt": log.QueryKey(pgettext_lazy("access log filter", "district"), number=True),
        "institution": log.QueryKey(pgettext_lazy("access log filter", "institution")),
        "pedagogist": log.QueryKey(pgettext_lazy("access log filter", "pedagogist"), number=True),
        "person": log.QueryKey(pgettext_lazy("access log filter", "person"), number=True),
        "user": log.QueryKey(
            pgettext_lazy("access log filter", "looked up by person"), number=True
        ),
        "object_type": log.QueryKey(pgettext_lazy("access log filter", "kind of object"), kinds),
        "object_id": log.QueryKey(pgettext_lazy("access log filter", "object number")),
        "action": log.QueryKey(
            pgettext_lazy("access log filter", "action"), dict(AccessAction.choices)
        ),
        "kopi": log.QueryKey(
            pgettext_lazy("access log filter", "copied from last week"),
            {"1": pgettext_lazy("access log filter", "yes")},
        ),
        "model_name": log.QueryKey(pgettext_lazy("access log filter", "register")),
        # Stamdata's page of one past version of a record names the version in its address.
        "version_id": log.QueryKey(pgettext_lazy("access log filter", "version"), number=True),
    }


# Rows a service writes (not a page): the access request's own export row.
ACCESS_LOG_TITLES = {
    "access_request_create": pgettext_lazy("access log page", "Access request asked for")
}
