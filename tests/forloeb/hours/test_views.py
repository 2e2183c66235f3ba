"""The week sheet, approval, Leverede timer and the hour exports as pages (hours/views.py)."""

import csv
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from forloeb.hours import services
from forloeb.hours import weeks as hours
from forloeb.models import HourEntry, SheetStatus, WeekSheet
from tests import factories
from tests.forloeb.hours.conftest import (
    MEET,
    PREP,
    SPAR,
    D,
    P,
    month_of_weeks,
    save,
    week_args,
)
from tests.indsats.helpers import accept, agreement_in_force, make_request


def test_the_week_sheet_page_saves_and_submits(client, world, running):
    client.force_login(world.pedagogist.user)
    monday = hours.this_monday()
    url = reverse("week_sheet", args=week_args(monday))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Udfyldt på forhånd" in html
    assert f'name="h_{running.pk}_practice"' in html and 'value="6"' in html
    response = client.post(
        url,
        {
            f"h_{running.pk}_practice": "5,5",
            f"h_{running.pk}_preparation": "1",
            "h_x_sparring": "1,5",
            "note": "Personalemøde torsdag",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    sheet = WeekSheet.objects.get()
    assert sheet.status == SheetStatus.SUBMITTED and sheet.note == "Personalemøde torsdag"
    assert {(e.course_id, e.category): e.hours for e in sheet.entries.all()} == {
        (running.pk, P): D("5.5"),
        (running.pk, PREP): D("1"),
        (None, SPAR): D("1.5"),
    }
    page = client.get(url).content.decode()
    assert "Genåbn ugen" in page and 'name="h_' not in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-2", "negative"),
        ("to", "Skriv timerne som et tal"),
        ("1,255", "to decimaler"),
        ("200", "168"),
        ("1e2", "Skriv timerne som et tal"),
        ("\u0663", "Skriv timerne som et tal"),  # an Arabic-Indic three
    ],
)
def test_bad_input_gets_a_danish_message_and_keeps_what_was_typed(
    client, world, running, typed, message
):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    response = client.post(
        url,
        {
            f"h_{running.pk}_practice": typed,
            f"h_{running.pk}_preparation": "1,25",
            "h_x_meeting": "3",
            "note": "Tirsdag kursus",
            "action": "save",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html
    assert 'value="1,25"' in html and 'value="3"' in html and 'value="Tirsdag kursus"' in html
    assert not WeekSheet.objects.exists()


def test_a_cpr_number_in_the_weeks_note_gets_the_plain_message(client, world, running):
    """The week's note is about the pedagogist's week, not a children's group: the message says
    only not to write CPR numbers, on the page (keeping what was typed) and from the service."""
    plain = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."
    client.force_login(world.pedagogist.user)
    monday = hours.this_monday()
    response = client.post(
        reverse("week_sheet", args=week_args(monday)),
        {
            f"h_{running.pk}_practice": "5,5",
            "h_x_meeting": "3",
            "note": "Tirsdag kursus 070589-1234",
            "action": "save",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert plain in html and "børnegruppen" not in html
    assert 'value="5,5"' in html and 'value="3"' in html
    assert 'value="Tirsdag kursus 070589-1234"' in html
    with pytest.raises(ValidationError) as caught:
        save(world, monday, {(None, MEET): D("3")}, note="Tirsdag kursus 070589-1234")
    assert caught.value.messages == [plain]
    assert not WeekSheet.objects.exists()
    with pytest.raises(ValidationError) as caught:
        WeekSheet._meta.get_field("note").run_validators("Kursus 070589-1234")
    assert caught.value.messages == [plain]


def test_a_week_over_168_hours_keeps_every_value(client, world, running):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    response = client.post(
        url,
        {f"h_{running.pk}_practice": "100", "h_x_meeting": "70", "action": "save"},
    )
    html = response.content.decode()
    assert "mere end de 168 timer" in html
    assert 'value="100"' in html and 'value="70"' in html
    assert not WeekSheet.objects.exists()


def test_posting_to_a_submitted_week_is_a_message_not_an_error(client, world, running):
    monday = hours.this_monday()
    save(world, monday, {(running.pk, P): D("6")}, submit=True)
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(monday))
    response = client.post(url, {f"h_{running.pk}_practice": "9", "action": "save"}, follow=True)
    assert response.status_code == 200
    assert "Genåbn den for at ændre den" in response.content.decode()
    assert HourEntry.objects.get().hours == D("6")


def test_a_week_far_ahead_shows_a_message(client, world, running):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday() + timedelta(weeks=3)))
    html = client.get(url).content.decode()
    assert "for langt fremme" in html and 'name="h_' not in html
    response = client.post(url, {"h_x_meeting": "1", "action": "save"}, follow=True)
    assert "for langt fremme" in response.content.decode()
    assert not WeekSheet.objects.exists()


def test_week_navigation_stays_within_the_weeks_that_can_be_filled_in(client, world):
    client.force_login(world.pedagogist.user)
    first = hours.first_allowed_monday()
    html = client.get(reverse("week_sheet", args=week_args(first))).content.decode()
    assert "Næste uge" in html and "Forrige uge" not in html
    html = client.get(reverse("week_sheet", args=week_args(first + timedelta(weeks=1)))).content
    assert "Forrige uge" in html.decode()
    # A week long gone says so, offers no way further back and does not read as open.
    html = client.get(reverse("week_sheet", args=[2020, 10])).content.decode()
    assert "for langt tilbage" in html
    assert "Forrige uge" not in html and "Åben" not in html
    client.force_login(world.administrator)
    url = reverse("week_sheet_of", args=[world.pedagogist.pk, *week_args(first)])
    assert "Forrige uge" not in client.get(url).content.decode()


def test_an_impossible_week_number_is_404(client, world):
    client.force_login(world.pedagogist.user)
    assert client.get(reverse("week_sheet", args=[2027, 53])).status_code == 404
    assert client.get(reverse("week_sheet", args=[1, 1])).status_code == 404
    assert client.get(reverse("week_sheet", args=[9999, 52])).status_code == 404


def test_copying_an_empty_week_says_so_and_keeps_the_prefill(client, world, running):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    html = client.get(url, {"kopi": "1"}).content.decode()
    assert "Sidste uge har ingen timer at kopiere" in html
    assert f'name="h_{running.pk}_practice"' in html and 'value="6"' in html


def _cells(html: str) -> dict[str, str]:
    """The week sheet's hour inputs as shown: field name → value."""
    return dict(re.findall(r'name="(h_[^"]+)"\s+id="[^"]*"\s+value="([^"]*)"', html))


def test_a_week_saved_empty_stays_empty_and_is_not_prefilled_again(client, world, running):
    """A holiday week: every cell cleared, a note, Gem. It comes back empty, not filled in from
    the agreement, also once submitted and reopened, so it is never submitted with 7 hours."""
    client.force_login(world.pedagogist.user)
    monday = hours.this_monday()
    url = reverse("week_sheet", args=week_args(monday))
    empty = {f"h_{running.pk}_practice": "", f"h_{running.pk}_preparation": ""}
    response = client.post(url, {**empty, "note": "Ferie hele ugen", "action": "save"}, follow=True)
    html = response.content.decode()
    assert "Ugen er gemt." in html
    assert "Udfyldt på forhånd" not in html
    assert _cells(html)[f"h_{running.pk}_practice"] == ""
    assert set(_cells(html).values()) == {""}
    assert 'value="Ferie hele ugen"' in html
    assert not hours.week_grid(world.pedagogist, monday).prefilled

    client.post(url, {**empty, "note": "Ferie hele ugen", "action": "submit"})
    assert WeekSheet.objects.get().status == SheetStatus.SUBMITTED
    response = client.post(reverse("week_reopen", args=week_args(monday)), follow=True)
    html = response.content.decode()
    assert "Ugen er åben igen" in html
    assert "Udfyldt på forhånd" not in html
    assert set(_cells(html).values()) == {""}
    client.post(url, {**_cells(html), "note": "Ferie hele ugen", "action": "submit"})
    assert WeekSheet.objects.get().status == SheetStatus.SUBMITTED
    assert not HourEntry.objects.exists()


def test_a_reopened_week_shows_what_was_submitted(client, world, running):
    monday = hours.this_monday()
    save(world, monday, {(None, MEET): D("2")}, submit=True)
    services.week_reopen(actor=world.pedagogist.user, pedagogist=world.pedagogist, monday=monday)
    client.force_login(world.pedagogist.user)
    html = client.get(reverse("week_sheet", args=week_args(monday))).content.decode()
    assert "Udfyldt på forhånd" not in html
    assert _cells(html)["h_x_meeting"] == "2"
    assert _cells(html)[f"h_{running.pk}_practice"] == ""


def test_copy_last_week_into_a_week_saved_empty(client, world, running):
    """A week saved with no hours can still copy last week; if last week has none either, it
    stays empty rather than being filled in from the agreement."""
    monday = hours.this_monday()
    save(world, monday, {}, note="Ferie hele ugen")
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(monday))
    html = client.get(url).content.decode()
    assert "Kopiér sidste uge" in html
    html = client.get(url, {"kopi": "1"}).content.decode()
    assert "Sidste uge har ingen timer at kopiere." in html
    assert "Udfyldt på forhånd" not in html
    assert set(_cells(html).values()) == {""}

    save(world, monday - timedelta(weeks=1), {(running.pk, P): D("5"), (None, SPAR): D("1.5")})
    html = client.get(url, {"kopi": "1"}).content.decode()
    assert "Kopieret fra ugen før" in html
    assert "Udfyldt på forhånd" not in html
    assert _cells(html)[f"h_{running.pk}_practice"] == "5"
    assert _cells(html)["h_x_sparring"] == "1,5"
    assert _cells(html)[f"h_{running.pk}_preparation"] == ""


