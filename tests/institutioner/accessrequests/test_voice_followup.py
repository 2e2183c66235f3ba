"""The institution's voice and the follow-ups in an access request: the ratings the person gave,
the invitations she sent or got, and the follow-ups she answered (forloeb/voice/insight.py,
forloeb/followup/insight.py)."""

from datetime import timedelta

from django.utils import timezone

from forloeb.courses import services as courses
from forloeb.followup import services as followup
from forloeb.models import EvaluationKind, Phase
from forloeb.voice import services as voice
from tests.forloeb.voice.conftest import answer
from tests.institutioner.accessrequests.conftest import section
from tests.institutioner.accessrequests.test_services import make, zip_of


def test_the_zip_holds_her_ratings_invitations_and_follow_ups(people):
    w = people
    final = w.course.evaluations.get(kind=EvaluationKind.FINAL)
    w.course.evaluations.filter(pk=final.pk).update(due_on=timezone.localdate())
    answer(w.leader, final, comment="Lenes ord om møderne.")
    voice.rating_invite(actor=w.leader, evaluation_id=final.pk, person_ids=[w.staff.pk])
    courses.course_set_phase(
        actor=w.administrator, course_id=w.course.pk, phase=Phase.CLOSED, reason="Afsluttet."
    )
    w.course.refresh_from_db()
    closed_on = timezone.localtime(w.course.closed_at).date()
    follow_up = followup.follow_up_open(
        course=w.course, months=3, closed_on=closed_on, due_on=closed_on + timedelta(days=91)
    )
    followup.follow_up_answer(
        actor=w.leader,
        follow_up_id=follow_up.pk,
        goals=[("Lenes mål for garderoben.", "partly")],
        would_ask_again="maybe",
        needs="Lene ønsker et personalemøde.",
    )

    files = zip_of(make(w, w.leader))
    [rating] = section(files, "ratings")
    assert rating["course"] == w.course.pk
    assert rating["collaboration"] == 4
    assert rating["collaboration_comment"] == "Hun lyttede til personalet."
    assert rating["comment"] == "Lenes ord om møderne."
    [invitation] = section(files, "rating_invitations")
    assert (invitation["person"], invitation["invited_by"]) == ("Per Personale", "Lene Leder")
    [answered] = section(files, "follow_ups")
    assert (answered["id"], answered["needs"]) == (follow_up.pk, "Lene ønsker et personalemøde.")
    assert answered["would_ask_again"] == "Måske"
    assert section(files, "follow_up_goals") == [
        {"follow_up": follow_up.pk, "goal": "Lenes mål for garderoben.", "in_use": "Delvist"}
    ]
    html = files["indsigt.html"]
    assert "Lenes ord om møderne." in html and "Lene ønsker et personalemøde." in html

    # The staff member she invited finds the invitation in his; her answers are not his.
    files = zip_of(make(w, w.staff))
    assert [i["invited_by"] for i in section(files, "rating_invitations")] == ["Lene Leder"]
    assert section(files, "ratings") == [] and section(files, "follow_ups") == []
