import contextlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indsats import hooks
from indsats.agreements import documents
from indsats.agreements.content import AgreementContent, content_anonymised, version_hash
from indsats.agreements.selectors import _parties, _signers, missing_signers, signer_slots, slot_for
from indsats.models import (
    Agreement,
    AgreementVersion,
    EventKind,
    RequestStatus,
    Signature,
    SignerAuthentication,
    VersionStatus,
)
from indsats.requests.services import _event, _lock_request, _require, request_anonymise
from institutioner.errors import StateError
from institutioner.files.services import stored_files_delete
from institutioner.models import NotificationKind, User
from institutioner.notifications.services import (
    notification_queue_many,
    notifications_done,
    notifications_open_again,
)
from institutioner.sso.services import FreshAuthentication
from institutioner.textlimits import MEDIUM, check_lengths
from institutioner.validators import validate_no_cpr

# The messages that ask someone to sign a version: done once they signed, or nobody can.
SIGNATURE_ASKED = ("agreement_sent", "reminder_signature")


def _lock_version(version_id: int) -> AgreementVersion:
    return (
        AgreementVersion.objects.select_for_update(of=("self",))
        .select_related("agreement__request__institution", "agreement__request__group")
        .get(pk=version_id)
    )


def _version_event(version, kind, actor, message=""):
    req = version.agreement.request
    return _event(req, kind=kind, actor=actor, from_status=req.status, message=message)


def _in_force_content(version: AgreementVersion) -> AgreementContent | None:
    """The content of the version in force that a draft adjusts (None for a new agreement)."""
    current = version.agreement.versions.in_force().exclude(pk=version.pk).first()
    return current.parsed if current is not None else None


def _refuse_if_finished(agreement_id: int) -> None:
    if hooks.agreement_finished(agreement_id=agreement_id):
        raise StateError(
            _("The work under this agreement has ended; it can no longer be adjusted.")
        )


@transaction.atomic
def agreement_create(*, actor: User, request_id: int) -> Agreement:
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.ACCEPTED,),
        _("The request is %(status)s; an agreement needs an accepted request."),
    )
    if Agreement.objects.filter(request=req).exists():
        raise StateError(_("The request already has an agreement."))
    agreement = Agreement.objects.create(request=req, created_by=actor)
    AgreementVersion.objects.create(
        agreement=agreement,
        content=AgreementContent.from_request(req).to_json(),
        created_by=actor,
    )
    _event(req, kind=EventKind.AGREEMENT_STARTED, actor=actor, from_status=req.status)
    return agreement


def frozen_message(version: AgreementVersion) -> str:
    if version.status == VersionStatus.SENT:
        return _(
            "This version is sent for signature and cannot be changed. To change it, decline "
            "to sign it (with a reason); it is then kept as declined and a new draft is made "
            "from it."
        )
    return _("This version is signed and cannot be changed. Make an adjustment instead.")


@transaction.atomic
def agreement_draft_update(
    *, actor: User, version_id: int, content: AgreementContent, expected_stamp: str = ""
) -> AgreementVersion:
    """Save a draft. `expected_stamp` is the draft's updated_at when the editor opened it: if
    someone else has saved since, nothing is overwritten."""
    version = _lock_version(version_id)
    if version.status != VersionStatus.DRAFT:
        raise StateError(frozen_message(version))
    if expected_stamp and version.updated_at.isoformat() != expected_stamp:
        raise StateError(
            _(
                "The draft has been saved since you opened it (by someone else, or by you in "
                "another tab or window), so your changes are not saved. Copy what you wrote, "
                "open the draft again and add it there."
            )
        )
    content.validate(version.agreement.request, previous=_in_force_content(version))
    version.content = content.to_json()
    version.save(update_fields=["content", "updated_at"])
    return version


