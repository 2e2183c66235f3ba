"""Retention of support applications (child data): N years after a case ended the child's data
and the case's messages are anonymised and its documents deleted from the storage; drafts
nobody touched for a year are deleted. Also the applications' part of an access request."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone
from pypdf import PdfReader

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    SupportApplication,
    SupportDecision,
    SupportDocument,
    SupportEvent,
    SupportOutcome,
    SupportStatus,
    VisitationMeeting,
)
from indsats.support import services
from indsats.supportmeetings import documents
from indsats.supportstats.selectors import support_statistics
from institutioner.accessrequests import sections
from institutioner.models import StoredFile
from institutioner.retention import services as retention
from tests.indsats.support.helpers import CHILD, ask, make_application

pytestmark = pytest.mark.usefixtures("postgres")

NEEDS = "Har brug for en voksen ved overgange og i samling."


def _text(application) -> str:
    rows = [
        SupportApplication.objects.filter(pk=application.pk),
        SupportApplication.history.filter(id=application.pk),
        SupportEvent.objects.filter(application_id=application.pk),
        SupportDocument.history.filter(application_id=application.pk),
        SupportDecision.objects.filter(application_id=application.pk),
        SupportDecision.history.filter(application_id=application.pk),
    ]
    return json.dumps([list(qs.values()) for qs in rows], default=str, ensure_ascii=False)


def _files(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def _back(application, **delta):
    when = timezone.now() - timedelta(**delta)
    SupportApplication.objects.filter(pk=application.pk).update(updated_at=when)
    return when


def test_ended_cases_are_anonymised_and_their_documents_deleted(
    world, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_SUPPORT_YEARS = 5
    withdrawn = make_application(world, submit=True)
    services.support_withdraw(
        actor=world.leader, application_id=withdrawn.pk, reason=f"{CHILD} er flyttet."
    )
    _back(withdrawn, days=6 * 366)
    rejected = make_application(world, submit=True)
    long_ago = timezone.now() - timedelta(days=6 * 366)
    meeting = VisitationMeeting.objects.create(
        starts_at=long_ago,
        ends_at=long_ago + timedelta(hours=2),
        place="Rådhuset",
        application_deadline=long_ago.date(),
        created_by=world.administrator,
    )
    item = AgendaItem.objects.create(
        meeting=meeting, application=rejected, status=AgendaItemStatus.DECIDED
    )
    SupportDecision.objects.create(
        application=rejected,
        agenda_item=item,
        outcome=SupportOutcome.REJECTED,
        reasons=f"{CHILD} klarer sig med institutionens egne tiltag.",
        decided_by=world.administrator,
        decided_at=long_ago,
    )
    SupportApplication.objects.filter(pk=rejected.pk).update(
        status=SupportStatus.REJECTED, decided_at=long_ago
    )
    recent = make_application(world, submit=True)
    services.support_withdraw(actor=world.leader, application_id=recent.pk)
    _back(recent, days=4 * 366)
    running = make_application(world, submit=True)
    _back(running, days=8 * 366)  # still waiting for a decision: kept
    kept_files = {
        d.file.name for d in SupportDocument.objects.filter(application__in=[recent, running])
    }
    assert len(_files(tmp_path)) == 8

    with django_capture_on_commit_callbacks(execute=True):
        reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["ended-support-applications"].done == 2
    for application in (withdrawn, rejected):
        text = _text(application)
        assert CHILD not in text and NEEDS not in text and "ppv.pdf" not in text
        application.refresh_from_db()
        assert application.anonymised_at is not None
        assert application.child_birth_date.month == 1 and application.child_birth_date.day == 1
        assert not application.documents.exists()
    for application in (recent, running):
        assert CHILD in _text(application)
    remaining = {p.relative_to(tmp_path).as_posix() for p in _files(tmp_path)}
    assert remaining == kept_files
    again = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert again["ended-support-applications"].count == 0


def test_untouched_drafts_are_deleted(world, tmp_path, django_capture_on_commit_callbacks):
    old = make_application(world)
    _back(old, days=400)
    fresh = make_application(world)
    with django_capture_on_commit_callbacks(execute=True):
        reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert reports["support-drafts"].done == 1
    assert not SupportApplication.objects.filter(pk=old.pk).exists()
    assert not SupportApplication.history.filter(id=old.pk).exists()
    assert SupportApplication.objects.filter(pk=fresh.pk).exists()
    assert len(_files(tmp_path)) == 2  # the fresh draft's two documents


def test_the_leaders_access_request_holds_the_applications_without_child_data(world):
    application = make_application(world, submit=True)
    by_key = {section.key: section for section in sections.registered()}
    rows = list(by_key["support_applications"].rows(world.leader))
    assert [row["id"] for row in rows] == [application.pk]
    assert by_key["support_applications"].count(world.leader) == 1
    events = list(by_key["support_events"].rows(world.leader))
    assert len(events) >= 3
    text = json.dumps(rows + events, default=str, ensure_ascii=False)
    assert CHILD not in text and NEEDS not in text
    assert list(by_key["support_applications"].rows(world.outsider)) == []


def _decided_long_ago(world, application, outcome, **decision):
    """`application` decided at a meeting six years ago (the status the outcome gives)."""
    long_ago = timezone.now() - timedelta(days=6 * 366)
    meeting = VisitationMeeting.objects.create(
        starts_at=long_ago,
        ends_at=long_ago + timedelta(hours=2),
        place="Rådhuset",
        application_deadline=long_ago.date(),
        created_by=world.administrator,
    )
    item = AgendaItem.objects.create(
        meeting=meeting, application=application, status=AgendaItemStatus.DECIDED
    )
    made = SupportDecision.objects.create(
        application=application,
        agenda_item=item,
        outcome=outcome,
        reasons=f"{CHILD} klarer sig med institutionens egne tiltag.",
        decided_by=world.administrator,
        decided_at=long_ago,
        **decision,
    )
    status = {
        SupportOutcome.REJECTED: SupportStatus.REJECTED,
        SupportOutcome.GRANTED: SupportStatus.GRANTED,
    }[outcome]
    SupportApplication.objects.filter(pk=application.pk).update(
        status=status, decided_at=long_ago, updated_at=long_ago
    )
    return made


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_anonymising_a_case_deletes_its_kept_decision_letters(
    world, settings, django_capture_on_commit_callbacks
):
    """The decision letter is made once and kept (institutioner/files/): it names the child, so
    it goes when the case is anonymised; asked for again, it is made of what is left."""
    settings.RETENTION_SUPPORT_YEARS = 5
    application = make_application(world, submit=True)
    decision = _decided_long_ago(world, application, SupportOutcome.REJECTED)
    assert CHILD in _pdf_text(documents.decision_letter_bytes(decision))

    with django_capture_on_commit_callbacks(execute=True):
        reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["ended-support-applications"].done == 1
    kept = StoredFile.objects.filter(
        content_type=ContentType.objects.get_for_model(SupportDecision),
        object_id=decision.pk,
        data__isnull=False,
    )
    assert not kept.exists()
    decision.refresh_from_db()
    assert CHILD not in _pdf_text(documents.decision_letter_bytes(decision))


def test_a_grant_that_ran_out_long_ago_is_anonymised(
    world, settings, django_capture_on_commit_callbacks
):
    """A grant nobody re-visited or ended keeps the status 'granted' after its period: its
    support ended on the period's last day, and the case is anonymised the period after that.
    A grant still running, or that ran out lately, is kept."""
    settings.RETENTION_SUPPORT_YEARS = 5
    today = timezone.localdate()
    ran_out = make_application(world, submit=True)
    ran_out_end = today - timedelta(days=5 * 366 + 30)
    _decided_long_ago(
        world,
        ran_out,
        SupportOutcome.GRANTED,
        hours_per_week=10,
        period_start=ran_out_end - timedelta(days=300),
        period_end=ran_out_end,
        revisit_on=ran_out_end - timedelta(days=30),
    )
    lately = make_application(world, submit=True)
    _decided_long_ago(
        world,
        lately,
        SupportOutcome.GRANTED,
        hours_per_week=10,
        period_start=today - timedelta(days=6 * 366),
        period_end=today - timedelta(days=4 * 366),
        revisit_on=today - timedelta(days=4 * 366 + 30),
    )

    with django_capture_on_commit_callbacks(execute=True):
        reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["ended-support-applications"].done == 1
    ran_out.refresh_from_db()
    assert ran_out.anonymised_at is not None
    assert CHILD not in _text(ran_out)
    assert not ran_out.documents.exists()
    assert CHILD in _text(lately)


def _stall(application, **delta) -> None:
    """Everything that happened to the case moved back by `delta`, as if it happened then."""
    shift = timedelta(**delta)
    SupportApplication.objects.filter(pk=application.pk).update(
        created_at=F("created_at") - shift,
        updated_at=F("updated_at") - shift,
        submitted_at=F("submitted_at") - shift,
    )
    SupportEvent.objects.filter(application_id=application.pk).update(
        created_at=F("created_at") - shift
    )
    AgendaItem.objects.filter(application_id=application.pk).update(added_at=F("added_at") - shift)


def test_a_case_left_waiting_is_anonymised_the_period_after_its_last_activity(
    world, tmp_path, settings, django_capture_on_commit_callbacks
):
    """Submitted and never put on a meeting, or asked a question the leader never answered:
    nothing ends the case, so it is anonymised the support period after anything last happened
    to it (a change, an event, a decision, the meeting it was put on), whatever its status."""
    settings.RETENTION_SUPPORT_YEARS = 5
    submitted = make_application(world, submit=True)
    _stall(submitted, days=6 * 366)
    asked = ask(world, make_application(world, submit=True))
    _stall(asked, days=6 * 366)
    touched_lately = ask(world, make_application(world, submit=True))
    _stall(touched_lately, days=6 * 366)
    # The leader changed the case a year ago (its last event): it is not stalled.
    SupportEvent.objects.filter(
        pk=SupportEvent.objects.filter(application=touched_lately).latest("pk").pk
    ).update(created_at=timezone.now() - timedelta(days=366))
    younger = make_application(world, submit=True)
    _stall(younger, days=4 * 366)
    assert {submitted.status, asked.status} == {SupportStatus.SUBMITTED, SupportStatus.NEEDS_INFO}

    by_name = {r.step.name: r for r in retention.retention_report(now=timezone.now())}
    assert by_name["stalled-support-applications"].count == 2
    assert set(by_name["stalled-support-applications"].ids) == {submitted.pk, asked.pk}

    with django_capture_on_commit_callbacks(execute=True):
        reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["stalled-support-applications"].done == 2
    for application in (submitted, asked):
        text = _text(application)
        assert CHILD not in text and NEEDS not in text and "ppv.pdf" not in text
        status = application.status
        application.refresh_from_db()
        assert application.anonymised_at is not None
        assert application.status == status  # the figures count it as before
        assert not application.documents.exists()
    for application in (touched_lately, younger):
        assert CHILD in _text(application)
        application.refresh_from_db()
        assert application.anonymised_at is None
        assert application.documents.exists()
    again = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert again["stalled-support-applications"].count == 0


def test_a_case_on_a_meeting_still_ahead_is_not_stalled(world, settings):
    settings.RETENTION_SUPPORT_YEARS = 5
    application = make_application(world, submit=True)
    _stall(application, days=6 * 366)
    ahead = timezone.now() + timedelta(days=10)
    meeting = VisitationMeeting.objects.create(
        starts_at=ahead,
        ends_at=ahead + timedelta(hours=2),
        place="Rådhuset",
        application_deadline=ahead.date(),
        created_by=world.administrator,
    )
    AgendaItem.objects.create(
        meeting=meeting, application=application, added_at=timezone.now() - timedelta(days=6 * 366)
    )
    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert reports["stalled-support-applications"].count == 0
    application.refresh_from_db()
    assert application.anonymised_at is None


def test_the_statistics_are_the_same_after_stalled_cases_are_anonymised(
    world, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_SUPPORT_YEARS = 5
    submitted = make_application(world, submit=True)
    _stall(submitted, days=6 * 366)
    asked = ask(world, make_application(world, submit=True))
    _stall(asked, days=6 * 366)
    decided = make_application(world, submit=True)
    _decided_long_ago(world, decided, SupportOutcome.REJECTED)
    years = [timezone.localdate().year - n for n in range(8)]  # every year the cases touch
    today = timezone.localdate()

    def figures():
        return [support_statistics(year=year, today=today) for year in years]

    before = figures()
    assert any(s.current.applications for s in before)

    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_run(now=timezone.now())

    for application in (submitted, asked, decided):
        application.refresh_from_db()
        assert application.anonymised_at is not None
    assert figures() == before


def test_cases_retention_emptied_while_open_leave_the_work_lists(
    client, world, settings, django_capture_on_commit_callbacks
):
    """A case anonymised while it still waited, or while its status still said granted long
    after the grant ran out, has nothing left to decide: the support list of the administration
    and the committee, the start page's counts of what waits, a new meeting's agenda and the
    cases due for re-visitation leave it out. Its own page still opens."""
    from django.urls import reverse

    from indsats.supportmeetings import services as meetings
    from tests.indsats.supportmeetings.helpers import plan

    settings.RETENTION_SUPPORT_YEARS = 5
    submitted = make_application(world, submit=True)
    _stall(submitted, days=6 * 366)
    asked = ask(world, make_application(world, submit=True))
    _stall(asked, days=6 * 366)
    ran_out = make_application(world, submit=True)
    end = timezone.localdate() - timedelta(days=5 * 366 + 30)
    _decided_long_ago(
        world,
        ran_out,
        SupportOutcome.GRANTED,
        hours_per_week=10,
        period_start=end - timedelta(days=300),
        period_end=end,
        revisit_on=end - timedelta(days=30),
    )
    SupportApplication.objects.filter(pk=ran_out.pk).update(revisit_on=end - timedelta(days=30))
    assert ran_out.pk in [a.pk for a in meetings.revisits_due()]
    kept = make_application(world, submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_run(now=timezone.now())
    emptied = (submitted, asked, ran_out)
    assert SupportApplication.objects.filter(anonymised_at__isnull=False).count() == 3

    client.force_login(world.administrator)
    listed = client.get(reverse("support_list")).content.decode()
    assert reverse("support_detail", args=[kept.pk]) in listed
    for application in emptied:
        assert reverse("support_detail", args=[application.pk]) not in listed
        assert client.get(reverse("support_detail", args=[application.pk])).status_code == 200
    start = client.get(reverse("start"))
    [section] = [
        s
        for s in start.context["start_sections"]
        if s.template == "indsats/support/start_committee.html"
    ]
    assert [a.pk for a in section.context["applications"]] == [kept.pk]
    assert (section.context["submitted"], section.context["needs_info"]) == (1, 0)
    assert ran_out.pk not in [a.pk for a in meetings.revisits_due()]
    meeting = plan(world)
    assert list(meeting.items.values_list("application_id", flat=True)) == [kept.pk]


def test_the_leaders_lists_do_not_ask_her_about_a_case_retention_emptied(
    client, world, django_capture_on_commit_callbacks
):
    """A case anonymised while it waited for her answer is nothing she can answer: her start
    section leaves it out (neither listed first nor counted as waiting for her answer); her
    list of all her applications keeps it, shown as anonymised rather than as waiting."""
    from django.urls import reverse

    asked = ask(world, make_application(world, submit=True))
    emptied = ask(world, make_application(world, submit=True))
    submitted = make_application(world, submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.support_anonymise(application_id=emptied.pk)

    client.force_login(world.leader)
    start = client.get(reverse("start"))
    [section] = [
        s
        for s in start.context["start_sections"]
        if s.template == "indsats/support/start_leader.html"
    ]
    assert [a.pk for a in section.context["applications"]] == [asked.pk, submitted.pk]
    assert section.context["needs_info"] == 1
    assert reverse("support_detail", args=[emptied.pk]) not in start.content.decode()

    listed = client.get(reverse("support_list")).content.decode()
    for application in (asked, emptied, submitted):
        assert reverse("support_detail", args=[application.pk]) in listed
    assert listed.count('class="badge status-anonymised"') == 1
    assert listed.count('class="badge status-needs_info"') == 1
    assert listed.count('class="badge status-submitted"') == 1
