"""Clashes are told when they are made (QA): a pedagogist who takes a leader's proposed extra day
onto a day she is elsewhere, or who sends an agreement whose weekdays and times clash with her
other agreements in force, is warned in Danish, naming the other place and time (the plan-clash
check triage uses). The week plan calls an added day an extra practice day."""

from dataclasses import replace
from datetime import date, time, timedelta

from django.urls import reverse

from forloeb.models import PlanChangeKind, PlanChangeStatus
from forloeb.plan import services
from forloeb.plan.services import ChangeInput
from indsats.agreements import services as agreements_services
from indsats.agreements.content import Goal
from institutioner.models import Membership
from tests import factories
from tests.forloeb.plan.helpers import agreement, christmas_year
from tests.indsats.helpers import accept, make_request


def _thursday() -> date:
    """A Thursday before Christmas inside the helper's agreements (17.12 in 2026)."""
    day = date(christmas_year(), 12, 14)
    return day + timedelta(days=(3 - day.weekday()) % 7)


def _elsewhere_on_thursdays(world):
    """Paula is at Vuggestuen Spiren (group Myren) on Thursdays 08:30-12:00, an institution
    Lene does not lead."""
    factories.GroupFactory(institution=world.other_institution, name="Myren")
    # Lene asks for it (a leader asks only for her own institutions), then leads it no more.
    factories.MembershipFactory(user=world.leader, institution=world.other_institution)
    made = agreement(
        world,
        institution=world.other_institution,
        weekdays=(3,),
        time_from=time(8, 30),
        time_to=time(12),
    )
    Membership.objects.filter(user=world.leader, institution=world.other_institution).delete()
    return made


def _propose_extra(world, course, day):
    return services.plan_change_make(
        actor=world.leader,
        course_id=course.pk,
        data=ChangeInput(kind=PlanChangeKind.EXTRA, new_day=day, reason="Ekstra dag før jul"),
        proposal=True,
    )


def _week_url(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return reverse("week_plan", args=[year, week])


def test_accepting_an_extra_day_on_a_day_she_is_elsewhere_says_where(client, world):
    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    _elsewhere_on_thursdays(world)
    thursday = _thursday()
    proposal = _propose_extra(world, here.course, thursday)

    client.force_login(world.pedagogist.user)
    response = client.post(reverse("plan_change_accept", args=[proposal.pk]), follow=True)
    proposal.refresh_from_db()
    assert proposal.status == PlanChangeStatus.ACCEPTED
    body = response.content.decode()
    assert "Ændringen er i planen; lederne har fået besked." in body
    # Where (the institution and its group) and when she is already.
    assert (
        "Bemærk: Paula Pædagog er allerede i Vuggestuen Spiren (Myren) 08:30–12:00 torsdag "
        f"{thursday.day}. december; den nye dag overlapper (ugeplanen viser et overlap)."
    ) in body
    assert (
        f" 08:30–12:00 torsdag {thursday.day}. december; den nye dag overlapper "
        "(ugeplanen viser et overlap)."
    ) in body

    # The week plan calls it an extra practice day (and shows the clash it warned of).
    page = client.get(_week_url(thursday)).content.decode()
    assert "Ekstra praksisdag" in page and "Praksis (ændret)" not in page
    assert "Overlap" in page


def test_an_extra_day_on_a_free_day_or_time_gives_no_warning(client, world):
    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    _elsewhere_on_thursdays(world)
    thursday = _thursday()
    client.force_login(world.pedagogist.user)
    # Wednesday: she is nowhere else.
    proposal = _propose_extra(world, here.course, thursday - timedelta(days=1))
    body = client.post(reverse("plan_change_accept", args=[proposal.pk]), follow=True)
    assert "Bemærk" not in body.content.decode()
    # Thursday afternoon, made by herself: after her morning at Spiren.
    response = client.post(
        reverse("plan_change_create", args=[here.course.pk]),
        {
            "plan-kind": PlanChangeKind.EXTRA,
            "plan-new_day": thursday.isoformat(),
            "plan-new_time_from": "13:00",
            "plan-new_time_to": "15:00",
            "plan-reason": "Eftermiddagsleg",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Ændringen er i planen" in page and "Bemærk" not in page


def test_making_an_extra_day_herself_on_a_busy_day_warns_too(world):
    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    _elsewhere_on_thursdays(world)
    change = services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=here.course.pk,
        data=ChangeInput(
            kind=PlanChangeKind.EXTRA,
            new_day=_thursday(),
            new_time_from=time(11),
            new_time_to=time(13),
            reason="Ekstra dag før jul",
        ),
    )
    (line,) = change.clashes
    assert "Vuggestuen Spiren (Myren) 08:30–12:00" in line


def _draft_on_thursdays(world, time_from, time_to):
    req = make_request(world, submit=True)
    accept(world, req)
    created = agreements_services.agreement_create(actor=world.pedagogist.user, request_id=req.pk)
    version = created.versions.get()
    content = replace(
        version.parsed,
        goals=(Goal(text="Ro ved frokost", focus_level="boernegruppe"),),
        days_per_week=1,
        weekdays=(3,),
        time_from=time_from,
        time_to=time_to,
    )
    return agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=content
    )


def test_sending_an_agreement_whose_days_clash_with_her_plan_warns(client, world):
    _elsewhere_on_thursdays(world)
    draft = _draft_on_thursdays(world, time(9), time(11))
    client.force_login(world.pedagogist.user)
    response = client.post(reverse("agreement_send", args=[draft.pk]), follow=True)
    body = response.content.decode()
    assert "Aftalen er sendt til underskrift" in body
    assert (
        "Støder sammen med planen for Paula Pædagog: torsdag 08:30–12:00 i Vuggestuen Spiren "
        "(Myren) (fra "
    ) in body
    assert "Tjek ugedage og tider, før aftalen underskrives." in body


def test_an_agreement_in_the_afternoon_does_not_clash(world):
    from forloeb.plan.triage import agreement_clash_lines

    _elsewhere_on_thursdays(world)
    draft = _draft_on_thursdays(world, time(13), time(15))
    assert agreement_clash_lines(version=draft) == []
    sent = agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=draft.pk
    )
    assert sent.plan_clashes == []


