"""The access log: each kind of personal page writes its one row, and the rows stay as written.

Which pages log is tested over every URL in tests/test_access_table.py; here, what the rows say.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from forloeb.models import Course
from indsats.models import Agreement, AgreementVersion, InterventionRequest
from institutioner.accesslog import rules, services
from institutioner.models import AccessAction, AccessLogEntry, Pedagogist, User
from tests.indsats.helpers import accept, agreement_in_force, make_request


@pytest.fixture
def course_world(world):
    world.request = make_request(world, submit=True)
    accept(world, world.request)
    world.agreement, world.version = agreement_in_force(world, world.request)
    world.course = world.agreement.course
    return world


def only_row() -> AccessLogEntry:
    [row] = AccessLogEntry.objects.all()
    return row


def object_of(row: AccessLogEntry):
    return ContentType.objects.get_for_id(row.content_type_id).model_class(), row.object_id


PAGES = {
    # url name: (kwargs, action, model, the object's id, whom it concerns)
    "request_detail": (
        lambda w: {"pk": w.request.pk},
        AccessAction.VIEW,
        InterventionRequest,
        lambda w: w.request.pk,
        lambda w: [w.leader.pk],
    ),
    "triage_detail": (
        lambda w: {"pk": w.request.pk},
        AccessAction.VIEW,
        InterventionRequest,
        lambda w: w.request.pk,
        lambda w: [w.leader.pk],
    ),
    "agreement_pdf": (
        lambda w: {"pk": w.version.pk},
        AccessAction.DOWNLOAD,
        AgreementVersion,
        lambda w: w.version.pk,
        lambda w: [w.leader.pk, w.pedagogist.user_id],
    ),
    "course_detail": (
        lambda w: {"pk": w.course.pk},
        AccessAction.VIEW,
        Course,
        lambda w: w.course.pk,
        lambda w: [w.leader.pk],
    ),
    # QA: "Forløbets historik" named no one under Vedrører where "Forløbets side" had the leader.
    "course_history": (
        lambda w: {"pk": w.course.pk},
        AccessAction.VIEW,
        Course,
        lambda w: w.course.pk,
        lambda w: [w.leader.pk],
    ),
    "agreement_history": (
        lambda w: {"pk": w.agreement.pk},
        AccessAction.VIEW,
        Agreement,
        lambda w: w.agreement.pk,
        lambda w: [w.leader.pk, w.pedagogist.user_id],
    ),
    "week_sheet_of": (
        lambda w: {"pk": w.pedagogist.pk, "year": 2026, "week": 10},
        AccessAction.VIEW,
        Pedagogist,
        lambda w: w.pedagogist.pk,
        lambda w: [w.pedagogist.user_id],
    ),
    "pedagogist_detail": (
        lambda w: {"pk": w.pedagogist.pk},
        AccessAction.VIEW,
        Pedagogist,
        lambda w: w.pedagogist.pk,
        lambda w: [w.pedagogist.user_id],
    ),
    "admin:institutioner_user_change": (
        lambda w: {"object_id": w.leader.pk},
        AccessAction.VIEW,
        User,
        lambda w: w.leader.pk,
        lambda w: [w.leader.pk],
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_personal_page_writes_one_row_with_its_object_and_people(
    postgres, client, course_world, name
):
    world = course_world
    kwargs, action, model, object_id, concerns = PAGES[name]
    client.force_login(world.administrator)
    response = client.get(reverse(name, kwargs=kwargs(world)), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    row = only_row()
    assert row.user == world.administrator
    assert row.action == action
    assert row.url_name == name
    assert object_of(row) == (model, object_id(world))
    assert row.concerns == concerns(world)
    assert row.client_address == "10.1.2.3"
    assert row.at > timezone.now() - timedelta(minutes=1)


def test_a_week_of_someone_else_records_the_week_as_its_query(postgres, client, course_world):
    world = course_world
    client.force_login(world.administrator)
    client.get(
        reverse("week_sheet_of", kwargs={"pk": world.pedagogist.pk, "year": 2026, "week": 9})
    )
    assert only_row().query == "year=2026; week=9"


@pytest.mark.parametrize(
    ("name", "kwargs", "action"),
    [
        ("triage_queue", {}, AccessAction.SEARCH),
        ("course_list", {}, AccessAction.SEARCH),
        ("hours_export", {"fmt": "csv"}, AccessAction.EXPORT),
        ("dashboard_pedagogists_export", {"fmt": "xlsx"}, AccessAction.EXPORT),
    ],
)
def test_lists_and_exports_record_their_filters(
    postgres, client, course_world, name, kwargs, action
):
    world = course_world
    client.force_login(world.administrator)
    response = client.get(reverse(name, kwargs=kwargs), {"institution": world.institution.pk})
    assert response.status_code == 200
    row = only_row()
    assert (row.action, row.content_type_id, row.object_id, row.concerns) == (
        action,
        None,
        None,
        [],
    )
    expected = [f"{key}={value}" for key, value in kwargs.items()]
    assert row.query == "; ".join([*expected, f"institution={world.institution.pk}"])


def test_a_search_is_cut_to_the_columns_length(client, course_world):
    client.force_login(course_world.administrator)
    client.get(reverse("course_list"), {"q": "x" * 2000})
    assert len(only_row().query) == 500


def test_a_cpr_number_typed_into_a_search_is_not_stored(client, course_world):
    client.force_login(course_world.administrator)
    client.get(reverse("course_list"), {"q": "barn 010203-1234 og 0102031234"})
    assert only_row().query == "q=barn [CPR] og [CPR]"


def test_no_row_where_nothing_is_shown(client, course_world):
    """Outside the person's scope (404), to log in (302) and refused methods write nothing."""
    world = course_world
    client.force_login(world.outsider)
    assert client.get(reverse("request_detail", args=[world.request.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("request_detail", args=[world.request.pk])).status_code == 302
    client.force_login(world.administrator)
    assert client.get(reverse("request_submit", args=[world.request.pk])).status_code == 405
    assert not AccessLogEntry.objects.exists()


def test_the_page_fails_when_its_row_cannot_be_written(client, course_world, monkeypatch):
    """A read of personal data that cannot be logged is not shown."""

    def refuse(**fields):
        raise DatabaseError("the log is unavailable")

    monkeypatch.setattr(AccessLogEntry.objects, "create", refuse)
    client.force_login(course_world.administrator)
    client.raise_request_exception = False
    response = client.get(reverse("request_detail", args=[course_world.request.pk]))
    assert response.status_code == 500


def test_a_rule_that_needs_the_object_fails_loudly_without_it(monkeypatch, world):
    monkeypatch.setitem(
        rules._RULES, "needs-object", rules.view("indsats.InterventionRequest", concerns=list)
    )
    request = RequestFactory().get("/")
    request.user = world.administrator
    with pytest.raises(ImproperlyConfigured, match="shown"):
        services.access_log_write(request=request, view_name="needs-object", kwargs={"pk": 1})


@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, rule in rules.registered().items()
        if rule.model == "forloeb.Course" and rule.concerns is None
    ),
)
def test_every_page_of_a_course_concerns_its_leader(course_world, name):
    """QA: "Registrér evaluering" and the other pages of a course logged no one, so a search by
    the leader missed them. Whether or not the view handed over the course."""
    world = course_world
    kwargs = {"pk": world.course.pk, "evaluation_id": 1}
    for obj in (services._NOTHING, world.course):
        request = RequestFactory().get("/")
        request.user = world.administrator
        if obj is not services._NOTHING:
            services.shown(request, obj)
        row = services.access_log_write(request=request, view_name=name, kwargs=kwargs)
        assert row is not None and row.concerns == [world.leader.pk]


