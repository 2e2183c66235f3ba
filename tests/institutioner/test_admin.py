"""The administration keeps master data in the Danish admin; bad data gets a Danish message."""

from datetime import date

import pytest
from django.urls import reverse

from institutioner.models import Assignment, Institution


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
        ({"share": "71"}, "ville tilsammen blive 101 % i perioden"),
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
