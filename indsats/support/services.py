"""Every write of a support application: one function per action.

Each transition checks the current state (StateError with a Danish message if wrong), locks the
row, saves with update_fields, writes a SupportEvent with the acting user, and queues the e-mails
in the same transaction (the outbox sends them after commit). E-mails name the application only
as "Ansøgning #id (institution)": never the child.
"""

import hashlib
import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from indsats import access as support_access
from indsats.models import (
    AgendaPurpose,
    AssessmentKind,
    CustodyConsent,
    InterventionRequest,
    RequestStatus,
    SupportApplication,
    SupportDecision,
    SupportDocument,
    SupportEvent,
    SupportEventKind,
    SupportKind,
    SupportStatus,
)
from indsats.support import files, periods
from indsats.supportmeetings.services import agenda_place, agenda_take_off
from institutioner import access
from institutioner.errors import StateError
from institutioner.files.services import stored_files_delete
from institutioner.models import Role, User
from institutioner.notifications.services import notification_queue, notification_queue_many
from institutioner.retention.services import text_anonymise
from institutioner.textlimits import MEDIUM, check_lengths
from institutioner.validators import validate_no_cpr_child

logger = logging.getLogger(__name__)

SUPPORT_FIELDS = [
    "kind",
    "institution",
    "group",
    "child_name",
    "child_birth_date",
    "everyday_needs",
    "tried_already",
    "hours_per_week",
    "period_start",
    "period_end",
    "custody_consent",
    "single_consent_reason",
]

# A case that has ended: its child data goes after the retention period.
ENDED_STATUSES = (SupportStatus.REJECTED, SupportStatus.ENDED, SupportStatus.WITHDRAWN)

# The earlier interventions a leader can link: requests that were accepted.
LINKABLE_REQUEST_STATUSES = (RequestStatus.ACCEPTED,)


# Plausible dates of an application (seed 001 names no period; these catch typing errors): a
# child in daycare is born at most 7 years ago and not in the future; the period's bounds are
# periods.py's, which the committee's decision keeps too.
BIRTH_YEARS_BACK = 7


class SupportChangedMeanwhile(StateError):
    """The application was saved elsewhere (another tab or person) after the form opened."""


def support_stamp(application: SupportApplication) -> str:
    """What a change form keeps of the application as it was opened: every value the form shows
    (an attached document or a message does not make the form stale)."""
    parts = [application.status]
    for field in SUPPORT_FIELDS:
        value = getattr(application, f"{field}_id" if field in ("institution", "group") else field)
        parts.append("" if value is None else str(value))
    earlier = sorted(application.earlier_interventions.values_list("pk", flat=True))
    parts.append(",".join(str(pk) for pk in earlier))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class DocumentNotSaved(StateError):
    """The storage (file system or S3) failed: nothing was kept, the upload can be tried again."""


def support_people() -> list[User]:
    """Who is told that an application arrived: the administration and the visitation role."""
    return list(
        User.objects.filter(is_active=True).filter(
            Q(role__in=(Role.ADMINISTRATION, Role.CONSULTANT)) | Q(is_superuser=True)
        )
    )


def linkable_requests(institutions) -> QuerySet[InterventionRequest]:
    """The institutions' accepted requests, newest first: the earlier interventions a leader
    picks from."""
    return (
        InterventionRequest.objects.filter(
            institution__in=institutions, status__in=LINKABLE_REQUEST_STATUSES
        )
        .select_related("institution", "group")
        .order_by("-created_at", "-pk")
    )


def _lock(application_id: int) -> SupportApplication:
    return (
        SupportApplication.objects.select_for_update(of=("self",))
        .select_related("institution", "group", "created_by")
        .get(pk=application_id)
    )


def _require(
    application: SupportApplication, allowed: tuple[str, ...], message: str, *, target: str = ""
) -> None:
    if application.status in allowed:
        return
    status = application.get_status_display().lower()
    if application.status == target:
        raise StateError(_("The application is already %(status)s.") % {"status": status})
    raise StateError(message % {"status": status})


def _event(application, *, kind, actor, from_status="", message="") -> SupportEvent:
    # Questions and answers are free text too: no CPR numbers, whoever calls.
    check_lengths(message=(message, MEDIUM))
    validate_no_cpr_child(message)
    return SupportEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        from_status=from_status or application.status,
        to_status=application.status,
        message=message,
    )


