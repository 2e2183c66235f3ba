"""Every named URL of the project, checked against a declared access table.

A new URL without a rule here makes `test_every_url_has_a_rule` fail, so no view can be added
without deciding who may open it. Statuses: 302 = sent to log in (or on, after logging in),
404 = outside the person's scope (existence is not revealed), 405 = wrong method.
"""

import fnmatch

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from institutioner.models import Notification, NotificationStatus

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


def no_kwargs(world):
    return {}


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
    "favicon": (no_kwargs, everyone(301)),
    "login": (no_kwargs, {**signed_in(302), "anonymous": 200}),
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
    # Requests: leaders of the institution own them; the administration triages.
    "request_list": (no_kwargs, signed_in(200)),
    "request_create": (no_kwargs, {**signed_in(404), "leader": 200, "outsider": 200}),
    "request_detail": (
        lambda w: {"pk": w.accepted_request.pk},
        {**signed_in(200), "outsider": 404},
    ),
    "request_edit": (
        lambda w: {"pk": w.draft_request.pk},
        {**signed_in(404), "leader": 200},
    ),
    "request_submit": (lambda w: {"pk": w.draft_request.pk}, everyone(405)),
    "request_withdraw": (lambda w: {"pk": w.draft_request.pk}, everyone(405)),
    "triage_queue": (no_kwargs, {**signed_in(404), "administration": 200}),
    "triage_detail": (
        lambda w: {"pk": w.submitted_request.pk},
        {**signed_in(404), "administration": 200},
    ),
    "triage_accept": (lambda w: {"pk": w.submitted_request.pk}, everyone(405)),
    "triage_reject": (lambda w: {"pk": w.submitted_request.pk}, everyone(405)),
    "triage_ask_info": (lambda w: {"pk": w.submitted_request.pk}, everyone(405)),
    "meeting_create": (
        lambda w: {"pk": w.submitted_request.pk},
        # Not accepted yet: the administration is sent back with a message.
        {**signed_in(404), "administration": 302},
    ),
    "meeting_edit": (
        lambda w: {"pk": w.meeting.pk},
        {**signed_in(404), "administration": 200},
    ),
    "meeting_cancel": (lambda w: {"pk": w.meeting.pk}, everyone(405)),
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
    "agreement_edit": (
        lambda w: {"pk": w.agreement_version.pk},
        {**signed_in(404), "pedagogist": 302, "administration": 302},
    ),
    "agreement_send": (lambda w: {"pk": w.agreement_version.pk}, everyone(405)),
    "agreement_sign": (lambda w: {"pk": w.agreement_version.pk}, everyone(405)),
    "agreement_decline": (lambda w: {"pk": w.agreement_version.pk}, everyone(405)),
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
    "evaluation_complete": (
        lambda w: {
            "pk": w.agreement.course.pk,
            "evaluation_id": w.agreement.course.evaluations.first().pk,
        },
        {**signed_in(404), "pedagogist": 200, "administration": 200},
    ),
    "course_tick": (
        lambda w: {"pk": w.agreement.course.pk, "item_id": w.agreement.course.checklist.first().pk},
        everyone(405),
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
    # Notifications: everyone signed in has their own; one person's notification is 404 to others.
    "notifications": (no_kwargs, signed_in(200)),
    "notification_open": (
        lambda w: {"pk": _leaders_notification(w).pk},
        {**signed_in(404), "leader": 302},
    ),
    "notification_settings": (no_kwargs, signed_in(200)),
    # The health page and the schedules' times are the administration's.
    "operations": (no_kwargs, {**signed_in(404), "administration": 200}),
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
    "dashboard_pedagogists": (no_kwargs, {**signed_in(404), "administration": 200}),
    "dashboard_pedagogists_export": (
        lambda w: {"fmt": "xlsx"},
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
            if action in ("changelist", "add"):
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


@pytest.fixture
def world_with_requests(world):
    from tests.indsats.helpers import accept, agreement_in_force, make_request, plan_meeting

    world.draft_request = make_request(world)
    world.submitted_request = make_request(world, submit=True)
    world.accepted_request = make_request(world, submit=True)
    accept(world, world.accepted_request)
    world.meeting = plan_meeting(world, world.accepted_request)
    world.agreement, world.agreement_version = agreement_in_force(world, world.accepted_request)
    return world


@pytest.mark.parametrize("role", ROLES)
def test_access_table(client, world_with_requests, role):
    world = world_with_requests
    user = world.user_for(role)
    if user is not None:
        client.force_login(user)
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