@transaction.atomic
def agreement_send_for_signature(*, actor: User, version_id: int) -> AgreementVersion:
    version = _lock_version(version_id)
    if version.status != VersionStatus.DRAFT:
        raise StateError(_("Only a draft can be sent for signature."))
    _refuse_if_finished(version.agreement_id)
    content = version.parsed
    # Again here: a draft saved before a rule was added is not sent unchanged.
    content.validate(version.agreement.request, previous=_in_force_content(version))
    last = version.agreement.versions.exclude(number=None).aggregate(n=Max("number"))["n"] or 0
    version.number = last + 1
    version.status = VersionStatus.SENT
    version.content_hash = version_hash(
        agreement_id=version.agreement_id, number=version.number, content=version.content
    )
    version.starts_on = content.starts_on
    version.ends_on = content.ends_on
    version.hours_per_week = content.hours_per_week
    version.sent_at = timezone.now()
    version.save(
        update_fields=[
            "number",
            "status",
            "content_hash",
            "starts_on",
            "ends_on",
            "hours_per_week",
            "sent_at",
            "updated_at",
        ]
    )
    _version_event(
        version, EventKind.AGREEMENT_SENT, actor, _("Version %(n)s.") % {"n": version.number}
    )
    notification_queue_many(
        recipients=_signers(version),
        template="agreement_sent",
        context={"version": version, "req": version.agreement.request},
        concerns=version,
    )
    # Where its weekdays and times clash with what its pedagogists already have elsewhere: the
    # sender is warned (it is sent all the same; the signers decide).
    version.plan_clashes = hooks.plan_clashes(version=version)  # type: ignore[attr-defined]
    return version


@transaction.atomic
def agreement_sign(
    *,
    actor: User,
    version_id: int,
    password: str | None = None,
    fresh: FreshAuthentication | None = None,
) -> Signature:
    """Sign with the password entered again, or after a fresh login at the municipality's
    identity provider (`fresh`); the signature records which and when. Two people signing at
    once both count, once each: the version row is locked, so they sign one after the other."""
    if fresh is not None:
        if timezone.now() - fresh.at > timedelta(minutes=settings.SSO_FRESH_LOGIN_MINUTES):
            raise ValidationError(_("Your new login is too old to sign with; log in again."))
        authenticated_by, authenticated_at = fresh.method, fresh.at
    elif password is not None and actor.check_password(password):
        authenticated_by, authenticated_at = SignerAuthentication.PASSWORD, timezone.now()
    else:
        raise ValidationError({"password": _("The password is not correct.")})
    version = _lock_version(version_id)
    if version.status == VersionStatus.DRAFT:
        raise StateError(_("This version is a draft; it cannot be signed until it is sent."))
    if version.status in (VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED):
        raise StateError(_("This version is already signed by everyone; there is nothing to sign."))
    if version.status == VersionStatus.DECLINED:
        # Signed from a page opened before it was declined: it stays declined.
        raise StateError(
            _(
                "This version was declined and can no longer be signed; the work goes on in a "
                "new version."
            )
        )
    _refuse_if_finished(version.agreement_id)
    mine = slot_for(actor, version)
    if mine is None:
        raise StateError(_("You are not among those who sign this agreement."))
    slot, role = mine
    if version.signatures.filter(slot=slot).exists():
        raise StateError(_("This version has already been signed in your place."))
    signature = Signature.objects.create(
        version=version,
        slot=slot,
        role=role,
        user=actor,
        content_hash=version.content_hash,
        authenticated_by=authenticated_by,
        authenticated_at=authenticated_at,
    )
    _version_event(
        version,
        EventKind.AGREEMENT_SIGNED,
        actor,
        _("Version %(n)s signed as %(role)s.")
        % {"n": version.number, "role": signature.get_role_display().lower()},
    )
    needed = {s for s, _role, _who in signer_slots(version)}
    # Only signatures of exactly this content count.
    signed = set(
        version.signatures.filter(content_hash=version.content_hash).values_list("slot", flat=True)
    )
    notifications_done(concerns=version, templates=SIGNATURE_ASKED, recipients=[actor])
    if needed <= signed:
        _agreement_put_in_force(version, actor)
    return signature


