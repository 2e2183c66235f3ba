"""Samarbejdsaftale: versions, signatures, immutability, hash, adjustments (services.py)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import ProgrammingError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from indsats.agreements import content as agreements_content
from indsats.agreements import services as agreements_services
from indsats.models import (
    Agreement,
    AgreementVersion,
    InterventionRequest,
    Signature,
    VersionStatus,
)
from institutioner.errors import StateError
from institutioner.models import Notification
from institutioner.workdays import (
    is_working_day,
    working_day_on_or_after,
    working_day_on_or_before,
)
from tests.factories import PASSWORD
from tests.indsats.agreements.conftest import DB_REFUSES, _draft, _goal
from tests.indsats.helpers import accept, agreement_in_force, make_request


def test_draft_is_prefilled_from_the_request(world):
    _agreement, version = _draft(world)
    content = version.content
    assert content["background"].startswith("Uro i overgangene")
    assert content["pedagogists"] == [{"id": world.pedagogist.pk, "name": "Paula Pædagog"}]
    assert content["hours_per_week"] == "6.00"
    assert content["weekdays"] == [1, 3]
    # A 10-week course is shorter than the 12 weeks a midway evaluation needs.
    assert content["midway_evaluation_on"] is None
    # On the last working day of the period.
    end = date.fromisoformat(content["ends_on"])
    assert content["final_evaluation_on"] == working_day_on_or_before(end).isoformat()


def test_long_course_gets_a_midway_evaluation(world):
    req = make_request(world, submit=True, wished_weeks=20)
    accept(world, req)
    agreement = agreements_services.agreement_create(actor=world.administrator, request_id=req.pk)
    content = agreement.versions.get().content
    # From the wished start (the next working day when that is none), on a working day.
    start = working_day_on_or_after(req.wished_start)
    assert content["starts_on"] == start.isoformat()
    midway = working_day_on_or_after(start + timedelta(weeks=10))
    assert content["midway_evaluation_on"] == midway.isoformat()


def test_a_draft_from_a_request_whose_wished_start_has_passed_starts_today_or_later(world):
    req = make_request(world, submit=True)
    accept(world, req)
    InterventionRequest.objects.filter(pk=req.pk).update(
        wished_start=timezone.localdate() - timedelta(weeks=3)
    )
    created = agreements_services.agreement_create(actor=world.administrator, request_id=req.pk)
    content = created.versions.get().parsed
    assert content.starts_on == working_day_on_or_after(timezone.localdate())
    assert is_working_day(content.final_evaluation_on)
    assert content.starts_on <= content.final_evaluation_on <= content.ends_on


def test_sign_flow_puts_the_version_in_force_and_mails_the_pdf(world):
    _agreement, version = agreement_in_force(world)
    assert version.status == VersionStatus.IN_FORCE
    assert version.number == 1
    assert version.content_hash == agreements_content.version_hash(
        agreement_id=version.agreement_id, number=1, content=version.content
    )
    assert {s.slot for s in version.signatures.all()} == {
        "leader",
        f"pedagogist:{world.pedagogist.pk}",
    }
    assert all(s.content_hash == version.content_hash for s in version.signatures.all())
    mails = Notification.objects.filter(template="agreement_in_force")
    assert {m.email for m in mails} >= {world.leader.email, world.pedagogist.user.email}
    # Every e-mail points at one kept PDF, not yet made: nothing heavy ran in the signing.
    (kept,) = {m.attachment_file for m in mails}
    assert kept.data is None and not any(m.attachment_binary for m in mails)
    sent = Notification.objects.filter(template="agreement_sent")
    assert {m.email for m in sent} == {world.leader.email, world.pedagogist.user.email}


def test_the_agreement_messages_name_the_group_as_their_subjects_do(world):
    """A leader with several agreements at one institution tells them apart by the group."""
    _agreement, version = agreement_in_force(world)
    where = "samarbejdsaftalen for Børnehuset Mariehønen, Sommerfuglen"
    for template in ("agreement_sent", "agreement_in_force"):
        for note in Notification.objects.filter(template=template):
            assert where in note.body_text, (template, note.body_text)
            assert "Børnehuset Mariehønen, Sommerfuglen" in note.subject
    # Declined: the same.
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    agreements_services.agreement_decline(
        actor=world.leader, version_id=version.pk, reason="Forkerte ugedage."
    )
    declined = Notification.objects.filter(template="agreement_declined")
    assert declined and all(where in note.body_text for note in declined)


def test_sign_errors_are_messages_and_change_nothing(world):
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    with pytest.raises(StateError, match="kladde"):
        agreements_services.agreement_sign(
            actor=world.leader, version_id=version.pk, password=PASSWORD
        )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as wrong:
        agreements_services.agreement_sign(
            actor=world.leader, version_id=version.pk, password="forkert"
        )
    assert "Adgangskoden er ikke korrekt." in wrong.value.message_dict["password"]
    with pytest.raises(StateError, match="ikke blandt"):
        agreements_services.agreement_sign(
            actor=world.outsider, version_id=version.pk, password=PASSWORD
        )
    agreements_services.agreement_sign(actor=world.leader, version_id=version.pk, password=PASSWORD)
    with pytest.raises(StateError, match="allerede"):
        agreements_services.agreement_sign(
            actor=world.leader, version_id=version.pk, password=PASSWORD
        )
    assert Signature.objects.count() == 1
    with pytest.raises(StateError):
        agreements_services.agreement_draft_update(
            actor=world.pedagogist.user, version_id=version.pk, content=version.parsed
        )


def test_bad_content_is_refused_in_danish(world):
    from django.core.exceptions import ValidationError

    _agreement, version = _draft(world)
    content = _goal(version.parsed)
    bad = replace(content, ends_on=date(2020, 1, 1))
    with pytest.raises(ValidationError) as caught:
        agreements_services.agreement_draft_update(
            actor=world.pedagogist.user, version_id=version.pk, content=bad
        )
    assert "Slutdatoen kan ikke ligge før starten." in caught.value.message_dict["ends_on"]
    too_many = replace(content, hours_per_week=Decimal("40"))
    with pytest.raises(ValidationError) as caught:
        agreements_services.agreement_draft_update(
            actor=world.pedagogist.user, version_id=version.pk, content=too_many
        )
    assert "Paula Pædagog har 37" in caught.value.message_dict["hours_per_week"][0]
    cpr = replace(content, background="Barnet 070589-1234")
    with pytest.raises(ValidationError):
        agreements_services.agreement_draft_update(
            actor=world.pedagogist.user, version_id=version.pk, content=cpr
        )


def test_decline_sends_back_to_draft_and_tells_the_others(world):
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    agreements_services.agreement_sign(
        actor=world.pedagogist.user, version_id=version.pk, password=PASSWORD
    )
    draft = agreements_services.agreement_decline(
        actor=world.leader, version_id=version.pk, reason="Forkerte ugedage."
    )
    # The declined version is kept as it was sent, marked declined; the work goes on in a new
    # draft of the same content.
    version.refresh_from_db()
    assert version.status == VersionStatus.DECLINED
    assert version.number == 1 and version.content_hash and version.signatures.exists()
    assert draft.pk != version.pk and draft.status == VersionStatus.DRAFT
    assert draft.number is None and draft.content == version.content
    assert list(version.agreement.versions.order_by("pk")) == [version, draft]
    # Sent again, the draft becomes version 2.
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=draft.pk
    )
    draft.refresh_from_db()
    assert draft.number == 2 and draft.content_hash != version.content_hash
    declined = Notification.objects.filter(template="agreement_declined")
    assert world.pedagogist.user.email in {n.email for n in declined}
    assert world.leader.email not in {n.email for n in declined}
    assert "Forkerte ugedage." in declined[0].body_text


def test_adjustment_supersedes_the_old_version(world):
    agreement, first = agreement_in_force(world)
    draft = agreements_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement.pk
    )
    with pytest.raises(StateError):
        agreements_services.agreement_adjust(actor=world.pedagogist.user, agreement_id=agreement.pk)
    changed = replace(draft.parsed, hours_per_week=Decimal("8.00"), weekdays=(0, 2))
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=draft.pk, content=changed
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=draft.pk
    )
    agreements_services.agreement_sign(actor=world.leader, version_id=draft.pk, password=PASSWORD)
    agreements_services.agreement_sign(
        actor=world.pedagogist.user, version_id=draft.pk, password=PASSWORD
    )
    first.refresh_from_db()
    draft.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED and first.superseded_at
    assert draft.status == VersionStatus.IN_FORCE and draft.number == 2
    differences = {d.label: (d.before, d.after) for d in first.parsed.differences(draft.parsed)}
    assert differences["Timer om ugen"] == ("6", "8")
    assert differences["Ugedage"] == ("Tirsdag\nTorsdag", "Mandag\nOnsdag")
    assert "Baggrund og behov" not in differences
    if connection.vendor == "postgresql":
        # The database's check at commit: the superseded version has its signed successor.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_database_refuses_an_extra_signature_on_a_signed_version(world):
    _agreement, version = agreement_in_force(world)
    with pytest.raises(DB_REFUSES, match="signature_on_signed_version"), transaction.atomic():
        Signature.objects.create(
            version=version,
            slot="administration",
            role="administration",
            user=world.administrator,
            content_hash=version.content_hash,
        )
    assert version.signatures.count() == 2


def test_the_database_refuses_a_version_superseded_without_a_successor(world, postgres):
    _agreement, version = agreement_in_force(world)
    with pytest.raises(DB_REFUSES, match="without_successor"), transaction.atomic():
        AgreementVersion.objects.filter(pk=version.pk).update(status=VersionStatus.SUPERSEDED)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what the commit would check
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_FORCE


def test_the_database_refuses_to_truncate_signed_agreements(world, postgres):
    agreement_in_force(world)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as at a commit
    for table in ("indsats_signature", "indsats_agreementversion"):
        with (
            pytest.raises((*DB_REFUSES, ProgrammingError), match="truncate_refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            # The test database allows it for Django's flush; a real one never does.
            cursor.execute("SET LOCAL institutioner.allow_truncate = 'off'")
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert Signature.objects.count() == 2


def test_hash_is_stable_and_changes_with_any_change():
    content = {"b": "æøå", "a": [1, 2], "goals": [{"text": "x"}]}
    same = {"goals": [{"text": "x"}], "a": [1, 2], "b": "æøå"}
    assert agreements_content.content_hash(content) == agreements_content.content_hash(same)
    assert len(agreements_content.content_hash(content)) == 64
    # The same content in another version or agreement has another hash.
    v1 = agreements_content.version_hash(agreement_id=1, number=1, content=content)
    assert v1 == agreements_content.version_hash(agreement_id=1, number=1, content=same)
    assert v1 != agreements_content.version_hash(agreement_id=1, number=2, content=content)
    assert v1 != agreements_content.version_hash(agreement_id=2, number=1, content=content)
    for changed in ({**content, "b": "æøa"}, {**content, "a": [2, 1]}, {**content, "c": None}):
        assert agreements_content.content_hash(changed) != agreements_content.content_hash(content)


def test_the_database_refuses_to_change_a_signed_version(world):
    _agreement, version = agreement_in_force(world)
    for change in (
        {"content": {**version.content, "hours_per_week": "1.00"}},
        {"content_hash": "0" * 64},
        {"number": 7},
        {"status": VersionStatus.DRAFT},
    ):
        with pytest.raises(DB_REFUSES), transaction.atomic():
            AgreementVersion.objects.filter(pk=version.pk).update(**change)
    signature = version.signatures.first()
    with pytest.raises(DB_REFUSES), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).update(content_hash="x")
    if connection.vendor == "postgresql":
        # Deletes are refused by PostgreSQL's triggers (SQLite's flush needs to delete).
        with pytest.raises(DB_REFUSES), transaction.atomic():
            Signature.objects.filter(pk=signature.pk).delete()
        with pytest.raises(DB_REFUSES), transaction.atomic():
            AgreementVersion.objects.filter(pk=version.pk)._raw_delete(using="default")
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_FORCE


def test_the_database_refuses_content_changes_while_sent(world):
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    with pytest.raises(DB_REFUSES), transaction.atomic():
        AgreementVersion.objects.filter(pk=version.pk).update(content={"changed": True})


def test_a_version_with_signatures_cannot_go_back_to_draft_in_the_database(world):
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    agreements_services.agreement_sign(actor=world.leader, version_id=version.pk, password=PASSWORD)
    with pytest.raises(DB_REFUSES), transaction.atomic():
        AgreementVersion.objects.filter(pk=version.pk).update(status=VersionStatus.DRAFT)
    # Declining keeps the version (and its signature) as declined, so it works.
    agreements_services.agreement_decline(
        actor=world.leader, version_id=version.pk, reason="Ret datoerne."
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.DECLINED and version.signatures.exists()


def _declined(world):
    """A version sent, signed by the leader, then declined by the pedagogist; and its new draft."""
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    agreements_services.agreement_sign(actor=world.leader, version_id=version.pk, password=PASSWORD)
    draft = agreements_services.agreement_decline(
        actor=world.pedagogist.user, version_id=version.pk, reason="Forkerte ugedage."
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.DECLINED
    return version, draft


def test_the_database_refuses_to_change_a_declined_version(world):
    """A declined version is kept as it was sent: the database refuses to change its content or
    anything else that names what was sent, to move it on (sent, signed, in force, a draft
    again), and to add a signature to it or (PostgreSQL) take one away."""
    version, _draft_version = _declined(world)
    for change in (
        {"content": {**version.content, "hours_per_week": "1.00"}},
        {"content_hash": "0" * 64},
        {"number": 7},
        {"starts_on": version.starts_on - timedelta(days=7)},
        {"hours_per_week": Decimal("1.00")},
        {"sent_at": timezone.now()},
        {"status": VersionStatus.SENT},
        {"status": VersionStatus.IN_FORCE, "in_force_at": timezone.now()},
        {"status": VersionStatus.DRAFT},
    ):
        with pytest.raises(DB_REFUSES, match="agreement_version_frozen"), transaction.atomic():
            AgreementVersion.objects.filter(pk=version.pk).update(**change)
    with pytest.raises(DB_REFUSES, match="signature_on_declined_version"), transaction.atomic():
        Signature.objects.create(
            version=version,
            slot=f"pedagogist:{world.pedagogist.pk}",
            role="pedagogist",
            user=world.pedagogist.user,
            content_hash=version.content_hash,
        )
    if connection.vendor == "postgresql":
        with pytest.raises(DB_REFUSES, match="signature_frozen"), transaction.atomic():
            version.signatures.all().delete()
    kept = AgreementVersion.objects.get(pk=version.pk)
    assert (kept.status, kept.content, kept.number) == (
        VersionStatus.DECLINED,
        version.content,
        version.number,
    )
    assert kept.signatures.count() == 1


def test_retention_still_anonymises_a_declined_versions_content(world, postgres):
    version, _draft_version = _declined(world)
    Agreement.objects.filter(pk=version.agreement_id).update(
        ended_on=timezone.localdate() - timedelta(days=3 * 365)
    )
    anonymised = {**version.content, "background": "Anonymiseret"}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('indsats.retention_before', %s, true)",
            [(timezone.localdate() - timedelta(days=2 * 365)).isoformat()],
        )
        AgreementVersion.objects.filter(pk=version.pk).update(content=anonymised)
    version.refresh_from_db()
    assert version.content["background"] == "Anonymiseret"
    assert version.status == VersionStatus.DECLINED


def test_a_declined_version_cannot_be_signed(world):
    """Signed from a page opened before it was declined, a declined version says so and stays
    declined; it is never put in force beside the new draft."""
    version, draft = _declined(world)
    for signer in (world.leader, world.pedagogist.user):
        with pytest.raises(StateError, match="afvist"):
            agreements_services.agreement_sign(
                actor=signer, version_id=version.pk, password=PASSWORD
            )
    version.refresh_from_db()
    assert version.status == VersionStatus.DECLINED and version.signatures.count() == 1
    assert not version.agreement.versions.in_force().exists()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_draft_edits_keep_who_and_when(world):
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    assert version.history.count() >= 2


def test_the_requests_to_sign_are_read_once_signed_declined_or_in_force(world):
    """A person's "ready for your signature" is read when they sign; everyone's when the version
    is declined or in force. The in-app message of the signing links to the PDF."""
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    asked = Notification.objects.filter(template="agreement_sent")
    assert {n.recipient for n in asked.filter(read_at=None)} == {
        world.leader,
        world.pedagogist.user,
    }
    agreements_services.agreement_sign(actor=world.leader, version_id=version.pk, password=PASSWORD)
    assert {n.recipient for n in asked.filter(read_at=None)} == {world.pedagogist.user}
    draft = agreements_services.agreement_decline(
        actor=world.pedagogist.user, version_id=version.pk, reason="Forkerte tider."
    )
    assert not asked.filter(read_at=None).exists()
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=draft.pk
    )
    again = Notification.objects.filter(template="agreement_sent", object_id=draft.pk)
    assert again.filter(read_at=None).count() == 2
    for signer in (world.leader, world.pedagogist.user):
        agreements_services.agreement_sign(actor=signer, version_id=draft.pk, password=PASSWORD)
    assert not again.filter(read_at=None).exists()
    in_force = Notification.objects.filter(template="agreement_in_force").first()
    assert in_force is not None
    assert reverse("agreement_pdf", args=[draft.pk]) in in_force.body_text
    assert "vedhæftet e-mailen" in in_force.body_text
