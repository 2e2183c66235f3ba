"""What an attached document may be: PDF, Word (.doc, .docx, .odt) or an image (JPEG, PNG,
HEIC), told by its content (a renamed program stays a program), not empty and not too large."""

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from institutioner.validators import validate_no_cpr_child

# The types a document may have, by the MIME type its content shows.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.oasis.opendocument.text": "Word",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
    "image/heif": "HEIC",
}

# The file-name endings of each type, the first the one a name gets when it has none of them.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/heic": (".heic", ".heif"),
    "image/heif": (".heif", ".heic"),
}
NAME_MAX = 200

# The accept attribute of the file input: a hint for the browser's dialog, checked again here.
ACCEPT = ".pdf,.doc,.docx,.odt,.jpg,.jpeg,.png,.heic,.heif"

# Enough of the start of a file for filetype (it reads at most 8 KB; .docx needs a bit more to
# tell a Word document from another ZIP).
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    mimetype: str
    size: int
    sha256: str


def too_big_message() -> str:
    return _("The file is too large. It may be at most %(limit)s.") % {
        "limit": filesizeformat(settings.SUPPORT_DOCUMENT_MAX_BYTES)
    }


def request_too_big(content_length) -> bool:
    """A request body clearly larger than a document may be (the form's few fields aside): it is
    refused before the body is read."""
    try:
        length = int(content_length or 0)
    except (TypeError, ValueError):
        return False
    return length > settings.SUPPORT_DOCUMENT_MAX_BYTES + 64 * 1024


def _name(upload) -> str:
    name = (getattr(upload, "name", "") or "dokument").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = name.strip() or "dokument"
    try:
        validate_no_cpr_child(name)
    except ValidationError:
        # Nothing was typed: the name came with the file (a scan is often named by the CPR
        # number), so the message says what to do with it.
        raise ValidationError({"file": cpr_in_name_message()}) from None
    return name


def cpr_in_name_message() -> str:
    # The name is not repeated: the page would show the CPR number again.
    return _(
        "The file's name contains something that looks like a CPR number. Rename the file "
        "without it (the child's birth date has its own field) and attach it again."
    )


def typed_name(name: str, mimetype: str) -> str:
    """The name ends in an ending of the type the content showed ("evil.html" that is a PDF
    becomes "evil.html.pdf"), and a long name is cut in its stem, never its ending."""
    endings = EXTENSIONS.get(mimetype, ())
    stem, ending = name, ""
    for known in endings:
        if name.lower().endswith(known):
            stem, ending = name[: -len(known)], name[-len(known) :]
            break
    else:
        if endings:
            ending = endings[0]
    stem = stem[: NAME_MAX - len(ending)].rstrip() or "dokument"
    return stem + ending


def check_upload(upload) -> CheckedUpload:
    """The checks of an uploaded file (Django's UploadedFile, or any file object with a name);
    ValidationError on the field "file" with a Danish message."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > settings.SUPPORT_DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": too_big_message()})
    name = _name(upload)
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            {
                "file": _(
                    "The file is not a PDF, Word or image file (JPEG, PNG, HEIC). The type is "
                    "read from the content, not from the name."
                )
            }
        )
    digest = hashlib.sha256(head)
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        name=typed_name(name, kind.mime), mimetype=kind.mime, size=size, sha256=digest.hexdigest()
    )
