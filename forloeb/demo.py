"""The demo's course: the agreement in force has a course in the practice phase with notes."""

from datetime import timedelta

from django.utils import timezone

from forloeb import services
from forloeb.models import Course, Phase
from institutioner.demo import register

NOTES = [
    (
        27,
        "beside",
        ["social"],
        "Opstartsmøde med lederen og stuens personale: vi gennemgik aftalen og aftalte, at "
        "formiddagens leg deles i tre mindre grupper tirsdag og torsdag.",
    ),
    (
        20,
        "front",
        ["social", "sprog"],
        "Jeg viste en legegruppe ved bordet, mens personalet observerede. Vi talte bagefter om, "
        "hvordan de voksne kan trække sig, når legen kører.",
    ),
    (
        13,
        "beside",
        ["krop"],
        "Personalet stod for to af grupperne, jeg for den tredje. Overgangen til frokost gik "
        "roligere: børnene vidste, hvor de skulle hen.",
    ),
    (
        6,
        "behind",
        ["social"],
        "Personalet kørte alle tre grupper selv; jeg observerede og gav feedback på "
        "personalemødet. Næste skridt: garderoben.",
    ),
]


@register
def demo_courses() -> None:
    course = Course.objects.select_related("agreement__request").first()
    if course is None:
        return
    pedagogist = course.agreement.request.allocations.select_related("pedagogist__user").first()
    if pedagogist is None:
        return
    user = pedagogist.pedagogist.user
    for item in course.checklist.filter(phase=Phase.STARTUP):
        services.course_tick(actor=user, course_id=course.pk, item_id=item.pk, done=True)
    services.course_advance(actor=user, course_id=course.pk, expected_phase=Phase.STARTUP)
    first = course.checklist.get(key="practice_roles")
    services.course_tick(actor=user, course_id=course.pk, item_id=first.pk, done=True)
    today = timezone.localdate()
    for days_ago, role, themes, text in NOTES:
        services.course_note_add(
            actor=user,
            course_id=course.pk,
            day=today - timedelta(days=days_ago),
            text=text,
            practice_role=role,
            themes=themes,
        )