def test_staff_read_the_logbook_not_the_hours(client, world, running):
    client.force_login(world.staff)
    assert client.get(reverse("hours_delivered")).status_code == 404
    html = client.get(reverse("course_detail", args=[running.pk])).content.decode()
    assert "Timer pr. uge" not in html and 'href="/timer/"' not in html


def test_the_week_sheet_query_count_does_not_grow_with_courses(client, world, running):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    save(world, hours.this_monday(), {(running.pk, P): D("6")})
    with CaptureQueriesContext(connection) as one_course:
        assert client.get(url).status_code == 200
    second = agreement_in_force(
        world, accept(world, make_request(world, submit=True, wished_start=hours.this_monday()))
    )[0].course
    save(world, hours.this_monday(), {(running.pk, P): D("6"), (second.pk, P): D("2")})
    with CaptureQueriesContext(connection) as two_courses:
        html = client.get(url).content.decode()
    assert f'name="h_{second.pk}_practice"' in html
    assert len(two_courses.captured_queries) == len(one_course.captured_queries) <= 14


def test_the_approval_page_approves_a_month(client, world, running):
    year, month = month_of_weeks(world, running)
    client.force_login(world.administrator)
    url = reverse("hours_approval")
    page = client.get(url, {"maaned": f"{year}-{month:02d}"}).content.decode()
    assert "Paula Pædagog" in page and "Godkend måneden" in page
    response = client.post(
        url, {"maaned": f"{year}-{month:02d}", "paedagog": world.pedagogist.pk}, follow=True
    )
    assert "er godkendt" in response.content.decode()
    assert not WeekSheet.objects.exclude(status=SheetStatus.APPROVED).exists()
    # Approving again is a message, not an error.
    response = client.post(
        url, {"maaned": f"{year}-{month:02d}", "paedagog": world.pedagogist.pk}, follow=True
    )
    assert response.status_code == 200 and "allerede godkendt" in response.content.decode()


