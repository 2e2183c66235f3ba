"""The agreement as PDF: names, dates, hash, Danish letters, the draft's watermark (pdf.py)."""

import io

from pypdf import PdfReader

from indsats.agreements import pdf
from tests.indsats.agreements.conftest import _draft
from tests.indsats.helpers import agreement_in_force


def test_pdf_carries_names_dates_hash_and_danish_letters(world):
    _agreement, version = agreement_in_force(world)
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.agreement_pdf(version))).pages
    )
    assert "Samarbejdsaftale" in text
    assert "Børnehuset Mariehønen" in text and "Sommerfuglen" in text
    assert "Paula Pædagog" in text and "Lene Leder" in text
    assert version.content_hash in text.replace("\n", "")
    assert "Side 1 af" in text
    assert "små grupper" in text  # æ, ø and å all survive into the PDF
    start = version.parsed.starts_on
    assert f"{start.day}." in text
    assert "KLADDE" not in text


def test_draft_pdf_has_a_watermark(world):
    _agreement, version = _draft(world)
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.agreement_pdf(version))).pages
    )
    assert "KLADDE" in text


def test_the_footer_prints_a_municipality_name_with_ampersand_and_quotes_as_written(
    world, settings
):
    """The footer is a CSS string inside <style>, where "&amp;" is not decoded: the name is
    escaped for CSS (`css_string`), so "Lolland & Falster" is printed as written, and a quote
    or "</style>" in it cannot end the string or the element."""
    settings.MUNICIPALITY_NAME = 'Lolland & "Falster" </style><p>x'
    _agreement, version = agreement_in_force(world)
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.agreement_pdf(version))).pages
    )
    assert 'Lolland & "Falster" </style><p>x · Samarbejdsaftale' in text
    assert "&amp;" not in text and "&quot;" not in text
