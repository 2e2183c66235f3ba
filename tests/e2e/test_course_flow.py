"""In Chromium: the pedagogist ticks the start-up, moves the course on and writes in the logbook;
the institution's staff reads it."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.forloeb.courses.conftest import held
from tests.indsats.helpers import agreement_in_force


def _move_on(page, button: str, reason: str = "Klaret på indsatsmødet.") -> None:
    """Move to the next phase; unticked checklist items ask for a reason first."""
    page.get_by_role("button", name=button).click()
    page.get_by_label("Hvorfor går I videre uden dem?").fill(reason)
    page.get_by_role("button", name="Gå videre uden dem").click()


def test_pedagogist_keeps_the_course_and_staff_reads_it(page, live_server, world, console_errors):
    agreement, _version = agreement_in_force(world)
    course = agreement.course

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.get_by_role("link", name="Forløb", exact=True).first.click()
    page.get_by_role("link", name=re.compile("Børnehuset Mariehønen")).click()
    expect(page.get_by_role("heading", name="Faser")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name=re.compile("Koordinering")).click()
    expect(page.get_by_text("Paula Pædagog").first).to_be_visible()
    page.get_by_role("button", name="Gå videre til forløb").click()
    # Two items are not ticked: the page asks why before moving on.
    expect(page.get_by_text("Disse punkter på tjeklisten er ikke afkrydset:")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Hvorfor går I videre uden dem?").fill("Lederen deltager i næste fase.")
    page.get_by_role("button", name="Gå videre uden dem").click()
    expect(page.get_by_text("Forløbet er nu i fasen forløb.")).to_be_visible()
    expect(page.get_by_text("ikke alt gennemført")).to_be_visible()
    page.get_by_label(re.compile("Hvad blev gjort og hvorfor")).fill(
        "Tre legegrupper om formiddagen."
    )
    page.get_by_label("Social udvikling").check()
    page.get_by_role("button", name="Tilføj til logbogen").click()
    expect(page.get_by_text("Noten er tilføjet logbogen.")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name=re.compile("Paula Pædagog")).click()
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server.url, "per@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{course.pk}/")
    expect(page.get_by_text("Tre legegrupper om formiddagen.")).to_be_visible()
    expect(page.get_by_role("button", name="Tilføj til logbogen")).to_have_count(0)
    assert console_errors == []


def test_course_from_agreement_in_force_to_closed(page, live_server, world, console_errors):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    for evaluation in course.evaluations.all():
        held(evaluation)  # their days have come: an evaluation is recorded on or after its day

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{course.pk}/")
    _move_on(page, "Gå videre til forløb")
    _move_on(page, "Gå videre til opfølgning")
    expect(page.get_by_text("Forløbet er nu i fasen opfølgning.")).to_be_visible()
    page.get_by_role("link", name="Registrér").first.click()
    page.get_by_label("Hvem deltog").fill("Lene Leder, Paula Pædagog og to fra stuen")
    page.get_by_label("Ledelsen deltog").check()
    page.locator("#id_scale_0").select_option(label="Nået")
    page.get_by_label("Opsamling").fill("Legegrupperne kører uden os.")
    page.get_by_label("Beslutning").select_option(label="Afslut forløbet")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Registrér evalueringen").click()
    expect(page.get_by_text("Evalueringen er registreret.")).to_be_visible()
    _move_on(page, "Gå videre til afsluttet")
    expect(page.get_by_text("Forløbet er nu i fasen afsluttet.")).to_be_visible()
    expect(page.get_by_role("button", name="Tilføj til logbogen")).to_have_count(0)
    page.get_by_role("button", name=re.compile("Paula Pædagog")).click()
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{course.pk}/")
    expect(page.get_by_text("Afsluttet").first).to_be_visible()
    with page.expect_download() as download_info:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
            "document.body.appendChild(a); a.click(); }",
            f"/forloeb/{course.pk}/afslutningsrapport.pdf",
        )
    import io

    from pypdf import PdfReader

    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(download_info.value.path().read_bytes())).pages
    )
    assert "Afslutningsrapport" in text and "Legegrupperne kører uden os." in text
    assert console_errors == []


def test_final_evaluation_without_the_leadership_is_corrected_and_the_course_closes(
    page, live_server, world, console_errors
):
    """#15: a final evaluation recorded without "Ledelsen deltog" no longer keeps the course
    open for ever: the pedagogist corrects it, and the course closes."""
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    for evaluation in course.evaluations.all():
        held(evaluation)  # their days have come: an evaluation is recorded on or after its day

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{course.pk}/")
    _move_on(page, "Gå videre til forløb")
    _move_on(page, "Gå videre til opfølgning")
    page.get_by_role("link", name="Registrér").first.click()
    page.get_by_label("Hvem deltog").fill("Paula Pædagog og to fra stuen")
    page.locator("#id_scale_0").select_option(label="Nået")
    page.get_by_label("Beslutning").select_option(label="Afslut forløbet")
    page.get_by_role("button", name="Registrér evalueringen").click()
    expect(page.get_by_text("Evalueringen er registreret.")).to_be_visible()
    expect(page.get_by_text("uden ledelsen")).to_be_visible()
    # Closing is refused before the checklist is even asked about.
    page.get_by_role("button", name="Gå videre til afsluttet").click()
    expect(page.get_by_text(re.compile("ledelsens deltagelse"))).to_be_visible()

    page.get_by_role("link", name="Ret", exact=True).click()
    expect(page.get_by_label("Hvem deltog")).to_have_value("Paula Pædagog og to fra stuen")
    expect(page.get_by_label("Ledelsen deltog")).not_to_be_checked()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Hvem deltog").fill("Lene Leder, Paula Pædagog og to fra stuen")
    page.get_by_label("Ledelsen deltog").check()
    page.get_by_role("button", name="Gem rettelsen").click()
    expect(page.get_by_text("Evalueringen er rettet.")).to_be_visible()
    expect(page.get_by_text("med ledelsen")).to_be_visible()
    expect(page.get_by_text(re.compile("Slutevaluering den .* rettet"))).to_be_visible()

    page.get_by_role("button", name="Gå videre til afsluttet").click()
    page.get_by_label("Hvorfor går I videre uden dem?").fill("Klaret på evalueringsmødet.")
    page.get_by_role("button", name="Gå videre uden dem").click()
    expect(page.get_by_text("Forløbet er nu i fasen afsluttet.")).to_be_visible()
    expect(page.get_by_role("link", name="Ret", exact=True)).to_have_count(0)
    assert console_errors == []
