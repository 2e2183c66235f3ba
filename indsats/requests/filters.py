from datetime import timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indsats.models import FocusLevel, InterventionRequest, RequestStatus
from institutioner.models import District, Institution
from institutioner.widgets import QuickSelect

QUEUE_STATUSES = [
    (RequestStatus.SUBMITTED, RequestStatus.SUBMITTED.label),
    (RequestStatus.NEEDS_INFO, RequestStatus.NEEDS_INFO.label),
    (RequestStatus.ACCEPTED, RequestStatus.ACCEPTED.label),
    (RequestStatus.REJECTED, RequestStatus.REJECTED.label),
    (RequestStatus.WITHDRAWN, RequestStatus.WITHDRAWN.label),
]
OPEN = [RequestStatus.SUBMITTED, RequestStatus.NEEDS_INFO]


class TriageFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        field_name="institution__district",
        queryset=District.objects.all(),
        empty_label=_("All districts"),
        widget=QuickSelect,
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        # The name is all the choice shows: the other columns of 400 institutions are not read.
        queryset=Institution.objects.only("pk", "name"),
        empty_label=_("All institutions"),
        widget=QuickSelect,
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=QUEUE_STATUSES, widget=forms.CheckboxSelectMultiple
    )
    focus_level = django_filters.ChoiceFilter(
        label=_("Focus level"),
        field_name="focus_levels__level",
        choices=FocusLevel.choices,
        distinct=True,
        empty_label=_("All focus levels"),
    )
    waiting_days = django_filters.NumberFilter(
        label=_("Waited at least (days)"),
        method="filter_waiting_days",
        min_value=0,
        max_value=3650,
    )

    class Meta:
        model = InterventionRequest
        fields = ["district", "institution", "status", "focus_level", "waiting_days"]

    def __init__(self, data=None, *args, **kwargs):
        # With no status chosen the queue shows what waits for the administration.
        if data is not None and not data.get("status"):
            data = data.copy()
            data.setlist("status", OPEN)
        super().__init__(data, *args, **kwargs)

    def filter_waiting_days(self, queryset, name, value):
        return queryset.filter(submitted_at__lte=timezone.now() - timedelta(days=int(value)))
