"""Documents made once and kept (StoredFile): a signed agreement's PDF, for instance.

The app that owns a kind of document registers its maker (`register_producer`) from its
AppConfig.ready(). A change that needs the document asks for it with `stored_file_expect` inside
its own transaction, which only writes a row that names the document. The document is made
later, outside that transaction, by whoever needs the bytes first (the worker sending the e-mail
that carries it, or a download) with `stored_file_bytes`; the row lock makes it once, however
many e-mails or people ask at the same time.
"""

import hashlib
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from institutioner.models import Notification, StoredFile

Producer = Callable[[StoredFile], bytes]
_producers: dict[str, Producer] = {}


def file_slug(label: str) -> str:
    """A label in a file name: æ, ø and å spelt out (slugify would drop them)."""
    label = label.lower()
    for letter, ascii_letters in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        label = label.replace(letter, ascii_letters)
    return slugify(label)


def register_producer(name: str, producer: Producer) -> None:
    _producers[name] = producer


def stored_file_expect(
    *, producer: str, concerns: models.Model, name: str, mimetype: str
) -> StoredFile:
    """The row for the document `producer` makes of `concerns`: the existing one, or a new one
    whose content is made when first asked for. Idempotent."""
    if producer not in _producers:
        raise LookupError(f"No maker registered for {producer!r}.")
    key = {
        "producer": producer,
        "content_type": ContentType.objects.get_for_model(concerns),
        "object_id": concerns.pk,
    }
    found = StoredFile.objects.filter(**key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return StoredFile.objects.create(**key, name=name, mimetype=mimetype)
    except IntegrityError:  # made at the same moment by someone else
        return StoredFile.objects.get(**key)


def stored_file_bytes(*, file_id: int) -> bytes:
    """The document's bytes, made now if nobody has made them yet (and then kept)."""
    made = StoredFile.objects.filter(pk=file_id, data__isnull=False).values_list("data", flat=True)
    for kept in made:
        if kept is not None:
            return bytes(kept)
    with transaction.atomic():
        file = StoredFile.objects.select_for_update().get(pk=file_id)
        if file.data is None:
            data = _producers[file.producer](file)
            file.data = data
            file.sha256 = hashlib.sha256(data).hexdigest()
            file.size = len(data)
            file.made_at = timezone.now()
            file.save(update_fields=["data", "sha256", "size", "made_at"])
            return data
        return bytes(file.data)


def stored_file_save(
    *, producer: str, concerns: models.Model, name: str, mimetype: str, data: bytes
) -> StoredFile:
    """Keep a document that a long job has just made (an access request's ZIP), rather than one
    made on first demand. A second save for the same object keeps the first one's bytes."""
    key = {
        "producer": producer,
        "content_type": ContentType.objects.get_for_model(concerns),
        "object_id": concerns.pk,
    }
    file, _created = StoredFile.objects.get_or_create(
        **key,
        defaults={
            "name": name,
            "mimetype": mimetype,
            "data": data,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "made_at": timezone.now(),
        },
    )
    return file


def stored_files_delete(*, model: type[models.Model], object_ids: list[int]) -> int:
    """Retention: delete the kept documents of these objects. An e-mail that carried one keeps
    its text and loses the attachment (the outbox keeps sent e-mails for a shorter time anyway)."""
    files = StoredFile.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=object_ids
    )
    Notification.objects.filter(attachment_file__in=files).update(attachment_file=None)
    deleted, _by_model = files.delete()
    return deleted


def stored_file_keep(
    *, producer: str, concerns: models.Model, name: str, mimetype: str, data: bytes
) -> StoredFile:
    """Keeps `data`, made by the caller (a worker that built it with progress of its own), as
    the document `producer` makes of `concerns`. Made already: the row is kept as it was, so
    a second run of the same task changes nothing."""
    row = stored_file_expect(producer=producer, concerns=concerns, name=name, mimetype=mimetype)
    with transaction.atomic():
        file = StoredFile.objects.select_for_update().get(pk=row.pk)
        if file.data is None:
            file.data = data
            file.sha256 = hashlib.sha256(data).hexdigest()
            file.size = len(data)
            file.made_at = timezone.now()
            file.save(update_fields=["data", "sha256", "size", "made_at"])
    return file
