"""Every named URL of the project, checked against a declared access table.

A new URL without a rule here makes `test_every_url_has_a_rule` fail, so no view can be added
without deciding who may open it. Statuses: 302 = sent to log in (or on, after logging in),
404 = outside the person's scope (existence is not revealed), 405 = wrong method.

A URL that answers with a file (PDF, CSV, Excel, calendar) also needs a rule in DOWNLOADS: the
page whose rules the file follows. `test_downloads_show_nothing_the_page_hides` then reads every
file each person can download and fails when it shows a planted figure the person cannot see
on the pages where that figure lives (as the closing report once showed staff the hours the
course page hid from them). `test_no_role_checks_outside_access_modules` keeps the "who may see
what" in the apps' `access.py` modules.
"""

import fnmatch
import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from pypdf import PdfReader

from forloeb.hours import weeks as hours
from forloeb.models import HourCategory, HourEntry, HourExport, SheetStatus, WeekSheet
from institutioner.models import Notification, NotificationStatus
from tests.forloeb.courses.conftest import held

ROLES = ["anonymous", "leader", "staff", "pedagogist", "administration", "outsider"]


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=302):
    return {**everyone(status), "anonymous": anonymous}


def _leaders_notification(world):
    notification, _created = Notification.objects.get_or_create(
        recipient=world.leader,
        template="notification_test",
        defaults={
            "email": world.leader.email,
            "subject": "Test",
            "body_text": "Test",
            "status": NotificationStatus.IN_APP,
        },
    )
    return notification


def _administrations_export(world):
    from forloeb.hours import services

    made = HourExport.objects.filter(requested_by=world.administrator).first()
    if made is None:
        monday = hours.this_monday()
        made = services.hour_export_start(
            actor=world.administrator, start=monday, end=monday + timedelta(days=6)
        )
        services.hour_export_build(export_id=made.pk)
    return made


def _administrations_year_report(world):
    """A built yearly report of this year (made as the service would, whatever the world holds)."""
    from forloeb.models import YearReport
    from forloeb.yearreport import services

    made = YearReport.objects.filter(requested_by=world.administrator).first()
    if made is None:
        made = YearReport.objects.create(
            year=timezone.localdate().year, requested_by=world.administrator, steps_total=8
        )
        services.year_report_build(report_id=made.pk)
    return made


def no_kwargs(world):
    return {}


def _support(world):
    """A submitted support application with its documents, and a draft (once a world)."""
    made = getattr(world, "support_application", None)
    if made is None:
        from tests.indsats.support.helpers import make_application

        made = world.support_application = make_application(world, submit=True)
        world.support_draft = make_application(world)
    return made


def _access_request(world):
    """A finished access request about the leader, made by the administration (once a world)."""
    from institutioner.accessrequests.services import access_request_build
    from institutioner.models import AccessRequest

    made = getattr(world, "access_request", None)
    if made is None:
        made = AccessRequest.objects.create(subject=world.leader, requested_by=world.administrator)
        access_request_build(request_id=made.pk)
        world.access_request = made
    return made


def _visitation(world):
    """A coming visitation meeting with one application on its agenda, decided (granted), once
    a world (indsats/supportmeetings/)."""
    made = getattr(world, "visitation", None)
    if made is None:
        from indsats.models import AgendaItem
        from tests.indsats.supportmeetings.helpers import grant, make_application, plan

        app = make_application(world)
        meeting = plan(world)
        item = AgendaItem.objects.get(application=app, meeting=meeting)
        decision = grant(world, item)
        made = world.visitation = (meeting, item, decision)
    return made


def _pedagogists_absence(world):
    """A week of absence of the world's pedagogist, two weeks ahead (whole days)."""
    from forloeb.models import Absence, AbsenceKind

    made = getattr(world, "absence", None)
    if made is None:
        monday = timezone.localdate() + timedelta(days=14 - timezone.localdate().weekday())
        made = world.absence = Absence.objects.create(
            pedagogist=world.pedagogist,
            kind=AbsenceKind.COURSE,
            starts_on=monday,
            ends_on=monday + timedelta(days=4),
            created_by=world.pedagogist.user,
        )
    return made


def this_week(world):
    year, week, _day = timezone.localdate().isocalendar()
    return {"year": year, "week": week}


