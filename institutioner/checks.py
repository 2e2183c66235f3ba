"""Deployment checks of this project's own settings (`manage.py check --deploy`).

Django's own deploy checks cover DEBUG, the secret key, cookies, HSTS and the SSL redirect; these
add what a production start with this project's defaults would get wrong without a message.
The messages are for IT (the terminal), not for the municipality's users, so they are English.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

_LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 (refused, not bound)


@register(Tags.security, deploy=True)
def check_site_address(app_configs, **kwargs):
    """SITE_URL starts every link in an e-mail the worker sends and the PDFs' QR codes."""
    if settings.DEBUG:
        return []
    address = urlsplit(settings.SITE_URL)
    if address.scheme == "https" and address.hostname and address.hostname not in _LOOPBACK:
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: links in e-mails and the PDFs' QR codes start "
            "with it.",
            hint="Set SITE_URL to the https address people open, e.g. https://<host>.kommune.dk.",
            id="institutioner.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs, **kwargs):
    """Outside DEBUG an empty ALLOWED_HOSTS answers every request with 400."""
    if settings.DEBUG or settings.ALLOWED_HOSTS:
        return []
    return [
        Warning(
            "DJANGO_ALLOWED_HOSTS is empty: every request is answered with 400 Bad Request.",
            hint="Set DJANGO_ALLOWED_HOSTS to the host names people open, comma-separated.",
            id="institutioner.W002",
        )
    ]
