"""Odd and hostile input never makes a server error (#15 item 4).

The named cases first (each was a 500 once), then every form the app shows, each field given
each hostile value in turn, on PostgreSQL.
"""

import logging
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.urls import reverse

from indsats.models import MeetingStatus
from institutioner.models import Notification, NotificationStatus
from tests.test_access_table import (  # noqa: F401 (world_with_requests is a fixture)
    DOWNLOADS,
    admin_kwargs,
    named_urls,
    rule_for,
    world_with_requests,
)

HUGE = "9" * 5000


@pytest.mark.parametrize("name", ["dashboard_institutions", "dashboard_pedagogists"])
@pytest.mark.parametrize("page", ["²", HUGE, "-3", "99999999999999999999"])
def test_dashboard_page_numbers(client, world, name, page):
    client.force_login(world.administrator)
    response = client.get(reverse(name), {"side": page})
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("value", ["²", HUGE, "99999999999999999999", "-1"])
def test_health_page_retry(client, world, value):
    Notification.objects.create(
        recipient=world.leader,
        email=world.leader.email,
        template="notification_test",
        subject="Test",
        body_text="Test",
        status=NotificationStatus.FAILED,
    )
    client.force_login(world.administrator)
    response = client.post(reverse("operations"), {"action": "retry", "notifikation": value})
    assert response.status_code in (302, 404)


@pytest.mark.parametrize("field", ["paedagog", "maaned"])
@pytest.mark.parametrize("value", ["²", HUGE, "99999999999999999999", "-1", f"{HUGE}-1"])
def test_month_approval(client, world, field, value):
    client.force_login(world.administrator)
    data = {"maaned": "2026-01", "paedagog": str(world.pedagogist.pk), field: value}
    assert client.post(reverse("hours_approval"), data).status_code in (302, 404)
    assert client.get(reverse("hours_approval"), {"maaned": value}).status_code in (200, 302)


def test_another_courses_checklist_item(client, world_with_requests):  # noqa: F811
    from tests.indsats.helpers import agreement_in_force

    world = world_with_requests
    _other, _version = agreement_in_force(world)
    other_item = _other.course.checklist.first()
    client.force_login(world.administrator)
    url = reverse("course_tick", args=[world.agreement.course.pk, other_item.pk])
    assert client.post(url, {"done": "1"}).status_code == 404
    other_item.refresh_from_db()
    assert other_item.done_at is None