def test_the_approval_page_opens_on_the_oldest_month_waiting(client, world, running):
    client.force_login(world.administrator)
    url = reverse("hours_approval")
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    assert client.get(url).context["month_value"] == f"{last.year:04d}-{last.month:02d}"
    year, month = hours.month_of_week(hours.this_monday() - timedelta(weeks=12))
    oldest = hours.weeks_of_month(year, month)
    save(world, hours.this_monday() - timedelta(weeks=1), {(running.pk, P): D("5")}, submit=True)
    for monday in oldest:
        save(world, monday, {(None, MEET): D("2")}, submit=True)
    assert client.get(url).context["month_value"] == f"{year:04d}-{month:02d}"
    # Once that month is approved, the next month waiting comes first.
    services.month_approve(
        actor=world.administrator, pedagogist=world.pedagogist, year=year, month=month
    )
    year, month = hours.month_of_week(hours.this_monday() - timedelta(weeks=1))
    assert client.get(url).context["month_value"] == f"{year:04d}-{month:02d}"


def test_a_leader_sees_only_the_hours_at_their_institution(client, world, running, logged):
    client.force_login(world.leader)
    page = client.get(reverse("hours_delivered")).content.decode()
    html = page[page.index('<main id="indhold"') :]  # the table, not the menu's unread count
    assert "Børnehuset Mariehønen" in html
    assert "6,5" in html  # 5.5 practice + 1 preparation, last week
    assert "Vuggestuen Spiren" not in html
    assert "2,25" not in html  # transport not tied to a course
    assert ">3<" not in html  # this week's unsubmitted hours


