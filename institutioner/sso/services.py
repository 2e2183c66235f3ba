"""Logging in through the municipality's identity provider: who the person is, what their
groups give them here, and fresh logins for signing. One function per action."""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from institutioner import services as organisation
from institutioner.models import ExternalIdentity, IdentityGroup, Membership, Role, User
from institutioner.validators import find_cpr_like

logger = logging.getLogger(__name__)

# When a person's groups give more than one role, the widest wins.
ROLE_ORDER = [Role.ADMINISTRATION, Role.PEDAGOGIST, Role.LEADER, Role.STAFF]
LEAVER_REASON = "Ikke længere i en gruppe hos identitetsudbyderen"


class LoginRefused(Exception):
    """A login through the identity provider that gives no session; the message is Danish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Claims:
    """What the identity provider says about a person, read through the configured names."""

    provider: str
    subject: str
    email: str = ""
    name: str = ""
    groups: list[str] = field(default_factory=list)
    auth_time: Any = None


def _mapping(groups: list[str]) -> tuple[str, set[int]] | None:
    """The role and institutions the person's groups give, or None when they give nothing."""
    known = list(IdentityGroup.objects.filter(name__in=groups).prefetch_related("institutions"))
    if not known:
        return None
    role = min((g.role for g in known), key=lambda r: ROLE_ORDER.index(Role(r)))
    institutions = {i.pk for g in known if g.role == role for i in g.institutions.all()}
    return role, institutions


def _missing(what: str) -> LoginRefused:
    return LoginRefused(
        _(
            "The municipality's identity provider did not send your %(what)s, so you cannot be "
            "logged in. Contact the IT support."
        )
        % {"what": what}
    )


# A run of six digits or more (a national identity number of any country, an employee number
# that may be one): never shown back, nor anything the CPR guard finds.
_DIGIT_RUN = re.compile(r"\d(?:[\s.\-/]?\d){5,}")
_SHOWN_LENGTH = 120


def _shown(value: str) -> str:
    """A claim fit to show back on the login page: one line, not too long, and nothing that may
    be a CPR or other national identity number (an attribute mapped to the wrong one)."""
    value = " ".join(value.split())[:_SHOWN_LENGTH]
    if not value or find_cpr_like(value) or _DIGIT_RUN.search(value):
        return ""
    return value


def identity_sent(claims: Claims) -> str:
    """Whom the provider logged in, as the person can recognise it: the name and e-mail address
    it sent (the subject, often a national identity number, never)."""
    return ", ".join(part for part in (_shown(claims.name), _shown(claims.email)) if part)


def _with_identity(message: str, claims: Claims) -> str:
    """A refusal says whom the provider sent, so a person at a shared computer sees she came
    back as someone else (still logged in there), and what to do."""
    identity = identity_sent(claims)
    if identity:
        told = _(
            "The municipality's login logged you in as: %(identity)s. If that is not you, choose "
            "the municipality's login again and log in as yourself."
        ) % {"identity": identity}
    else:
        told = _(
            "If someone else was logged in at the municipality's login, choose it again and log "
            "in as yourself."
        )
    return f"{message} {told}"


def identity_login(*, claims: Claims) -> User:
    """The person the identity provider vouches for, matched by subject (or, the first time,
    by e-mail), created when allowed, with the role and institutions their groups give now.

    Someone whose groups give nothing any more is deactivated (through `user_deactivate`, so
    their sessions end) and refused; a deactivated person stays out until the administration
    lets them back in. A refusal names whom the provider sent (`_with_identity`).
    """
    try:
        return _identity_login(claims)
    except LoginRefused as refused:
        raise LoginRefused(_with_identity(refused.message, claims)) from refused


def _identity_login(claims: Claims) -> User:
    if not claims.subject:
        raise _missing(_("user identifier"))
    mapped = _mapping(claims.groups)
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=claims.provider, subject=claims.subject)
        .first()
    )
    if mapped is None:
        if identity is not None and identity.user.is_active and not identity.user.is_superuser:
            organisation.user_deactivate(actor=None, user_id=identity.user_id, reason=LEAVER_REASON)
            logger.info("user %s left the identity provider's groups", identity.user_id)
        raise LoginRefused(
            _(
                "Your groups at the municipality's identity provider give no access to this "
                "system. Contact the administration if you should have access."
            )
        )
    role, institution_ids = mapped
    with transaction.atomic():
        if identity is not None:
            user = User.objects.select_for_update().get(pk=identity.user_id)
        else:
            user = _link_or_create(claims)
            identity = ExternalIdentity.objects.create(
                user=user, provider=claims.provider, subject=claims.subject
            )
        if not user.is_active:
            raise LoginRefused(_("This account is not active. Contact the administration."))
        _update(user, claims, role, institution_ids)
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
    return user