def test_nul_byte_is_refused_with_a_danish_page(client, world_with_requests):  # noqa: F811
    world = world_with_requests
    client.force_login(world.administrator)
    response = client.post(reverse("meeting_cancel", args=[world.meeting.pk]), {"reason": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    world.meeting.refresh_from_db()
    assert world.meeting.status == MeetingStatus.PLANNED
    assert client.get(reverse("course_list"), {"soeg": "\x00"}).status_code == 400


def test_long_search_in_stamdata(client, world):
    client.force_login(world.administrator)
    for words in ("a" * 10_000, "a " * 5_000):
        response = client.get(reverse("admin:institutioner_institution_changelist"), {"q": words})
        assert response.status_code == 200
        assert "Søgningen er for lang" in response.content.decode()


def test_huge_values_are_cut_in_the_log(client, world, caplog):
    client.force_login(world.administrator)
    with caplog.at_level(logging.WARNING):
        client.get(f"/forloeb/{HUGE}/")
        client.get(reverse("course_list"), {"soeg": "\x00" + HUGE})
    assert caplog.records
    assert all(len(record.getMessage()) < 1000 for record in caplog.records)


# --- Every form, every field ---------------------------------------------------------------------

HOSTILE = {
    "nul": "a\x00b",
    "long": "x" * 10_000,
    "superscript": "²",
    "digits": HUGE,
    "huge": "99999999999999999999",
    "negative": "-5",
    "1899": "1899-01-01",
    "2100": "2100-01-01",
}
# Forms whose sending ends the session or deletes the world the other forms need.
SKIPPED_ACTIONS = ("/log-ud/", "/delete/")


class _Forms(HTMLParser):
    """The forms of a page: method, action, and each field's default values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (a.get("method") or "get").lower(),
                    "action": a.get("action") or "",
                    "fields": {},
                }
            )
            return
        if not self.forms or not a.get("name"):
            if tag == "option" and self._select and "selected" in a:
                self.forms[-1]["fields"].setdefault(self._select, []).append(a.get("value", ""))
            return
        fields = self.forms[-1]["fields"]
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file"):
                return
            fields.setdefault(name, [])
            if kind not in ("checkbox", "radio") or "checked" in a:
                fields[name].append(a.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = name
            fields.setdefault(name, [])
        elif tag == "textarea":
            self._textarea = name
            fields.setdefault(name, [""])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] = [data.lstrip("\n")]


def _pages(world):
    for name in sorted(set(named_urls()) - set(DOWNLOADS)):
        builder, _expected = rule_for(name)
        kwargs = admin_kwargs(world, name) if builder == "admin" else builder(world)
        if kwargs is None:
            continue
        yield (
            reverse(name, args=kwargs) if isinstance(kwargs, list) else reverse(name, kwargs=kwargs)
        )


def _forms_of(client, world):
    found = {}
    for url in _pages(world):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urljoin(url, form["action"]) if form["action"] else url
            if any(part in action for part in SKIPPED_ACTIONS) or not form["fields"]:
                continue
            key = (form["method"], action, tuple(sorted(form["fields"])))
            found.setdefault(key, form["fields"])
    return found


@pytest.mark.parametrize("role", ["administration", "pedagogist", "leader"])
def test_every_form_field_takes_hostile_input(client, postgres, world_with_requests, role):  # noqa: F811
    """Each field of each form a person is shown, given each hostile value while the others keep
    what the page filled in: a page, a message or a 4xx, never a server error."""
    world = world_with_requests
    client.force_login(world.user_for(role))
    forms = _forms_of(client, world)
    assert len(forms) > (40 if role == "administration" else 5)
    errors = []
    for (method, action, names), defaults in forms.items():
        send = client.post if method == "post" else client.get
        # Stamdata's forms check every field at once: one request with all of them hostile.
        # The app's own forms may stop at the first bad field: one field at a time.
        tries = [names] if action.startswith("/admin/") else [[name] for name in names]
        for chosen in tries:
            name = chosen[0] if len(chosen) == 1 else "every field"
            for label, value in HOSTILE.items():
                data = {**defaults, **{n: [value] for n in chosen if n != "csrfmiddlewaretoken"}}
                try:
                    status = send(action, data).status_code
                except Exception as error:  # the test client re-raises what the view raised
                    status = f"{type(error).__name__}: {str(error)[:200]}"
                if not isinstance(status, int) or status >= 500:
                    errors.append(f"{method.upper()} {action} {name} ({label}): {status}")
                client.force_login(world.user_for(role))
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize("day", ["1899-01-01", "2100-01-01"])
def test_implausible_dates_are_refused(client, world_with_requests, day):  # noqa: F811
    from forloeb.models import CourseNote, Evaluation

    world = world_with_requests
    course = world.agreement.course
    client.force_login(world.pedagogist.user)
    notes, evaluations = CourseNote.objects.count(), Evaluation.objects.count()
    note = client.post(
        reverse("course_note_add", args=[course.pk]), {"day": day, "text": "Leg i små grupper."}
    )
    evaluation = client.post(reverse("evaluation_add", args=[course.pk]), {"due_on": day})
    assert (CourseNote.objects.count(), Evaluation.objects.count()) == (notes, evaluations)
    for response in (note, evaluation):
        page = client.get(response["Location"]) if response.status_code == 302 else response
        assert "Vælg en dato mellem" in page.content.decode()