def test_the_course_page_shows_agreed_and_logged_hours(client, world, running, logged):
    client.force_login(world.leader)
    html = client.get(reverse("course_detail", args=[running.pk])).content.decode()
    assert "Timer pr. uge" in html
    assert "6,5" in html


def test_the_csv_export_is_for_danish_excel(client, world, running, elsewhere, logged):
    client.force_login(world.administrator)
    response = client.get(
        reverse("hours_export", args=["csv"]),
        {"fra": (logged - timedelta(weeks=1)).isoformat(), "til": logged.isoformat()},
    )
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Pædagog",
        "År",
        "Uge",
        "Ugens mandag",
        "Institution",
        "Gruppe",
        "Forløb nr.",
        "Kategori",
        "Timer",
        "Status",
    ]
    year, week, _day = logged.isocalendar()
    body = sorted(rows[1:])
    assert len(body) == 4
    assert [
        "Paula Pædagog",
        str(year),
        str(week),
        logged.strftime("%d.%m.%Y"),
        "Børnehuset Mariehønen",
        "Sommerfuglen",
        str(running.pk),
        "Praksis",
        "5,50",
        "Indsendt",
    ] in body
    assert any(row[6] == "Ikke knyttet til et forløb" and row[8] == "2,25" for row in body)


def test_a_leaders_export_holds_only_their_courses(client, world, running, elsewhere, logged):
    client.force_login(world.leader)
    response = client.get(reverse("hours_export", args=["xlsx"]), {"fra": logged.isoformat()})
    # Without "til" the period is the default eight weeks.
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Pædagog" and rows[0][8] == "Timer"
    body = rows[1:]
    assert {row[6] for row in body} == {running.pk}
    assert sorted(row[8] for row in body) == [1.0, 5.5]
    assert all(isinstance(row[3], type(timezone.now().replace(tzinfo=None))) for row in body)


def test_an_export_with_a_backwards_period_explains(client, world):
    client.force_login(world.administrator)
    response = client.get(
        reverse("hours_export", args=["csv"]),
        {"fra": "2026-05-01", "til": "2026-04-01"},
        follow=True,
    )
    body = response.content.decode()
    # Said once, beside the form, and the message says the export was not made.
    assert body.count("før dens start") == 1
    assert "eksporten blev ikke lavet" in body


