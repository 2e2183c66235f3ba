"""The agreement's pages: detail, signing, the differences, verification, outsiders (views.py)."""

import io
from dataclasses import replace
from datetime import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from indsats.agreements import services as agreements_services
from tests.factories import PASSWORD
from tests.indsats.agreements.conftest import _draft, _edit_post, _goal
from tests.indsats.helpers import agreement_in_force


def test_verification_page(client, world):
    _agreement, version = agreement_in_force(world)
    url = reverse("agreement_verify", args=[version.content_hash])
    body = client.get(url).content.decode()
    assert "version 1 af en underskrevet samarbejdsaftale" in body
    assert "Log ind" in body and "Børnehuset Mariehønen" not in body
    client.force_login(world.leader)
    assert "Børnehuset Mariehønen" in client.get(url).content.decode()
    client.force_login(world.outsider)
    assert "Børnehuset Mariehønen" not in client.get(url).content.decode()
    unknown = client.get(reverse("agreement_verify", args=["0" * 64])).content.decode()
    assert "Ingen underskrevet aftale" in unknown


def test_pages_and_outsider(client, world):
    agreement, version = agreement_in_force(world)
    for user in (world.leader, world.pedagogist.user, world.staff, world.administrator):
        client.force_login(user)
        assert client.get(reverse("agreement_detail", args=[agreement.pk])).status_code == 200
        response = client.get(reverse("agreement_pdf", args=[version.pk]))
        assert response["Content-Type"] == "application/pdf"
    client.force_login(world.outsider)
    assert client.get(reverse("agreement_detail", args=[agreement.pk])).status_code == 404
    assert client.get(reverse("agreement_pdf", args=[version.pk])).status_code == 404
    assert (
        client.post(
            reverse("agreement_sign", args=[version.pk]), {"password": PASSWORD}
        ).status_code
        == 404
    )


def test_sign_view_with_wrong_password_says_so(client, world):
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    client.force_login(world.leader)
    response = client.post(reverse("agreement_sign", args=[version.pk]), {"password": "forkert"})
    assert "Adgangskoden er ikke korrekt." in response.content.decode()
    assert not version.signatures.exists()
    response = client.post(
        reverse("agreement_sign", args=[version.pk]), {"password": PASSWORD}, follow=True
    )
    assert "Du har underskrevet aftalen." in response.content.decode()
    again = client.post(
        reverse("agreement_sign", args=[version.pk]), {"password": PASSWORD}, follow=True
    )
    assert "allerede" in again.content.decode()


def test_the_sign_address_reloaded_after_a_wrong_password_is_the_agreements_page(client, world):
    """A refused signature shows the agreement's page at the sign button's address; reloading
    it (a GET) went to the "use the button" page. Declining the same."""
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    page = reverse("agreement_detail", args=[version.agreement_id])
    client.force_login(world.leader)
    for name in ("agreement_sign", "agreement_decline"):
        response = client.get(reverse(name, args=[version.pk]), follow=True)
        assert response.redirect_chain == [(page, 302)]
        body = response.content.decode()
        assert "Brug knappen på siden" not in body and "Underskriv" in body
    assert not version.signatures.exists()
    version.refresh_from_db()
    assert version.status == "sent"
    # Outside the person's scope the address is still not found.
    client.force_login(world.outsider)
    assert client.get(reverse("agreement_sign", args=[version.pk])).status_code == 404


def test_difference_page(client, world):
    agreement, _first = agreement_in_force(world)
    draft = agreements_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement.pk
    )
    changed = replace(draft.parsed, hours_per_week=Decimal("7.50"))
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=draft.pk, content=changed
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=draft.pk
    )
    client.force_login(world.leader)
    detail = client.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    assert "fra=1&amp;til=2" in detail
    body = client.get(reverse("agreement_diff", args=[agreement.pk]), {"fra": 1, "til": 2})
    text = body.content.decode()
    assert "Ændringer fra version 1 til version 2" in text
    assert "Timer om ugen" in text and "7,5" in text
    assert "Baggrund og behov" not in text
    assert (
        client.get(reverse("agreement_diff", args=[agreement.pk]), {"fra": 1, "til": 9}).status_code
        == 404
    )
    client.force_login(world.outsider)
    response = client.get(reverse("agreement_diff", args=[agreement.pk]), {"fra": 1, "til": 2})
    assert response.status_code == 404


