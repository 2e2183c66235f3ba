"""The administration keeps master data in the Danish admin; bad data gets a Danish message."""

import html
import re
from datetime import date, time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutioner.models import (
    Assignment,
    AssignmentFunction,
    Competence,
    District,
    Institution,
)
from tests.test_access_table import world_with_requests  # noqa: F401 (a fixture)


def _institution_form(world, **overrides):
    data = {
        "name": "Børnehuset Solsikken",
        "district": world.north.pk,
        "kind": "integreret",
        "owner": "kommunal",
        "street": "Solvej 2",
        "postal_code": "4600",
        "city": "Ullerup",
        "opens_at": "06:30",
        "closes_at": "17:00",
        "groups-TOTAL_FORMS": "0",
        "groups-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_admin_is_in_danish(client, world):
    client.force_login(world.administrator)
    body = client.get(reverse("admin:index")).content.decode()
    assert "Indsatsteamet – stamdata" in body
    assert "Institutioner" in body and "Faste tilknytninger" in body
    assert "Login-spærringer" in body and "Spærringer og loginforsøg" in body


def test_the_authenticator_apps_have_danish_names_in_stamdata(client, world):
    """django-otp's app and model (TOTP devices) ship English names: Stamdata says them in
    Danish, in the index, the list, its columns and the page of one device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.administrator, name="Telefon", confirmed=True)
    client.force_login(world.administrator)
    body = client.get(reverse("admin:index")).content.decode()
    assert "Totrinslogin" in body and "Godkendelsesapps" in body
    assert "OTP_TOTP" not in body and "Otp_Totp" not in body and "TOTP devices" not in body
    body = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert "Vælg godkendelsesapp" in body
    for column in ("Person", "Navn", "Sat op", "Sidst brugt"):
        assert f">{column}</a>" in body
    assert "TOTP device" not in body and "Last used at" not in body
    body = client.get(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    ).content.decode()
    assert "Ret godkendelsesapp" in body and "Telefon" in body
    assert "TOTP device" not in body and "human-readable" not in body and "Confirmed" not in body


def test_admin_creates_an_institution_and_keeps_who_did_it(client, world):
    client.force_login(world.administrator)
    response = client.post(reverse("admin:institutioner_institution_add"), _institution_form(world))
    assert response.status_code == 302
    institution = Institution.objects.get(name="Børnehuset Solsikken")
    record = institution.history.get()
    assert record.history_type == "+"
    assert record.history_user == world.administrator


def test_admin_refuses_closing_before_opening_and_keeps_the_input(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_institution_add"),
        _institution_form(world, opens_at="17:00", closes_at="06:30"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lukketiden skal ligge efter åbningstiden." in body
    assert 'value="Børnehuset Solsikken"' in body
    assert not Institution.objects.filter(name="Børnehuset Solsikken").exists()


def _assignment_form(world, **overrides):
    data = {
        "pedagogist": world.pedagogist.pk,
        "institution": world.other_institution.pk,
        "function": "ressource",
        "share": "50",
        "valid_from": "01.08.2026",
        "valid_to": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"share": "120"}, "Andelen skal være over 0 % og højst 100 %."),
        ({"share": "0"}, "Andelen skal være over 0 % og højst 100 %."),
        ({"valid_to": "01.07.2026"}, "Slutdatoen kan ikke ligge før startdatoen."),
        ({"share": "71"}, "ville tilsammen blive 101 % fra 1. august 2026"),
    ],
)
def test_admin_refuses_impossible_assignments_in_danish(client, world, overrides, message):
    client.force_login(world.administrator)
    before = Assignment.objects.count()
    response = client.post(
        reverse("admin:institutioner_assignment_add"), _assignment_form(world, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Assignment.objects.count() == before


def test_admin_accepts_an_assignment_up_to_100_percent(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_assignment_add"), _assignment_form(world, share="70")
    )
    assert response.status_code == 302
    created = Assignment.objects.get(institution=world.other_institution)
    assert created.valid_from == date(2026, 8, 1)


def test_admin_refuses_negative_contracted_hours(client, world):
    from tests.factories import UserFactory

    user = UserFactory(role="pedagogist")
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_pedagogist_add"),
        {
            "user": user.pk,
            "title": "indsatspaedagog",
            "weekly_hours": "-3",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "De ugentlige normtimer skal være mellem 0 og 48." in response.content.decode()


def test_administration_cannot_make_superusers(client, world):
    client.force_login(world.administrator)
    body = client.get(
        reverse("admin:institutioner_user_change", args=[world.leader.pk])
    ).content.decode()
    assert "is_superuser" not in body


def test_admin_creates_a_user_who_can_log_in(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_user_add"),
        {
            "email": "Ny.Leder@Example.dk",
            "name": "Ny Leder",
            "role": "leader",
            "password1": "en-god-lang-adgangskode-1",
            "password2": "en-god-lang-adgangskode-1",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    login = client.post(
        reverse("login"),
        {"username": "ny.leder@example.dk", "password": "en-god-lang-adgangskode-1"},
    )
    assert login.status_code == 302


def test_duplicate_email_in_another_case_gets_a_danish_message(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_user_add"),
        {
            "email": "LENE@example.dk",
            "name": "Lene Igen",
            "role": "leader",
            "password1": "en-god-lang-adgangskode-1",
            "password2": "en-god-lang-adgangskode-1",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Der findes allerede en bruger med denne e-mail." in response.content.decode()


def test_names_are_unique_whatever_the_case(client, world):
    client.force_login(world.administrator)
    response = client.post(reverse("admin:institutioner_district_add"), {"name": "ullerup bæk"})
    assert "Der findes allerede et distrikt med dette navn." in response.content.decode()


def test_danish_time_and_postal_code_messages_at_the_field(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_institution_add"),
        _institution_form(world, opens_at="6.30", closes_at="17.00", postal_code="12a4"),
    )
    body = response.content.decode()
    assert "Et dansk postnummer har fire cifre." in body
    assert "Indtast en gyldig tid" not in body  # 6.30 and 17.00 are understood
    assert 'id="id_postal_code_error"' in body


def test_institution_with_groups_cannot_be_deleted(world):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        world.institution.delete()


def test_history_page_with_a_bad_id_is_404_not_500(client, world):
    client.force_login(world.administrator)
    assert client.get("/admin/institutioner/district/abc/history/").status_code == 404
    url = f"/admin/institutioner/district/{world.north.pk}/history/abc/"
    assert client.get(url).status_code == 404


def test_an_unknown_id_in_stamdata_is_the_danish_404_page(client, world):
    """Every page of one object in Stamdata (change, delete, history) answers 404 for an id
    that does not exist, as the rest of the app does, instead of Django's redirect to the start
    page with a message."""
    from django.contrib import admin

    client.force_login(world.administrator)
    asking = RequestFactory().get("/admin/")
    asking.user = world.administrator
    pages = 0
    for model, model_admin in admin.site._registry.items():
        # A kind the administration may not see, or not delete, at all is 403 whatever the id.
        allowed = {
            "change": model_admin.has_view_or_change_permission(asking),
            "delete": model_admin.has_delete_permission(asking),
            "history": model_admin.has_view_or_change_permission(asking),
        }
        for view in [view for view, yes in allowed.items() if yes]:
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
            response = client.get(reverse(name, args=[99999]))
            assert response.status_code == 404, (name, response.status_code)
            assert "Siden findes ikke" in response.content.decode(), name
            pages += 1
    assert pages >= 40
    # A change posted to an unknown id changes nothing and is 404 too.
    url = reverse("admin:institutioner_institution_change", args=[99999])
    assert client.post(url, _institution_form(world)).status_code == 404
    assert not Institution.objects.filter(name="Børnehuset Solsikken").exists()


def test_a_draft_is_out_of_stamdatas_scope_404(client, world):
    """A leader's draft request is not shown in Stamdata: its pages answer 404 as an unknown
    id does (deleting is 403 for every request), the history too (it would otherwise show the
    draft's text from its history)."""
    from tests.indsats.helpers import make_request

    draft = make_request(world)
    submitted = make_request(world, submit=True)
    client.force_login(world.administrator)
    for view in ("change", "history"):
        name = f"admin:indsats_interventionrequest_{view}"
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404, view
    assert client.get(reverse("admin:indsats_interventionrequest_change", args=[submitted.pk]))
    history = reverse("admin:indsats_interventionrequest_history", args=[submitted.pk])
    assert client.get(history).status_code == 200


def test_history_page_is_danish(client, world):
    client.force_login(world.administrator)
    body = client.get(
        reverse("admin:institutioner_institution_history", args=[world.institution.pk])
    ).content.decode()
    assert "Vælg et tidspunkt på listen nedenfor" in body
    assert "Ændret af" in body


def test_administration_lifts_a_lockout(client, world):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lene@example.dk", "password": "forkert"})
    attempt = AccessAttempt.objects.get()
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "lift_lockout", "_selected_action": [attempt.pk]},
        follow=True,
    )
    assert "1 spærring ophævet." in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_user_picker_for_a_pedagogist_offers_only_pedagogists(client, world):
    client.force_login(world.administrator)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "institutioner",
            "model_name": "pedagogist",
            "field_name": "user",
        },
    )
    names = [r["text"] for r in response.json()["results"]]
    assert "Paula Pædagog (paula@example.dk)" in names
    assert not any("Lene Leder" in n for n in names)