def test_approval_and_delivered_query_counts_do_not_grow(client, world, running, elsewhere):
    year, month = month_of_weeks(world, running)
    client.force_login(world.administrator)
    approval = reverse("hours_approval")
    delivered = reverse("hours_delivered")
    with CaptureQueriesContext(connection) as before_approval:
        client.get(approval, {"maaned": f"{year}-{month:02d}"})
    with CaptureQueriesContext(connection) as before_delivered:
        client.get(delivered)
    more = factories.PedagogistFactory(user__email="bo@example.dk")
    services.week_save(
        actor=more.user, pedagogist=more, monday=hours.this_monday(), values={(None, MEET): D("1")}
    )
    save(world, hours.this_monday() - timedelta(weeks=1), {(elsewhere.pk, P): D("3")}, submit=True)
    with CaptureQueriesContext(connection) as after_approval:
        page = client.get(approval, {"maaned": f"{year}-{month:02d}"}).content.decode()
    with CaptureQueriesContext(connection) as after_delivered:
        client.get(delivered)
    assert "bo@example.dk" in page or more.user.name in page
    # (11: one of them reads the first week sheet's year, the earliest month that can be shown.)
    assert len(after_approval.captured_queries) == len(before_approval.captured_queries) <= 11
    assert len(after_delivered.captured_queries) == len(before_delivered.captured_queries) <= 10


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_name_like_a_formula_stays_text_in_the_export(client, world, running, logged, fmt):
    """#15 item 6: "=HYPERLINK(...)" as a name was a live formula in Excel."""
    world.pedagogist.user.name = '=HYPERLINK("https://example.com","x")'
    world.pedagogist.user.save(update_fields=["name"])
    world.institution.name = "+1+2"
    world.institution.save(update_fields=["name"])
    client.force_login(world.administrator)
    response = client.get(reverse("hours_export", args=[fmt]), {"fra": logged.isoformat()})
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1:]
        assert rows and all(row[0] == "'" + world.pedagogist.user.name for row in rows)
        assert {row[4] for row in rows} >= {"'+1+2"}
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = list(book.active.iter_rows(min_row=2))
        assert cells
        for row in cells:
            assert row[0].data_type == "s" and row[0].value == world.pedagogist.user.name
        assert {row[4].value for row in cells} >= {"+1+2"}
        assert all(row[4].data_type == "s" for row in cells if row[4].value)


def _stamp(html: str) -> str:
    import re

    found = re.search(r'name="sheet_stamp" value="([^"]*)"', html)
    assert found, "the form carries the stamp of the week it was opened on"
    return found.group(1)


def test_the_same_week_saved_in_two_tabs_gives_the_second_a_message_and_keeps_its_numbers(
    client, world, running
):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    tab_a = _stamp(client.get(url).content.decode())
    tab_b = _stamp(client.get(url).content.decode())
    assert tab_a == tab_b == "new"

    first = client.post(url, {f"h_{running.pk}_practice": "4", "sheet_stamp": tab_a}, follow=True)
    assert "Ugen er gemt" in first.content.decode()

    second = client.post(
        url, {f"h_{running.pk}_practice": "7,5", "note": "Fra fane B", "sheet_stamp": tab_b}
    )
    html = second.content.decode()
    assert second.status_code == 200
    assert "blev gemt i en anden fane eller et andet vindue" in html
    assert "Ugen er gemt" not in html
    assert 'value="7,5"' in html and 'value="Fra fane B"' in html  # nothing typed is lost
    entry = HourEntry.objects.get(course=running, category=P)
    assert entry.hours == D("4")  # and tab A's numbers were not silently replaced

    # Saving again, knowingly, saves tab B's numbers.
    again = client.post(
        url,
        {f"h_{running.pk}_practice": "7,5", "note": "Fra fane B", "sheet_stamp": _stamp(html)},
    )
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == D("7.5")
    assert WeekSheet.objects.get().note == "Fra fane B"


