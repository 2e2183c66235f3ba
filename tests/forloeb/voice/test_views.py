"""The form's pages and the blind reveal on the course page (forloeb/voice/views.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forloeb.models import Evaluation, InstitutionRating
from institutioner.models import User
from tests.forloeb.courses.conftest import _complete
from tests.forloeb.voice.conftest import answer, course_due_today, form_data

pytestmark = pytest.mark.django_db


def _url(course, evaluation, name="rating_answer"):
    return reverse(name, args=[course.pk, evaluation.pk])


def test_a_leader_answers_through_the_form(client, world):
    course, final = course_due_today(world)
    client.force_login(world.leader)
    page = client.get(_url(course, final)).content.decode()
    assert "Samarbejde" in page and "Kultur i institutionen" in page
    assert "Personalets timer til møder om forløbet" in page
    response = client.post(_url(course, final), form_data())
    assert response.status_code == 302
    rating = InstitutionRating.objects.get()
    assert (rating.respondent, rating.effect, str(rating.meeting_hours)) == (world.leader, 3, "6.5")
    # The course page links to her own answer; a second answer is a message, not a new row.
    response = client.post(_url(course, final), form_data(), follow=True)
    assert "Du har allerede svaret på denne evaluering." in response.content.decode()
    assert InstitutionRating.objects.count() == 1


@pytest.mark.parametrize("bad", ["0", "6", "fem", ""])
def test_a_score_out_of_range_keeps_the_rest_of_the_form(client, world, bad):
    course, final = course_due_today(world)
    client.force_login(world.leader)
    response = client.post(_url(course, final), form_data(effect=bad, comment="Det hele tog tid."))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vælg en score fra 1 til 5." in page
    assert "Det hele tog tid." in page and "Hun lyttede til personalet." in page
    assert not InstitutionRating.objects.exists()


def test_cpr_numbers_and_too_long_comments_are_refused_in_danish(client, world):
    course, final = course_due_today(world)
    client.force_login(world.leader)
    page = client.post(
        _url(course, final),
        form_data(effect_comment="Barnet 010203-1234", culture_comment="x" * 501),
    ).content.decode()
    assert "CPR" in page and "Højst 500 tegn (du har skrevet 501)." in page
    page = client.post(_url(course, final), form_data(meeting_hours="600")).content.decode()
    assert "Skriv et antal timer fra 0 til 500." in page
    assert not InstitutionRating.objects.exists()


CPR_PLAIN = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."


def test_a_cpr_number_in_the_answer_gets_the_plain_message(client, world):
    """The comments are about the course, not a children's group: the message says only not to
    write CPR numbers (the request form's advice about the group does not fit here)."""
    course, final = course_due_today(world)
    client.force_login(world.leader)
    for field in ("effect_comment", "comment"):
        page = client.post(_url(course, final), form_data(**{field: "Se 010203-1234"}))
        assert CPR_PLAIN in page.content.decode(), field
        assert "børnegruppen" not in page.content.decode(), field
    with pytest.raises(ValidationError) as caught:
        answer(world.leader, final, comment="Se 010203-1234")
    assert caught.value.messages == [CPR_PLAIN]
    assert not InstitutionRating.objects.exists()


def test_far_too_many_meeting_hours_get_one_message(client, world):
    course, final = course_due_today(world)
    client.force_login(world.leader)
    page = client.post(_url(course, final), form_data(meeting_hours="100000")).content.decode()
    assert page.count("Skriv et antal timer fra 0 til 500.") == 1
    assert "cifre" not in page
    assert not InstitutionRating.objects.exists()


def test_an_answer_after_the_form_closed_gets_a_message(client, world):
    course, final = course_due_today(world)
    _complete(world, final)
    Evaluation.objects.filter(pk=final.pk).update(completed_at=timezone.now() - timedelta(days=40))
    client.force_login(world.leader)
    page = client.get(_url(course, final)).content.decode()
    assert "Skemaet lukkede" in page and "Send svaret" not in page
    response = client.post(_url(course, final), form_data(), follow=True)
    assert "Skemaet lukkede" in response.content.decode()
    assert not InstitutionRating.objects.exists()


def test_blind_reveal_the_pedagogist_sees_the_answer_after_recording_her_own(client, world):
    course, final = course_due_today(world)
    answer(world.leader, final, comment="Møderne fyldte for meget for os.")
    client.force_login(world.pedagogist.user)
    page = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert "Institutionens vurdering: 1 svar" in page
    assert "Møderne fyldte for meget for os." not in page
    assert "Hun lyttede til personalet." not in page
    _complete(world, final)
    page = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert "Møderne fyldte for meget for os." in page
    assert "Hun lyttede til personalet." in page and "Lene Leder" in page
    # Staff read nothing of it: it is the leader's answer.
    client.force_login(world.staff)
    page = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert "Møderne fyldte for meget for os." not in page


def test_a_leader_finds_her_own_answer_before_the_reveal(client, world):
    """Before the pedagogist records the evaluation, the leader who answered reaches her own
    answer from the course page (the others' answers stay hidden); after it, she reads them all
    in the list."""
    from decimal import Decimal

    course, final = course_due_today(world)
    answer(
        world.leader, final, comment="Møderne fyldte for meget for os.", meeting_hours=Decimal(8)
    )
    client.force_login(world.leader)
    page = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert f'href="{_url(course, final)}">Dit svar</a>' in page
    assert "Møderne fyldte for meget for os." not in page
    own = client.get(_url(course, final)).content.decode()
    assert "Møderne fyldte for meget for os." in own
    # Hours as everywhere else: 8, not 8,0.
    assert "Personalets timer til møder om forløbet: 8</p>" in own
    _complete(world, final)
    page = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert "Møderne fyldte for meget for os." in page
    assert ">Dit svar</a>" not in page


def test_invited_staff_answer_and_see_only_their_own(client, world):
    course, final = course_due_today(world)
    client.force_login(world.staff)
    assert client.get(_url(course, final)).status_code == 404
    client.force_login(world.leader)
    page = client.get(_url(course, final, "rating_invite")).content.decode()
    assert "Per Personale" in page
    response = client.post(_url(course, final, "rating_invite"), {"people": [world.staff.pk]})
    assert response.status_code == 302
    page = client.post(
        _url(course, final, "rating_invite"), {"people": [world.outsider.pk]}
    ).content.decode()
    assert "Vælg hvem der skal svare." in page or "Der er ikke flere" in page
    client.force_login(world.staff)
    start = client.get(reverse("start")).content.decode()
    assert _url(course, final) in start
    page = client.get(_url(course, final)).content.decode()
    assert "Personalets timer" not in page
    data = form_data(comment="Vi bruger stadig de små grupper.")
    del data["meeting_hours"]
    assert client.post(_url(course, final), data).status_code == 302
    answer(world.leader, final, comment="Lederens eget svar.")
    _complete(world, final)
    page = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert "Lederens eget svar." not in page
    assert client.get(_url(course, final)).status_code == 200


def test_the_invite_page_says_whether_nobody_has_a_login_or_all_are_invited(client, world):
    course, final = course_due_today(world)
    client.force_login(world.leader)
    User.objects.filter(pk=world.staff.pk).update(is_active=False)
    page = client.get(_url(course, final, "rating_invite")).content.decode()
    assert "Institutionen har ikke noget personale med login, der kan inviteres." in page
    assert "Der er ikke flere" not in page
    User.objects.filter(pk=world.staff.pk).update(is_active=True)
    assert client.post(_url(course, final, "rating_invite"), {"people": [world.staff.pk]})
    page = client.get(_url(course, final, "rating_invite")).content.decode()
    assert "Der er ikke flere i personalet, der kan inviteres." in page
    assert "Institutionen har ikke noget personale" not in page


def test_outsiders_and_the_team_do_not_open_the_form(client, world):
    course, final = course_due_today(world)
    for person in (world.outsider, world.pedagogist.user, world.administrator):
        client.force_login(person)
        assert client.get(_url(course, final)).status_code == 404
        assert client.get(_url(course, final, "rating_invite")).status_code == 404
        response = client.post(_url(course, final), form_data())
        assert response.status_code == 404
    assert not InstitutionRating.objects.exists()


@pytest.mark.parametrize("person", ["9223372036854775808", "-1", "²"])
def test_an_id_beyond_the_databases_integers_is_a_danish_message(client, world, person):
    course, final = course_due_today(world)
    client.force_login(world.leader)
    response = client.post(_url(course, final, "rating_invite"), {"people": [person]})
    assert response.status_code == 200
    assert "Vælg hvem der skal svare." in response.content.decode()


def test_a_second_tab_sent_after_the_first_shows_back_what_it_held(client, world):
    """Opened in two tabs, sent from A then from B: B's text is shown to be copied, not lost,
    and nothing is saved twice."""
    course, final = course_due_today(world)
    client.force_login(world.leader)
    assert client.post(_url(course, final), form_data(comment="Første fane")).status_code == 302
    long_comment = "Fra anden fane: " + "personalet fik ro i garderoben. " * 20
    response = client.post(
        _url(course, final),
        form_data(comment=long_comment, effect_comment="Effekt <b>set</b> i fane B"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Du har allerede svaret på denne evaluering." in page
    assert "Ikke gemt: det, du skrev i dette vindue" in page
    assert long_comment.strip() in page
    assert "Effekt &lt;b&gt;set&lt;/b&gt; i fane B" in page
    # The saved answer is still the first tab's, once.
    rating = InstitutionRating.objects.get()
    assert rating.comment == "Første fane"
    assert "Send svaret" not in page


def test_the_answers_comments_wrap_and_keep_their_line_breaks(client, world):
    """A leader's comment of one 500-letter word (or a long address) wraps in its table cell
    instead of widening the course page, and its line breaks show, escaped, as in the free
    text below the table."""
    course, final = course_due_today(world)
    long_word = "x" * 500
    answer(
        world.leader,
        final,
        comments={"collaboration": "Linje1\nLinje2 <b>fed</b>", "effect": long_word},
    )
    _complete(world, final)
    client.force_login(world.leader)
    page = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert '<td class="wrap-anywhere">Linje1<br>Linje2 &lt;b&gt;fed&lt;/b&gt;</td>' in page
    assert f'<td class="wrap-anywhere">{long_word}</td>' in page


@pytest.mark.parametrize("typed", ["1e2", "1_0", "\uff13", "1E1", "5,5e1"])
def test_meeting_hours_are_a_plain_number_or_refused(client, world, typed):
    """Python's Decimal reads "1e2" as 100, "1_0" as 10 and a full-width three as 3: none of
    them is saved; the leader is asked for a number."""
    course, final = course_due_today(world)
    client.force_login(world.leader)
    response = client.post(_url(course, final), form_data(meeting_hours=typed))
    assert response.status_code == 200
    assert "Skriv et antal timer fra 0 til 500." in response.content.decode()
    assert not InstitutionRating.objects.exists()


@pytest.mark.parametrize(
    "typed, saved", [("6,5", "6.5"), ("6.5", "6.5"), (",5", "0.5"), ("0", "0")]
)
def test_meeting_hours_take_a_decimal_comma_or_point(client, world, typed, saved):
    course, final = course_due_today(world)
    client.force_login(world.leader)
    response = client.post(_url(course, final), form_data(meeting_hours=typed))
    assert response.status_code == 302
    assert InstitutionRating.objects.get().meeting_hours == Decimal(saved)
