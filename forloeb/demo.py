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
    course = Course.objects.select_related("agreement__request").order_by("pk").first()
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


def _course_in_force(leader_email: str, n: int, start_weeks_ago: int):
    """Another accepted request with its agreement signed, so its course exists."""
    from indsats import demo as indsats_demo
    from indsats import services as indsats_services
    from indsats.models import InterventionRequest
    from institutioner.demo import DEMO_PASSWORD
    from institutioner.models import Pedagogist, User

    admin = User.objects.get(email="forvaltning@demo.dk")
    leader = User.objects.get(email=leader_email)
    institution = leader.institutions.first()
    pedagogist = Pedagogist.objects.filter(assignments__institution=institution).first()
    if institution is None or pedagogist is None:
        return None
    req = indsats_demo._create(leader, institution, n, start_in_days=1, waited_days=90)
    InterventionRequest.objects.filter(pk=req.pk).update(
        wished_start=timezone.localdate() - timedelta(weeks=start_weeks_ago)
    )
    req.refresh_from_db()
    indsats_demo._accept(admin, req, pedagogist, "4")
    _agreement, version = indsats_demo._agreement(pedagogist.user, req, goals=indsats_demo.GOALS)
    indsats_services.agreement_send_for_signature(actor=pedagogist.user, version_id=version.pk)
    for signer in (pedagogist.user, leader):
        indsats_services.agreement_sign(actor=signer, version_id=version.pk, password=DEMO_PASSWORD)
    return Course.objects.get(agreement__request=req), pedagogist.user


@register
def demo_more_courses() -> None:
    """A course that has just started, one in follow-up and one closed with its report."""
    from forloeb.models import EvaluationKind

    _course_in_force("leder.3.2@demo.dk", 1, start_weeks_ago=1)
    follow = _course_in_force("leder.4.1@demo.dk", 2, start_weeks_ago=9)
    if follow:
        course, user = follow
        for phase in (Phase.STARTUP, Phase.PRACTICE):
            services.course_advance(actor=user, course_id=course.pk, expected_phase=phase)
    closed = _course_in_force("leder.5.1@demo.dk", 3, start_weeks_ago=10)
    if closed:
        course, user = closed
        services.course_note_add(
            actor=user,
            course_id=course.pk,
            day=timezone.localdate() - timedelta(days=3),
            text="Slutevaluering holdt med lederen; personalet fortsætter legegrupperne selv.",
            practice_role="behind",
            themes=["social"],
        )
        for phase in (Phase.STARTUP, Phase.PRACTICE):
            services.course_advance(actor=user, course_id=course.pk, expected_phase=phase)
        final = course.evaluations.get(kind=EvaluationKind.FINAL)
        services.evaluation_complete(
            actor=user,
            evaluation_id=final.pk,
            participants="Lederen, stuens to pædagoger og indsatspædagogen",
            leadership_took_part=True,
            decision="close",
            summary="Overgangene er rolige, og legegrupperne er blevet en fast del af dagen.",
            assessments=[
                (goal["text"], 4, "") for goal in course.agreement.versions.get().content["goals"]
            ],
        )
        services.course_advance(actor=user, course_id=course.pk, expected_phase=Phase.FOLLOW_UP)
