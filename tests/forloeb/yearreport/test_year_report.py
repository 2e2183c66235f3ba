"""The yearly report: its numbers against the effect tests' hand-computed data set (read back
from the PDF's text), a year without data, the build's progress, and who may see it."""

import html
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from forloeb.hours import weeks as hours
from forloeb.models import HourExportStatus, InstitutionRating, YearReport
from forloeb.yearreport import selectors, services
from institutioner.errors import StateError
from institutioner.models import Institution
from tests.forloeb.dashboards.test_effect import hand_computed_world

pytestmark = pytest.mark.django_db

EFFECT_COMMENT = "Personalet bruger nu legegrupperne hver formiddag."
OTHER_COMMENT = "Møderne tog meget tid."


def _world_with_comments(world):
    a, b = hand_computed_world(world)
    InstitutionRating.objects.filter(respondent=world.leader).update(
        effect_comment=EFFECT_COMMENT, comment=OTHER_COMMENT
    )
    return a, b


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_sections_match_the_hand_computed_numbers(world):
    _world_with_comments(world)
    year = timezone.localdate().year
    sections = selectors.report_sections(year, Institution.objects.all())
    requests = sections["requests"]
    # Two requests submitted, accepted, and in force the same day: waits 0 and 0.
    assert (requests["submitted"], requests["accepted"], requests["rejected"]) == (2, 2, 0)
    assert (requests["waits"], requests["median_wait"], requests["p90_wait"]) == (2, 0, 0)
    interventions = sections["interventions"]
    assert interventions["courses"] == 2
    assert [(b.label, b.value, b.width) for b in interventions["by_district"]] == [
        ("Ullerup Bæk", 2, 100)
    ]
    assert sorted((b.label, b.value) for b in interventions["by_focus"]) == [
        ("Børnegruppe", 2),
        ("Læringsmiljø", 2),
    ]
    # 13 practice hours in one week, averaged over the year's weeks so far (it is this year).
    weeks = len(hours.weeks_between(date(year, 1, 1), timezone.localdate()))
    assert sections["hours"]["weeks"] == weeks
    totals = sections["hours"]["totals"]
    assert totals["logged"] == (Decimal(13) / weeks).quantize(Decimal("0.01"))
    assert [row.district.name for row in sections["hours"]["rows"]] == ["Søvang", "Ullerup Bæk"]
    goals = sections["goals"]
    assert (goals["total"].goals, goals["total"].attainment, goals["total"].reached_percent) == (
        3,
        Decimal("3.33"),
        67,
    )
    ratings = sections["ratings"]
    assert ratings["answers"] == 2 and ratings["mean"] == Decimal("4.30")
    assert [(b.label, b.value, b.width) for b in ratings["areas"]] == [
        ("Samarbejde", Decimal("4.50"), 90),
        ("Effekt", Decimal("4.00"), 80),
        ("Fleksibilitet", Decimal("3.50"), 70),
        ("Pædagogisk udvikling", Decimal("5.00"), 100),
        ("Kultur i institutionen", Decimal("4.50"), 90),
    ]
    assert ratings["comments"] == [("Effekt", [EFFECT_COMMENT]), ("Andet", [OTHER_COMMENT])]
    assert sections["follow_ups"] == {
        "follow_ups": 1,
        "answered": 1,
        "goals_followed": 2,
        "goals_in_use": 1,
        "in_use_percent": 50,
    }
    assert sections["repeats"]["repeats"] == 0 and sections["repeats"]["changed"] == []


def test_a_year_not_over_averages_over_its_weeks_so_far(world):
    """Made during the year (3 December 2026: its first 49 weeks), the report of the year
    averages the hours over the weeks that have come, not the year's 53 with the weeks to come
    at capacity and nothing delivered; made after the year, over all its weeks. The PDF says
    which."""
    _world_with_comments(world)
    today = timezone.localdate()
    year = today.year
    whole = len(hours.weeks_between(date(year, 1, 1), date(year, 12, 31)))
    logged = Decimal(13)  # the hand-computed world's practice hours, in one week before today
    for made_on, weeks, until in (
        (today, len(hours.weeks_between(date(year, 1, 1), today)), today),
        (date(year + 1, 1, 10), whole, None),
    ):
        if made_on == date(year, 12, 31):  # the last day: the year's weeks are all there
            until = None
        section = selectors.report_sections(year, Institution.objects.all(), today=made_on)["hours"]
        assert (section["weeks"], section["until"]) == (weeks, until)
        assert section["totals"]["logged"] == (logged / weeks).quantize(Decimal("0.01"))

    report = services.year_report_start(actor=world.administrator, year=year)
    text = _text(bytes(services.year_report_build(report_id=report.pk).file.data))
    so_far = len(hours.weeks_between(date(year, 1, 1), today))
    if today < date(year, 12, 31) and so_far > 1:
        assert (
            f"Året er ikke slut endnu: timer om ugen i gennemsnit over årets {so_far} uger "
            f"indtil nu, til og med ugen med {date_format(today, 'j. F Y')}."
        ) in text
        assert f"over årets {whole} uger." not in text


