"""In Chromium: the pedagogist closes a course, and the administration's triage page shows the
hours it held as free again from the next week (issue 15, "Capacity is never released")."""

from datetime import timedelta

from playwright.sync_api import expect

from forloeb.courses import services as courses_services
from forloeb.hours.weeks import this_monday
from forloeb.models import EvaluationKind, Phase
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.forloeb.courses.conftest import held
from tests.indsats.helpers import accept, agreement_in_force, make_request


def test_closing_a_course_frees_capacity_in_triage(page, live_server, world, console_errors):
    # Paula (37 h) has a course of 30 h a week that began two weeks ago and runs 20 weeks; its
    # final evaluation is done, so it can be closed.
    running = make_request(
        world, submit=True, wished_start=this_monday() - timedelta(weeks=2), wished_weeks=20
    )
    accept(world, running, hours="30")
    agreement, _version = agreement_in_force(world, running)
    course = agreement.course
    for phase in (Phase.STARTUP, Phase.PRACTICE):
        courses_services.course_advance(
            actor=world.pedagogist.user,
            course_id=course.pk,
            expected_phase=phase,
            reason="Ikke relevant her.",
        )
    courses_services.evaluation_complete(
        actor=world.pedagogist.user,
        evaluation_id=held(course.evaluations.get(kind=EvaluationKind.FINAL)).pk,
        participants="Lene Leder, Paula Pædagog",
        leadership_took_part=True,
        decision="close",
        summary="Målene er nået.",
        assessments=[],
    )
    # A new request from next week on, for another group (no repeat warning).
    waiting = make_request(
        world,
        submit=True,
        wished_start=this_monday() + timedelta(weeks=1),
        group=world.institution.groups.get(name="Frøen"),
    )
    paula_on_triage = page.locator(f"label[for=ped-{world.pedagogist.pk}]")

    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/visitation/{waiting.pk}/")
    # 37 - 0,75 sparring - (30 + 1) for the running course - 1 preparation for the new one.
    expect(paula_on_triage).to_contain_text("4,25 t")
    expect(page.get_by_text("travleste uge", exact=False).first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.context.clear_cookies()

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{course.pk}/")
    page.get_by_role("button", name="Gå videre til afsluttet").click()
    # The follow-up phase's checklist is not ticked: closing asks why first.
    page.get_by_label("Hvorfor går I videre uden dem?").fill("Klaret på slutevalueringen.")
    page.get_by_role("button", name="Gå videre uden dem").click()
    expect(page.get_by_text("Forløbet er nu i fasen afsluttet.")).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/visitation/{waiting.pk}/")
    expect(paula_on_triage).to_contain_text("35,25 t")
    page.get_by_label("Timer om ugen for hver pædagog").fill("10")
    page.get_by_role("button", name="Bevilg", exact=True).click()
    # Within the freed hours and to the attached pedagogist: no reason is asked for.
    expect(
        page.get_by_text("Anmodningen er bevilget, og pædagogerne har fået besked.")
    ).to_be_visible()
    assert console_errors == []
