"""Reading the access log: the search, the names of the people in a page of rows."""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from institutioner.models import AccessLogEntry, AccessLogQuerySet, User


def access_log_search(qs: AccessLogQuerySet, filters: dict) -> AccessLogQuerySet:
    """`qs` (already scoped) narrowed by the readable filters of `AccessLogSearchForm`."""
    if person := filters.get("person"):
        qs = qs.concerning(person.pk)
    if user := filters.get("user"):
        qs = qs.filter(user=user)
    if label := filters.get("object_type"):
        qs = qs.filter(content_type=ContentType.objects.get_for_model(apps.get_model(label)))
        if object_id := filters.get("object_id"):
            qs = qs.filter(object_id=object_id)
    if action := filters.get("action"):
        qs = qs.filter(action=action)
    zone = timezone.get_current_timezone()
    if start := filters.get("date_from"):
        qs = qs.filter(at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end := filters.get("date_to"):
        qs = qs.filter(at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone))
    return qs.order_by("-at", "-pk")


def people_named(rows: Iterable[AccessLogEntry]) -> dict[int, str]:
    """The names of everyone the rows concern, in one query."""
    ids = {pk for row in rows for pk in row.concerns if isinstance(pk, int)}
    if not ids:
        return {}
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "name"))


def object_label(row: AccessLogEntry) -> str:
    """ "Samarbejdsaftale nr. 12": the kind of object and its number, without loading it."""
    if row.content_type_id is None:
        return ""
    model = ContentType.objects.get_for_id(row.content_type_id).model_class()
    name = str(model._meta.verbose_name).capitalize() if model else ""
    if row.object_id is None:
        return name
    return _("%(kind)s no. %(id)s") % {"kind": name, "id": row.object_id}