def test_administration_cannot_change_a_superuser(client, world):
    from institutioner.models import User

    it = User.objects.create_superuser(email="it@example.dk", password="x" * 12, name="IT")
    client.force_login(world.administrator)
    password_url = reverse("admin:auth_user_password_change", args=[it.pk])
    response = client.post(
        password_url, {"password1": "ny-kode-til-it-2026", "password2": "ny-kode-til-it-2026"}
    )
    assert response.status_code in (403, 404)
    it.refresh_from_db()
    assert it.check_password("x" * 12)
    change = client.post(
        reverse("admin:institutioner_user_change", args=[it.pk]), {"email": "ond@example.dk"}
    )
    assert change.status_code in (302, 403)
    it.refresh_from_db()
    assert it.email == "it@example.dk"


def test_drafts_are_not_shown_in_stamdata(client, world):
    from tests.indsats.helpers import make_request

    draft = make_request(world)
    submitted = make_request(world, submit=True)
    client.force_login(world.administrator)
    body = client.get(reverse("admin:indsats_interventionrequest_changelist")).content.decode()
    assert f"/admin/indsats/interventionrequest/{submitted.pk}/change/" in body
    assert f"/admin/indsats/interventionrequest/{draft.pk}/change/" not in body


CPR_SPELLINGS = ["070589-1234", "0705891234", "070589 1234", "07.05.89-1234"]


PLAIN = "ligner et CPR-nummer. Skriv ikke CPR-numre her."


