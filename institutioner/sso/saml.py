"""SAML 2.0 through djangosaml2 and pysaml2, for the municipal access control (Fælleskommunal
Adgangsstyring: KOMBIT's Context Handler) or any SAML identity provider.

pysaml2 checks the response: the signature on the assertion against the provider's certificate
in its metadata, the audience, the times (with `SAML_CLOCK_SKEW_SECONDS`) and that it answers a
request this browser made. Here: the configuration from the environment (metadata from a file, or
fetched with a bounded wait), a cache of assertion ids so an assertion is used once on this site,
the person read from the attributes (KOMBIT's privilege list gives job-function roles and data
scopes), and every failure as `LoginRefused` with a Danish message.
"""

import base64
import binascii
import logging
from typing import Any

import requests
import saml2
import saml2.xmldsig
from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _
from djangosaml2.backends import Saml2Backend
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT
from saml2.sigver import get_xmlsec_binary

from institutioner.models import IdentityProvider
from institutioner.sso import services
from institutioner.sso.services import LoginRefused

logger = logging.getLogger(__name__)

_METADATA_CACHE_SECONDS = 60 * 60
# OIOSAML's basic privilege profile, as KOMBIT's Context Handler sends it.
_PRIVILEGE_NS = "http://itst.dk/oiosaml/basic_privilege_profile"


def is_configured() -> bool:
    return bool(settings.SAML_SP_ENTITY_ID)


def unreachable() -> LoginRefused:
    return LoginRefused(
        _(
            "The municipal access control could not be reached just now. Try again in a few "
            "minutes, or contact the IT support if it goes on."
        )
    )


def idp_metadata() -> dict[str, list]:
    """The identity provider's metadata in pysaml2's form: the file, or the document fetched from
    the URL (once an hour at most, waiting `SAML_TIMEOUT_SECONDS` at most)."""
    if settings.SAML_IDP_METADATA_FILE:
        return {"local": [settings.SAML_IDP_METADATA_FILE]}
    url = settings.SAML_IDP_METADATA_URL
    key = f"saml-metadata:{url}"
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=settings.SAML_TIMEOUT)
            response.raise_for_status()
            document = response.text
        except requests.RequestException as error:
            logger.warning("SAML metadata could not be fetched: %s", error)
            raise unreachable() from error
        if "EntityDescriptor" not in document:
            logger.warning("SAML metadata from %s is not metadata", url)
            raise LoginRefused(_("The municipal access control is not set up correctly."))
        cache.set(key, document, _METADATA_CACHE_SECONDS)
    return {"inline": [document]}


def config_loader(request=None) -> SPConfig:
    """This site as a SAML service provider (djangosaml2's `SAML_CONFIG_LOADER`)."""
    acs = reverse("saml2_acs")
    if request is not None:
        acs = request.build_absolute_uri(acs)
    config = {
        "entityid": settings.SAML_SP_ENTITY_ID,
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.SAML_CLOCK_SKEW_SECONDS,
        "service": {
            "sp": {
                "name": "Indsatsteamet",
                "endpoints": {"assertion_consumer_service": [(acs, saml2.BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "name_id_format": NAMEID_FORMAT_PERSISTENT,
                "name_id_format_allow_create": True,
                "signing_algorithm": saml2.xmldsig.SIG_RSA_SHA256,
                "digest_algorithm": saml2.xmldsig.DIGEST_SHA256,
            }
        },
        "key_file": settings.SAML_KEY_FILE,
        "cert_file": settings.SAML_CERT_FILE,
        "encryption_keypairs": [
            {"key_file": settings.SAML_KEY_FILE, "cert_file": settings.SAML_CERT_FILE}
        ],
        "metadata": idp_metadata(),
    }
    conf = SPConfig()
    try:
        conf.load(config)
    except LoginRefused:
        raise
    except Exception as error:  # pysaml2 raises many kinds for bad metadata or keys
        logger.warning("SAML configuration could not be loaded: %r", error)
        raise LoginRefused(_("The municipal access control is not set up correctly.")) from error
    return conf


def sso_origin() -> str | None:
    """The scheme and host of the identity provider's login, for the Content-Security-Policy."""
    from urllib.parse import urlsplit

    conf = config_loader()
    for entity in conf.metadata.identity_providers():
        for location in conf.metadata.single_sign_on_service(entity, saml2.BINDING_HTTP_REDIRECT):
            parts = urlsplit(location["location"])
            return f"{parts.scheme}://{parts.netloc}"
    return None


def privileges(value: str) -> list[str]:
    """Group names from one value of the roles attribute: KOMBIT's base64 privilege list gives
    each job-function role (`<privilege>`) and each of its data scopes
    (`<privilege>|<constraint value>`); any other value is a group name as it is."""
    try:
        document = base64.b64decode(value, validate=True)
        root = ElementTree.fromstring(document)
    except DefusedXmlException:
        return []  # entities and the like: nothing from it
    except (binascii.Error, ValueError, ElementTree.ParseError):
        return [value]
    if not root.tag.endswith("PrivilegeList"):
        return [value]
    names = []
    for group in root.iter():
        if not group.tag.endswith("PrivilegeGroup"):
            continue
        roles = [p.text.strip() for p in group if p.tag.endswith("Privilege") and p.text]
        scopes = [c.text.strip() for c in group if c.tag.endswith("Constraint") and c.text]
        for role in roles:
            names.append(role)
            names.extend(f"{role}|{scope}" for scope in scopes)
    return names


def claims_of(session_info: dict[str, Any]) -> services.Claims:
    """The person as the assertion describes them, read through the configured attribute names."""
    attributes = session_info.get("ava") or {}

    def first(name: str) -> str:
        values = attributes.get(name) or []
        return str(values[0]) if values else ""

    if settings.SAML_SUBJECT_ATTRIBUTE:
        subject = first(settings.SAML_SUBJECT_ATTRIBUTE)
    else:
        name_id = session_info.get("name_id")
        transient = getattr(name_id, "format", None) == NAMEID_FORMAT_TRANSIENT
        subject = "" if transient else str(getattr(name_id, "text", "") or "")
    groups: list[str] = []
    for value in attributes.get(settings.SAML_GROUPS_ATTRIBUTE) or []:
        groups.extend(privileges(str(value)))
    return services.Claims(
        provider=IdentityProvider.SAML,
        subject=subject.strip(),
        email=first(settings.SAML_EMAIL_ATTRIBUTE),
        name=first(settings.SAML_NAME_ATTRIBUTE),
        groups=groups,
    )


def assertion_first_use(assertion_id: str, *, seconds: int) -> bool:
    """True the first time this site sees the assertion; a replay (in any session) is False."""
    return cache.add(f"saml-assertion:{assertion_id}", 1, max(seconds, 60))


class Backend(Saml2Backend):
    """The person the verified assertion vouches for, through `services.identity_login`."""

    def authenticate(self, request, session_info=None, **kwargs):
        if session_info is None or not is_configured():
            return None
        return services.identity_login(claims=claims_of(session_info))
