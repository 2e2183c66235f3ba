"""The courses' part of an access request (indsigt), registered from ForloebConfig.ready().

A person took part in a course when it grew from their request (or one they lead), or when
they were assigned to it as a pedagogist. Its evaluations are the course's record; the logbook
notes are those the person wrote.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from forloeb.models import Course, CourseNote, Evaluation
from indsats.agreements.insight import agreements_of
from institutioner.accessrequests.sections import Section, register
from institutioner.models import User

CHUNK = 1000


def courses_of(person: User) -> QuerySet[Course]:
    return Course.objects.filter(agreement__in=agreements_of(person))


def _courses(person: User):
    rows = courses_of(person).select_related(
        "agreement__request__institution", "agreement__request__group"
    )
    for course in rows.order_by("started_at", "pk").iterator(chunk_size=CHUNK):
        req = course.agreement.request
        yield {
            "id": course.pk,
            "agreement": course.agreement_id,
            "request": req.pk,
            "place": req.place,
            "phase": str(course.get_phase_display()),
            "started": course.started_at,
            "closed": course.closed_at,
        }


def _evaluations(person: User):
    rows = Evaluation.objects.filter(course__in=courses_of(person)).select_related("completed_by")
    for evaluation in rows.order_by("course_id", "due_on", "pk").iterator(chunk_size=CHUNK):
        yield {
            "course": evaluation.course_id,
            "kind": str(evaluation.get_kind_display()),
            "due": evaluation.due_on,
            "status": str(evaluation.get_status_display()),
            "participants": evaluation.participants,
            "leadership_took_part": evaluation.leadership_took_part,
            "decision": str(evaluation.get_decision_display()) if evaluation.decision else "",
            "summary": evaluation.summary,
            "held_on": evaluation.held_on,
            "completed": evaluation.completed_at,
            "completed_by": evaluation.completed_by.name if evaluation.completed_by else "",
        }


def _notes(person: User):
    rows = CourseNote.objects.filter(author=person)
    for note in rows.order_by("day", "pk").iterator(chunk_size=CHUNK):
        yield {
            "course": note.course_id,
            "day": note.day,
            "text": note.text,
            "practice_role": str(note.get_practice_role_display()) if note.practice_role else "",
            "themes": note.theme_labels,
            "created": note.created_at,
        }


register(
    Section(
        key="courses",
        title=_("Courses the person took part in"),
        columns=(
            ("id", _("Number")),
            ("agreement", _("Agreement")),
            ("request", _("Request")),
            ("place", _("Institution and group")),
            ("phase", _("Phase")),
            ("started", _("Started")),
            ("closed", _("Closed")),
        ),
        rows=_courses,
        count=lambda person: courses_of(person).count(),
        order=40,
    ),
    Section(
        key="evaluations",
        title=_("Evaluations of those courses"),
        columns=(
            ("course", _("Course")),
            ("kind", _("Kind")),
            ("due", _("Due")),
            ("status", _("Status")),
            ("participants", _("Participants")),
            ("leadership_took_part", _("The leadership took part")),
            ("decision", _("Decision")),
            ("summary", _("Summary")),
            ("held_on", _("Held on")),
            ("completed", _("Completed")),
            ("completed_by", _("Completed by")),
        ),
        rows=_evaluations,
        count=lambda person: Evaluation.objects.filter(course__in=courses_of(person)).count(),
        order=41,
    ),
    Section(
        key="logbook_notes",
        title=_("Logbook notes the person wrote"),
        columns=(
            ("course", _("Course")),
            ("day", _("Date")),
            ("text", _("Text")),
            ("practice_role", _("Role in practice")),
            ("themes", _("Learning-plan themes")),
            ("created", _("Created")),
        ),
        rows=_notes,
        count=lambda person: CourseNote.objects.filter(author=person).count(),
        order=42,
    ),
)
