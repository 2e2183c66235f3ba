"""The agreement as PDF (WeasyPrint): A4, Danish, the municipality's name and logo, the
signatures, the content's SHA-256 and a QR code that leads to the verification page."""

import base64
from functools import cache
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from indsats.agreements import selectors
from indsats.models import AgreementVersion, VersionStatus


def verification_url(version: AgreementVersion) -> str:
    return settings.SITE_URL + reverse("agreement_verify", args=[version.content_hash])


def _qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=3)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def agreement_html(version: AgreementVersion, *, as_in_force: bool = False) -> str:
    """`as_in_force`: the document as it was when it came into force, without the SUPERSEDED
    mark a later adjustment puts on it (the kept copy, institutioner/files/)."""
    logo = finders.find(settings.MUNICIPALITY_LOGO)
    signed = version.status != VersionStatus.DRAFT
    context = {
        "version": version,
        "req": version.agreement.request,
        "view": version.parsed.display(),
        "signatures": list(version.signatures.select_related("user")),
        "slots": selectors.signature_rows(version),
        "draft": version.status == VersionStatus.DRAFT,
        "superseded": version.status == VersionStatus.SUPERSEDED and not as_in_force,
        "declined": version.status == VersionStatus.DECLINED,
        "municipality": settings.MUNICIPALITY_NAME,
        "logo_url": Path(logo).as_uri() if logo else "",
        "verify_url": verification_url(version) if signed else "",
        "qr": _qr_data_uri(verification_url(version)) if signed else "",
    }
    with translation.override("da"):
        return render_to_string("pdf/agreement.html", context)


@cache
def font_config() -> FontConfiguration:
    # Building the font configuration is a large part of a render; one per process is enough.
    return FontConfiguration()


def agreement_pdf(version: AgreementVersion, *, as_in_force: bool = False) -> bytes:
    html = HTML(
        string=agreement_html(version, as_in_force=as_in_force), base_url=str(settings.BASE_DIR)
    )
    return html.write_pdf(font_config=font_config())
