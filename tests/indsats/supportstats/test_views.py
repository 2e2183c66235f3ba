"""The statistics page and its files: who may open them, the numbers as shown, no child data,
a fixed number of queries."""

import csv
import io
import re
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from institutioner.models import AccessLogEntry
from tests.indsats.supportstats import data

pytestmark = pytest.mark.django_db

URL = reverse("support_statistics")


def _get(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.mark.parametrize("person", ["outsider", "leader", "staff", "pedagogist"])
def test_closed_to_everyone_outside_the_visitation(client, world, person):
    user = world.pedagogist.user if person == "pedagogist" else getattr(world, person)
    data.build(world)
    for url in (URL, reverse("support_statistics_export", args=["csv"])):
        assert _get(client, user, url).status_code == 404
    page = _get(client, user, reverse("start")).content.decode()
    assert "Støttestatistik" not in page and URL not in page


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "log-ind" in response["Location"]


@pytest.mark.parametrize("person", ["administrator", "consultant"])
def test_open_to_the_administration_and_the_consultant(client, world, consultant, person):
    user = consultant if person == "consultant" else world.administrator
    data.build(world)
    response = _get(client, user, aar="2025")
    assert response.status_code == 200
    start = _get(client, user, reverse("start")).content.decode()
    assert f'href="{URL}"' in start and "Støttestatistik" in start


def _cells(html: str, section: str) -> list[list[str]]:
    """The rows of a section's table, each a list of its cells' text."""
    part = html[html.index(f'id="{section}"') :]
    part = part[: part.index("</section>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", part, flags=re.S)
    return [
        [
            re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in rows
    ]


def test_the_page_shows_the_hand_computed_numbers_in_danish(client, world, consultant):
    data.build(world)
    before = AccessLogEntry.objects.count()
    html = _get(client, consultant, aar="2025").content.decode()
    assert "Støttestatistik 2025" in html
    months = _cells(html, "maaneder")
    assert months[0][:5] == [
        "Måned",
        "Ansøgninger 2024",
        "Ansøgninger 2025",
        "Afgørelser 2024",
        "Afgørelser 2025",
    ]
    assert months[3][:5] == ["Marts", "0", "3", "0", "0"]
    # April: 2 submitted, 3 decided (granted, partly granted, rejected).
    assert months[4][:8] == ["April", "0", "2", "0", "3", "1", "1", "1"]
    assert months[12][:2] == ["December", "0"] and months[12][3] == "1"
    assert months[13][:5] == ["I alt", "1", "5", "1", "5"]
    waits = _cells(html, "ventetid")
    assert waits[1] == ["Afgjorte ansøgninger", "1", "4"]
    assert waits[2] == ["Median (dage)", "25,0", "26,5"]
    assert waits[3] == ["Gennemsnit (dage)", "25,0", "25,3"]
    assert waits[4][1:] == ["0", "1"]
    districts = _cells(html, "distrikter")
    assert districts[1] == ["Søvang", "0", "2", "0", "2", "0", "1"]
    assert districts[2] == ["Ullerup Bæk", "1", "3", "1", "3", "3", "0"]
    revisits = _cells(html, "genvisiteringer")
    assert revisits[1] == ["Forlænget", "0", "1"] and revisits[2] == ["Ophørt", "0", "0"]
    hours = _cells(html, "timer")
    assert hours[0] == ["Måned", "Søvang 2025", "Ullerup Bæk 2025", "I alt 2024", "I alt 2025"]
    assert hours[5] == ["Maj", "0,0", "23,0", "0,0", "23,0"]
    assert hours[12] == ["December", "0,0", "14,0", "0,0", "14,0"]
    # No child anywhere, and nothing in the access log (there is no one to log).
    for name in data.CHILD_NAMES:
        assert name not in html
    assert AccessLogEntry.objects.count() == before


def test_a_bad_year_is_said_and_this_year_shown(client, world):
    response = _get(client, world.administrator, aar="1999x")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Støttestatistik {timezone.localdate().year}" in html
    assert "Vælg et år" in html


def test_the_csv(client, world):
    data.build(world)
    response = _get(
        client, world.administrator, reverse("support_statistics_export", args=["csv"]), aar="2025"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="stoettestatistik-2025.csv"'
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Ansøgninger og afgørelser pr. måned"]
    assert rows[1][:3] == ["Måned", "Ansøgninger 2024", "Ansøgninger 2025"]
    assert rows[5][:8] == ["April", "0", "2", "0", "3", "1", "1", "1"]
    assert ["Median (dage)", "25,0", "26,5"] in rows
    assert ["Gennemsnit (dage)", "25,0", "25,3"] in rows
    may = [row for row in rows if row[:1] == ["Maj"]][-1]
    assert may == ["Maj", "0,0", "23,0", "0,0", "23,0"]
    text = raw.decode("utf-8-sig")
    assert not any(name in text for name in data.CHILD_NAMES)


def test_the_excel_file(client, world):
    data.build(world)
    response = _get(
        client, world.administrator, reverse("support_statistics_export", args=["xlsx"]), aar="2025"
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(book.sheetnames) == 7
    months = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert months[0][0] == "Ansøgninger og afgørelser pr. måned"
    assert months[5][:8] == ["April", 0, 2, 0, 3, 1, 1, 1]
    waits = [list(row) for row in book.worksheets[4].iter_rows(values_only=True)]
    assert ["Median (dage)", 25.0, 26.5] in waits
    hours = [list(row) for row in book.worksheets[6].iter_rows(values_only=True)]
    assert hours[6] == ["Maj", 0, 23, 0, 23]
    assert isinstance(hours[6][2], int | float)


def test_a_wrong_format_is_404(client, world):
    assert (
        _get(
            client, world.administrator, reverse("support_statistics_export", args=["pdf"])
        ).status_code
        == 404
    )


def test_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.administrator)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"aar": "2025"}).status_code == 200
    data.build(world)
    second = data.meeting(world, date(2025, 6, 3))
    for n in range(6):
        app = data.application(
            world, institution=world.other_institution, submitted=data.at(date(2025, 5, 10 + n))
        )
        data.decide(
            world,
            app,
            second,
            "granted",
            hours="3.0",
            start=date(2025, 7, 1),
            end=date(2025, 12, 31),
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL, {"aar": "2025"}).status_code == 200
    assert len(large) == len(small)
