"""The yearly report as PDF (WeasyPrint): A4, Danish, the municipality's name and logo; charts
as CSS bars, each beside the table with its numbers."""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from indsats.agreements.pdf import font_config


def year_report_html(year: int, sections: dict, *, made_on: date) -> str:
    logo = finders.find(settings.MUNICIPALITY_LOGO)
    context = {
        **sections,
        "year": year,
        "made_on": made_on,
        "municipality": settings.MUNICIPALITY_NAME,
        "logo_url": Path(logo).as_uri() if logo else "",
    }
    with translation.override("da"):
        return render_to_string("pdf/year_report.html", context)


def year_report_pdf(year: int, sections: dict, *, made_on: date) -> bytes:
    html = HTML(
        string=year_report_html(year, sections, made_on=made_on), base_url=str(settings.BASE_DIR)
    )
    return html.write_pdf(font_config=font_config())