@pytest.mark.parametrize(
    ("name", "obj"),
    [
        ("agreement_edit", lambda w: w.version),
        ("request_edit", lambda w: w.request),
        ("agreement_diff", lambda w: w.agreement),
    ],
)
def test_a_page_without_its_own_concerns_reads_them_as_the_models_pages_do(course_world, name, obj):
    """A version's pages hand over the version or the agreement; whichever rule reads the
    model's object is used, and the leader is named."""
    world = course_world
    request = RequestFactory().get("/")
    request.user = world.administrator
    services.shown(request, obj(world))
    kwargs = {rules.rule_for(name).id_kwarg: obj(world).pk}
    row = services.access_log_write(request=request, view_name=name, kwargs=kwargs)
    # An agreement concerns its pedagogist too (the allocation of its request).
    people = (
        [world.leader.pk] if name == "request_edit" else [world.leader.pk, world.pedagogist.user_id]
    )
    assert row is not None and row.concerns == people


def test_a_page_cannot_have_two_rules():
    with pytest.raises(ValueError, match="Two access-log rules"):
        rules.register({"request_detail": rules.search()})


def test_behind_proxies_the_address_the_first_proxy_saw(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.8"
    )
    settings.AXES_IPWARE_PROXY_COUNT = None
    assert services.client_address(request) == "10.0.0.9"
    settings.AXES_IPWARE_PROXY_COUNT = 2
    assert services.client_address(request) == "203.0.113.7"
    settings.AXES_IPWARE_PROXY_COUNT = 3  # fewer hops than proxies: the header is not trusted
    assert services.client_address(request) == "10.0.0.9"
    assert services.client_address(RequestFactory().get("/", REMOTE_ADDR="junk")) is None


def _row(world, concerns, **fields) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=world.administrator,
        action=AccessAction.VIEW,
        url_name="test",
        concerns=concerns,
        **fields,
    )


def test_rows_about_a_person_are_found(world):
    about_lene = _row(world, [world.leader.pk, world.pedagogist.user_id])
    _row(world, [world.staff.pk])
    assert list(AccessLogEntry.objects.concerning(world.leader.pk)) == [about_lene]
    assert list(AccessLogEntry.objects.concerning(world.outsider.pk)) == []


def test_the_database_refuses_to_change_a_row(world):
    row = _row(world, [world.leader.pk])
    with pytest.raises(IntegrityError, match="access_log_append_only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=row.pk).update(concerns=[])
    row.refresh_from_db()
    assert row.concerns == [world.leader.pk]


def test_the_database_refuses_to_delete_a_row_except_in_the_purge(postgres, world):
    old = _row(world, [world.leader.pk], at=timezone.now() - timedelta(days=3 * 365))
    new = _row(world, [world.staff.pk])
    with pytest.raises(IntegrityError, match="access_log_append_only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=old.pk).delete()
    assert services.access_log_purge(before=timezone.now() - timedelta(days=365)) == 1
    assert list(AccessLogEntry.objects.all()) == [new]
    # The purge's setting lasted for its own transaction only.
    with pytest.raises(IntegrityError, match="access_log_append_only"), transaction.atomic():
        AccessLogEntry.objects.all().delete()


def test_a_users_past_version_in_stamdata_concerns_that_user(postgres, client, world):
    """django-simple-history's page of one past version of a user (its name, e-mail address and
    roles as they were) writes a row with the user as its object and the person it concerns,
    as the user's own page does."""
    version = world.leader.history.order_by("history_id").first()
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_user_simple_history", args=[world.leader.pk, version.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert world.leader.name in response.content.decode()
    row = only_row()
    assert row.url_name == "admin:institutioner_user_simple_history"
    assert row.object_id == world.leader.pk
    assert object_of(row) == (User, world.leader.pk)
    assert row.concerns == [world.leader.pk]
