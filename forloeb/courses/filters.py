import django_filters
from django.utils.translation import gettext_lazy as _

from forloeb import access
from forloeb.models import Course, Phase
from institutioner.models import District, Institution

# The value of ?proposals= that finds the courses with a proposal waiting for an answer (the start
# page's "See all" leads there).
WAITING = "waiting"


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
    proposals = django_filters.ChoiceFilter(
        label=_("Proposals for the plan"),
        choices=[(WAITING, _("Waiting for an answer"))],
        empty_label=_("All courses"),
        method="filter_proposals",
    )

    class Meta:
        model = Course
        fields = ["phase", "district", "institution", "proposals"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the districts of the courses the person sees: a leader is not offered the whole
        # municipality (nor learns the names of districts outside their scope).
        # Through the institutions: PostgreSQL plans that well for a pedagogist's few courses
        # too (straight from the courses it joined every district to every request).
        self.filters["district"].queryset = District.objects.filter(
            pk__in=Institution.objects.filter(
                pk__in=self.queryset.order_by().values("agreement__request__institution")
            ).values("district")
        )

    @property
    def narrows(self) -> bool:
        """A filter is chosen, so an empty list means "no match", not "no courses"."""
        return self.is_bound and any(
            self.form.cleaned_data.get(name) not in (None, "") for name in self.filters
        )

    def filter_proposals(self, queryset, name, value):
        if value != WAITING or self.request is None:
            return queryset
        return queryset.filter(
            pk__in=access.waiting_proposals_for(self.request.user).values("course_id")
        )