def test_the_week_plan_calls_an_added_day_an_extra_practice_day(client, world):
    """A moved day stays "Praksis (ændret)" (tests/forloeb/plan/test_views.py)."""
    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    wednesday = _thursday() - timedelta(days=1)
    services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=here.course.pk,
        data=ChangeInput(kind=PlanChangeKind.EXTRA, new_day=wednesday, reason="Juleklip"),
    )
    client.force_login(world.pedagogist.user)
    page = client.get(_week_url(wednesday)).content.decode()
    assert "Ekstra praksisdag" in page and "Praksis (ændret)" not in page


def test_an_extra_day_is_held_against_her_other_courses_one_off_changes(world):
    """The other course's Thursday cancelled frees the morning; its Thursday moved onto the
    Friday takes that."""
    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    there, _other = _elsewhere_on_thursdays(world)
    thursday = _thursday()
    services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=there.course.pk,
        data=ChangeInput(kind=PlanChangeKind.CANCEL, day=thursday, reason="Personalemøde"),
    )
    free = services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=here.course.pk,
        data=ChangeInput(kind=PlanChangeKind.EXTRA, new_day=thursday, reason="Ekstra dag"),
    )
    assert free.clashes == []
    # A week earlier, Spiren's Thursday moved onto the Friday (8.30-12 as its plan says) is a
    # clash there.
    earlier = thursday - timedelta(weeks=1)
    services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=there.course.pk,
        data=ChangeInput(
            kind=PlanChangeKind.MOVE,
            day=earlier,
            new_day=earlier + timedelta(days=1),
            reason="Flyttet til fredag",
        ),
    )
    friday = services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=here.course.pk,
        data=ChangeInput(
            kind=PlanChangeKind.EXTRA,
            new_day=earlier + timedelta(days=1),
            reason="Ekstra dag",
        ),
    )
    (line,) = friday.clashes
    assert "Vuggestuen Spiren (Myren) 08:30–12:00 fredag" in line
    # The Thursday it left is free.
    thursday_after = services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=here.course.pk,
        data=ChangeInput(kind=PlanChangeKind.EXTRA, new_day=earlier, reason="Ekstra dag"),
    )
    assert thursday_after.clashes == []


def test_a_new_day_on_a_day_she_is_absent_warns(client, world):
    """An extra day onto her course day (Friday, all day) and a moved day onto her afternoon
    away (Wednesdays 13-15) are put in the plan, with a warning: the week plan shows them as
    absence. A morning beside the afternoon away is no warning."""
    from forloeb.models import AbsenceKind, AbsenceRepeat
    from forloeb.plan.services import AbsenceInput

    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    friday = _thursday() + timedelta(days=1)
    wednesday = _thursday() - timedelta(days=1)
    monday = _thursday() - timedelta(days=3)
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(kind=AbsenceKind.COURSE, starts_on=friday, ends_on=friday),
    )
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.OTHER,
            starts_on=wednesday,
            ends_on=wednesday,
            time_from=time(13),
            time_to=time(15),
            repeat=AbsenceRepeat.WEEKLY,
            repeat_until=wednesday + timedelta(weeks=1),
        ),
    )
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("plan_change_create", args=[here.course.pk]),
        {
            "plan-kind": PlanChangeKind.EXTRA,
            "plan-new_day": friday.isoformat(),
            "plan-reason": "Ekstra dag før jul",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Ændringen er i planen" in page
    assert (
        f"Bemærk: Paula Pædagog er registreret fraværende hele dagen fredag {friday.day}. "
        "december; ugeplanen viser den nye dag som fravær uden praksis."
    ) in page
    moved = services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=here.course.pk,
        data=ChangeInput(
            kind=PlanChangeKind.MOVE,
            day=monday,
            new_day=wednesday,
            new_time_from=time(12),
            new_time_to=time(14),
            reason="Forældremøde",
        ),
    )
    assert moved.clashes == [
        f"Bemærk: Paula Pædagog er registreret fraværende kl. 13.00–15.00 onsdag {wednesday.day}. "
        "december; ugeplanen viser den nye dag som fravær uden praksis."
    ]
    # A proposal onto the next Wednesday morning, accepted: beside the afternoon away.
    proposal = _propose_extra(world, here.course, wednesday + timedelta(weeks=1))
    accepted = services.plan_change_accept(actor=world.pedagogist.user, change_id=proposal.pk)
    assert accepted.clashes == []


