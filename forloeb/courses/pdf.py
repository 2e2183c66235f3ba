"""The closing report as PDF, with the same look as the agreement."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML

from forloeb.hours import weeks as hours
from forloeb.models import Course, EvaluationKind, EvaluationStatus
from indsats.agreements.pdf import font_config


def closing_report_html(course: Course, *, with_hours: bool) -> str:
    """`with_hours`: whether the reader may see the hours delivered (the view asks
    `forloeb.access.closing_report_shows_hours`); without, they are not even computed."""
    version = (
        course.agreement.versions.in_force().first()
        or course.agreement.versions.exclude(number=None).order_by("-number").first()
    )
    evaluations = list(
        # In the order they were held: the last one is the course's final word.
        course.evaluations.filter(status=EvaluationStatus.COMPLETED)
        .order_by("held_on", "completed_at", "pk")
        .prefetch_related("assessments")
    )
    logo = finders.find(settings.MUNICIPALITY_LOGO)
    context = {
        # A course not closed yet has a report so far, not a closing one.
        "title": _("Closing report") if course.closed_at else _("Course report (interim)"),
        "course": course,
        "req": course.agreement.request,
        "version": version,
        "view": version.parsed.display() if version else None,
        "evaluations": evaluations,
        "last": evaluations[-1] if evaluations else None,
        # The final evaluation's summary is the report's; an ongoing one's stays in its row.
        "final": next((e for e in reversed(evaluations) if e.kind == EvaluationKind.FINAL), None),
        "notes": course.notes.count(),
        "delivered": hours.course_weeks(course, limit=520)[1] if with_hours else None,
        "municipality": settings.MUNICIPALITY_NAME,
        "logo_url": Path(logo).as_uri() if logo else "",
    }
    with translation.override("da"):
        return render_to_string("pdf/closing_report.html", context)


def closing_report_pdf(course: Course, *, with_hours: bool) -> bytes:
    html = HTML(
        string=closing_report_html(course, with_hours=with_hours), base_url=str(settings.BASE_DIR)
    )
    return html.write_pdf(font_config=font_config())
