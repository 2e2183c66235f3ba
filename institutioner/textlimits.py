"""How long free text may be, and the one Danish message when it is longer.

Every free-text field the system stores has a maximum: long enough for what people write there,
short enough that pages, e-mails and the PDFs (WeasyPrint) stay fast. The form says so first
(the browser shows a counter, static/js/text-counter.js), the service checks again (services are
called from tasks and commands too), and the database refuses longer text (CharField max_length,
or a CheckConstraint on the Length of a TextField).
"""

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# A place, a title: one line.
SHORT = 200
# Who took part, how a goal is seen, a message with a cancellation, a week's note.
LINE = 500
# A goal.
GOAL = 1000
# Reasons, questions, what was seen, what the leadership commits to.
MEDIUM = 2000
# The need, the background, a logbook note, an evaluation's summary.
LONG = 4000

TOO_LONG = _("At most %(limit_value)d characters (you wrote %(show_value)d).")


@deconstructible
class MaxLength(validators.MaxLengthValidator):
    """Django's length check with the project's Danish message (for model fields)."""

    message = TOO_LONG


class TextField(forms.CharField):
    """A form's free-text field with a maximum: the browser's maxlength, and the Danish message
    with the count when the text is longer anyway (pasted, or posted without the page)."""

    default_error_messages = {"max_length": TOO_LONG}

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        # Browsers count a line break as one character against maxlength but send it as two
        # (CRLF); counted here as the person saw it, the text that fit in the box fits here too.
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


def use_length_message(form: forms.BaseForm) -> None:
    """Gives a model form's length-limited text fields the Danish message with the count."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages["max_length"] = TOO_LONG


def check_lengths(**fields: tuple[str | None, int]) -> None:
    """For services: `check_lengths(reason=(reason, MEDIUM))` raises a ValidationError per field
    whose text is longer than its maximum."""
    errors = {
        name: ValidationError(
            TOO_LONG, code="max_length", params={"limit_value": limit, "show_value": len(value)}
        )
        for name, (value, limit) in fields.items()
        if value and len(value) > limit
    }
    if errors:
        raise ValidationError(errors)


def length_constraint(field: str, limit: int, *, prefix: str) -> CheckConstraint:
    """The database's own refusal of a TextField longer than `limit` characters."""
    return CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"{prefix}_{field}_max_{limit}",
        violation_error_message=_("The text is too long."),
    )
