"""The yearly report's section on visitations to kompenserende støtte (seed 004: "udviklingen i
visiteringer til støtte- og ressourceforløb"), against the hand-computed support data set."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from forloeb.yearreport import pdf, selectors
from institutioner.models import Institution
from tests.indsats.supportstats import data

pytestmark = pytest.mark.django_db


def test_the_support_section_has_the_hand_computed_numbers(world):
    data.build(world)
    section = selectors._support(2025, Institution.objects.all(), {})
    assert (section["applications"], section["decisions"]) == (5, 5)
    assert (section["previous_applications"], section["previous_decisions"]) == (1, 1)
    april, may = section["months"][3], section["months"][4]
    # April: A4, A5 submitted; D2 granted, D3 partly granted (both "granted"), D4 rejected.
    assert (april["applications"], april["decisions"], april["granted"], april["rejected"]) == (
        2,
        3,
        2,
        1,
    )
    # May: D5 more information, D6 extended (granted); 23 hours a week in force on 31 May.
    assert (may["decisions"], may["granted"], may["hours"]) == (2, 1, Decimal("23"))
    assert [m["hours"] for m in section["months"]][-2:] == [Decimal("14"), Decimal("14")]
    assert section["months"][4]["width"] == 100  # May and June have the most hours
    assert (section["extended"], section["ended"]) == (1, 0)
    assert section["waiting"].median_days == Decimal("26.5")
    assert ("Særlig plads: Stendalen", 0, 1) in section["kinds"]


def test_the_pdf_says_it_in_danish_without_children(world):
    data.build(world)
    sections = selectors.report_sections(2025, Institution.objects.all())
    made = pdf.year_report_pdf(2025, sections, made_on=date(2026, 1, 15))
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(made)).pages
    )
    assert "Visiteringer til kompenserende støtte og særlige pladser" in text
    assert "5 ansøgninger indsendt og 5 afgørelser truffet (2024: 1 og 1)" in text
    assert "median 26,5 dage, i gennemsnit 25,3 dage" in text
    assert "Genvisiteringer: 1 forlænget, 0 afsluttet" in text
    for name in data.CHILD_NAMES:
        assert name not in text