# name (fnmatch pattern) -> (kwargs builder, expected status per role)
RULES = {
    "start": (no_kwargs, signed_in(200)),
    "institution_detail": (
        lambda w: {"pk": w.institution.pk},
        {**signed_in(200), "outsider": 404},
    ),
    "district_detail": (
        lambda w: {"pk": w.north.pk},
        {**signed_in(404), "administration": 200},
    ),
    "pedagogist_detail": (
        lambda w: {"pk": w.pedagogist.pk},
        {**signed_in(200), "outsider": 404},
    ),
    "healthz": (no_kwargs, everyone(200)),
    "healthz_live": (no_kwargs, everyone(200)),
    "favicon": (no_kwargs, everyone(301)),
    "login": (no_kwargs, {**signed_in(302), "anonymous": 200}),
    # On to the identity provider, or back to the login page when it is off or cannot be asked.
    "oidc_authentication_init": (no_kwargs, everyone(302)),
    "oidc_authentication_callback": (no_kwargs, everyone(302)),
    # SAML: on to the identity provider or back to the login page; its answer is a POST (a GET
    # goes to the login page); the metadata is there only when SAML is configured.
    "saml2_login": (no_kwargs, everyone(302)),
    "saml2_acs": (no_kwargs, everyone(302)),
    "saml2_metadata": (no_kwargs, everyone(404)),
    # The administration's second factor (anyone signed in may open it; only they are sent).
    "totp": (no_kwargs, signed_in(200)),
    "logout": (no_kwargs, everyone(200)),
    "password_change": (no_kwargs, signed_in(200)),
    "password_change_done": (no_kwargs, signed_in(200)),
    "password_reset": (no_kwargs, everyone(200)),
    "password_reset_done": (no_kwargs, everyone(200)),
    "password_reset_confirm": (
        lambda w: {"uidb64": "MQ", "token": "ugyldig-token"},
        everyone(200),
    ),
    "password_reset_complete": (no_kwargs, everyone(200)),
    # Kompenserende støtte: the institution's leaders, the administration and the visitation
    # role (not staff; a team pedagogist only once added to the case).
    "support_list": (no_kwargs, {**signed_in(200), "staff": 404}),
    "support_create": (no_kwargs, {**signed_in(404), "leader": 302, "outsider": 302}),
    "support_detail": (
        lambda w: {"pk": _support(w).pk},
        {**signed_in(404), "leader": 200, "administration": 200},
    ),
    "support_edit": (
        lambda w: {"pk": (_support(w), w.support_draft)[1].pk},
        {**signed_in(404), "leader": 200},
    ),
    "support_document_create": (
        lambda w: {"pk": (_support(w), w.support_draft)[1].pk},
        {**signed_in(404), "leader": 200},
    ),
    "support_document_download": (
        lambda w: {"pk": _support(w).documents.first().pk},
        {**signed_in(404), "leader": 200, "administration": 200},
    ),
    "support_submit": (lambda w: {"pk": _support(w).pk}, everyone(405)),
    "support_withdraw": (lambda w: {"pk": _support(w).pk}, everyone(405)),
    "support_draft_delete": (lambda w: {"pk": _support(w).pk}, everyone(405)),
    "support_answer": (lambda w: {"pk": _support(w).pk}, everyone(405)),
    "support_ask": (lambda w: {"pk": _support(w).pk}, everyone(405)),
    "support_person_add": (lambda w: {"pk": _support(w).pk}, everyone(405)),
    "support_document_delete": (
        lambda w: {"pk": _support(w).documents.first().pk},
        everyone(405),
    ),
    # Requests: leaders of the institution own them; the administration triages.
    "request_list": (no_kwargs, signed_in(200)),
    # A leader is sent on to the form with its token in the address (`?token=`).
    "request_create": (no_kwargs, {**signed_in(404), "leader": 302, "outsider": 302}),
    "request_detail": (
        lambda w: {"pk": w.accepted_request.pk},
        {**signed_in(200), "outsider": 404},
    ),
    "request_edit": (
        lambda w: {"pk": w.draft_request.pk},
        {**signed_in(404), "leader": 200},
    ),
    "request_submit": (lambda w: {"pk": w.draft_request.pk}, everyone(405)),
    # Opened as a page (reloaded after a refused form): back to the page the form was on.
    "request_withdraw": (
        lambda w: {"pk": w.draft_request.pk},
        {**signed_in(404), "leader": 302},
    ),
    "request_draft_delete": (lambda w: {"pk": w.draft_request.pk}, everyone(405)),
    # Withdrawn and rejected requests are copied; a draft's leader is sent back to its page.
    "request_copy": (
        lambda w: {"pk": w.draft_request.pk},
        {**signed_in(404), "leader": 302},
    ),
    "triage_queue": (no_kwargs, {**signed_in(404), "administration": 200}),
    "triage_detail": (
        lambda w: {"pk": w.submitted_request.pk},
        {**signed_in(404), "administration": 200},
    ),
    "triage_accept": (
        lambda w: {"pk": w.submitted_request.pk},
        {**signed_in(404), "administration": 302},
    ),
    "triage_reject": (
        lambda w: {"pk": w.submitted_request.pk},
        {**signed_in(404), "administration": 302},
    ),
    "triage_ask_info": (
        lambda w: {"pk": w.submitted_request.pk},
        {**signed_in(404), "administration": 302},
    ),
    "meeting_create": (
        lambda w: {"pk": w.submitted_request.pk},
        # Not accepted yet: the administration is sent back with a message.
        {**signed_in(404), "administration": 302},
    ),
    "meeting_edit": (
        lambda w: {"pk": w.meeting.pk},
        {**signed_in(404), "administration": 200},
    ),
    "meeting_cancel": (lambda w: {"pk": w.meeting.pk}, {**signed_in(404), "administration": 302}),
    "meeting_ics": (
        lambda w: {"pk": w.meeting.pk},
        {**signed_in(200), "outsider": 404},
    ),
    # Agreements: read by whoever sees the request; written by the administration and the
    # assigned pedagogist; the verification page is public.
    "agreement_start": (lambda w: {"pk": w.accepted_request.pk}, everyone(405)),
    "agreement_detail": (
        lambda w: {"pk": w.agreement.pk},
        {**signed_in(200), "outsider": 404},
    ),
    "agreement_adjust": (lambda w: {"pk": w.agreement.pk}, everyone(405)),
    "agreement_diff": (
        lambda w: {"pk": w.agreement.pk},
        {**signed_in(404), "anonymous": 302},
    ),
    # The stored history is the administration's.
    "agreement_history": (
        lambda w: {"pk": w.agreement.pk},
        {**signed_in(404), "administration": 200},
    ),
    "agreement_edit": (
        lambda w: {"pk": w.agreement_version.pk},
        {**signed_in(404), "pedagogist": 302, "administration": 302},
    ),
    "agreement_send": (lambda w: {"pk": w.agreement_version.pk}, everyone(405)),
    # Opened as a page (reloaded after a refused signature): back to the agreement's page.
    "agreement_sign": (
        lambda w: {"pk": w.agreement_version.pk},
        {**signed_in(302), "outsider": 404},
    ),
    "agreement_decline": (
        lambda w: {"pk": w.agreement_version.pk},
        {**signed_in(302), "outsider": 404},
    ),
    "agreement_pdf": (
        lambda w: {"pk": w.agreement_version.pk},
        {**signed_in(200), "outsider": 404},
    ),
    "agreement_verify": (
        lambda w: {"content_hash": w.agreement_version.content_hash},
        everyone(200),
    ),
    # Courses: read by whoever sees the agreement; worked on by the pedagogist and the
    # administration.
    "course_list": (no_kwargs, signed_in(200)),
    "course_detail": (lambda w: {"pk": w.agreement.course.pk}, {**signed_in(200), "outsider": 404}),
    "course_advance": (lambda w: {"pk": w.agreement.course.pk}, everyone(405)),
    "course_note_add": (lambda w: {"pk": w.agreement.course.pk}, everyone(405)),
    "course_report": (lambda w: {"pk": w.agreement.course.pk}, {**signed_in(200), "outsider": 404}),
    "evaluation_add": (lambda w: {"pk": w.agreement.course.pk}, everyone(405)),
    "evaluation_remove": (
        lambda w: {
            "pk": w.agreement.course.pk,
            "evaluation_id": w.agreement.course.evaluations.first().pk,
        },
        everyone(405),
    ),
    # Recorded on or after its day: the world's evaluation is held today.
    "evaluation_complete": (
        lambda w: {
            "pk": w.agreement.course.pk,
            "evaluation_id": held(w.agreement.course.evaluations.first()).pk,
        },
        {**signed_in(404), "pedagogist": 200, "administration": 200},
    ),
    # Correcting: whoever records evaluations (the world's evaluation is only planned, so they
    # are sent back to the course with a message).
    "evaluation_correct": (
        lambda w: {
            "pk": w.agreement.course.pk,
            "evaluation_id": w.agreement.course.evaluations.first().pk,
        },
        {**signed_in(404), "pedagogist": 302, "administration": 302},
    ),
    # The way out of any state and the stored history: the administration only.
    "course_set_phase": (
        lambda w: {"pk": w.agreement.course.pk},
        {**signed_in(404), "administration": 200},
    ),
    "course_history": (
        lambda w: {"pk": w.agreement.course.pk},
        {**signed_in(404), "administration": 200},
    ),
    "course_tick": (
        lambda w: {"pk": w.agreement.course.pk, "item_id": w.agreement.course.checklist.first().pk},
        everyone(405),
    ),
    # The institution's voice: the institution's leaders answer (and invite staff, who then
    # answer too); nobody else opens the form.
    "rating_answer": (
        lambda w: {
            "pk": w.agreement.course.pk,
            "evaluation_id": w.agreement.course.evaluations.first().pk,
        },
        {**signed_in(404), "leader": 200},
    ),
    "rating_invite": (
        lambda w: {
            "pk": w.agreement.course.pk,
            "evaluation_id": w.agreement.course.evaluations.first().pk,
        },
        {**signed_in(404), "leader": 200},
    ),
    # Follow-ups after closing: everyone who sees the course but the staff; the world's course
    # is closed with a follow-up due (see `world_with_requests`).
    "follow_up_list": (no_kwargs, {**signed_in(200), "staff": 404}),
    "follow_up_answer": (
        lambda w: {"pk": w.follow_up.pk},
        {**signed_in(200), "staff": 404, "outsider": 404},
    ),
    # The learning environment's history: the administration and the institution's leaders.
    "history_institution": (
        lambda w: {"pk": w.institution.pk},
        {**signed_in(404), "administration": 200, "leader": 200},
    ),
    "history_group": (
        lambda w: {"pk": w.institution.groups.first().pk},
        {**signed_in(404), "administration": 200, "leader": 200},
    ),
    # Hours: a pedagogist fills in their own weeks; the administration reads and approves them;
    # everyone signed in sees the hours delivered on the courses they can see.
    "hours": (no_kwargs, {**signed_in(302), "staff": 404}),
    "week_sheet": (this_week, {**signed_in(404), "pedagogist": 200}),
    "week_reopen": (this_week, everyone(405)),
    "week_sheet_of": (
        lambda w: {"pk": w.pedagogist.pk, **this_week(w)},
        {**signed_in(404), "administration": 200},
    ),
    "hours_approval": (no_kwargs, {**signed_in(404), "administration": 200}),
    "hours_delivered": (no_kwargs, {**signed_in(200), "staff": 404}),
    "hours_export": (lambda w: {"fmt": "csv"}, {**signed_in(200), "staff": 404}),
    "hours_export_new": (no_kwargs, {**signed_in(200), "staff": 404}),
    # A background export is its requester's only (here the administration's).
    "hours_export_status": (
        lambda w: {"pk": _administrations_export(w).pk},
        {**signed_in(404), "administration": 200},
    ),
    "hours_export_download": (
        lambda w: {"pk": _administrations_export(w).pk},
        {**signed_in(404), "administration": 200},
    ),
    # The plan: the administration, the pedagogists and the leaders have a week plan; absence is
    # recorded by a pedagogist for herself or by the administration.
    "plan": (no_kwargs, {**signed_in(302), "staff": 404}),
    "week_plan": (this_week, {**signed_in(200), "staff": 404}),
    "absence_list": (no_kwargs, {**signed_in(404), "pedagogist": 200, "administration": 200}),
    "absence_create": (no_kwargs, {**signed_in(404), "pedagogist": 200, "administration": 200}),
    "absence_cancel": (lambda w: {"pk": 1}, everyone(405)),
    # Shortening: her own absence, or anyone's by the administration; 404 to everyone else.
    "absence_shorten": (
        lambda w: {"pk": _pedagogists_absence(w).pk},
        {**signed_in(404), "pedagogist": 200, "administration": 200},
    ),
    # One-off changes: the course's pedagogist and the administration change the plan, a leader
    # of the institution proposes (the form's own page; it also sits on the course's page).
    "plan_change_create": (
        lambda w: {"pk": w.agreement.course.pk},
        {**signed_in(200), "staff": 404, "outsider": 404},
    ),
    "plan_change_accept": (lambda w: {"pk": 1}, everyone(405)),
    # Calendar subscriptions: each person's own addresses; the feed itself answers only its
    # secret address (a wrong one is 404 for everyone).
    "calendar_feeds": (no_kwargs, {**signed_in(200), "staff": 404}),
    "calendar_feed_make": (no_kwargs, everyone(405)),
    "calendar_feed_revoke": (lambda w: {"pk": 1}, everyone(405)),
    "calendar_feed": (lambda w: {"pk": 1, "secret": "forkert-hemmelighed"}, everyone(404)),
    "plan_change_decline": (lambda w: {"pk": 1}, everyone(405)),
    "plan_change_withdraw": (lambda w: {"pk": 1}, everyone(405)),
    # Notifications: everyone signed in has their own; one person's notification is 404 to others.
    "notifications": (no_kwargs, signed_in(200)),
    "notification_open": (
        lambda w: {"pk": _leaders_notification(w).pk},
        {**signed_in(404), "leader": 302},
    ),
    "notification_settings": (no_kwargs, signed_in(200)),
    # The access log and access requests: the data protection officer's (the administration's
    # too); a leader's or a pedagogist's own "who has looked at my data".
    "access_log_search": (no_kwargs, {**signed_in(404), "administration": 200}),
    "access_log_export": (no_kwargs, {**signed_in(404), "administration": 200}),
    "access_log_mine": (
        no_kwargs,
        {**signed_in(404), "leader": 200, "pedagogist": 200, "outsider": 200},
    ),
    "access_request_list": (no_kwargs, {**signed_in(404), "administration": 200}),
    "access_request_create": (no_kwargs, everyone(405)),
    "access_request_detail": (
        lambda w: {"pk": _access_request(w).pk},
        {**signed_in(404), "administration": 200},
    ),
    "access_request_restart": (lambda w: {"pk": _access_request(w).pk}, everyone(405)),
    "access_request_download": (
        lambda w: {"pk": _access_request(w).pk},
        {**signed_in(404), "administration": 200},
    ),
    # The health page and the schedules' times are the administration's.
    "operations": (no_kwargs, {**signed_in(404), "administration": 200}),
    "retention_preview": (no_kwargs, {**signed_in(404), "administration": 200}),
    "schedule_edit": (
        lambda w: {"pk": PeriodicTask.objects.get(name="reminders-week-sheets").pk},
        {**signed_in(404), "administration": 200},
    ),
    # Allocation dashboards: the administration's municipality, a leader's own institutions.
    "dashboard_districts": (
        no_kwargs,
        {**signed_in(404), "administration": 200, "leader": 200, "outsider": 200},
    ),
    "dashboard_districts_export": (
        lambda w: {"fmt": "csv"},
        {**signed_in(404), "administration": 200, "leader": 200, "outsider": 200},
    ),
    "dashboard_institutions": (
        no_kwargs,
        {**signed_in(404), "administration": 200, "leader": 200, "outsider": 200},
    ),
    "dashboard_institutions_export": (
        lambda w: {"fmt": "xlsx"},
        {**signed_in(404), "administration": 200, "leader": 200, "outsider": 200},
    ),
    "dashboard_flow": (
        no_kwargs,
        {**signed_in(404), "administration": 200, "leader": 200, "outsider": 200},
    ),
    "dashboard_flow_export": (
        lambda w: {"fmt": "csv"},
        {**signed_in(404), "administration": 200, "leader": 200, "outsider": 200},
    ),
    "dashboard_effect": (
        no_kwargs,
        {**signed_in(404), "administration": 200, "leader": 200, "outsider": 200},
    ),
    "dashboard_effect_export": (
        lambda w: {"fmt": "csv"},
        {**signed_in(404), "administration": 200, "leader": 200, "outsider": 200},
    ),
    "dashboard_pedagogists": (no_kwargs, {**signed_in(404), "administration": 200}),
    # The yearly report for the committee: the administration's only.
    "year_report_list": (no_kwargs, {**signed_in(404), "administration": 200}),
    "year_report_status": (
        lambda w: {"pk": _administrations_year_report(w).pk},
        {**signed_in(404), "administration": 200},
    ),
    "year_report_download": (
        lambda w: {"pk": _administrations_year_report(w).pk},
        {**signed_in(404), "administration": 200},
    ),
    "dashboard_pedagogists_export": (
        lambda w: {"fmt": "xlsx"},
        {**signed_in(404), "administration": 200},
    ),
    # Visitation meetings (indsats/supportmeetings/): the administration and the visitation role
    # (not among these roles); the decision letter for whoever sees the application.
    "visitation_meeting_list": (no_kwargs, {**signed_in(404), "administration": 200}),
    "visitation_meeting_create": (no_kwargs, {**signed_in(404), "administration": 200}),
    **{
        name: (
            lambda w: {"pk": _visitation(w)[0].pk},
            {**signed_in(404), "administration": 200},
        )
        for name in (
            "visitation_meeting_detail",
            "visitation_meeting_edit",
            "visitation_meeting_agenda_pdf",
            "visitation_meeting_minutes_pdf",
            "visitation_meeting_ics",
        )
    },
    **{
        name: (lambda w: {"pk": _visitation(w)[0].pk}, everyone(405))
        for name in (
            "visitation_meeting_cancel",
            "visitation_meeting_held",
            "visitation_revisit_place",
        )
    },
    "agenda_item_decide": (
        lambda w: {"pk": _visitation(w)[0].pk, "item_id": _visitation(w)[1].pk},
        everyone(405),
    ),
    "agenda_item_move": (
        lambda w: {"pk": _visitation(w)[0].pk, "item_id": _visitation(w)[1].pk},
        everyone(405),
    ),
    "support_decision_letter": (
        lambda w: {"pk": _visitation(w)[2].pk},
        {**signed_in(404), "administration": 200, "leader": 200},
    ),
    # Støttestatistik: counts only, for the administration and the visitation role.
    "support_statistics": (no_kwargs, {**signed_in(404), "administration": 200}),
    "support_statistics_export": (
        lambda w: {"fmt": "csv"},
        {**signed_in(404), "administration": 200},
    ),
    # The admin is the administration's; anyone else signed in gets 404.
    "admin:login": (no_kwargs, everyone(302)),
    "admin:logout": (no_kwargs, {**signed_in(404), "administration": 405}),
    "admin:autocomplete": (no_kwargs, {**signed_in(404), "administration": 403}),
    "admin:view_on_site": (
        lambda w: {
            "content_type_id": ContentType.objects.get_for_model(w.institution).pk,
            "object_id": w.institution.pk,
        },
        {**signed_in(404), "administration": 404},
    ),
    "admin:auth_user_password_change": (
        lambda w: {"id": w.leader.pk},
        {**signed_in(404), "administration": 200},
    ),
    # Lockouts: the administration may see and lift them; the raw logs are for IT (superusers).
    "admin:axes_accessattempt_add": ("admin", {**signed_in(404), "administration": 403}),
    "admin:axes_accessattempt_*": ("admin", {**signed_in(404), "administration": 200}),
    "admin:axes_*": ("admin", {**signed_in(404), "administration": 403}),
    # Requests, meetings and sent e-mails are only read in Stamdata; the app's pages change them.
    "admin:indsats_*_add": ("admin", {**signed_in(404), "administration": 403}),
    "admin:indsats_*_delete": ("admin", {**signed_in(404), "administration": 403}),
    "admin:institutioner_notification_add": ("admin", {**signed_in(404), "administration": 403}),
    # Made by logins, never added by hand.
    "admin:institutioner_externalidentity_add": (
        "admin",
        {**signed_in(404), "administration": 403},
    ),
    "admin:otp_totp_totpdevice_add": ("admin", {**signed_in(404), "administration": 403}),
    "admin:*": ("admin", {**signed_in(404), "administration": 200}),
}