def _check_scope(actor: User, data: dict) -> None:
    if not support_access.can_apply_for_support(actor):
        raise StateError(_("Only a leader of the institution can apply for support."))
    if not access.institutions_for(actor).filter(pk=data["institution"].pk).exists():
        raise StateError(_("You can only apply for support for your own institutions."))
    check_group(data)


def check_group(data: dict) -> None:
    """The group is one of the application's institution (a ValidationError on it otherwise)."""
    group = data.get("group")
    if group is not None and group.institution_id != data["institution"].pk:
        raise ValidationError({"group": _("The group does not belong to the institution.")})


def check_earlier(data: dict) -> list[InterventionRequest]:
    # Read again: the form's objects may be stale, and a service can be called from anywhere.
    ids = [req.pk for req in data.get("earlier_interventions") or []]
    earlier = list(InterventionRequest.objects.filter(pk__in=ids))
    wrong = len(earlier) != len(set(ids)) or any(
        req.institution_id != data["institution"].pk or req.status not in LINKABLE_REQUEST_STATUSES
        for req in earlier
    )
    if wrong:
        raise ValidationError(
            {
                "earlier_interventions": _(
                    "Choose only accepted requests of the institution the application is for."
                )
            }
        )
    return earlier


def _fill(application: SupportApplication, data: dict) -> None:
    for field in SUPPORT_FIELDS:
        if field in data:
            setattr(application, field, data[field])
    if application.custody_consent != CustodyConsent.ONE:
        application.single_consent_reason = ""
    for field in ("child_name", "everyday_needs", "tried_already", "single_consent_reason"):
        try:
            validate_no_cpr_child(getattr(application, field) or "")
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None


def check_hours(application: SupportApplication) -> None:
    """A special place is granted without support hours: none are applied for with it."""
    if application.kind != SupportKind.SUPPORT_HOURS and application.hours_per_week is not None:
        raise ValidationError({"hours_per_week": periods.special_place_hours()})


def _between(earliest: date, latest: date) -> str:
    return _("Choose a date between %(earliest)s and %(latest)s.") % {
        "earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
        "latest": formats.date_format(latest, "SHORT_DATE_FORMAT"),
    }


