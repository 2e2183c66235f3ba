from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForloebConfig(AppConfig):
    name = "forloeb"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # Registers each room's start page sections.
        from forloeb.courses import selectors, services
        from forloeb.courses import startpage as courses_startpage  # noqa: F401
        from forloeb.followup import startpage as followup_startpage  # noqa: F401
        from forloeb.history import triage
        from forloeb.hours import startpage as hours_startpage  # noqa: F401
        from forloeb.plan import selectors as plan_selectors
        from forloeb.plan import startpage as plan_startpage  # noqa: F401
        from forloeb.plan import triage as plan_triage
        from forloeb.voice import startpage as voice_startpage  # noqa: F401
        from indsats.hooks import (
            on_agreement_finished_check,
            on_agreement_in_force,
            on_meeting_warnings,
            on_plan_clashes,
            on_planned_absence,
            on_triage_notes,
        )

        # A course opens when its agreement comes into force (indsats cannot import forloeb),
        # and a closed course ends the agreement: no adjusting, sending or signing after it.
        on_agreement_in_force(services.course_open)
        # ... and the plan's changes that no longer fit an adjusted agreement lapse.
        from forloeb.plan import services as plan_services

        on_agreement_in_force(plan_services.plan_changes_follow_agreement)
        on_agreement_finished_check(selectors.agreement_finished)
        # Triage shows the learning environment's past beside the repeat flag.
        on_triage_notes(triage.environment_notes)
        # Capacity at triage subtracts planned absence, and triage warns when the wished days
        # and times clash with the fixed pedagogists' plan.
        on_planned_absence(plan_selectors.absence_hours_by_week)
        on_triage_notes(plan_triage.plan_clash_notes)
        # The same check warns the one who sends an agreement whose plan clashes with it.
        on_plan_clashes(plan_triage.agreement_clash_lines)
        # An intake meeting on a day a participating pedagogist is recorded absent is marked
        # wherever it is shown: it should be moved.
        from forloeb.plan import meetings as plan_meetings

        on_meeting_warnings(plan_meetings.meeting_absence_warnings)

        # What the rooms register with the organisation: menu entries, the reminders' kinds of
        # message and their default schedules (installed after `migrate`).
        # Its pages in the access log (institutioner/accesslog/).
        from forloeb import access
        from forloeb.courses import menu as courses_menu  # noqa: F401
        from forloeb.dashboards import menu as dashboards_menu  # noqa: F401
        from forloeb.followup import menu as followup_menu  # noqa: F401
        from forloeb.hours import menu as hours_menu  # noqa: F401
        from forloeb.hours import schedules as hours_schedules  # noqa: F401
        from forloeb.plan import menu as plan_menu  # noqa: F401
        from forloeb.plan import notifications as plan_notifications  # noqa: F401
        from forloeb.plan import schedules as plan_schedules  # noqa: F401
        from forloeb.reminders import notifications as reminders_notifications  # noqa: F401
        from forloeb.reminders import schedules as reminders_schedules  # noqa: F401
        from forloeb.voice import notifications as voice_notifications  # noqa: F401
        from institutioner.accesslog import rules as access_log

        access_log.register(access.ACCESS_LOG)
        access_log.register_query_keys(access.access_log_query_keys())

        # Its part of an access request (institutioner/accessrequests/) and its retention steps
        # (institutioner/retention/); anonymising a course takes the texts the other rooms keep
        # about it too (forloeb/courses/hooks.py).
        from forloeb.courses import insight as courses_insight  # noqa: F401
        from forloeb.courses import retention as courses_retention  # noqa: F401
        from forloeb.courses.hooks import on_course_anonymise
        from forloeb.followup import insight as followup_insight  # noqa: F401
        from forloeb.followup import services as followup_services
        from forloeb.hours import insight as hours_insight  # noqa: F401
        from forloeb.hours import retention as hours_retention  # noqa: F401
        from forloeb.plan import insight as plan_insight  # noqa: F401
        from forloeb.plan import retention as plan_retention  # noqa: F401
        from forloeb.plan import services as plan_services
        from forloeb.voice import insight as voice_insight  # noqa: F401
        from forloeb.voice import services as voice_services
        from forloeb.yearreport import retention as yearreport_retention  # noqa: F401

        on_course_anonymise(voice_services.ratings_anonymise)
        on_course_anonymise(followup_services.follow_ups_anonymise)
        on_course_anonymise(plan_services.plan_changes_anonymise)