def test_the_stale_week_message_is_not_put_as_a_field_error(client, world, running):
    """The week saved in another tab is not a mistake in a field: its message stands alone,
    without "Ret de markerede felter:" over a list where nothing is marked."""
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    stamp = _stamp(client.get(url).content.decode())
    client.post(url, {f"h_{running.pk}_practice": "4", "sheet_stamp": stamp})
    response = client.post(url, {f"h_{running.pk}_practice": "7,5", "sheet_stamp": stamp})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {}
    assert "blev gemt i en anden fane eller et andet vindue" in html
    assert "Ret de markerede felter" not in html and "alert-danger" not in html


def test_hours_delivered_pages_by_institution_with_the_period_kept(
    client, world, running, elsewhere, monkeypatch
):
    """#21: the page held every course of the period (792 KB at a large municipality's size);
    now 50 to a page, ordered by institution, the period kept in the page links."""
    from institutioner import paging

    monkeypatch.setattr(paging, "PER_PAGE", 1)
    # A course that neither ran nor had hours in the period is not listed at all.
    old = make_request(world, submit=True, wished_start=hours.this_monday() - timedelta(weeks=60))
    accept(world, old, hours="2")
    agreement_in_force(world, old)
    client.force_login(world.administrator)
    period = {
        "fra": (hours.this_monday() - timedelta(weeks=4)).isoformat(),
        "til": hours.this_monday().isoformat(),
    }

    def shown(params):
        body = client.get(reverse("hours_delivered"), params).content.decode()
        return [int(pk) for pk in re.findall(r'<a href="/forloeb/(\d+)/">', body)], body

    first, body = shown(period)
    # Børnehuset Mariehønen before Vuggestuen Spiren.
    assert first == [running.pk]
    assert "Side 1 af 2" in body
    assert f"til={period['til']}&amp;side=2" in body
    second, _body = shown(period | {"side": "2"})
    assert second == [elsewhere.pk]
    # A page beyond the last gives the last.
    assert shown(period | {"side": "9"})[0] == [elsewhere.pk]


def test_the_approval_page_pages_and_returns_to_the_page_approved_on(
    client, world, running, monkeypatch
):
    """#21: every pedagogist's month on one page (249 KB at a large municipality's size); now 50
    to a page by name, the month kept in the page links, and an approval comes back to its
    page."""
    from institutioner import paging

    monkeypatch.setattr(paging, "PER_PAGE", 1)
    year, month = month_of_weeks(world, running)
    month_value = f"{year}-{month:02d}"
    client.force_login(world.administrator)
    url = reverse("hours_approval")
    first = client.get(url, {"maaned": month_value}).content.decode()
    # Ole Andensted before Paula Pædagog.
    assert "Ole Andensted" in first and "Paula Pædagog" not in first
    assert "Side 1 af 2" in first and f"maaned={month_value}&amp;side=2" in first
    second = client.get(url, {"maaned": month_value, "side": "2"}).content.decode()
    assert "Paula Pædagog" in second and "Ole Andensted" not in second
    assert 'name="side" value="2"' in second
    response = client.post(
        url, {"maaned": month_value, "paedagog": world.pedagogist.pk, "side": "2"}
    )
    assert response["Location"] == f"{url}?maaned={month_value}&side=2"
    assert not WeekSheet.objects.exclude(status=SheetStatus.APPROVED).exists()


@pytest.mark.parametrize("typed", [",5", ".5", "0,5", " ,5 "])
def test_half_an_hour_is_taken_as_typed(client, world, running, typed):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    response = client.post(url, {f"h_{running.pk}_practice": typed, "action": "save"})
    assert response.status_code == 302
    (entry,) = WeekSheet.objects.get().entries.all()
    assert entry.hours == D("0.5")