@pytest.mark.parametrize("cpr", CPR_SPELLINGS)
def test_stamdata_refuses_cpr_numbers_in_every_text_field(client, world, cpr):
    """#15 item 5: district, institution name and address, group, user name and phone and
    competence name took all four spellings."""
    from institutioner.models import Competence, District, Group, User

    client.force_login(world.administrator)
    posts = [
        ("admin:institutioner_district_add", {"name": f"Distrikt {cpr}"}),
        ("admin:institutioner_competence_add", {"name": f"Sprog {cpr}"}),
        ("admin:institutioner_institution_add", _institution_form(world, name=f"Hus {cpr}")),
        ("admin:institutioner_institution_add", _institution_form(world, street=f"Vej {cpr}")),
        ("admin:institutioner_institution_add", _institution_form(world, city=f"By {cpr}")),
        (
            "admin:institutioner_group_add",
            {"name": f"Stue {cpr}", "institution": world.institution.pk, "age_group": "3-6"},
        ),
    ]
    for name, data in posts:
        response = client.post(reverse(name), data)
        assert response.status_code == 200, name
        assert PLAIN in response.content.decode(), name
        # Not the advice for a text about a children's group: these are names and addresses.
        assert "børnegruppen" not in response.content.decode(), name
    # A room added in the institution's own form too.
    response = client.post(
        reverse("admin:institutioner_institution_add"),
        _institution_form(
            world,
            **{
                "groups-TOTAL_FORMS": "1",
                "groups-0-name": f"Stue {cpr}",
                "groups-0-age_group": "3-6",
            },
        ),
    )
    assert response.status_code == 200 and PLAIN in response.content.decode()
    for field in ("name", "phone"):
        data = {
            "email": world.leader.email,
            "name": world.leader.name,
            "phone": "",
            "role": world.leader.role,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            field: cpr,
        }
        response = client.post(
            reverse("admin:institutioner_user_change", args=[world.leader.pk]), data
        )
        assert PLAIN in response.content.decode(), field
    assert not District.objects.filter(name__contains="1234").exists()
    assert not Competence.objects.exists()
    assert not Group.objects.filter(name__contains="1234").exists()
    assert not User.objects.filter(name__contains="1234").exists()
    assert not User.objects.filter(phone__contains="1234").exists()


def test_stamdata_takes_and_shows_the_decimal_comma(client, world):
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_pedagogist_change", args=[world.pedagogist.pk])
    page = client.get(url).content.decode()
    assert 'name="weekly_hours" value="' in page
    assert "." not in page.split('name="weekly_hours" value="')[1].split('"')[0]
    response = client.post(
        url,
        {
            "user": world.pedagogist.user.pk,
            "title": world.pedagogist.title,
            "weekly_hours": "37,5",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.pedagogist.refresh_from_db()
    assert str(world.pedagogist.weekly_hours) in ("37.5", "37.50")


def test_stamdata_speaks_danish_in_lists_and_search(client, world_with_requests):  # noqa: F811
    client.force_login(world_with_requests.administrator)
    allocations = client.get(reverse("admin:indsats_allocation_changelist")).content.decode()
    assert ">Request<" not in allocations and "Anmodning" in allocations
    assert 'alt="Search"' not in allocations
    meeting = world_with_requests.meeting
    page = client.get(reverse("admin:indsats_intakemeeting_change", args=[meeting.pk]))
    body = page.content.decode()
    assert "Sequence:" not in body and "Created by:" not in body


def _user_change_form(user, **overrides):
    data = {
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "role": user.role,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_stamdata_deactivates_a_person_who_left_with_a_reason(client, world):
    from django.contrib.sessions.models import Session

    from tests.factories import PASSWORD

    lene = Client()
    lene.post(reverse("login"), {"username": "lene@example.dk", "password": PASSWORD})
    client.force_login(world.administrator)
    changelist = reverse("admin:institutioner_user_changelist")
    chosen = {"action": "deactivate", "_selected_action": [world.leader.pk], "index": "0"}
    response = client.post(changelist, chosen)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Deaktivér (fratrådt)" in body and "Lene Leder" in body
    assert "bliver logget ud med det samme" in body

    applied = {"action": "deactivate", "_selected_action": [world.leader.pk], "apply": "1"}
    response = client.post(changelist, {**applied, "reason": ""})
    assert "Dette felt er påkrævet." in response.content.decode()
    world.leader.refresh_from_db()
    assert world.leader.is_active

    response = client.post(changelist, {**applied, "reason": "Fratrådt 31. marts"}, follow=True)
    assert "1 person er deaktiveret og logget ud." in response.content.decode()
    world.leader.refresh_from_db()
    assert not world.leader.is_active
    assert world.leader.history.latest().history_change_reason == "Fratrådt 31. marts"
    assert Session.objects.count() == 1  # the administrator's own
    assert lene.get(reverse("start")).status_code == 302

    reactivated = {"action": "reactivate", "_selected_action": [world.leader.pk], "apply": "1"}
    response = client.post(changelist, {**reactivated, "reason": "Tilbage"}, follow=True)
    assert "1 person er genaktiveret." in response.content.decode()
    world.leader.refresh_from_db()
    assert world.leader.is_active


def test_unticking_active_in_stamdata_deactivates_through_the_service(client, world):
    from institutioner.models import Notification, NotificationStatus

    Notification.objects.create(
        recipient=world.leader, email=world.leader.email, template="t", subject="s", body_text="b"
    )
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_user_change", args=[world.leader.pk])
    response = client.post(url, _user_change_form(world.leader, is_active=None))
    assert response.status_code == 200
    assert "Skriv, hvorfor personen deaktiveres eller genaktiveres." in response.content.decode()
    world.leader.refresh_from_db()
    assert world.leader.is_active

    form = _user_change_form(
        world.leader, is_active=None, phone="12 34 56 78", active_change_reason="Fratrådt"
    )
    assert client.post(url, form).status_code == 302
    world.leader.refresh_from_db()
    assert not world.leader.is_active and world.leader.phone == "12 34 56 78"
    record = world.leader.history.latest()
    assert (record.history_user, record.history_change_reason) == (world.administrator, "Fratrådt")
    assert Notification.objects.get().status == NotificationStatus.IN_APP

    form = _user_change_form(world.leader, active_change_reason="Tilbage")
    assert client.post(url, form).status_code == 302
    world.leader.refresh_from_db()
    assert world.leader.is_active


def test_stamdata_refuses_deactivating_oneself(client, world):
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_user_change", args=[world.administrator.pk])
    form = _user_change_form(world.administrator, is_active=None, active_change_reason="x")
    response = client.post(url, form)
    assert "Du kan ikke deaktivere dig selv." in response.content.decode()
    world.administrator.refresh_from_db()
    assert world.administrator.is_active


@pytest.mark.parametrize("role", ["leader", "staff", "pedagogist", "outsider"])
def test_only_the_administration_reaches_deactivation_in_stamdata(client, world, role):
    client.force_login(world.user_for(role))
    applied = {
        "action": "deactivate",
        "_selected_action": [world.staff.pk],
        "apply": "1",
        "reason": "Fratrådt",
    }
    response = client.post(reverse("admin:institutioner_user_changelist"), applied)
    assert response.status_code in (302, 403, 404)
    world.staff.refresh_from_db()
    assert world.staff.is_active


def test_pickers_in_stamdata_do_not_offer_someone_who_left(client, world):
    from institutioner import services

    services.user_deactivate(
        actor=world.administrator, user_id=world.pedagogist.user.pk, reason="Fratrådt"
    )
    client.force_login(world.administrator)
    users = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "institutioner",
            "model_name": "pedagogist",
            "field_name": "user",
        },
    ).json()["results"]
    pedagogists = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "institutioner",
            "model_name": "assignment",
            "field_name": "pedagogist",
        },
    ).json()["results"]
    assert not any("Paula" in r["text"] for r in users + pedagogists)
    assert any("Ole Andensted" in r["text"] for r in pedagogists)
    # The list of people still shows them, marked inactive.
    listed = client.get(reverse("admin:institutioner_user_changelist"), {"is_active__exact": "0"})
    assert "Paula Pædagog" in listed.content.decode()