def test_the_pdf_says_them_in_danish_without_names(world):
    _world_with_comments(world)
    year = timezone.localdate().year
    report = services.year_report_start(actor=world.administrator, year=year)
    seen = []
    built = services.year_report_build(report_id=report.pk, after_progress=seen.append)
    assert seen == list(range(1, len(selectors.SECTIONS) + 1))
    assert built is not None and built.status == HourExportStatus.DONE and built.percent == 100
    # A second run of the task does nothing.
    assert services.year_report_build(report_id=report.pk) is None
    text = _text(bytes(built.file.data))
    assert f"Årsrapport {year}" in text
    assert "Børne- og Undervisningsudvalget" in text
    assert "2 anmodninger indsendt, heraf 2 imødekommet og 0 afvist" in text
    assert "median 0 dage" in text
    assert "3 mål vurderet ved slutevalueringen: gennemsnit 3,33" in text and "67 %" in text
    assert "2 svar, gennemsnit 4,30" in text and "4,50" in text
    assert EFFECT_COMMENT in text and OTHER_COMMENT in text
    assert "1 af 1 forankringsopfølgninger besvaret" in text and "1 af 2 mål (50 %)" in text
    for person in ("Lene Leder", "Per Personale", "Paula Pædagog"):
        assert person not in text


def test_a_year_without_data_is_said_in_danish(client, world):
    _world_with_comments(world)
    client.force_login(world.administrator)
    year = timezone.localdate().year - 3
    page = client.post(reverse("year_report_list"), {"year": str(year)}).content.decode()
    assert f"Der er intet at rapportere for {year}" in page
    assert not YearReport.objects.exists()
    page = client.post(reverse("year_report_list"), {"year": "1850"}).content.decode()
    assert "Vælg et år fra 2000 til" in page
    page = client.post(reverse("year_report_list"), {"year": "hest"}).content.decode()
    assert "Skriv året med fire cifre" in page
    with pytest.raises(StateError):
        services.year_report_start(actor=world.administrator, year=year)