def test_the_consultant_sees_no_hours_and_builds_no_export(client, world, consultant):
    """The visitation's consultant has no courses: the hours' pages answer 404, as to staff."""
    client.force_login(consultant)
    for url in (
        reverse("hours_delivered"),
        reverse("hours_export", args=["csv"]),
        reverse("hours_export", args=["xlsx"]),
        reverse("hours_export_new"),
    ):
        assert client.get(url).status_code == 404, url
    monday = hours.this_monday()
    period = {"fra": f"{monday - timedelta(weeks=4):%Y-%m-%d}", "til": f"{monday:%Y-%m-%d}"}
    assert client.post(reverse("hours_export_new"), period).status_code == 404
    assert "/timer/leveret/" not in client.get(reverse("start")).content.decode()


def test_two_courses_in_the_same_group_are_told_apart(client, world, running):
    """Two courses at the same institution and group showed as identical rows ("Børnehuset
    Mariehønen, Sommerfuglen" twice): each row says the course's number and agreed period."""
    req = make_request(world, submit=True, wished_start=hours.this_monday(), wished_weeks=6)
    accept(world, req, hours="3")
    agreement, _version = agreement_in_force(world, req)
    second = agreement.course
    courses = {c.pk: c for c in hours.with_agreed(type(second).objects.all())}
    details = {
        pk: f"Forløb nr. {pk} · {c.agreed_from:%d.%m.%Y}–{c.agreed_to:%d.%m.%Y}"
        for pk, c in courses.items()
    }
    assert len(set(details.values())) == 2
    client.force_login(world.pedagogist.user)
    sheet = client.get(reverse("week_sheet", args=week_args(hours.this_monday())))
    body = sheet.content.decode()
    for detail in details.values():
        assert detail in body
    client.force_login(world.leader)
    body = client.get(reverse("hours_delivered")).content.decode()
    for detail in details.values():
        assert detail in body


def test_the_approval_page_refuses_months_far_ahead_or_before_the_data(client, world, running):
    month_of_weeks(world, running)
    first_year = WeekSheet.objects.order_by("week_start").first().week_start.year
    client.force_login(world.administrator)
    url = reverse("hours_approval")
    today = timezone.localdate()
    after_next = (today.replace(day=1) + timedelta(days=62)).replace(day=1)
    following = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    with translation.override("da"):
        allowed = gettext("Choose a month from %(earliest)s to %(latest)s.") % {
            "earliest": date_format(date(first_year, 1, 1), "F Y"),
            "latest": date_format(following, "F Y"),
        }
    # QA: a month written right but out of range (2027-06, 1990-01) was told how to write one.
    for month in ("2099-01", f"{after_next:%Y-%m}", f"{first_year - 1}-12", "1990-01"):
        response = client.get(url, {"maaned": month}, follow=True)
        body = response.content.decode()
        assert allowed in body and "Vælg en måned som år og måned" not in body, month
        assert response.redirect_chain[-1][0] == url
    for month in ("abc", "2026-13", "2026-"):
        response = client.get(url, {"maaned": month}, follow=True)
        body = response.content.decode()
        assert "Vælg en måned som år og måned" in body and allowed not in body, month
        assert response.redirect_chain[-1][0] == url
    # Next month and January of the first year are shown; the navigation stops there.
    page = client.get(url, {"maaned": f"{following:%Y-%m}"})
    assert page.status_code == 200 and "Næste måned" not in page.content.decode()
    assert "Forrige måned" in page.content.decode()
    page = client.get(url, {"maaned": f"{first_year}-01"})
    assert page.status_code == 200 and "Forrige måned" not in page.content.decode()


def test_the_copy_link_stays_when_the_week_is_shown_with_errors(client, world, running):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(hours.this_monday()))
    assert "Kopiér sidste uge" in client.get(url).content.decode()
    html = client.post(url, {f"h_{running.pk}_practice": "abc", "action": "save"}).content.decode()
    assert "Ugen er ikke gemt" in html
    assert "Kopiér sidste uge" in html
