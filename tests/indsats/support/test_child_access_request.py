"""An access request about a child (GDPR art. 15 on a custody holder's request): everything the
support applications that name the child hold, and nothing about another child."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from indsats.models import AgendaItem, SupportApplication, SupportDocument
from institutioner.accessrequests import services
from institutioner.accessrequests.sections import Child
from institutioner.files.services import stored_file_bytes
from institutioner.models import AccessAction, AccessLogEntry, AccessRequest, AccessRequestStatus
from tests.indsats.supportmeetings.helpers import grant, make_application, plan
from tests.institutioner.accessrequests.conftest import section, unzip

BORN = date(2022, 5, 17)


@pytest.fixture
def cases(world):
    """Emil's two applications (two institutions, one decided) and Ida's, at the same age."""
    emil = make_application(world, child="Emil Eksempel")
    SupportApplication.objects.filter(pk=emil.pk).update(everyday_needs="Emil har brug for ro.")
    emil_again = make_application(
        world, child="Emil Eksempel", institution=world.outsider_institution, documents=0
    )
    ida = make_application(world, child="Ida Anden")
    SupportApplication.objects.filter(pk=ida.pk).update(everyday_needs="Ida har brug for sprog.")
    plan(world)
    grant(world, AgendaItem.objects.get(application=emil), reasons="Emil bevilges støtte.")
    return emil, emil_again, ida


def _post(client, name, born=BORN):
    return client.post(
        reverse("access_request_create"),
        {"about": "child", "child_name": name, "child_birth_date": born.isoformat()},
    )


def test_the_childs_access_request_holds_the_childs_applications_and_who_read_them(
    client, world, cases
):
    emil, emil_again, ida = cases
    client.force_login(world.administrator)
    assert client.get(reverse("support_detail", args=[emil.pk])).status_code == 200
    board = AgendaItem.objects.get(application=emil).meeting_id
    assert client.get(reverse("visitation_meeting_detail", args=[board])).status_code == 200
    # Written as the custody holder says it: case and spaces do not matter.
    response = _post(client, "  emil   EKSEMPEL ")
    made = AccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert (made.subject_id, made.child_name, made.child_birth_date) == (
        None,
        "emil EKSEMPEL",
        BORN,
    )
    assert services.access_request_build(request_id=made.pk)
    made.refresh_from_db()
    files = unzip(stored_file_bytes(file_id=made.file_id))
    applications = section(files, "child_support_applications")
    assert sorted(row["id"] for row in applications) == sorted([emil.pk, emil_again.pk])
    assert "Emil har brug for ro." in {row["everyday_needs"] for row in applications}
    decisions = section(files, "child_support_decisions")
    assert [(row["application"], row["reasons"]) for row in decisions] == [
        (emil.pk, "Emil bevilges støtte.")
    ]
    documents = section(files, "child_support_documents")
    assert [row["application"] for row in documents] == [emil.pk]
    # Who read them: the application's own page, and the board that showed both of Emil's
    # beside Ida's (hers is not named here).
    reads = section(files, "child_access_log")
    assert [(row["applications"], row["by"], row["page"]) for row in reads] == [
        ([emil.pk], world.administrator.name, "Ansøgning om støtte"),
        (sorted([emil.pk, emil_again.pk]), world.administrator.name, "Visitationsmøde"),
    ]
    # In Danish in the summary too, as on the access log's own page; no page's internal name.
    assert "visitation_meeting_detail" not in files["indsigt.html"]
    assert "Visitationsmøde" in files["indsigt.html"]
    everything = "\n".join(files.values())
    assert "Ida" not in everything and str(ida.pk) not in {str(r["id"]) for r in applications}
    # No section about a person (a leader's own requests, week sheets, ...) is in it.
    assert not any(name.startswith("data/requests") for name in files)
    about = json.loads(files["indsigt.json"])
    assert about["child"] == {"name": "emil EKSEMPEL", "birth_date": BORN.isoformat()}
    assert "person" not in about
    assert "om barnet, født 17. maj 2022" in files["indsigt.html"]
    # The export is logged, naming the child in its query; the page names the child too.
    export = AccessLogEntry.objects.get(url_name="access_request_create")
    assert export.action == AccessAction.EXPORT and export.concerns == []
    assert export.query == "barn=emil EKSEMPEL, født=17.05.2022"
    page = client.get(made.get_absolute_url()).content.decode()
    assert "emil EKSEMPEL, født 17. maj 2022" in page
    assert "mappen dokumenter/ med en kopi af hvert dokument" in page
    # The file's name spells out æ, ø and å.
    assert made.file.name == f"indsigt-emil-eksempel-{made.pk}.zip"
    listing = client.get(reverse("access_request_list")).content.decode()
    assert "emil EKSEMPEL (barn, født 17.05.2022)" in listing


def test_a_child_the_system_holds_nothing_about_is_told_and_the_typing_kept(client, world, cases):
    client.force_login(world.administrator)
    response = _post(client, "Emil Eksempel", born=date(2022, 5, 18))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Systemet har intet om et barn med det navn og den fødselsdato" in body
    assert 'value="Emil Eksempel"' in body and "2022-05-18" in body
    assert not AccessRequest.objects.exists()
    response = _post(client, "Emil 170522-1234")
    assert response.status_code == 400 and "CPR" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_only_those_who_make_access_requests_ask_about_a_child(client, world, cases):
    for person in (world.leader, world.pedagogist.user):
        client.force_login(person)
        assert _post(client, "Emil Eksempel").status_code == 404
    assert not AccessRequest.objects.exists()


def test_asking_again_while_it_is_made_gives_the_same_request(world, cases):
    child = Child(name="Emil Eksempel", birth_date=BORN)
    first = services.access_request_create(actor=world.administrator, child=child)
    again = services.access_request_create(
        actor=world.administrator, child=Child(name="EMIL EKSEMPEL", birth_date=BORN)
    )
    assert again.pk == first.pk
    other = services.access_request_create(
        actor=world.administrator, child=Child(name="Ida Anden", birth_date=BORN)
    )
    assert other.pk != first.pk
    with pytest.raises(ValueError):
        services.access_request_create(actor=world.administrator)
    with pytest.raises(ValueError):
        services.access_request_create(actor=world.administrator, subject=world.leader, child=child)


def _zip_bytes(made: AccessRequest) -> dict[str, bytes]:
    made.refresh_from_db()
    with zipfile.ZipFile(io.BytesIO(stored_file_bytes(file_id=made.file_id))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_childs_documents_are_copied_into_the_zip_and_linked_from_the_summary(world, cases):
    emil, _emil_again, ida = cases
    document = SupportDocument.objects.get(application=emil)
    SupportDocument.objects.filter(pk=document.pk).update(name="../PPV om Emil/1.pdf")
    with document.file.open("rb") as stored:
        content = stored.read()
    made = services.access_request_create(
        actor=world.administrator, child=Child(name="Emil Eksempel", birth_date=BORN)
    )
    assert services.access_request_build(request_id=made.pk)
    files = _zip_bytes(made)
    path = f"dokumenter/{emil.pk}/{document.pk}-_PPV om Emil_1.pdf"
    assert files[path] == content
    # Only Emil's: Ida's document is not in it.
    assert [name for name in files if name.startswith("dokumenter/")] == [path]
    rows = json.loads(files["data/child_support_documents.json"])
    assert [row["file"] for row in rows] == [path]
    assert f'<a href="{path}">' in files["indsigt.html"].decode()
    assert "En kopi af hvert dokument" in files["indsigt.html"].decode()
    assert SupportDocument.objects.filter(application=ida).exists()


def test_a_document_the_store_cannot_give_gets_a_note_and_the_zip_is_still_made(world, cases):
    emil, _emil_again, _ida = cases
    document = SupportDocument.objects.get(application=emil)
    document.file.storage.delete(document.file.name)
    made = services.access_request_create(
        actor=world.administrator, child=Child(name="Emil Eksempel", birth_date=BORN)
    )
    assert services.access_request_build(request_id=made.pk)
    made.refresh_from_db()
    assert made.status == AccessRequestStatus.DONE
    files = _zip_bytes(made)
    path = f"dokumenter/{emil.pk}/{document.pk}-ppv-0.pdf"
    assert path not in files
    note = files[f"{path}.mangler.txt"].decode()
    assert "kunne ikke læses fra fillageret" in note
    assert json.loads(files["data/child_support_applications.json"])


def test_a_name_typed_with_extra_spaces_in_the_application_is_found(world):
    spaced = make_application(world, child="Emil Eksempel", documents=0)
    SupportApplication.objects.filter(pk=spaced.pk).update(child_name="  Emil   eksempel ")
    other_day = make_application(world, child="Emil Eksempel", documents=0)
    SupportApplication.objects.filter(pk=other_day.pk).update(child_birth_date=date(2022, 5, 18))
    child = Child(name="emil eksempel", birth_date=BORN)
    assert services.child_has_data(child)
    made = services.access_request_create(actor=world.administrator, child=child)
    assert services.access_request_build(request_id=made.pk)
    made.refresh_from_db()
    files = unzip(stored_file_bytes(file_id=made.file_id))
    assert [row["id"] for row in section(files, "child_support_applications")] == [spaced.pk]


def test_the_zips_name_spells_out_the_danish_letters(world):
    soeren = make_application(world, child="Søren Ærø Ås", documents=0)
    child = Child(name="Søren Ærø Ås", birth_date=soeren.child_birth_date)
    made = services.access_request_create(actor=world.administrator, child=child)
    assert services.access_request_build(request_id=made.pk)
    made.refresh_from_db()
    assert made.file.name == f"indsigt-soeren-aeroe-aas-{made.pk}.zip"


def test_a_child_who_has_grown_up_since_can_be_asked_about(client, world):
    """QA: the birth date was held to five years from today, so the demo's own five-year-old
    (and any child who has left daycare since) could not be asked about."""
    older = make_application(world, child="Oscar Bech", documents=0)
    SupportApplication.objects.filter(pk=older.pk).update(child_birth_date=date(2014, 9, 2))
    client.force_login(world.administrator)
    response = _post(client, "Oscar Bech", born=date(2014, 9, 2))
    assert response.status_code == 302
    future = _post(client, "Oscar Bech", born=date(2099, 1, 1))
    assert future.status_code == 400 and "Vælg en dato mellem" in future.content.decode()


def test_a_document_the_store_cannot_give_is_logged_without_its_name(world, cases, caplog):
    """The name as uploaded may name the child ("PPV Emil Eksempel.pdf"): the application log,
    kept apart from the access log and read by whoever runs the servers, gets the document's
    number in its section, never its name."""
    emil, _emil_again, _ida = cases
    document = SupportDocument.objects.get(application=emil)
    SupportDocument.objects.filter(pk=document.pk).update(name="PPV Emil Eksempel.pdf")
    document.file.storage.delete(document.file.name)
    made = services.access_request_create(
        actor=world.administrator, child=Child(name="Emil Eksempel", birth_date=BORN)
    )
    with caplog.at_level("WARNING"):
        assert services.access_request_build(request_id=made.pk)
    warnings = [r.getMessage() for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(warnings) == 1
    assert "Emil" not in warnings[0] and "Eksempel" not in warnings[0]
    assert "no. 1 of child_support_documents" in warnings[0]


def test_who_downloaded_the_childs_documents_is_in_the_childs_access_request(client, world, cases):
    """A download of one of the child's documents (an assessment, a PPV) is a read of the
    child's data: its access-log row names the application it belongs to, so the child's
    access request (and the access log's search by the application) finds it."""
    emil, _emil_again, _ida = cases
    document = SupportDocument.objects.get(application=emil)
    client.force_login(world.administrator)
    response = client.get(reverse("support_document_download", args=[document.pk]))
    assert response.status_code == 200
    download = AccessLogEntry.objects.get(url_name="support_document_download")
    assert download.action == AccessAction.DOWNLOAD
    assert download in AccessLogEntry.objects.showing("indsats.supportapplication", emil.pk)
    made = services.access_request_create(
        actor=world.administrator, child=Child(name="Emil Eksempel", birth_date=BORN)
    )
    assert services.access_request_build(request_id=made.pk)
    made.refresh_from_db()
    reads = section(unzip(stored_file_bytes(file_id=made.file_id)), "child_access_log")
    assert [(row["applications"], row["by"]) for row in reads] == [
        ([emil.pk], world.administrator.name)
    ]