def _notify_plan_changed(previous: AgreementVersion, version: AgreementVersion) -> None:
    """The institution's leaders hear at once when the course's weekdays or times change."""
    req = version.agreement.request
    leaders = User.objects.leaders_of(req.institution)
    notification_queue_many(
        recipients=list(leaders),
        template="course_plan_changed",
        kind=NotificationKind.COURSE_PLAN_CHANGED,
        context={
            "req": req,
            "version": version,
            "before": previous.parsed.plan.text(),
            "after": version.parsed.plan.text(),
        },
        concerns=version,
        dedupe_key=f"course-plan-changed:{version.pk}",
    )


def _agreement_put_in_force(version: AgreementVersion, actor: User) -> None:
    now = timezone.now()
    previous = (
        AgreementVersion.objects.select_for_update(of=("self",))
        .filter(agreement=version.agreement)
        .in_force()
        .first()
    )
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at", "updated_at"])
    version.status = VersionStatus.IN_FORCE
    version.in_force_at = now
    version.save(update_fields=["status", "in_force_at", "updated_at"])
    notifications_done(concerns=version, templates=SIGNATURE_ASKED)
    _version_event(
        version, EventKind.AGREEMENT_IN_FORCE, actor, _("Version %(n)s.") % {"n": version.number}
    )
    hooks.agreement_in_force(version=version, actor=actor)
    if previous is not None and previous.parsed.plan != version.parsed.plan:
        _notify_plan_changed(previous, version)
    # The PDF is not made here: this transaction holds the signature and the locks. The row
    # that names it is written now; the worker makes it once, after the commit, when the first
    # of these e-mails goes out (or a download asks first).
    notification_queue_many(
        recipients=_parties(version),
        template="agreement_in_force",
        context={"version": version, "req": version.agreement.request, "previous": previous},
        concerns=version,
        attachment_file=documents.signed_pdf(version),
    )


@transaction.atomic
def agreement_decline(*, actor: User, version_id: int, reason: str) -> AgreementVersion:
    version = _lock_version(version_id)
    if version.status != VersionStatus.SENT:
        raise StateError(_("Only a version sent for signature can be declined."))
    if slot_for(actor, version) is None:
        raise StateError(_("You are not among those who sign this agreement."))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why you decline to sign.")})
    validate_no_cpr(reason)
    check_lengths(reason=(reason, MEDIUM))
    number = version.number
    # The declined version is kept as it was sent (with any signatures it had, which no longer
    # count); the work goes on in a new draft of the same content.
    version.status = VersionStatus.DECLINED
    version.save(update_fields=["status", "updated_at"])
    notifications_done(concerns=version, templates=SIGNATURE_ASKED)
    draft = AgreementVersion.objects.create(
        agreement=version.agreement, content=version.content, created_by=actor
    )
    _version_event(
        version,
        EventKind.AGREEMENT_DECLINED,
        actor,
        _("Version %(n)s declined: %(reason)s") % {"n": number, "reason": reason},
    )
    notification_queue_many(
        recipients=[u for u in _parties(version) if u.pk != actor.pk],
        template="agreement_declined",
        context={
            "version": version,
            "req": version.agreement.request,
            "reason": reason,
            "by": actor,
        },
        concerns=version,
    )
    return draft