def test_deleted_master_data_keeps_a_readable_history(client, world):
    """A deleted record of master data is listed under its kind's "Slettede", newest first,
    with who deleted it; its history and its versions can be read, not restored (a POST to a
    version changes nothing), and a record that still exists is not listed."""
    client.force_login(world.administrator)
    kept = Competence.objects.create(name="Sprog")
    gone = Competence.objects.create(name="Motorik")
    gone_id = gone.pk
    response = client.post(
        reverse("admin:institutioner_competence_delete", args=[gone_id]), {"post": "yes"}
    )
    assert response.status_code == 302
    listing = client.get(reverse("admin:institutioner_competence_changelist")).content.decode()
    deleted_url = reverse("admin:institutioner_competence_deleted")
    assert deleted_url == "/admin/institutioner/competence/slettede/"
    assert f'href="{deleted_url}"' in listing and "Slettede" in listing
    page = client.get(deleted_url).content.decode()
    history_url = reverse("admin:institutioner_competence_history", args=[gone_id])
    assert "Motorik" in page and history_url in page and world.administrator.name in page
    assert "Sprog" not in page
    history = client.get(history_url)
    assert history.status_code == 200
    body = history.content.decode()
    assert "Motorik" in body and "Slettet" in body
    version = Competence.history.filter(id=gone_id, history_type="+").get()
    form_url = reverse(
        "admin:institutioner_competence_simple_history", args=[gone_id, version.history_id]
    )
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"name": "Motorik"}, follow=True)
    assert "kan ikke gendannes" in response.content.decode()
    assert not Competence.objects.filter(pk=gone_id).exists()
    # A record that exists, and an id never seen, as before.
    assert (
        client.get(reverse("admin:institutioner_competence_history", args=[kept.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:institutioner_competence_history", args=[99999])).status_code
        == 404
    )
    # Only the administration.
    client.force_login(world.leader)
    assert client.get(deleted_url).status_code in (302, 403, 404)


def test_the_deleted_list_pages_in_a_constant_number_of_queries(client, world):
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_competence_deleted")
    deleted, counts = 0, []
    for size in (3, 60):
        for n in range(size):
            Competence.objects.create(name=f"Slettet {size}-{n}").delete()
        deleted += size
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        counts.append(len(queries))
        # The header and a row each, newest first: the last one deleted leads.
        rows = page.split('id="content-main"')[1].split("<tbody>")[1].split("</tbody>")[0]
        assert rows.count("<tr>") == min(50, deleted)
        assert f"Slettet {size}-{size - 1}" in rows.split("</tr>")[0]
    assert "Side 1 af 2" in page
    # Session, user, permissions, the page's count and rows (and the session's renewal).
    assert counts[0] == counts[1] <= 9


def test_a_save_from_a_form_opened_before_another_change_is_refused(client, world):
    """Two tabs on one institution: the first save stands; the second, from a form opened
    before it, is refused with what was typed kept, and nothing of the first is undone. Saved
    again (knowingly), it replaces it."""
    client.force_login(world.administrator)
    client.post(reverse("admin:institutioner_institution_add"), _institution_form(world))
    institution = Institution.objects.get(name="Børnehuset Solsikken")
    url = reverse("admin:institutioner_institution_change", args=[institution.pk])

    def stamp_of(body: str) -> str:
        return re.search(r'name="_stamp" value="(\d*)"', body).group(1)

    first = stamp_of(client.get(url).content.decode())
    second = stamp_of(client.get(url).content.decode())
    assert first == second == str(institution.history.latest().history_id)
    saved = client.post(url, _institution_form(world, street="Mødevej 4", _stamp=first))
    assert saved.status_code == 302
    refused = client.post(url, _institution_form(world, opens_at="07:00", _stamp=second))
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Nogen har ændret posten, siden du åbnede den" in body
    assert 'value="07:00"' in body
    institution.refresh_from_db()
    assert institution.street == "Mødevej 4" and f"{institution.opens_at:%H:%M}" == "06:30"
    # The refused form carries the new stamp: saving again replaces the other change.
    again = client.post(url, _institution_form(world, opens_at="07:00", _stamp=stamp_of(body)))
    assert again.status_code == 302
    institution.refresh_from_db()
    assert institution.street == "Solvej 2" and f"{institution.opens_at:%H:%M}" == "07:00"


@pytest.mark.parametrize(
    ("phone", "saved"),
    [
        ("<script>alert(1)</script>", False),
        ("ring mig", False),
        ("1234", False),
        ("+45 12 34 56 78", True),
        ("12-34-56-78", True),
        ("", True),
    ],
)
def test_a_persons_phone_in_stamdata_is_a_phone_number(client, world, phone, saved):
    client.force_login(world.administrator)
    data = {
        "email": world.leader.email,
        "name": "Ny Navnesen",
        "phone": phone,
        "role": world.leader.role,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:institutioner_user_change", args=[world.leader.pk]), data)
    world.leader.refresh_from_db()
    if saved:
        assert response.status_code == 302 and world.leader.phone == phone
    else:
        assert response.status_code == 200
        assert "Skriv et telefonnummer med cifre" in response.content.decode()
        # What else was typed stays in the form; nothing is saved.
        assert 'value="Ny Navnesen"' in response.content.decode()
        assert world.leader.name != "Ny Navnesen"


def _history_rows(body: str) -> list[str]:
    """The rows of a history page's table, each as its cells' text."""
    table = body.split('id="change-history"')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def test_the_history_shows_no_none_where_nothing_was_given(client, world):
    """A change without a reason, and a value that was empty before it, show a dash in the
    history, never "None"."""
    client.force_login(world.administrator)
    assignment = Assignment.objects.get(pedagogist=world.pedagogist, institution=world.institution)
    assert assignment.valid_to is None
    assignment.valid_to = date(2031, 7, 31)
    assignment.save()
    body = client.get(
        reverse("admin:institutioner_assignment_history", args=[assignment.pk])
    ).content.decode()
    rows = _history_rows(body)
    assert len(rows) == 2
    assert "None" not in body.split('id="change-history"')[1]
    # The reason is the row's second last cell (a dash), then the change from nothing to a day.
    assert rows[0].endswith("\N{EN DASH} Til: \N{EN DASH} → 31. juli 2031"), rows[0]
    # A reason given is shown as it is.
    world.leader._change_reason = "Fratrådt 31. marts"
    world.leader.save()
    body = client.get(
        reverse("admin:institutioner_user_history", args=[world.leader.pk])
    ).content.decode()
    assert "Fratrådt 31. marts" in _history_rows(body)[0]


def test_the_history_shows_values_as_the_rest_of_the_app_does(client, world):
    """The changes column reads as Danish: a day as "4. december 2026", a time as "07:00", a
    share with a decimal comma, "Ja"/"Nej", a choice by its name, a related record by its name
    (a deleted one by its number), never the stored values (2026-12-04, True, stoette, 37.50)."""
    client.force_login(world.administrator)
    assignment = Assignment.objects.get(pedagogist=world.pedagogist, institution=world.institution)
    assignment.valid_to = date(2026, 12, 4)
    assignment.function = AssignmentFunction.SUPPORT
    assignment.share = Decimal("37.5")
    assignment.institution = world.other_institution
    assignment.save()
    body = client.get(
        reverse("admin:institutioner_assignment_history", args=[assignment.pk])
    ).content.decode()
    changes = _history_rows(body)[0]
    for shown in (
        "Funktion: Ressource → Støtte",
        "Institution: Børnehuset Mariehønen → Vuggestuen Spiren",
        "Andel af arbejdstiden (%): 30 → 37,5",
        "Til: \N{EN DASH} → 4. december 2026",
    ):
        assert shown in changes, changes

    world.leader.is_active = False
    world.leader.save()
    body = client.get(
        reverse("admin:institutioner_user_history", args=[world.leader.pk])
    ).content.decode()
    assert "Aktiv: Ja → Nej" in _history_rows(body)[0]
    world.pedagogist.competences.set(
        [Competence.objects.create(name="Sprog"), Competence.objects.create(name="Motorik")]
    )
    body = client.get(
        reverse("admin:institutioner_pedagogist_history", args=[world.pedagogist.pk])
    ).content.decode()
    assert "Kompetencer: \N{EN DASH} → Motorik, Sprog" in _history_rows(body)[0]

    institution = world.institution
    gone = District.objects.create(name="Strandby")
    institution.district = gone
    institution.opens_at = time(7, 0)
    institution.save()
    institution.district = world.south
    institution.save()
    gone_id = gone.pk
    gone.delete()
    body = client.get(
        reverse("admin:institutioner_institution_history", args=[institution.pk])
    ).content.decode()
    rows = _history_rows(body)
    assert f"Distrikt: Distrikt nr. {gone_id} (slettet) → Søvang" in rows[0], rows[0]
    assert "Åbner: 06:30 → 07:00" in rows[1], rows[1]
    assert f"Distrikt: Ullerup Bæk → Distrikt nr. {gone_id} (slettet)" in rows[1], rows[1]


def test_the_history_names_wished_weekdays_and_themes_not_their_stored_numbers(client, world):
    """A request's wished weekdays are stored as numbers and a logbook note's themes as keys; both
    history pages (Stamdata's and the app's) name them ("Mandag, Onsdag"), never "[0, 2]"."""
    from institutioner.history import history_rows
    from tests.indsats.helpers import make_request

    req = make_request(world, submit=True)
    req.wished_weekdays = [0, 2]
    req.save()
    req.wished_weekdays = [1]
    req.save()
    client.force_login(world.administrator)
    body = client.get(
        reverse("admin:indsats_interventionrequest_history", args=[req.pk])
    ).content.decode()
    changes = _history_rows(body)[0]
    assert "Ønskede ugedage: Mandag, Onsdag → Tirsdag" in changes, changes
    assert "[0, 2]" not in body

    rows = history_rows(req.history.all())
    shown = [(c.label, c.old, c.new) for c in rows[0].changes if c.new == "Tirsdag"]
    assert shown == [("Ønskede ugedage", "Mandag, Onsdag", "Tirsdag")], rows[0].changes


def test_the_history_names_related_records_without_a_query_per_row(client, world):
    """The records a change names come with the history rows: a longer history costs no more
    queries."""
    client.force_login(world.administrator)
    institution = world.institution
    url = reverse("admin:institutioner_institution_history", args=[institution.pk])
    client.get(url)  # the session's first request also renews it
    counts = []
    for size in (2, 12):
        for n in range(size):
            institution.district = District.objects.create(name=f"Distrikt {size}-{n}")
            institution.save()
        with CaptureQueriesContext(connection) as queries:
            rows = _history_rows(client.get(url).content.decode())
        counts.append(len(queries))
        assert f"Distrikt {size}-{size - 2} → Distrikt {size}-{size - 1}" in rows[0]
    assert counts[0] == counts[1], counts


def test_a_deleted_records_version_is_shown_read_only(client, world):
    """A version of a deleted record is text with a note that it cannot be restored: no field
    that looks editable, no button to save or restore, and the way back is the deleted list."""
    client.force_login(world.administrator)
    district = District.objects.create(name="Sydkysten")
    district.name = "Sydkysten og Strandby"
    district.save()
    gone_id = district.pk
    district.delete()
    version = District.history.filter(id=gone_id, history_type="+").get()
    url = reverse("admin:institutioner_district_simple_history", args=[gone_id, version.history_id])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    form = body.split('id="content-main"')[1]
    assert "Posten er slettet" in form and "kan ikke gendannes" in form
    # The name as text, not in a field; the only inputs are the form's own hidden ones.
    assert "Sydkysten" in form and 'name="name"' not in form
    inputs = re.findall(r"<(?:input|select|textarea)\b[^>]*>", form)
    assert all('type="hidden"' in tag for tag in inputs), inputs
    assert "Gendan" not in form and 'name="_save"' not in form
    # The record's own page is gone: the breadcrumbs of the version and of the history lead
    # to the deleted list instead.
    history = client.get(reverse("admin:institutioner_district_history", args=[gone_id]))
    for page in (body, history.content.decode()):
        breadcrumbs = page.split('class="breadcrumbs"')[1].split("</div>")[0]
        assert reverse("admin:institutioner_district_deleted") in breadcrumbs
        assert reverse("admin:institutioner_district_change", args=[gone_id]) not in breadcrumbs
        assert "Distrikter" in breadcrumbs and "Historical" not in breadcrumbs
    # A record that exists keeps its version page with its fields, to restore from.
    kept = District.objects.create(name="Nordkysten")
    version = kept.history.get()
    url = reverse("admin:institutioner_district_simple_history", args=[kept.pk, version.history_id])
    body = client.get(url).content.decode()
    assert 'name="name"' in body and 'name="_save"' in body and "Posten er slettet" not in body
    breadcrumbs = body.split('class="breadcrumbs"')[1].split("</div>")[0]
    assert reverse("admin:institutioner_district_change", args=[kept.pk]) in breadcrumbs
    assert "Distrikter" in breadcrumbs and "Historical" not in breadcrumbs


def _stamp_of(body: str) -> str:
    return re.search(r'name="_stamp" value="(\d*)"', body).group(1)


def test_a_save_that_changes_nothing_does_not_make_other_forms_stale(client, world):
    """Two tabs on one institution: "Gem" in the first without a change writes no history row,
    so the second tab's change is saved; a real change in between still stops it."""
    client.force_login(world.administrator)
    client.post(reverse("admin:institutioner_institution_add"), _institution_form(world))
    institution = Institution.objects.get(name="Børnehuset Solsikken")
    url = reverse("admin:institutioner_institution_change", args=[institution.pk])
    first = _stamp_of(client.get(url).content.decode())
    second = _stamp_of(client.get(url).content.decode())
    rows = institution.history.count()
    unchanged = client.post(url, _institution_form(world, _stamp=first))
    assert unchanged.status_code == 302
    assert institution.history.count() == rows
    saved = client.post(url, _institution_form(world, street="Mødevej 4", _stamp=second))
    assert saved.status_code == 302
    institution.refresh_from_db()
    assert institution.street == "Mødevej 4"
    assert institution.history.latest().history_user == world.administrator
    # The first tab, still on the old stamp, is refused now: that change was real.
    refused = client.post(url, _institution_form(world, city="Andeby", _stamp=first))
    assert refused.status_code == 200
    assert "Nogen har ændret posten, siden du åbnede den" in refused.content.decode()
    assert 'value="Andeby"' in refused.content.decode()
    institution.refresh_from_db()
    assert institution.street == "Mødevej 4" and institution.city == "Ullerup"


def test_a_change_only_to_a_records_groups_still_makes_other_forms_stale(client, world):
    """The institution's form carries its groups too: a group renamed in one tab (nothing else
    changed) refuses the other tab's save, which would put the old name back."""
    client.force_login(world.administrator)
    client.post(reverse("admin:institutioner_institution_add"), _institution_form(world))
    institution = Institution.objects.get(name="Børnehuset Solsikken")
    group = institution.groups.create(name="Mariehønen", age_group="0-3")
    url = reverse("admin:institutioner_institution_change", args=[institution.pk])
    first = _stamp_of(client.get(url).content.decode())
    second = _stamp_of(client.get(url).content.decode())

    def with_group(name, **overrides):
        return _institution_form(
            world,
            **{
                "groups-TOTAL_FORMS": "1",
                "groups-INITIAL_FORMS": "1",
                "groups-0-id": str(group.pk),
                "groups-0-institution": str(institution.pk),
                "groups-0-name": name,
                "groups-0-age_group": "0-3",
            },
            **overrides,
        )

    renamed = client.post(url, with_group("Sommerfuglen", _stamp=first))
    assert renamed.status_code == 302
    group.refresh_from_db()
    assert group.name == "Sommerfuglen"
    refused = client.post(url, with_group("Mariehønen", street="Mødevej 4", _stamp=second))
    assert refused.status_code == 200
    assert "Nogen har ændret posten, siden du åbnede den" in refused.content.decode()
    group.refresh_from_db()
    institution.refresh_from_db()
    assert group.name == "Sommerfuglen" and institution.street == "Solvej 2"


def test_a_change_only_to_a_pedagogists_competences_makes_other_forms_stale(client, world):
    client.force_login(world.administrator)
    pedagogist = world.pedagogist
    competence = Competence.objects.create(name="Sprog")
    url = reverse("admin:institutioner_pedagogist_change", args=[pedagogist.pk])
    first = _stamp_of(client.get(url).content.decode())
    second = _stamp_of(client.get(url).content.decode())

    def form(**overrides):
        data = {
            "user": str(pedagogist.user_id),
            "title": pedagogist.title,
            "weekly_hours": str(pedagogist.weekly_hours).replace(".", ","),
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        }
        data.update(overrides)
        return data

    saved = client.post(url, form(competences=[str(competence.pk)], _stamp=first))
    assert saved.status_code == 302
    assert list(pedagogist.competences.all()) == [competence]
    refused = client.post(url, form(_stamp=second))
    assert refused.status_code == 200
    assert "Nogen har ændret posten, siden du åbnede den" in refused.content.decode()
    assert list(pedagogist.competences.all()) == [competence]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,345", "Skriv et tal med højst 4 cifre i alt, før og efter kommaet tilsammen."),
        ("7,125", "Skriv højst 2 decimaler efter kommaet."),
        ("123", "Tallet er for stort: højst 2 cifre før kommaet."),
    ],
)
def test_a_decimal_number_too_long_is_said_plainly_in_stamdata(client, world, typed, message):
    """Django's Danish says "Der må maksimalt være 4 cifre i alt"; ours says what to type."""
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_pedagogist_change", args=[world.pedagogist.pk])
    response = client.post(
        url,
        {
            "user": world.pedagogist.user.pk,
            "title": world.pedagogist.title,
            "weekly_hours": typed,
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert message in body
    assert "Der må maksimalt være" not in body
    assert f'value="{typed}"' in body


@pytest.mark.parametrize(
    "name", ["\u200b", "\u200b\u200b\u200b", "\u00ad\u2060\ufeff", "\u200c \u200d"]
)
def test_a_name_of_invisible_characters_is_missing(client, world, name):
    client.force_login(world.administrator)
    response = client.post(reverse("admin:institutioner_district_add"), {"name": name})
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in response.content.decode()
    response = client.post(
        reverse("admin:institutioner_institution_add"), _institution_form(world, name=name)
    )
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in response.content.decode()
    assert not Institution.objects.filter(name__contains="\u200b").exists()
    assert not District.objects.exclude(name__regex=r"\w").exists()


def test_a_persons_name_of_invisible_characters_is_missing(client, world):
    from institutioner.models import User

    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_user_add"),
        {
            "email": "usynlig@example.dk",
            "name": "\u200b\u200b",
            "role": "leader",
            "password1": "en-god-lang-adgangskode-1",
            "password2": "en-god-lang-adgangskode-1",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in response.content.decode()
    assert not User.objects.filter(email="usynlig@example.dk").exists()
    response = client.post(
        reverse("admin:institutioner_user_change", args=[world.leader.pk]),
        _user_change_form(world.leader, name="\u200b"),
    )
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "Børnehuset  Mariehønen",
        "Børnehuset\u00a0Mariehønen",
        " Børnehuset\u2009Mariehønen\u200b ",
        "Børne\u00adhuset Mariehønen",
        "børnehuset \u3000mariehønen",
    ],
)
def test_a_name_with_other_spaces_is_the_same_name(client, world, name):
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_institution_add"), _institution_form(world, name=name)
    )
    assert response.status_code == 200
    assert "Der findes allerede en institution med dette navn." in response.content.decode()
    assert Institution.objects.filter(name__icontains="mariehønen").count() == 1


def test_a_name_is_saved_with_its_spaces_made_plain(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_district_add"), {"name": "\u200bNordre\u00a0\u00a0 Skov "}
    )
    assert response.status_code == 302
    assert District.objects.filter(name="Nordre Skov").exists()
    response = client.post(
        reverse("admin:institutioner_group_add"),
        {
            "institution": world.institution.pk,
            "name": "Stue\u00a0\u00a0Blå\u200b",
            "age_group": "3-6",
        },
    )
    assert response.status_code == 302
    assert world.institution.groups.filter(name="Stue Blå").exists()
    response = client.post(
        reverse("admin:institutioner_competence_add"), {"name": "Sprog\u00a0og\u200b leg"}
    )
    assert response.status_code == 302
    assert Competence.objects.filter(name="Sprog og leg").exists()


def _errors(body: str) -> list[str]:
    return [html.unescape(one) for one in re.findall(r"<li>([^<]*)</li>", body)]


def test_a_duplicate_gets_one_message_the_apps_own(client, world):
    client.force_login(world.administrator)
    body = client.post(
        reverse("admin:institutioner_institution_add"),
        _institution_form(world, name="Børnehuset Mariehønen"),
    ).content.decode()
    assert "Der findes allerede en institution med dette navn." in _errors(body)
    assert "eksisterer allerede" not in body
    body = client.post(
        reverse("admin:institutioner_district_add"), {"name": "Ullerup Bæk"}
    ).content.decode()
    assert _errors(body).count("Der findes allerede et distrikt med dette navn.") == 1
    assert "eksisterer allerede" not in body


def test_a_duplicate_email_gets_one_plain_danish_message(client, world):
    client.force_login(world.administrator)
    body = client.post(
        reverse("admin:institutioner_user_add"),
        {
            "email": world.leader.email,
            "name": "Lene Igen",
            "role": "leader",
            "password1": "en-god-lang-adgangskode-1",
            "password2": "en-god-lang-adgangskode-1",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    ).content.decode()
    assert _errors(body).count("Der findes allerede en bruger med denne e-mail.") == 1
    assert "eksisterer allerede" not in body
    body = client.post(
        reverse("admin:institutioner_user_change", args=[world.leader.pk]),
        _user_change_form(world.leader, email=world.administrator.email),
    ).content.decode()
    assert _errors(body).count("Der findes allerede en bruger med denne e-mail.") == 1
    assert "eksisterer allerede" not in body


def test_a_second_pedagogist_for_the_same_person_gets_a_danish_message(client, world):
    from institutioner.models import Pedagogist

    pedagogist = Pedagogist.objects.first()
    client.force_login(world.administrator)
    body = client.post(
        reverse("admin:institutioner_pedagogist_add"),
        {
            "user": pedagogist.user_id,
            "title": pedagogist.title,
            "weekly_hours": "37",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    ).content.decode()
    from django.utils import translation

    with translation.override("da"):
        # "Personen er allerede indsatspædagog." once the catalogue has it.
        message = translation.gettext("This person is already a pedagogist.")
    assert message in _errors(body)
    assert "eksisterer allerede" not in body


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_deleting_an_institution_in_use_says_what_uses_it_and_keeps_it(
    client,
    world_with_requests,  # noqa: F811
):
    """An institution with groups and requests: Stamdata says in plain Danish what still uses
    it (the groups by name, the requests counted, a leader's draft among them unnamed), not
    that the account lacks a right; the delete button is not there, and a POST deletes
    nothing."""
    world = world_with_requests
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_institution_delete", args=[world.institution.pk])
    text = _text(client.get(url))
    assert "»Børnehuset Mariehønen« bruges stadig af følgende og kan ikke slettes:" in text
    assert "Stue/gruppe: Frøen" in text and "Stue/gruppe: Sommerfuglen" in text
    requests = world.institution.requests.count()
    assert requests >= 4
    assert f"Anmodninger om indsats: {requests}" in text
    assert world.draft_request.need[:20] not in text
    assert "rettigheder" not in text and "Ja, jeg er sikker" not in text
    assert "Det, der kun er talt op, hører til sagerne" in text
    assert client.post(url, {"post": "yes"}).status_code == 200
    assert Institution.objects.filter(pk=world.institution.pk).exists()


def test_what_protects_a_record_is_listed_ten_of_a_kind_and_the_rest_counted(client, world):
    from tests import factories

    client.force_login(world.administrator)
    for n in range(13):
        factories.InstitutionFactory(name=f"Børnehus {n:02}", district=world.south)
    url = reverse("admin:institutioner_district_delete", args=[world.south.pk])
    text = _text(client.get(url))
    assert "»Søvang« bruges stadig af følgende og kan ikke slettes:" in text
    # Kildevang and the first nine made here, in the order they were made.
    assert "Institution: Børnegården Kildevang" in text
    assert "Institution: Børnehus 08" in text and "Børnehus 09" not in text
    assert "… og 4 mere: 14 institutioner i alt" in text
    assert District.objects.filter(pk=world.south.pk).exists()


def test_a_competence_in_use_is_deleted_with_its_links_named_in_danish(client, world):
    client.force_login(world.administrator)
    competence = Competence.objects.create(name="Sprogvejledning")
    world.pedagogist.competences.add(competence)
    url = reverse("admin:institutioner_competence_delete", args=[competence.pk])
    text = _text(client.get(url))
    assert "Tilknytning: Paula Pædagog – Sprogvejledning" in text
    assert "Tilknytninger: 1" in text
    assert "object (" not in text and "relation" not in text
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not world.pedagogist.competences.exists()


def test_deleting_selected_institutions_in_use_says_so_in_danish(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:institutioner_institution_changelist"),
        {"action": "delete_selected", "_selected_action": [world.institution.pk]},
    )
    text = _text(response)
    assert "Valgt: 1 institution, som stadig bruges af følgende og ikke kan slettes:" in text
    assert "Stue/gruppe: Sommerfuglen" in text and "rettigheder" not in text
    assert Institution.objects.filter(pk=world.institution.pk).exists()


def test_a_pedagogists_cases_are_counted_not_named_when_she_cannot_be_deleted(
    client,
    world_with_requests,  # noqa: F811
):
    """Her week sheets and allocations cannot be deleted in Stamdata (nor opened there): they
    are counted by kind; her attachment, which can be, is named with its link."""
    from forloeb.models import WeekSheet
    from indsats.models import Allocation

    world = world_with_requests
    allocations = Allocation.objects.filter(pedagogist=world.pedagogist).count()
    client.force_login(world.administrator)
    sheets = WeekSheet.objects.filter(pedagogist=world.pedagogist).count()
    assert sheets
    url = reverse("admin:institutioner_pedagogist_delete", args=[world.pedagogist.pk])
    text = _text(client.get(url))
    assert "»Paula Pædagog« bruges stadig af følgende og kan ikke slettes:" in text
    assert f"Ugesedler: {sheets}" in text and "Ugeseddel:" not in text
    assert allocations and f"Tildelinger: {allocations}" in text
    assert "Fast tilknytning: Paula Pædagog → Børnehuset Mariehønen (30 %, fra " in text


def test_an_attachment_reads_with_its_period(world):
    """Attachments to one institution year after year read apart (the delete page lists them)."""
    from datetime import date

    from django.utils import translation

    with translation.override("da"):
        earlier = Assignment(
            pedagogist=world.pedagogist,
            institution=world.institution,
            share=Decimal("30"),
            valid_from=date(2025, 8, 1),
            valid_to=date(2026, 7, 31),
        )
        later = Assignment(
            pedagogist=world.pedagogist,
            institution=world.institution,
            share=Decimal("30"),
            valid_from=date(2026, 8, 1),
        )
        assert str(earlier) == (
            "Paula Pædagog → Børnehuset Mariehønen (30 %, 1. august 2025–31. juli 2026)"
        )
        assert str(later) == "Paula Pædagog → Børnehuset Mariehønen (30 %, fra 1. august 2026)"
