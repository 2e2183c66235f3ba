"""Both PDFs stay quick with every free-text field at its maximum (issue 15: 4,000 characters in
one table cell used to take 38 s, two 10,000-character evaluations over 4 minutes)."""

import io
import time
from dataclasses import replace

from django.utils import timezone
from pypdf import PdfReader

from forloeb.courses import pdf as course_pdf
from forloeb.courses import services
from indsats.agreements import pdf as agreement_pdf
from indsats.agreements import services as agreements_services
from indsats.agreements.content import AgreementContent, Goal
from institutioner.textlimits import GOAL, LINE, LONG, MEDIUM
from tests.factories import PASSWORD
from tests.forloeb.courses.conftest import first_evaluation_day, held
from tests.indsats.helpers import accept, make_request

WORDS = (
    "Børnene leger i små grupper om formiddagen, og de voksne står ved siden af og guider "
    "overgangene fra samling til frokost uden at råbe. "
)
# No space for 120 characters: a web address or a pasted word must still break inside the page.
LONG_WORD = "https://eksempel.dk/" + "læringsmiljø" * 10


def text(length: int, mark: str) -> str:
    """Ordinary Danish text of exactly `length` characters, starting with `mark` (found again in
    the PDF) and holding one long word."""
    body = f"{mark} {LONG_WORD} " + WORDS * (length // len(WORDS) + 1)
    return body[:length]


def _pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _timed(render):
    started = time.perf_counter()
    result = render()
    return result, time.perf_counter() - started


def _longest_agreement(world):
    req = make_request(
        world,
        submit=True,
        need=text(LONG, "Behovet"),
        tried_already=text(MEDIUM, "Afprøvet"),
    )
    accept(world, req, reason=text(MEDIUM, "Begrundelse"))
    agreement = agreements_services.agreement_create(actor=world.pedagogist.user, request_id=req.pk)
    version = agreement.versions.get()
    content = replace(
        version.parsed,
        background=text(LONG, "Baggrunden"),
        participants=text(LINE, "Deltagerne"),
        leadership_commitment=text(MEDIUM, "Ledelsen"),
        goals=tuple(
            Goal(
                text=text(GOAL, f"Mål{n}"),
                focus_level="boernegruppe",
                indicator=text(LINE, f"Tegn{n}"),
            )
            for n in range(1, AgreementContent.MAX_GOALS + 1)
        ),
    )
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=content
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    for person in (world.leader, world.pedagogist.user):
        agreements_services.agreement_sign(actor=person, version_id=version.pk, password=PASSWORD)
    version.refresh_from_db()
    return agreement, version


def test_both_pdfs_render_every_text_field_at_its_maximum_within_seconds(world):
    agreement, version = _longest_agreement(world)

    pdf, seconds = _timed(lambda: agreement_pdf.agreement_pdf(version))
    found = _pdf_text(pdf)
    for mark in ("Baggrunden", "Deltagerne", "Ledelsen", "Mål1", "Mål10", "Tegn10"):
        assert mark in found
    assert seconds < 3, f"the agreement took {seconds:.2f} s"

    course = agreement.course
    services.evaluation_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        due_on=first_evaluation_day(course),
    )
    for evaluation in course.evaluations.all():
        held(evaluation)
        services.evaluation_complete(
            actor=world.pedagogist.user,
            evaluation_id=evaluation.pk,
            participants=text(LINE, "Hvem"),
            leadership_took_part=True,
            decision="continue",
            summary=text(LONG, "Opsummering"),
            assessments=[
                (goal, 3, text(MEDIUM, f"Set{n}"))
                for n, goal in enumerate(version.parsed.goal_texts(), start=1)
            ],
        )
    services.course_note_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        # The local day: between midnight and 1 o'clock the UTC date is the day before.
        day=timezone.localdate(course.started_at),
        text=text(LONG, "Logbog"),
    )
    assert course.evaluations.count() >= 2

    pdf, seconds = _timed(lambda: course_pdf.closing_report_pdf(course, with_hours=True))
    found = _pdf_text(pdf)
    for mark in ("Opsummering", "Hvem", "Set1", "Set10", "Mål10"):
        assert mark in found
    assert seconds < 3, f"the closing report took {seconds:.2f} s"


def test_no_pdf_template_lets_words_break_anywhere():
    from pathlib import Path

    for template in Path(__file__).resolve().parents[3].joinpath("templates", "pdf").glob("*.html"):
        css = template.read_text()
        assert "overflow-wrap: anywhere" not in css.replace("Never `anywhere`", ""), template.name
