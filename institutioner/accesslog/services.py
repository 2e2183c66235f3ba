"""Writing the access log: one INSERT for a page that shows personal data.

Views hand the object they show to `shown()`; `AccessLogMiddleware` writes the row after the
view answered with a 2xx (a GET, or a POST that shows a page again), from the page's rule
(`rules.py`). A failed INSERT is not swallowed: the page fails with it. Logging reads of
personal data is a legal duty, and a page shown without its row could never be accounted for;
a database that cannot take one small INSERT cannot serve the page's own queries either.
"""

import ipaddress

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpRequest

from institutioner.accesslog.rules import LogRule, admin_model, concerns_of_model, rule_for
from institutioner.models import AccessLogEntry
from institutioner.validators import find_cpr_like

CPR_MASK = "[CPR]"
QUERY_MAX = AccessLogEntry._meta.get_field("query").max_length
_SHOWN = "_access_log_shown"
_NOTHING = object()


def shown(request: HttpRequest, obj) -> None:
    """The view shows `obj`; its page's rule says whom it concerns."""
    setattr(request, _SHOWN, obj)


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind `AXES_PROXY_COUNT` trusted proxies the address the first of them
    saw (the same setting decides whom the login lockouts count)."""
    address = request.META.get("REMOTE_ADDR", "")
    count = settings.AXES_IPWARE_PROXY_COUNT or 0
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _query(request: HttpRequest, rule: LogRule, kwargs: dict) -> str:
    """The search terms and filters: the URL's arguments other than the object's id (a week,
    a file format) and the query string, readable ("status=submitted; q=Mariehønen")."""
    parts = [f"{key}={value}" for key, value in kwargs.items() if key != rule.id_kwarg]
    parts += [
        f"{key}={value}" for key, values in request.GET.lists() for value in values if value != ""
    ]
    return _without_cpr("; ".join(parts))[:QUERY_MAX]


def _without_cpr(text: str) -> str:
    """The system stores no CPR numbers, not even one somebody typed into a search box."""
    while (found := find_cpr_like(text)) is not None:
        text = text.replace(found, CPR_MASK)
    return text


def _object(rule: LogRule, view_name: str, kwargs: dict) -> tuple[int | None, int | None]:
    label = rule.model if rule.model != "*" else admin_model(view_name)
    if label is None or kwargs.get(rule.id_kwarg) is None:
        return None, None
    try:
        object_id = int(kwargs[rule.id_kwarg])
    except (TypeError, ValueError):
        return None, None
    # get_for_model is cached after the first use in a process: no query per page.
    return ContentType.objects.get_for_model(apps.get_model(label)).pk, object_id


def _also_shown(rule: LogRule, obj) -> dict[str, list[int]] | None:
    """{"<app>.<model>": [12, 13]}: the other objects the page showed, or None."""
    if rule.also_shown is None or rule.also_shown_model is None:
        return None
    ids = sorted({int(pk) for pk in rule.also_shown(obj) if pk is not None})
    if not ids:
        return None
    return {apps.get_model(rule.also_shown_model)._meta.label_lower: ids}


def _concerns_as_elsewhere(rule: LogRule, obj, object_id: int) -> list[int]:
    """Whom the object concerns as the model's other pages say, for a page whose rule does not
    say it: the object the view handed to `shown()`, or else the object itself (a query, only
    on such pages). An object that is gone concerns nobody any more."""
    reads = concerns_of_model(rule.model)
    if not reads or rule.model is None:
        return []
    model = apps.get_model(rule.model)
    if not isinstance(obj, model):
        obj = model._default_manager.filter(pk=object_id).first()
        if obj is None:
            return []
    for read in reads:
        try:
            return sorted({pk for pk in read(obj) if pk is not None})
        except AttributeError:
            # That page's rule reads another object than the model's (see concerns_of_model).
            continue
    return []


def access_log_write(
    *, request: HttpRequest, view_name: str, kwargs: dict
) -> AccessLogEntry | None:
    """The page's row, if its URL has a rule; None otherwise."""
    rule = rule_for(view_name)
    if rule is None:
        return None
    content_type_id, object_id = _object(rule, view_name, kwargs)
    concerns: list[int] = []
    obj = getattr(request, _SHOWN, _NOTHING)
    if obj is _NOTHING and (rule.concerns is not None or rule.also_shown is not None):
        raise ImproperlyConfigured(
            f"The page {view_name} logs whom it concerns or what else it shows, but its view "
            "did not call institutioner.accesslog.services.shown(request, obj)."
        )
    if rule.concerns is not None:
        concerns = sorted({pk for pk in rule.concerns(obj) if pk is not None})
    elif rule.object_is_person and object_id is not None:
        concerns = [object_id]
    elif object_id is not None:
        concerns = _concerns_as_elsewhere(rule, obj, object_id)
    user = request.user if request.user.is_authenticated else None
    return AccessLogEntry.objects.create(
        user=user,
        action=rule.action,
        content_type_id=content_type_id,
        object_id=object_id,
        concerns=concerns,
        also_shown=_also_shown(rule, obj),
        query=_query(request, rule, kwargs),
        client_address=client_address(request),
        url_name=view_name[:200],
    )


class AccessLogMiddleware:
    """Writes the access-log row of a page that shows personal data, after its view answered.

    Only a successful answer shows anything: a GET or HEAD, and also a POST (any method) whose
    view answered with a page instead of a redirect, such as a form shown again with its
    errors and the case or board around it. A POST action that re-renders a page with personal
    data needs a rule of its own (its URL name), like the page it shows. A redirect (to log in,
    or after a saved POST), a 404 outside the person's scope and a refused method write nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and 200 <= response.status_code < 300:
            access_log_write(request=request, view_name=match.view_name, kwargs=match.kwargs)
        return response


def access_log_purge(*, before) -> int:
    """Deletes the rows older than `before`: the one deletion the database lets through.

    The retention task (issue 16) calls this. The setting is local to the transaction and is
    switched off again before this returns, so nothing else in an enclosing transaction can
    delete a row either.
    """
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres:
            _purge_setting("on")
        try:
            deleted, _by_model = AccessLogEntry.objects.filter(at__lt=before).delete()
        finally:
            if postgres:
                _purge_setting("off")
    return deleted


def _purge_setting(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('institutioner.access_log_purge', %s, true)", [value])


def access_log_record(
    *,
    user,
    action: str,
    obj=None,
    concerns: list[int] | tuple[int, ...] = (),
    query: str = "",
    client_address_value: str | None = None,
    url_name: str,
) -> AccessLogEntry:
    """A row written by a service rather than by a page: an access request's export is made by a
    worker long after the request, so the row is written when it is asked for."""
    content_type_id = object_id = None
    if obj is not None:
        content_type_id = ContentType.objects.get_for_model(obj).pk
        object_id = obj.pk
    return AccessLogEntry.objects.create(
        user=user,
        action=action,
        content_type_id=content_type_id,
        object_id=object_id,
        concerns=sorted(set(concerns)),
        query=_without_cpr(query)[:QUERY_MAX],
        client_address=client_address_value,
        url_name=url_name[:200],
    )