def check_dates(application: SupportApplication, *, since: date | None = None) -> None:
    """The birth date and the period are plausible (a ValidationError naming every field that is
    not, together).
    `since`: the day the application was made, so a case being answered months later may keep
    the period it asked for."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    born, start, end = (
        application.child_birth_date,
        application.period_start,
        application.period_end,
    )
    if born is not None:
        earliest = today.replace(year=today.year - BIRTH_YEARS_BACK, day=1)
        if not earliest <= born <= today:
            errors["child_birth_date"] = [_between(earliest, today)]
        elif start is not None and born > start:
            errors["child_birth_date"] = [_("The child must be born before the period starts.")]
    if start is not None:
        earliest = min(today, since or today) - timedelta(days=periods.PERIOD_DAYS_BACK)
        latest = today + timedelta(days=periods.PERIOD_DAYS_AHEAD)
        if not earliest <= start <= latest:
            errors["period_start"] = [_between(earliest, latest)]
    # An end that has passed is told whatever the start (missing or refused too), so both are
    # fixed in one go; its order and length only against a start that stands.
    if end is not None:
        if end < today:
            errors["period_end"] = [_("The period is already over. Choose a period ahead.")]
        elif start is not None and "period_start" not in errors:
            if end < start:
                errors["period_end"] = [_("The period must end on or after its start.")]
            elif message := periods.too_long(start, end):
                errors["period_end"] = [message]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def support_create(*, actor: User, data: dict, client_token) -> tuple[SupportApplication, bool]:
    """A draft. The same form posted twice (double click, two tabs) creates one application."""
    existing = SupportApplication.objects.filter(client_token=client_token).first()
    if existing is not None:
        if existing.created_by_id != actor.pk:
            raise StateError(_("This form has already been used. Open a new form."))
        return existing, False
    _check_scope(actor, data)
    earlier = check_earlier(data)
    application = SupportApplication(created_by=actor, client_token=client_token)
    _fill(application, data)
    check_hours(application)
    check_dates(application)
    application.full_clean(exclude=["client_token"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        existing = SupportApplication.objects.filter(client_token=client_token).first()
        if existing is None or existing.created_by_id != actor.pk:
            raise
        return existing, False
    application.earlier_interventions.set(earlier)
    _event(application, kind=SupportEventKind.CREATED, actor=actor)
    return application, True


@transaction.atomic
def support_update(
    *, actor: User, application_id: int, data: dict, expected_stamp: str = ""
) -> SupportApplication:
    """`expected_stamp` is `support_stamp()` when the form was opened: if the application was
    saved since (another tab, another person), nothing is overwritten."""
    application = _lock(application_id)
    _require(
        application,
        (SupportStatus.DRAFT, SupportStatus.NEEDS_INFO),
        _("The application is %(status)s and can no longer be changed."),
    )
    if expected_stamp and expected_stamp != support_stamp(application):
        raise SupportChangedMeanwhile(
            _(
                "The application was saved by someone else, or in another tab, after you "
                "opened this form, so your changes are not saved. What you typed is still in "
                "the form below: save again to replace the application with it, or cancel to "
                "see the application as it is now."
            )
        )
    _check_scope(actor, data)
    earlier = check_earlier(data)
    _fill(application, data)
    check_hours(application)
    check_dates(application, since=timezone.localdate(application.created_at))
    application.full_clean()
    application.save(update_fields=[*SUPPORT_FIELDS, "updated_at"])
    application.earlier_interventions.set(earlier)
    if application.status == SupportStatus.NEEDS_INFO:
        _event(application, kind=SupportEventKind.UPDATED, actor=actor)
    return application


def missing_for_submission(application: SupportApplication) -> list[str]:
    """What keeps the application from being submitted, in Danish, one item per thing."""
    missing: list[object] = []
    if application.custody_consent == CustodyConsent.NONE:
        missing.append(_("the consent of the custody holders"))
    elif (
        application.custody_consent == CustodyConsent.ONE
        and not application.single_consent_reason.strip()
    ):
        missing.append(_("the reason why only one custody holder consents"))
    attached = set(application.documents.values_list("kind", flat=True))
    for kind in application.required_assessments:
        if kind not in attached:
            missing.append(AssessmentKind(kind).label)
    if application.kind == SupportKind.SUPPORT_HOURS and not application.hours_per_week:
        missing.append(_("the support hours a week asked for"))
    if _period_over(application):
        missing.append(
            _("a period ahead (%(start)s–%(end)s is already over)")
            % {
                "start": formats.date_format(application.period_start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(application.period_end, "SHORT_DATE_FORMAT"),
            }
        )
    return [str(item) for item in missing]


def _period_over(application: SupportApplication) -> bool:
    return application.period_end is not None and application.period_end < timezone.localdate()


def _check_complete(application: SupportApplication) -> None:
    missing = missing_for_submission(application)
    if missing:
        raise StateError(
            _("The application cannot be submitted yet. Missing: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )


def _tell_support_people(application: SupportApplication, template: str, **context) -> None:
    notification_queue_many(
        recipients=support_people(),
        template=template,
        context={"application": application, **context},
        concerns=application,
    )


@transaction.atomic
def support_submit(*, actor: User, application_id: int) -> SupportApplication:
    application = _lock(application_id)
    _require(
        application,
        (SupportStatus.DRAFT,),
        _("The application is %(status)s and cannot be submitted."),
        target=SupportStatus.SUBMITTED,
    )
    if _period_over(application):
        # A draft left until its period passed: as saving it says, a period ahead is needed.
        raise StateError(_("The period is already over. Choose a period ahead."))
    _check_complete(application)
    before = application.status
    application.status = SupportStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(application, kind=SupportEventKind.SUBMITTED, actor=actor, from_status=before)
    # Placed by the rules, not by the leader: the history says so.
    item = agenda_place(application=application, actor=None)
    _tell_support_people(application, "support_submitted", item=item)
    return application


@transaction.atomic
def support_withdraw(*, actor: User, application_id: int, reason: str = "") -> SupportApplication:
    check_lengths(reason=(reason, MEDIUM))
    application = _lock(application_id)
    if application.status == SupportStatus.DRAFT:
        raise StateError(_("A draft is not withdrawn: delete it instead."))
    _require(
        application,
        (SupportStatus.SUBMITTED, SupportStatus.NEEDS_INFO),
        _("The application is %(status)s and cannot be withdrawn."),
        target=SupportStatus.WITHDRAWN,
    )
    before = application.status
    application.status = SupportStatus.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    _event(
        application,
        kind=SupportEventKind.WITHDRAWN,
        actor=actor,
        from_status=before,
        message=reason,
    )
    agenda_take_off(application=application)
    _tell_support_people(application, "support_withdrawn")
    return application


@transaction.atomic
def support_draft_discard(*, actor: User, application_id: int) -> None:
    """The leader deletes a draft she no longer wants, with its documents and history: it was
    never submitted, so nobody else has seen it."""
    application = _lock(application_id)
    if not support_access.can_delete_support_draft(actor, application):
        raise StateError(
            _("The application is %(status)s; only a draft can be deleted.")
            % {"status": application.get_status_display().lower()}
        )
    if not access.institutions_for(actor).filter(pk=application.institution_id).exists():
        raise StateError(_("You can only delete drafts of your own institutions."))
    support_draft_delete(application_id=application.pk)


@transaction.atomic
def support_ask(*, actor: User, application_id: int, question: str) -> SupportApplication:
    """The administration or the visitation role asks the leader outside a meeting."""
    check_lengths(question=(question, MEDIUM))
    if not question.strip():
        raise ValidationError({"question": _("Write what you need to know.")})
    try:
        validate_no_cpr_child(question)
    except ValidationError as error:
        raise ValidationError({"question": error.messages}) from None
    application = _lock(application_id)
    _require(
        application,
        (SupportStatus.SUBMITTED,),
        _("The application is %(status)s; you cannot ask about it now."),
    )
    before = application.status
    application.status = SupportStatus.NEEDS_INFO
    application.save(update_fields=["status", "updated_at"])
    _event(
        application,
        kind=SupportEventKind.QUESTION,
        actor=actor,
        from_status=before,
        message=question,
    )
    # It waits for the answer, not for the meeting.
    agenda_take_off(application=application, awaiting_info=True)
    notification_queue(
        recipient=application.created_by,
        template="support_question",
        context={"application": application},
        concerns=application,
    )
    return application


@transaction.atomic
def support_answer(*, actor: User, application_id: int, answer: str) -> SupportApplication:
    """The leader answers (after changing the application if needed): submitted again and put
    on the next meeting's agenda."""
    check_lengths(answer=(answer, MEDIUM))
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer.")})
    try:
        validate_no_cpr_child(answer)
    except ValidationError as error:
        raise ValidationError({"answer": error.messages}) from None
    application = _lock(application_id)
    _require(
        application,
        (SupportStatus.NEEDS_INFO,),
        _("The application is %(status)s; there is no question to answer."),
    )
    _check_complete(application)
    before = application.status
    application.status = SupportStatus.SUBMITTED
    application.save(update_fields=["status", "updated_at"])
    _event(
        application,
        kind=SupportEventKind.ANSWERED,
        actor=actor,
        from_status=before,
        message=answer,
    )
    item = agenda_place(application=application, actor=None, purpose=AgendaPurpose.ANSWERED)
    _tell_support_people(application, "support_answered", item=item)
    return application