def admin_kwargs(world, name):
    """Arguments for the admin's generated URLs, e.g. admin:institutioner_group_change."""
    pattern_name = name.split(":", 1)[1]
    if pattern_name == "app_list":
        return {"app_label": "institutioner"}
    for app_config in apps.get_app_configs():
        for model in app_config.get_models():
            prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
            if not pattern_name.startswith(prefix):
                continue
            action = pattern_name[len(prefix) :]
            if action in ("changelist", "add", "deleted"):
                return {}
            # The newest object: the oldest request is a draft, which Stamdata does not show.
            obj = model._default_manager.order_by("-pk").first()
            if obj is None:
                return None
            if action == "simple_history":
                # django-simple-history's pattern takes positional arguments.
                record = obj.history.order_by("pk").first()
                return None if record is None else [obj.pk, record.history_id]
            return {"object_id": obj.pk}
    return {}


def named_urls(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from named_urls(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def rule_for(name):
    if name in RULES:
        return RULES[name]
    for key, rule in RULES.items():
        if fnmatch.fnmatchcase(name, key):
            return rule
    return None


def test_every_url_has_a_rule():
    missing = sorted({name for name in named_urls() if rule_for(name) is None})
    assert missing == [], f"URLs without an access rule in tests/test_access_table.py: {missing}"


def test_rules_do_not_name_urls_that_are_gone():
    names = set(named_urls())
    stale = [key for key in RULES if "*" not in key and key not in names]
    assert stale == []


# Figures planted in the world (see `world_with_requests`), each with the pages where a person
# may see it. A downloaded file may show a figure only to whoever sees it on one of its pages.
COURSE_HOURS = Decimal("7.75")  # practice on the course, in a submitted week
OTHER_WORK = Decimal("1.25")  # the pedagogist's sparring that week, on no course

SECRETS = {
    "hours delivered on the course": (
        COURSE_HOURS,
        [lambda w: reverse("course_detail", args=[w.agreement.course.pk])],
    ),
    "the pedagogist's work outside courses": (
        OTHER_WORK,
        [
            lambda w: reverse("week_sheet", kwargs=this_week(w)),
            lambda w: reverse("week_sheet_of", kwargs={"pk": w.pedagogist.pk, **this_week(w)}),
        ],
    ),
}

# Every URL that answers with a file: the arguments of each file it gives, and the page whose
# rules it follows (its statuses per role are in RULES).
DOWNLOADS = {
    "support_document_download": (
        [lambda w: {"pk": _support(w).documents.first().pk}],
        "support_detail",
    ),
    "agreement_pdf": ([lambda w: {"pk": w.agreement_version.pk}], "agreement_detail"),
    "meeting_ics": ([lambda w: {"pk": w.meeting.pk}], "request_detail"),
    "course_report": ([lambda w: {"pk": w.agreement.course.pk}], "course_detail"),
    "hours_export": ([lambda w: {"fmt": "csv"}, lambda w: {"fmt": "xlsx"}], "hours_delivered"),
    "hours_export_download": (
        [lambda w: {"pk": _administrations_export(w).pk}],
        "hours_delivered",
    ),
    "access_log_export": ([no_kwargs], "access_log_search"),
    "visitation_meeting_agenda_pdf": (
        [lambda w: {"pk": _visitation(w)[0].pk}],
        "visitation_meeting_detail",
    ),
    "visitation_meeting_minutes_pdf": (
        [lambda w: {"pk": _visitation(w)[0].pk}],
        "visitation_meeting_detail",
    ),
    "visitation_meeting_ics": (
        [lambda w: {"pk": _visitation(w)[0].pk}],
        "visitation_meeting_detail",
    ),
    "year_report_download": (
        [lambda w: {"pk": _administrations_year_report(w).pk}],
        "year_report_status",
    ),
    "access_request_download": (
        [lambda w: {"pk": _access_request(w).pk}],
        "access_request_detail",
    ),
    "support_statistics_export": (
        [lambda w: {"fmt": "csv"}, lambda w: {"fmt": "xlsx"}],
        "support_statistics",
    ),
    **{
        f"dashboard_{name}_export": (
            [lambda w: {"fmt": "csv"}, lambda w: {"fmt": "xlsx"}],
            f"dashboard_{name}",
        )
        for name in ("districts", "institutions", "flow", "pedagogists", "effect")
    },
}

# The decision letter follows the application's page.
DOWNLOADS["support_decision_letter"] = (
    [lambda w: {"pk": _visitation(w)[2].pk}],
    "support_detail",
)


def plant_hours(world) -> None:
    """Paula's submitted week: practice on the course, and sparring on no course."""
    sheet = WeekSheet.objects.create(
        pedagogist=world.pedagogist,
        week_start=hours.this_monday(),
        status=SheetStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    HourEntry.objects.create(
        sheet=sheet,
        course=world.agreement.course,
        category=HourCategory.PRACTICE,
        hours=COURSE_HOURS,
    )
    HourEntry.objects.create(
        sheet=sheet, course=None, category=HourCategory.SPARRING, hours=OTHER_WORK
    )


@pytest.fixture
def world_with_requests(world):
    return _with_requests(world)


def _with_requests(world):
    from tests.indsats.helpers import accept, agreement_in_force, make_request, plan_meeting

    world.draft_request = make_request(world)
    world.submitted_request = make_request(world, submit=True)
    world.accepted_request = make_request(world, submit=True)
    accept(world, world.accepted_request)
    world.meeting = plan_meeting(world, world.accepted_request)
    world.agreement, world.agreement_version = agreement_in_force(world, world.accepted_request)
    plant_hours(world)
    world.follow_up = _follow_up(world)
    return world


def _follow_up(world):
    """A follow-up of another course at the institution, closed four months ago."""
    from datetime import timedelta

    from forloeb.courses import services as courses
    from forloeb.models import Course
    from forloeb.reminders import rules
    from tests.indsats.helpers import accept, agreement_in_force, make_request

    req = make_request(world, submit=True)
    accept(world, req)
    agreement, _version = agreement_in_force(world, req)
    courses.course_set_phase(
        actor=world.administrator, course_id=agreement.course.pk, phase="closed", reason="Slut."
    )
    Course.objects.filter(pk=agreement.course.pk).update(
        closed_at=timezone.now() - timedelta(days=100)
    )
    rules.follow_ups_due(now=timezone.now())
    return agreement.course.follow_ups.get()


def is_file(response) -> bool:
    return response.has_header("Content-Disposition")


def file_text(response) -> str:
    """What a person reads in a downloaded file, as text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response["Content-Type"]
    if content_type.startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            ";".join("" if value is None else str(value) for value in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if content_type.startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8") for name in sorted(archive.namelist())
            )
    # CSV and calendars; a calendar folds long lines with a newline and a space.
    return content.decode("utf-8-sig").replace("\r\n ", "")


def spellings(value: Decimal) -> list[str]:
    """How a figure is written: 7,75 on pages and in CSV, 7.75 in Excel and attributes."""
    plain = f"{value.normalize():f}"
    return [plain, plain.replace(".", ",")]


def shows(text: str, value: Decimal) -> bool:
    return any(
        re.search(rf"(?<![\d.,]){re.escape(spelling)}(?![\d])", text)
        for spelling in spellings(value)
    )


@pytest.mark.parametrize("role", ROLES)
def test_access_table(client, world_with_requests, role):
    world = world_with_requests
    user = world.user_for(role)
    if user is not None:
        client.force_login(user)
    _check_access_table(client, world, role)


@pytest.fixture
def world_from_identity_provider(world, settings):
    """The same people, but made by their first login through the identity provider (from the
    groups the administration mapped in Stamdata), and logged in through it."""
    from institutioner.models import IdentityGroup, Pedagogist, Role
    from institutioner.sso.services import Claims, identity_login

    settings.OIDC_RP_CLIENT_ID = "indsats"
    settings.OIDC_RP_CLIENT_SECRET = "unused"
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/not-asked"
    people = [
        ("leader", Role.LEADER, [world.institution]),
        ("staff", Role.STAFF, [world.institution]),
        ("administrator", Role.ADMINISTRATION, []),
        ("outsider", Role.LEADER, [world.outsider_institution]),
        ("pedagogist", Role.PEDAGOGIST, []),
    ]
    for attr, role, institutions in people:
        group = IdentityGroup.objects.create(name=f"gruppe-{attr}", role=role)
        group.institutions.set(institutions)
        claims = Claims(
            provider="oidc",
            subject=f"subject-{attr}",
            email=f"{attr}@sso.example.dk",
            name=f"SSO {attr}",
            groups=[group.name],
        )
        user = identity_login(claims=claims)
        if attr == "pedagogist":
            # Stamdata keeps the pedagogist's contract; her login comes from the provider.
            Pedagogist.objects.filter(pk=world.pedagogist.pk).update(user=user)
            world.pedagogist.refresh_from_db()
        else:
            setattr(world, attr, user)
    return _with_requests(world)


@pytest.mark.parametrize("role", ROLES[1:])
def test_access_table_for_people_the_identity_provider_made(
    client, world_from_identity_provider, role
):
    world = world_from_identity_provider
    user = world.user_for(role)
    assert user.identities.exists() and not user.has_usable_password()
    client.force_login(user, backend="institutioner.sso.oidc.Backend")
    session = client.session
    session["oidc_id_token_expiration"] = 2**40  # no refresh with the provider in this test
    session.save()
    _check_access_table(client, world, role)


def _check_access_table(client, world, role) -> None:
    checked = 0
    wrong = []
    for name in sorted(set(named_urls())):
        builder, expected = rule_for(name)
        kwargs = admin_kwargs(world, name) if builder == "admin" else builder(world)
        if kwargs is None:
            continue  # an admin page for a kind of object the world has none of
        if isinstance(kwargs, list):
            url = reverse(name, args=kwargs)
        else:
            url = reverse(name, kwargs=kwargs)
        status = client.get(url).status_code
        checked += 1
        if status != expected[role]:
            wrong.append(f"{name} {url}: {status}, expected {expected[role]}")
    assert wrong == [], "\n".join(wrong)
    assert checked > 40


def test_every_download_has_a_rule(client, world_with_requests):
    """Whatever answers with a file for the administration (who can open the most) is declared
    in DOWNLOADS, and every declared download is a URL with statuses in RULES."""
    world = world_with_requests
    client.force_login(world.administrator)
    files = set()
    for name in sorted(set(named_urls())):
        builder, expected = rule_for(name)
        if builder == "admin" or expected["administration"] != 200:
            continue
        if is_file(client.get(reverse(name, kwargs=builder(world)))):
            files.add(name)
    assert files, "no downloads found: the check itself is broken"
    missing = sorted(files - set(DOWNLOADS))
    assert missing == [], f"downloads without a rule in DOWNLOADS: {missing}"
    assert sorted(set(DOWNLOADS) - set(named_urls())) == []
    assert all(page in RULES for _builders, page in DOWNLOADS.values())


@pytest.mark.parametrize("role", ROLES)
def test_downloads_show_nothing_the_page_hides(client, world_with_requests, role):
    """Each file a person can download follows its page's statuses, and shows a planted figure
    only if the person sees that figure on one of the pages where it lives."""
    world = world_with_requests
    user = world.user_for(role)
    if user is not None:
        client.force_login(user)
    visible = {}
    for secret, (value, pages) in SECRETS.items():
        texts = []
        for page in pages:
            response = client.get(page(world))
            if response.status_code == 200:
                texts.append(response.content.decode())
        visible[secret] = any(shows(text, value) for text in texts)
    downloaded = 0
    leaks = []
    for name, (builders, page) in DOWNLOADS.items():
        for builder in builders:
            url = reverse(name, kwargs=builder(world))
            response = client.get(url)
            page_status = client.get(reverse(page, kwargs=RULES[page][0](world))).status_code
            if page_status != 200:
                # No file where the page is closed (a page may be open without its file).
                assert response.status_code != 200, f"{url}: a file where {page} is closed"
            if response.status_code != 200:
                continue
            assert is_file(response), f"{url} is not a file"
            downloaded += 1
            text = file_text(response)
            for secret, (value, _pages) in SECRETS.items():
                if shows(text, value) and not visible[secret]:
                    leaks.append(f"{url} shows {secret} ({value}) to {role}")
    assert leaks == [], "\n".join(leaks)
    if role in ("leader", "administration"):
        assert downloaded >= 7


def test_the_leak_check_sees_the_planted_figures(client, world_with_requests):
    """The check above is worth something only if the figures are found where they are shown."""
    world = world_with_requests
    client.force_login(world.administrator)
    report = file_text(client.get(reverse("course_report", args=[world.agreement.course.pk])))
    assert shows(report, COURSE_HOURS)
    for fmt in ("csv", "xlsx"):
        export = file_text(client.get(reverse("hours_export", args=[fmt])))
        assert shows(export, COURSE_HOURS) and shows(export, OTHER_WORK)
    page = client.get(reverse("course_detail", args=[world.agreement.course.pk]))
    assert shows(page.content.decode(), COURSE_HOURS)
    client.force_login(world.staff)
    page = client.get(reverse("course_detail", args=[world.agreement.course.pk]))
    assert not shows(page.content.decode(), COURSE_HOURS)


# --- No role checks outside the access modules ---------------------------------------------------

# Modules that show pages or files; the templates are all checked.
SCANNED_MODULES = (
    "views.py",
    "startpage.py",
    "context_processors.py",
    "pdf.py",
    "export.py",
    "spreadsheet.py",
    "calendar.py",
    "templatetags/*.py",
)
PYTHON_ROLE_CHECKS = re.compile(
    r"\.role\b|\bRole\.|\bKINDS_BY_ROLE\b|\bis_superuser\b"
    r"|\bis_(administration|leader|pedagogist|staff_member)\("
)
TEMPLATE_ROLE_CHECKS = re.compile(
    r"\brole\s*(==|!=)|\.role\s+in\b|\bis_superuser\b|\bis_administration\b|\bis_leader\b"
    r"|\bis_pedagogist\b"
)
# Where a role check is allowed, and why. An entry whose file no longer has one fails the test:
# take it out.
ALLOWED_ROLE_CHECKS = {
    "templates/emails/reminder_evaluation_due_body.txt": "chooses the wording for the "
    "recipient (the leader takes part), not what anyone may see",
    "templates/emails/reminder_evaluation_overdue_body.txt": "chooses the wording for the "
    "recipient (the leader is told whom to contact), not what anyone may see",
}


def _scanned_files():
    base = Path(settings.BASE_DIR)
    for app in sorted(p.parent for p in base.glob("*/apps.py")):
        for pattern in SCANNED_MODULES:
            yield from app.rglob(pattern)
    for template in (base / "templates").rglob("*"):
        if template.is_file():
            yield template


def test_no_role_checks_outside_access_modules():
    """Views, start-page sections, files and templates ask the apps' access modules (`can_...`,
    `..._for(user)`); none of them looks at a person's role itself."""
    base = Path(settings.BASE_DIR)
    found: dict[str, list[str]] = {}
    for path in _scanned_files():
        relative = path.relative_to(base).as_posix()
        if relative.startswith((".venv/", "tests/")):
            continue
        pattern = TEMPLATE_ROLE_CHECKS if relative.startswith("templates/") else PYTHON_ROLE_CHECKS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.setdefault(relative, []).append(f"{relative}:{number}: {line.strip()}")
    checks = [
        hit for path, hits in found.items() if path not in ALLOWED_ROLE_CHECKS for hit in hits
    ]
    assert checks == [], "role checks outside access modules:\n" + "\n".join(checks)
    stale = sorted(set(ALLOWED_ROLE_CHECKS) - set(found))
    assert stale == [], f"no role check left in {stale}: take them out of ALLOWED_ROLE_CHECKS"


# --- The access log ------------------------------------------------------------------------------

# The world's people, by what identifies them on a page or in a file. A page or file that shows
# one of them (other than the viewer) shows personal data and needs an access-log rule in its
# app's `access.ACCESS_LOG` (institutioner/accesslog/rules.py), or a reason here.
PEOPLE = {
    "leader": ("Lene Leder", "lene@example.dk"),
    "staff": ("Per Personale", "per@example.dk"),
    "pedagogist": ("Paula Pædagog", "paula@example.dk"),
    "administration": ("Frida Forvaltning", "frida@example.dk"),
    "outsider": ("Otto Udenfor", "otto@example.dk"),
    "other pedagogist": ("Ole Andensted", "ole@example.dk"),
}

# Pages that show a person and write no access-log row, and why. An entry for a page that no
# longer shows anyone, or that has a rule after all, fails the test: take it out.
NOT_LOGGED = {
    "notifications": "the person's own inbox: each message names others only as it was sent to "
    "this person, and the message itself was never a look-up",
}


def people_shown(text: str, viewer: str) -> list[str]:
    return [
        name
        for role, marks in PEOPLE.items()
        if role != viewer
        for name in marks[:1]
        if any(mark in text for mark in marks)
    ]


def pages_without_logging_rule(shown: dict[str, list[str]], rule_for, not_logged) -> list[str]:
    """The URL names whose page or file showed someone (`shown`: name -> people) and that
    have neither an access-log rule nor a reason in `not_logged`."""
    return sorted(
        f"{name} shows {', '.join(people)}"
        for name, people in shown.items()
        if people and rule_for(name) is None and name not in not_logged
    )


def test_the_logging_check_finds_a_page_without_a_rule():
    """The check fails a page that shows a person without a rule, and only such a page."""
    rules = {"request_detail": object()}
    shown = {
        "request_detail": ["Lene Leder"],
        "course_detail": ["Lene Leder"],
        "healthz": [],
        "notifications": ["Paula Pædagog"],
    }
    assert pages_without_logging_rule(shown, rules.get, {"notifications": "the person's own"}) == [
        "course_detail shows Lene Leder"
    ]


@pytest.mark.parametrize("role", ["leader", "pedagogist", "administration"])
def test_every_page_with_personal_data_logs_one_row(client, world_with_requests, role):
    """Every page and file that shows a person has an access-log rule, and every page with a
    rule writes exactly one row when it answers (and none when it does not)."""
    from institutioner.accesslog.rules import rule_for as log_rule_for
    from institutioner.models import AccessLogEntry

    world = world_with_requests
    client.force_login(world.user_for(role))
    shown: dict[str, list[str]] = {}
    wrong = []
    for name in sorted(set(named_urls())):
        builder, _statuses = rule_for(name)
        kwargs = admin_kwargs(world, name) if builder == "admin" else builder(world)
        if kwargs is None:
            continue
        url = (
            reverse(name, args=kwargs) if isinstance(kwargs, list) else reverse(name, kwargs=kwargs)
        )
        before = AccessLogEntry.objects.count()
        response = client.get(url)
        written = AccessLogEntry.objects.count() - before
        ok = response.status_code == 200
        rule = log_rule_for(name)
        if written != (1 if ok and rule is not None else 0):
            wrong.append(f"{name} {url}: {response.status_code}, {written} rows")
        if ok:
            text = file_text(response) if is_file(response) else response.content.decode()
            shown[name] = people_shown(text, role)
    assert wrong == [], "\n".join(wrong)
    missing = pages_without_logging_rule(shown, log_rule_for, NOT_LOGGED)
    assert missing == [], "pages with personal data and no access-log rule:\n" + "\n".join(missing)
