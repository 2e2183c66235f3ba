"""The plan's part of an access request (indsigt): a pedagogist's recorded absence, with its
kind and note, cancelled ones too; registered from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from forloeb.models import Absence
from institutioner.accessrequests.sections import Section, register
from institutioner.models import User

CHUNK = 2000


def _of(person: User):
    return Absence.objects.filter(pedagogist__user=person)


def _absences(person: User):
    rows = _of(person).select_related("created_by", "cancelled_by")
    for absence in rows.order_by("starts_on", "pk").iterator(chunk_size=CHUNK):
        yield {
            "kind": str(absence.get_kind_display()),
            "starts_on": absence.starts_on,
            "ends_on": absence.ends_on,
            "time_from": absence.time_from,
            "time_to": absence.time_to,
            "repeat": str(absence.get_repeat_display()),
            "repeat_until": absence.repeat_until,
            "note": absence.note,
            "recorded": absence.created_at,
            "recorded_by": absence.created_by.name,
            "cancelled": absence.cancelled_at,
            "cancelled_by": absence.cancelled_by.name if absence.cancelled_by else "",
        }


register(
    Section(
        key="absences",
        title=_("Planned absence"),
        columns=(
            ("kind", _("Kind")),
            ("starts_on", _("First day")),
            ("ends_on", _("Last day")),
            ("time_from", _("From")),
            ("time_to", _("To")),
            ("repeat", _("Repeats")),
            ("repeat_until", _("Repeats until")),
            ("note", _("Note")),
            ("recorded", _("Recorded")),
            ("recorded_by", _("Recorded by")),
            ("cancelled", _("Cancelled")),
            ("cancelled_by", _("Cancelled by")),
        ),
        rows=_absences,
        count=lambda person: _of(person).count(),
        order=52,
    ),
)
