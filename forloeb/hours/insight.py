"""The hours' part of an access request (indsigt): a pedagogist's week sheets and their hours,
registered from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forloeb.models import HourEntry, WeekSheet
from institutioner.accessrequests.sections import Section, register
from institutioner.models import User

CHUNK = 2000


def _iso_week(monday) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _sheets(person: User):
    rows = WeekSheet.objects.filter(pedagogist__user=person).select_related("approved_by")
    for sheet in rows.order_by("week_start").iterator(chunk_size=CHUNK):
        yield {
            "week": _iso_week(sheet.week_start),
            "monday": sheet.week_start,
            "status": str(sheet.get_status_display()),
            "note": sheet.note,
            "submitted": sheet.submitted_at,
            "approved": sheet.approved_at,
            "approved_by": sheet.approved_by.name if sheet.approved_by else "",
        }


def _entries(person: User):
    rows = HourEntry.objects.filter(sheet__pedagogist__user=person).select_related("sheet")
    for entry in rows.order_by("sheet__week_start", "course_id", "category").iterator(
        chunk_size=CHUNK
    ):
        yield {
            "week": _iso_week(entry.sheet.week_start),
            "course": entry.course_id,
            "category": str(entry.get_category_display()),
            "hours": entry.hours,
        }


register(
    Section(
        key="week_sheets",
        title=_("Week sheets"),
        columns=(
            ("week", _("Week")),
            ("monday", pgettext_lazy("weekday", "Monday")),
            ("status", _("Status")),
            ("note", _("Note")),
            ("submitted", _("Submitted")),
            ("approved", _("Approved")),
            ("approved_by", _("Approved by")),
        ),
        rows=_sheets,
        count=lambda person: WeekSheet.objects.filter(pedagogist__user=person).count(),
        order=50,
    ),
    Section(
        key="hours",
        title=_("Hours"),
        columns=(
            ("week", _("Week")),
            ("course", _("Course")),
            ("category", _("Category")),
            ("hours", _("Hours")),
        ),
        rows=_entries,
        count=lambda person: HourEntry.objects.filter(sheet__pedagogist__user=person).count(),
        order=51,
    ),
)