def test_an_intake_meeting_in_her_absence_is_marked_in_the_week_plan(client, world):
    """A meeting on her whole-day absence (the demo's Monday 7.12: a training day and a meeting
    09:00-10:30) is marked as absence and flagged like a clash; one beside an afternoon away is
    not."""
    from forloeb.access import week_plan_scope_for
    from forloeb.models import AbsenceKind
    from forloeb.plan.services import AbsenceInput
    from forloeb.plan.weekplan import week_plan
    from indsats.requests import services as requests_services
    from institutioner.workdays import at_local

    agreement(world, weekdays=(3,))  # at Lene's institution, so her week plan holds Paula
    monday = _thursday() - timedelta(days=3)
    tuesday = monday + timedelta(days=1)
    for day, times in ((monday, {}), (tuesday, {"time_from": time(13), "time_to": time(15)})):
        services.absence_record(
            actor=world.pedagogist.user,
            pedagogist_id=world.pedagogist.pk,
            data=AbsenceInput(
                kind=AbsenceKind.TRAINING_DAY, starts_on=day, ends_on=day, note="Modul 2", **times
            ),
        )
        req = make_request(world, submit=True)
        accept(world, req)
        requests_services.meeting_plan(
            actor=world.administrator,
            request_id=req.pk,
            starts_at=at_local(day, time(9)),
            ends_at=at_local(day, time(10, 30)),
            place="Personalestuen",
            participants=[world.leader, world.pedagogist.user],
        )
    (mine,) = week_plan(week_plan_scope_for(world.pedagogist.user), monday)
    away, beside = mine.days[0], mine.days[1]
    (meeting,) = [e for e in away.entries if e.kind == "meeting"]
    marked = "Indsatsmøde – fraværende den dag, bør flyttes"
    assert meeting.title == marked and meeting.clash and away.clash
    assert mine.flagged
    (meeting,) = [e for e in beside.entries if e.kind == "meeting"]
    assert meeting.title == "Indsatsmøde" and not meeting.clash and not beside.clash
    client.force_login(world.pedagogist.user)
    page = client.get(_week_url(monday)).content.decode()
    assert marked in page and "Overlap" in page and "Tjek planen" in page
    # The leader sees the meeting fall in an absence (as she sees practice days fall away), not
    # why, and no flags.
    (hers,) = week_plan(week_plan_scope_for(world.leader), monday)
    (meeting,) = [e for e in hers.days[0].entries if e.kind == "meeting"]
    assert meeting.title == "Indsatsmøde – fraværende den dag, bør flyttes" and not hers.flagged


def test_sending_warns_of_an_agreement_she_was_sent_to_sign_on_the_same_days(world):
    """QA: only the agreements in force were held against it, not one sent and waiting for
    the leader's signature."""
    first = _draft_on_thursdays(world, time(9), time(11))
    sent = agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=first.pk
    )
    assert sent.plan_clashes == []
    second = _draft_on_thursdays(world, time(10), time(12))
    again = agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=second.pk
    )
    (line,) = again.plan_clashes
    assert line.startswith("Støder sammen med planen for Paula Pædagog: torsdag 09:00–11:00 i ")