def test_third_trial_findings(client, world):
    """From trying the agreement as a user: declines, stale edits, ranges, lockout, reminders."""
    _agreement, version = _draft(world)
    client.force_login(world.pedagogist.user)
    url = reverse("agreement_edit", args=[version.pk])
    stale = _edit_post(version, version.parsed, participants="Fra fane A")
    fresh = _edit_post(version, version.parsed, participants="Fra fane B")
    assert client.post(url, fresh).status_code == 302
    response = client.post(url, stale)
    body = response.content.decode()
    assert (
        "Kladden er blevet gemt, siden du åbnede den (af en anden eller af dig i en anden fane "
        "eller et andet vindue)"
    ) in body and "Fra fane A" in body
    # Nothing is marked in red: the form does not say so.
    assert "Ret felterne markeret med rødt" not in body
    version.refresh_from_db()
    far = _edit_post(
        version, version.parsed, ends_on="9999-12-31", final_evaluation_on="9999-12-31"
    )
    body = client.post(url, far).content.decode()
    assert "højst løbe i to år" in body
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    body = client.post(url, fresh).content.decode()
    assert "afvise at underskrive" in body and "Fra fane B" in body

    client.force_login(world.leader)
    assert "Venter på din underskrift" in client.get(reverse("start")).content.decode()
    response = client.post(reverse("agreement_decline", args=[version.pk]), {"reason": ""})
    body = response.content.decode()
    assert (
        "Skriv, hvorfor du afviser at underskrive." in body and '<details class="mt-3" open' in body
    )
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("agreement_sign", args=[version.pk]), {"password": "forkert"})
    locked = client.post(reverse("agreement_sign", args=[version.pk]), {"password": PASSWORD})
    assert locked.status_code == 429
    assert not version.signatures.exists()


def test_signatures_keep_the_name_of_someone_who_left(client, world):
    from institutioner import services as institutioner_services

    agreement, version = agreement_in_force(world)
    institutioner_services.user_deactivate(
        actor=world.administrator, user_id=world.pedagogist.user.pk, reason="Fratrådt"
    )
    client.force_login(world.leader)
    body = client.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    assert "underskrevet af Paula Pædagog" in body
    pdf_response = client.get(reverse("agreement_pdf", args=[version.pk]))
    assert pdf_response.status_code == 200
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf_response.content)).pages
    )
    assert "Paula Pædagog" in text


def test_a_midway_evaluation_on_or_after_the_final_one_is_refused_under_the_field(client, world):
    from datetime import timedelta

    _agreement, version = _draft(world)
    client.force_login(world.pedagogist.user)
    url = reverse("agreement_edit", args=[version.pk])
    content = version.parsed
    final = content.ends_on
    for midway in (final,):
        post = _edit_post(
            version,
            content,
            midway_evaluation_on=midway.isoformat(),
            final_evaluation_on=final.isoformat(),
            participants="Lene og to fra stuen",
        )
        response = client.post(url, post)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Midtvejsevalueringen skal ligge før slutevalueringen" in body
        assert "Lene og to fra stuen" in body
    later = _edit_post(
        version,
        content,
        midway_evaluation_on=final.isoformat(),
        final_evaluation_on=(final - timedelta(days=7)).isoformat(),
    )
    assert "Midtvejsevalueringen skal ligge før" in client.post(url, later).content.decode()
    version.refresh_from_db()
    assert version.parsed.midway_evaluation_on != final
    good = _edit_post(
        version,
        version.parsed,
        midway_evaluation_on=(final - timedelta(days=14)).isoformat(),
        final_evaluation_on=final.isoformat(),
    )
    assert client.post(url, good).status_code == 302


def test_a_draft_whose_hours_the_days_and_times_cannot_hold_warns_until_it_is_signed(client, world):
    _agreement, version = _draft(world)
    client.force_login(world.pedagogist.user)
    content = replace(
        version.parsed, weekdays=(1, 3), days_per_week=2, time_from=time(9), time_to=time(11)
    )
    post = _edit_post(version, content, hours_per_week="6")
    assert client.post(reverse("agreement_edit", args=[version.pk]), post).status_code == 302
    warning = (
        "2 dage om ugen fra 09:00 til 11:00 rummer 4 timer; aftalen giver 6 timer om ugen. "
        "Tjek timerne, dagene og tidspunkterne."
    )
    page = reverse("agreement_detail", args=[version.agreement_id])
    assert warning in client.get(page).content.decode()
    # Sent all the same: the leader who signs sees it too.
    assert client.post(reverse("agreement_send", args=[version.pk])).status_code == 302
    version.refresh_from_db()
    assert version.status == "sent"
    client.force_login(world.leader)
    assert warning in client.get(page).content.decode()
    # Once it is in force, the page shows what was agreed without the warning.
    for signer in (world.leader, world.pedagogist.user):
        agreements_services.agreement_sign(actor=signer, version_id=version.pk, password=PASSWORD)
    version.refresh_from_db()
    assert version.status == "in_force"
    assert "rummer 4 timer" not in client.get(page).content.decode()


