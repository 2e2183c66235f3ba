"""Courses anonymised before retention took the other rooms' texts (forloeb/courses/hooks.py)
kept the institution's ratings' comments, the follow-ups' needs and goals and the plan changes'
reasons in clear, and retention does not find an anonymised course again. This does once what
`course_anonymise` now does for them."""

from django.db import migrations
from django.db.models import Q

ANONYMISED = "[anonymiseret]"
RATING_TEXTS = (
    "comment",
    "collaboration_comment",
    "effect_comment",
    "flexibility_comment",
    "development_comment",
    "culture_comment",
)


def _anonymise(queryset, names):
    for name in names:
        queryset.exclude(**{name: ""}).exclude(**{name: ANONYMISED}).update(**{name: ANONYMISED})


def forward(apps, schema_editor):
    Course = apps.get_model("forloeb", "Course")
    courses = Course.objects.filter(anonymised_at__isnull=False).values("pk")
    _anonymise(
        apps.get_model("forloeb", "InstitutionRating").objects.filter(
            evaluation__course__in=courses
        ),
        RATING_TEXTS,
    )
    _anonymise(apps.get_model("forloeb", "FollowUp").objects.filter(course__in=courses), ["needs"])
    _anonymise(
        apps.get_model("forloeb", "FollowUpGoal").objects.filter(follow_up__course__in=courses),
        ["goal"],
    )
    _anonymise(
        apps.get_model("forloeb", "PlanChange").objects.filter(course__in=courses), ["reason"]
    )
    history = apps.get_model("forloeb", "HistoricalPlanChange").objects.filter(
        course_id__in=courses
    )
    history.filter(~Q(history_change_reason=None)).update(history_change_reason=None)
    _anonymise(history, ["reason"])


class Migration(migrations.Migration):
    dependencies = [("forloeb", "0022_plan_change_withdrawn")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
