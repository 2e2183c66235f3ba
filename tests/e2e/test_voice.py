"""In Chromium: the leader answers the evaluation's form from her start page (a score out of
range is said in Danish), the pedagogist sees only that an answer came until she records the
evaluation, and the leader then finds her rating on the effect dashboard; the administration
then makes the yearly report (a year without data is said in Danish), follows its progress and
downloads the PDF, which holds the same figures. Every page is checked with axe."""

import io
import re

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from forloeb.models import EvaluationKind, YearReport
from forloeb.yearreport import services as year_report
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.forloeb.courses.conftest import _complete
from tests.indsats.helpers import agreement_in_force


def test_from_a_leaders_rating_to_the_effect_dashboard(page, live_server, world, console_errors):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    course.evaluations.filter(pk=final.pk).update(due_on=timezone.localdate())

    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    expect(page.get_by_role("heading", name="Jeres vurdering af et forløb")).to_be_visible()
    page.get_by_role("region", name="Jeres vurdering af et forløb").get_by_role(
        "link", name=re.compile("Slutevaluering: Børnehuset Mariehønen")
    ).click()
    expect(page.get_by_role("heading", name=re.compile("Institutionens vurdering"))).to_be_visible()
    assert serious_accessibility_violations(page) == []
    for area, score in (
        ("1. Samarbejde", "4 – godt"),
        ("2. Effekt", "3 – både og"),
        ("3. Fleksibilitet", "2 – dårligt"),
        ("4. Pædagogisk udvikling", "5 – meget godt"),
    ):
        page.get_by_role("group", name=area).get_by_label(score).check()
    page.get_by_label("Personalets timer til møder om forløbet").fill("6,5")
    page.get_by_role("button", name="Send svaret").click()
    # Culture has no score: the page says so and keeps the rest.
    expect(page.get_by_text("Vælg en score fra 1 til 5.")).to_be_visible()
    expect(page.get_by_label("Personalets timer til møder om forløbet")).to_have_value("6,5")
    page.get_by_role("group", name="5. Kultur i institutionen").get_by_label("4 – godt").check()
    page.get_by_role("button", name="Send svaret").click()
    expect(page.get_by_text(re.compile("Tak. Dit svar er gemt"))).to_be_visible()
    page.get_by_role("button", name=re.compile("Lene Leder")).click()
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{course.pk}/")
    expect(page.get_by_text("Institutionens vurdering: 1 svar")).to_be_visible()
    page.get_by_text("Institutionens vurdering: 1 svar").click()
    expect(page.get_by_text(re.compile("Vises, når indsatspædagogen"))).to_be_visible()
    _complete(world, final)
    page.reload()
    page.get_by_text("Institutionens vurdering: 1 svar").click()
    expect(page.get_by_role("table", name="Svar fra Lene Leder")).to_be_visible()
    page.get_by_role("button", name=re.compile("Paula Pædagog")).click()
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.get_by_role("link", name="Fordeling").first.click()
    page.get_by_role("link", name="Effekt").click()
    expect(page.get_by_role("heading", name="Hvad forløbene giver")).to_be_visible()
    page.get_by_label("Opdel efter").select_option(label="Læreplanstema")
    page.get_by_role("button", name="Vis", exact=True).click()
    table = page.get_by_role("table", name=re.compile("efter læreplanstema"))
    row = table.get_by_role("row", name=re.compile("Social udvikling"))
    # Four areas answered 4, 3, 2, 5 and culture 4: 3,60; the goal was partly reached: 3,00.
    expect(row).to_contain_text("3,60")
    expect(row).to_contain_text("3,00")
    assert serious_accessibility_violations(page) == []
    assert console_errors == []

    # The administration's yearly report holds the same figures.
    page.get_by_role("button", name=re.compile("Lene Leder")).click()
    page.get_by_role("button", name="Log ud").click()
    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    page.get_by_role("link", name="Fordeling").first.click()
    page.get_by_role("link", name="Årsrapport").click()
    expect(page.get_by_role("heading", name=re.compile("Årsrapport til Børne"))).to_be_visible()
    assert serious_accessibility_violations(page) == []
    last_year = timezone.localdate().year - 1
    expect(page.get_by_label("År")).to_have_value(str(last_year))
    page.get_by_role("button", name="Lav rapporten").click()
    expect(page.get_by_text(f"Der er intet at rapportere for {last_year}")).to_be_visible()
    page.get_by_label("År").fill(str(timezone.localdate().year))
    page.get_by_role("button", name="Lav rapporten").click()
    expect(page.get_by_role("heading", name=re.compile("Årsrapport 20"))).to_be_visible()
    expect(page.get_by_text("Venter")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    # The worker builds it; the page reloads itself until the PDF is ready.
    year_report.year_report_build(report_id=YearReport.objects.get().pk)
    link = page.get_by_role("link", name=re.compile("Hent aarsrapport-"))
    expect(link).to_be_visible(timeout=10000)
    expect(page.get_by_text("9 af 9 afsnit (100 %)")).to_be_visible()
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as pdf:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    text = " ".join(text.split())
    assert "1 svar, gennemsnit 3,60" in text and "gennemsnit 3,00" in text
    assert "Lene Leder" not in text
    assert console_errors == []