@transaction.atomic
def agreement_adjust(*, actor: User, agreement_id: int) -> AgreementVersion:
    """Justering: a new draft from the version in force; signed, it supersedes the old one."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    if agreement.ended_on is not None:
        raise StateError(_("The agreement has ended and can no longer be adjusted."))
    _refuse_if_finished(agreement.pk)
    if agreement.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.SENT]).exists():
        raise StateError(_("A version is already being worked on. Finish or decline it first."))
    current = agreement.versions.in_force().first()
    if current is None:
        raise StateError(_("Only an agreement in force can be adjusted."))
    draft = AgreementVersion.objects.create(
        agreement=agreement, content=current.parsed.to_json(), created_by=actor
    )
    _version_event(draft, EventKind.AGREEMENT_ADJUSTING, actor)
    return draft


@transaction.atomic
def agreement_end(*, actor: User, agreement_id: int, on: date | None) -> Agreement:
    """The work under the agreement ended on `on` (its course was closed): its agreed hours
    count until the end of that week and not after, in triage's free capacity and on the
    allocation dashboards, whatever period the version in force names, and a version sent for
    signature can no longer be signed, so the requests to sign it are marked read. `on=None`
    takes the end back (the course was opened again). Calling it again with the same day does
    nothing more."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("request")
        .get(pk=agreement_id)
    )
    if on is not None:
        for version in agreement.versions.filter(status=VersionStatus.SENT):
            notifications_done(concerns=version, templates=SIGNATURE_ASKED)
    if agreement.ended_on == on:
        return agreement
    if on is None:
        # Opened again: a version sent for signature can be signed once more, so the request to
        # sign it is back, unread, with those who have not signed it (the reminders come again
        # on their own).
        for version in agreement.versions.filter(status=VersionStatus.SENT):
            notifications_open_again(
                concerns=version, templates=("agreement_sent",), recipients=missing_signers(version)
            )
    agreement.ended_on = on
    agreement._history_user = actor  # type: ignore[attr-defined]
    agreement.save(update_fields=["ended_on"])
    req = agreement.request
    message = (
        _("Agreed hours count until the end of the week of %(day)s.") % {"day": f"{on:%d.%m.%Y}"}
        if on
        else _("The end of the agreement was taken back.")
    )
    _event(
        req, kind=EventKind.AGREEMENT_ENDED, actor=actor, from_status=req.status, message=message
    )
    return agreement


# --- Retention ----------------------------------------------------------------------------------

# The transaction-local setting the immutability trigger reads (migration 0009): the retention
# cut-off. The trigger lets a frozen version's content change only while it is set, only when it
# lies at least a year back, and only for an agreement whose work ended before it.
RETENTION_SETTING = "indsats.retention_before"


@contextlib.contextmanager
def _retention_allowed(before: datetime) -> Iterator[None]:
    postgres = connection.vendor == "postgresql"
    if postgres:
        _set_retention(before.date().isoformat())
    try:
        yield
    finally:
        if postgres:
            _set_retention("")


def _set_retention(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [RETENTION_SETTING, value])


def agreement_anonymise(*, agreement_id: int, before: datetime) -> None:
    """Retention, for an agreement whose work ended before `before`: its request is anonymised
    (`request_anonymise`), every version's content loses its free text and names
    (`content_anonymised`; number, hash, period, hours and signatures stay), and so do the
    copies in the versions' history; the kept PDFs are deleted. The database refuses this for
    an agreement that is not past `before`. Runs inside the caller's transaction (one per
    case)."""
    agreement = Agreement.objects.select_for_update(of=("self",)).get(pk=agreement_id)
    # First: on SQLite the trigger lets a signed version change only once its request is.
    request_anonymise(request_id=agreement.request_id)
    versions = list(AgreementVersion.objects.filter(agreement=agreement).only("pk", "content"))
    with _retention_allowed(before):
        for version in versions:
            AgreementVersion.objects.filter(pk=version.pk).update(
                content=content_anonymised(version.content)
            )
    history = AgreementVersion.history.model  # type: ignore[attr-defined]
    for row in history.objects.filter(agreement_id=agreement.pk).only("pk", "content"):
        history.objects.filter(pk=row.pk).update(
            content=content_anonymised(row.content), history_change_reason=None
        )
    stored_files_delete(model=AgreementVersion, object_ids=[v.pk for v in versions])