def _link_or_create(claims: Claims) -> User:
    if not claims.email:
        raise _missing(_("e-mail address"))
    user = User.objects.select_for_update().filter(email__iexact=claims.email).first()
    if user is not None:
        if user.identities.filter(provider=claims.provider).exists():
            # Someone else's account with this address is already linked to another subject.
            raise LoginRefused(
                _("Your e-mail address belongs to another login here. Contact the administration.")
            )
        return user
    if not settings.SSO_CREATE_USERS:
        raise LoginRefused(
            _("You have no account here yet. Ask the administration to create one for you.")
        )
    if not claims.name:
        raise _missing(_("name"))
    try:
        with transaction.atomic():
            user = User.objects.create_user(claims.email, None, name=claims.name[:150])
    except IntegrityError:
        raise LoginRefused(_("Your account could not be created. Try again.")) from None
    logger.info("user %s created at first login through %s", user.pk, claims.provider)
    return user


def _update(user: User, claims: Claims, role: str, institution_ids: set[int]) -> None:
    changed = []
    if claims.name and user.name != claims.name[:150]:
        user.name = claims.name[:150]
        changed.append("name")
    if not user.is_superuser and user.role != role:
        user.role = role
        changed.append("role")
    if changed:
        user._change_reason = "Identitetsudbyderen"  # type: ignore[attr-defined]
        user.save(update_fields=changed)
    keep = institution_ids if user.role in (Role.LEADER, Role.STAFF) else set()
    Membership.objects.filter(user=user).exclude(institution_id__in=keep).delete()
    have = set(Membership.objects.filter(user=user).values_list("institution_id", flat=True))
    Membership.objects.bulk_create(
        [Membership(user=user, institution_id=pk) for pk in sorted(keep - have)]
    )


# --- Fresh logins for signing ------------------------------------------------------------------

FRESH_KEY = "sso_fresh_authentication"


@dataclass(frozen=True)
class FreshAuthentication:
    """The person logged in again at the identity provider just now, for one purpose."""

    method: str
    at: datetime


def fresh_authentication_record(request, *, purpose: str, method: str, at: datetime) -> None:
    request.session[FRESH_KEY] = {"purpose": purpose, "method": method, "at": at.isoformat()}


def fresh_authentication_take(request, *, purpose: str) -> FreshAuthentication | None:
    """A fresh login made for this purpose within the allowed minutes; used up when taken."""
    stored = request.session.get(FRESH_KEY)
    if not stored or stored.get("purpose") != purpose:
        return None
    at = datetime.fromisoformat(stored["at"])
    if timezone.now() - at > timedelta(minutes=settings.SSO_FRESH_LOGIN_MINUTES):
        return None
    del request.session[FRESH_KEY]
    return FreshAuthentication(method=stored["method"], at=at)


def fresh_authentication_pending(request, *, purpose: str) -> bool:
    stored = request.session.get(FRESH_KEY)
    if not stored or stored.get("purpose") != purpose:
        return False
    at = datetime.fromisoformat(stored["at"])
    return timezone.now() - at <= timedelta(minutes=settings.SSO_FRESH_LOGIN_MINUTES)


# --- The second factor for the administration's passwords ------------------------------------


def totp_device_for(*, user: User) -> TOTPDevice:
    """The person's authenticator: the confirmed one, or the one being set up (made once, so
    reloading the page does not change the QR code)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Godkendelsesapp", confirmed=False)
    return device


def totp_verify(request, *, token: str) -> str | None:
    """Check a code from the app; the first good code confirms a new device. The session then
    counts as verified (django-otp). Returns what was wrong, in Danish, or None."""
    device = totp_device_for(user=request.user)
    token = "".join(token.split())
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        # django-otp waits longer after each wrong code (1, 2, 4 ... seconds).
        return _("Too many wrong codes just now. Wait a moment and try again.")
    if not token.isdigit() or not device.verify_token(token):
        return _("The code is not correct. Check the time on your phone.")
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        logger.info("user %s set up a TOTP device", request.user.pk)
    otp_login(request, device)
    return None
