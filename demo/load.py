"""`load_demo`: the organisation first, then each part of the demo in the order it builds on."""

from django.db import transaction

from demo import accesslog, courses, interventions, organisation, plan, support, voice
from institutioner.models import District

# Each loader finds what the ones before it made (requests before agreements, agreements before
# courses; the generated past before the week sheets, which carry its running courses too; the
# reminders, made by the rules from everything else; the demo's own courses' history dated in
# their past once the reminders have planned their last evaluations; then a past beyond the
# retention periods; kompenserende støtte (built with its models, it needs only the
# organisation) before last year's report, which counts its visitations; last the access log and
# an access request, which read all of it).
LOADERS = [
    organisation.demo_organisation,
    interventions.demo_requests,
    interventions.demo_agreements,
    courses.demo_courses,
    courses.demo_more_courses,
    courses.demo_history,
    courses.demo_hours,
    courses.demo_hour_export,
    courses.demo_reminders,
    courses.demo_course_history,
    courses.demo_past_retention,
    plan.demo_plan,
    voice.demo_voice,
    voice.demo_follow_ups,
    support.demo_support,
    voice.demo_year_report,
    accesslog.demo_access_log,
    accesslog.demo_access_request,
]


@transaction.atomic
def demo_load() -> bool:
    """Build the demo municipality unless districts exist already. Returns whether it built."""
    if District.objects.exists():
        return False
    for loader in LOADERS:
        loader()
    return True