def test_an_intake_meeting_in_her_absence_is_warned_of_wherever_it_is_shown(client, world):
    """QA as a leader: the start page and the request's page showed the meeting as normal and
    the absence's message listed only practice days. Now the meeting carries the warning for
    the leader, the pedagogist (in her own words) and the administration, and the leaders'
    message names the meeting, also when the absence touches no practice day."""
    from forloeb.models import AbsenceKind
    from forloeb.plan.services import AbsenceInput
    from indsats.requests import services as requests_services
    from institutioner.models import Notification, NotificationKind
    from institutioner.workdays import at_local

    monday = _thursday() - timedelta(days=3)
    req = make_request(world, submit=True)
    accept(world, req)
    requests_services.meeting_plan(
        actor=world.administrator,
        request_id=req.pk,
        starts_at=at_local(monday, time(9)),
        ends_at=at_local(monday, time(10, 30)),
        place="Personalerummet",
        participants=[world.leader, world.pedagogist.user],
    )
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(kind=AbsenceKind.TRAINING_DAY, starts_on=monday, ends_on=monday),
    )
    warning = "Paula Pædagog er fraværende den dag – mødet bør flyttes."
    # Moving it is the administration's: the leader and the pedagogist read that it is in hand.
    in_hand = "mødet bør flyttes. Forvaltningen ser det også og flytter mødet."
    client.force_login(world.leader)
    for url in (reverse("start"), reverse("request_detail", args=[req.pk])):
        page = client.get(url).content.decode()
        assert warning in page and in_hand in page
    client.force_login(world.pedagogist.user)
    page = client.get(reverse("start")).content.decode()
    assert "Du er registreret fraværende den dag – mødet bør flyttes." in page and in_hand in page
    client.force_login(world.administrator)
    page = client.get(reverse("triage_detail", args=[req.pk])).content.decode()
    assert warning in page and in_hand not in page

    (note,) = Notification.objects.filter(kind=NotificationKind.ABSENCE, recipient=world.leader)
    assert note.subject == "Paula Pædagog er fraværende til et indsatsmøde i jeres institution"
    assert "indsatsmøde mandag" in note.body_text and "Personalerummet" in note.body_text
    assert f"(anmodning nr. {req.pk})" in note.body_text and "bør flyttes" in note.body_text


def test_a_day_put_in_the_plan_on_her_absence_is_flagged_in_the_week_plan(client, world):
    """A leader's extra day accepted on her whole-day absence, and a day moved onto her afternoon
    away: accepting and moving warn, and the week plan flags both days as a meeting in her
    absence is flagged (the pedagogist's 'Tjek planen'); the leader sees no flags. An ordinary
    practice day in her absence simply falls away, unflagged."""
    from forloeb.access import week_plan_scope_for
    from forloeb.models import AbsenceKind
    from forloeb.plan.services import AbsenceInput
    from forloeb.plan.weekplan import week_plan

    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    thursday = _thursday()
    monday, tuesday = thursday - timedelta(days=3), thursday - timedelta(days=2)
    afternoon = {"time_from": time(12), "time_to": time(16)}
    for day, times in ((monday, {}), (tuesday, {}), (thursday, afternoon)):
        services.absence_record(
            actor=world.pedagogist.user,
            pedagogist_id=world.pedagogist.pk,
            data=AbsenceInput(kind=AbsenceKind.COURSE, starts_on=day, ends_on=day, **times),
        )
    proposal = _propose_extra(world, here.course, tuesday)
    client.force_login(world.pedagogist.user)
    page = client.post(
        reverse("plan_change_accept", args=[proposal.pk]), follow=True
    ).content.decode()
    assert "Ændringen er i planen" in page
    assert f"Paula Pædagog er registreret fraværende hele dagen tirsdag {tuesday.day}." in page
    moved = services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=here.course.pk,
        data=ChangeInput(
            kind=PlanChangeKind.MOVE,
            day=monday + timedelta(weeks=1),
            new_day=thursday,
            new_time_from=time(13),
            new_time_to=time(15),
            reason="Forældremøde",
        ),
    )
    assert "registreret fraværende kl. 12.00–16.00" in moved.clashes[0]

    (mine,) = week_plan(week_plan_scope_for(world.pedagogist.user), monday)
    away, extra, thursday_row = mine.days[0], mine.days[1], mine.days[3]
    (ordinary,) = [e for e in away.entries if e.kind == "cancelled"]
    assert ordinary.title == "Fraværende: ingen praksis" and not away.clash
    (added,) = [e for e in extra.entries if e.kind == "cancelled"]
    assert added.title == "Ekstra praksisdag – fraværende den dag, tjek ændringen"
    assert added.clash and extra.clash
    (moved_here,) = [e for e in thursday_row.entries if e.kind == "cancelled"]
    assert moved_here.title == "Praksis (ændret) – fraværende den dag, tjek ændringen"
    assert moved_here.clash and thursday_row.clash and mine.flagged
    assert "Tjek planen" in client.get(_week_url(monday)).content.decode()
    # The leader sees the days fall in an absence, not flags.
    (hers,) = week_plan(week_plan_scope_for(world.leader), monday)
    assert not hers.flagged
    assert [e.title for e in hers.days[1].entries] == [
        "Ekstra praksisdag – fraværende den dag, tjek ændringen"
    ]