@transaction.atomic
def support_person_add(*, actor: User, application_id: int, person: User) -> SupportApplication:
    """The administration adds a team pedagogist to the case: they see it from now on."""
    if not support_access.can_add_support_person(actor):
        raise StateError(_("Only the administration can add people to a case."))
    if not access.is_pedagogist(person) or not person.is_active:
        raise ValidationError({"person": _("Choose an active pedagogist.")})
    application = _lock(application_id)
    if application.status == SupportStatus.DRAFT:
        raise StateError(_("A draft cannot have people added."))
    if application.added_people.filter(pk=person.pk).exists():
        raise StateError(_("%(name)s is already added to the case.") % {"name": person.name})
    application.added_people.add(person)
    _event(
        application,
        kind=SupportEventKind.PERSON_ADDED,
        actor=actor,
        message=person.name,
    )
    notification_queue(
        recipient=person,
        template="support_person_added",
        context={"application": application},
        concerns=application,
    )
    return application


# --- Documents ---------------------------------------------------------------------------------


@transaction.atomic
def support_document_add(*, actor: User, application_id: int, kind: str, upload) -> SupportDocument:
    """Attach a file. Its type is read from its content, not its name; it is saved through the
    storage first and the row written after, so there is never a row without its file. If the
    storage fails, DocumentNotSaved says so in Danish and nothing is kept; if the row cannot be
    written, the file just saved is removed again (best effort)."""
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": _("Choose what kind of document it is.")})
    checked = files.check_upload(upload)
    application = _lock(application_id)
    _require(
        application,
        (SupportStatus.DRAFT, SupportStatus.NEEDS_INFO),
        _("The application is %(status)s; documents can no longer be attached."),
    )
    document = SupportDocument(
        application=application,
        kind=kind,
        name=checked.name,
        mimetype=checked.mimetype,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    upload.seek(0)
    try:
        document.file.save("upload", upload, save=False)
    except Exception:
        logger.exception(
            "The support document of application %s could not be stored.", application.pk
        )
        raise DocumentNotSaved(_("The file could not be saved right now. Try again.")) from None
    try:
        with transaction.atomic():
            document.save()
            _event(
                application,
                kind=SupportEventKind.DOCUMENT_ADDED,
                actor=actor,
                message=f"{document.get_kind_display()}: {document.name}",
            )
    except Exception:
        _delete_file(document)
        raise
    return document


def _delete_file(document: SupportDocument) -> None:
    try:
        if document.file.name:
            document.file.storage.delete(document.file.name)
    except Exception:
        logger.warning("The support file %s could not be removed.", document.file.name)


@transaction.atomic
def support_document_remove(*, actor: User, document_id: int) -> SupportApplication:
    document = SupportDocument.objects.select_related("application").get(pk=document_id)
    application = _lock(document.application_id)
    _require(
        application,
        (SupportStatus.DRAFT, SupportStatus.NEEDS_INFO),
        _("The application is %(status)s; its documents can no longer be removed."),
    )
    label = f"{document.get_kind_display()}: {document.name}"
    name = document.file.name or ""
    storage = document.file.storage
    document.delete()
    _event(application, kind=SupportEventKind.DOCUMENT_REMOVED, actor=actor, message=label)

    def delete_file() -> None:
        try:
            storage.delete(name)
        except Exception:
            logger.warning("The removed support file %s could not be deleted.", name)

    # The file goes only once the row is gone for good.
    transaction.on_commit(delete_file)
    return application


# --- Retention ---------------------------------------------------------------------------------


def _delete_documents(application_id: int) -> None:
    documents = list(SupportDocument.objects.filter(application_id=application_id))
    names = [(d.file.storage, d.file.name) for d in documents if d.file.name]
    text_anonymise(SupportDocument, where={"application_id": application_id}, replace=("name",))
    SupportDocument.objects.filter(application_id=application_id).delete()

    def delete_files() -> None:
        for storage, name in names:
            try:
                storage.delete(name)
            except Exception:
                logger.warning("The support file %s could not be deleted.", name)

    transaction.on_commit(delete_files)


def support_anonymise(*, application_id: int) -> bool:
    """Retention: the child's name, birth day and month, what the child needs, what was tried,
    the reasons and messages of the case, in the rows and their history; the documents are
    deleted from the storage, and so are the kept decision letters (they name the child). Kind,
    institution, status, hours and dates stay (the statistics count them). Runs inside the
    caller's transaction; False if it was anonymised already."""
    application = _lock(application_id)
    if application.anonymised_at is not None:
        return False
    text_anonymise(
        SupportApplication,
        where={"id": application.pk},
        replace=("child_name", "everyday_needs", "tried_already", "single_consent_reason"),
    )
    birth_year = application.child_birth_date.replace(month=1, day=1)
    SupportApplication.objects.filter(pk=application.pk).update(child_birth_date=birth_year)
    SupportApplication.history.filter(id=application.pk).update(child_birth_date=birth_year)
    text_anonymise(SupportEvent, where={"application_id": application.pk}, replace=("message",))
    text_anonymise(SupportDecision, where={"application_id": application.pk}, replace=("reasons",))
    _delete_documents(application.pk)
    # The kept decision letters name the child; asked for again, they are made of what is left.
    stored_files_delete(
        model=SupportDecision,
        object_ids=list(
            SupportDecision.objects.filter(application_id=application.pk).values_list(
                "pk", flat=True
            )
        ),
    )
    SupportApplication.objects.filter(pk=application.pk).update(anonymised_at=timezone.now())
    return True


def support_draft_delete(*, application_id: int) -> bool:
    """Retention: a draft nobody touched for the period goes, with its files and history."""
    application = _lock(application_id)
    if application.status != SupportStatus.DRAFT:
        return False
    _delete_documents(application.pk)
    SupportDocument.history.filter(application_id=application.pk).delete()
    application.delete()
    SupportApplication.history.filter(id=application_id).delete()
    return True