def test_only_the_administration_makes_and_reads_it(client, world):
    _world_with_comments(world)
    year = timezone.localdate().year
    client.force_login(world.administrator)
    response = client.post(reverse("year_report_list"), {"year": str(year)})
    report = YearReport.objects.get()
    assert response.url == reverse("year_report_status", args=[report.pk])
    page = client.get(response.url).content.decode()
    assert "data-export-waiting" in page and "Venter" in page
    services.year_report_build(report_id=report.pk)
    page = client.get(response.url).content.decode()
    assert "aarsrapport-" in page and "data-export-waiting" not in page

    # When the kept file goes (RETENTION_EXPORT_DAYS after it was made) is said beside it.
    report.refresh_from_db()
    gone = date_format(timezone.localdate(report.finished_at + timedelta(days=30)), "j. F Y")
    assert f"Filen slettes natten efter {gone}, 30 dage efter den blev lavet." in page
    download = client.get(reverse("year_report_download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert str(year) in _text(download.content)
    for person in (world.leader, world.staff, world.pedagogist.user, world.outsider):
        client.force_login(person)
        assert client.get(reverse("year_report_list")).status_code == 404
        assert client.post(reverse("year_report_list"), {"year": str(year)}).status_code == 404
        assert client.get(reverse("year_report_status", args=[report.pk])).status_code == 404
        assert client.get(reverse("year_report_download", args=[report.pk])).status_code == 404
        with pytest.raises(StateError):
            services.year_report_start(actor=person, year=year)
    assert YearReport.objects.count() == 1


def test_asking_again_while_it_is_built_gives_the_same_report(client, world):
    _world_with_comments(world)
    year = timezone.localdate().year
    first = services.year_report_start(actor=world.administrator, year=year)
    client.force_login(world.administrator)
    # A double click on the page: the second lands on the first report's progress.
    page = client.post(reverse("year_report_list"), {"year": str(year)})
    assert page.status_code == 302 and page["Location"].endswith(f"/{first.pk}/")
    assert YearReport.objects.count() == 1
    assert services.year_report_build(report_id=first.pk).status == HourExportStatus.DONE
    newer = services.year_report_start(actor=world.administrator, year=year)
    assert newer.pk != first.pk and YearReport.objects.count() == 2


def test_a_failed_build_says_why_in_danish_and_what_to_do(client, world):
    """The build stopped while the figures were gathered: the page says so and what to do,
    never the error itself; building it again clears the reason."""
    _world_with_comments(world)
    report = services.year_report_start(actor=world.administrator, year=timezone.localdate().year)

    def fail(_done):
        raise OSError("connection to server lost: secret-detail")

    with pytest.raises(OSError):
        services.year_report_build(report_id=report.pk, after_progress=fail)
    report.refresh_from_db()
    assert (report.status, report.failure) == (HourExportStatus.FAILED, "figures")
    client.force_login(world.administrator)
    page = " ".join(
        client.get(reverse("year_report_status", args=[report.pk])).content.decode().split()
    )
    assert "Rapporten mislykkedes. Årets tal kunne ikke hentes fra databasen." in page
    assert "Byg den igen; fejler den igen, kontakt IT." in page
    assert "secret-detail" not in page and "OSError" not in page

    services.year_report_restart(actor=world.administrator, report=report)
    report.refresh_from_db()
    assert (report.status, report.failure) == (HourExportStatus.WAITING, "")
    assert services.year_report_build(report_id=report.pk).status == HourExportStatus.DONE


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        ("pdf", "PDF'en kunne ikke laves ud fra årets tal."),
        ("storage", "Den færdige PDF kunne ikke gemmes."),
        ("", "Årsagen blev ikke gemt."),
    ],
)
def test_each_reason_is_said(client, world, failure, said):
    report = YearReport.objects.create(
        year=2024,
        requested_by=world.administrator,
        status=HourExportStatus.FAILED,
        failure=failure,
    )
    client.force_login(world.administrator)
    page = html.unescape(
        client.get(reverse("year_report_status", args=[report.pk])).content.decode()
    )
    assert said in page and "kontakt IT" in page


def test_only_a_failed_report_has_a_reason(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        YearReport.objects.create(
            year=2024,
            requested_by=world.administrator,
            status=HourExportStatus.WAITING,
            failure="pdf",
        )


def test_a_build_stopped_mid_way_fails_when_its_page_is_read(client, world, settings):
    """The worker died mid-build longer ago than the task may run: the page says the report
    failed and why, stops reloading and offers to build it again."""
    from django.utils import translation

    from forloeb.models import YearReportFailure

    _world_with_comments(world)
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    stopped, young = (
        YearReport.objects.create(
            year=year,
            requested_by=world.administrator,
            status=HourExportStatus.RUNNING,
            steps_total=6,
            steps_done=2,
        )
        for year in (2024, 2025)
    )
    YearReport.objects.filter(pk=stopped.pk).update(created_at=long_ago, started_at=long_ago)
    YearReport.objects.filter(pk=young.pk).update(started_at=timezone.now() - timedelta(seconds=30))
    client.force_login(world.administrator)

    page = html.unescape(
        " ".join(
            client.get(reverse("year_report_status", args=[stopped.pk])).content.decode().split()
        )
    )
    with translation.override("da"):
        reason = str(YearReportFailure.INTERRUPTED.label)
    assert f"Rapporten mislykkedes. {reason}" in page and "Byg den igen" in page
    assert "data-export-waiting" not in page
    stopped.refresh_from_db()
    assert (stopped.status, stopped.failure) == (HourExportStatus.FAILED, "interrupted")
    page = client.get(reverse("year_report_status", args=[young.pk])).content.decode()
    assert "data-export-waiting" in page
    young.refresh_from_db()
    assert young.status == HourExportStatus.RUNNING

    client.post(reverse("year_report_status", args=[stopped.pk]))
    stopped.refresh_from_db()
    assert (stopped.status, stopped.failure) == (HourExportStatus.WAITING, "")