def test_who_has_signed_is_offered_to_take_it_back_and_the_decline_reads_once(client, world):
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    page = reverse("agreement_detail", args=[version.agreement_id])
    client.force_login(world.leader)
    body = client.get(page).content.decode()
    assert "Afvis at underskrive" in body and "Tag din underskrift tilbage" not in body
    agreements_services.agreement_sign(actor=world.leader, version_id=version.pk, password=PASSWORD)
    body = client.get(page).content.decode()
    assert "Tag din underskrift tilbage og send aftalen tilbage til kladde" in body
    assert "Afvis at underskrive" not in body
    response = client.post(
        reverse("agreement_decline", args=[version.pk]), {"reason": "Tiderne passer ikke."}
    )
    assert response.status_code == 302
    body = client.get(page).content.decode()
    assert "Version 1 blev afvist af Lene Leder" in body and "sendt tilbage" in body
    assert "Version 1 afvist: Tiderne passer ikke." in body
    assert "afviste at underskrive" not in body


def test_after_a_decline_the_declined_version_is_listed_and_the_new_draft_once(client, world):
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    client.force_login(world.leader)
    response = client.post(
        reverse("agreement_decline", args=[version.pk]), {"reason": "Frokost kl. 11.30."}
    )
    assert response.status_code == 302
    body = client.get(reverse("agreement_detail", args=[version.agreement_id])).content.decode()
    # The new draft says once what it is; the declined version 1 stays in the list, marked.
    assert "Kladde (ikke sendt til underskrift)" in body
    assert "version-draft" not in body and "Kladde [Kladde]" not in body
    assert "Version 1" in body and "Afvist, sendt tilbage" in body and "version-declined" in body
    assert "Version 1 blev afvist af Lene Leder" in body and "Frokost kl. 11.30." in body
    # Its PDF is marked declined, not a draft.
    pdf_response = client.get(reverse("agreement_pdf", args=[version.pk]))
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf_response.content)).pages
    )
    assert "AFVIST" in text


def test_a_signed_version_whose_period_starts_later_says_when(client, world):
    agreement, version = agreement_in_force(world)
    version.refresh_from_db()
    assert version.starts_on > version.in_force_at.date()
    client.force_login(world.leader)
    body = client.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    assert f"Underskrevet; i kraft fra {version.starts_on:%d.%m.%Y}" in body
    assert "underskrevet af alle" in body and "periode " in body


def test_a_cpr_number_in_the_participants_gets_the_plain_message(client, world):
    """The participants are the institution's people: the plain message, in the editor and
    from the content's own rules (which every writer of a version passes)."""
    plain = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."
    _agreement, version = _draft(world)
    client.force_login(world.pedagogist.user)
    post = _edit_post(version, version.parsed, participants="Lene og 010190-1234")
    response = client.post(reverse("agreement_edit", args=[version.pk]), post)
    assert response.status_code == 200
    assert response.context["form"].errors["participants"] == [plain]
    with pytest.raises(ValidationError) as refused:
        agreements_services.agreement_draft_update(
            actor=world.pedagogist.user,
            version_id=version.pk,
            content=replace(_goal(version.parsed), participants="Lene og 010190-1234"),
        )
    assert refused.value.message_dict["participants"] == [plain]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("days_per_week", "0", "Dage om ugen skal være mellem 1 og 5."),
        ("days_per_week", "6", "Dage om ugen skal være mellem 1 og 5."),
        ("hours_per_week", "0", "Timer om ugen skal være mellem 0,25 og 48."),
        ("hours_per_week", "48,5", "Timer om ugen skal være mellem 0,25 og 48."),
    ],
)
def test_the_editor_says_the_limits_of_days_and_hours(client, world, field, typed, message):
    """Not Django's "Denne værdi skal være mindre end eller lig 5.": the field's own words."""
    _agreement, version = _draft(world)
    client.force_login(world.pedagogist.user)
    post = _edit_post(version, version.parsed, weekdays=[], **{field: typed})
    response = client.post(reverse("agreement_edit", args=[version.pk]), post)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "Denne værdi skal" not in response.content.decode()
