import django_filters
from django.utils.translation import gettext_lazy as _

from forloeb.models import Course, Phase
from institutioner.models import District


class CourseFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=Phase.choices, empty_label=_("All phases")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        field_name="agreement__request__institution__district",
        queryset=District.objects.all(),
        empty_label=_("All districts"),
    )
    institution = django_filters.CharFilter(
        label=_("Institution"),
        field_name="agreement__request__institution__name",
        lookup_expr="icontains",
    )

    class Meta:
        model = Course
        fields = ["phase", "district", "institution"]
