"""Copying a withdrawn or rejected request into a new draft (`request_copy`)."""

import html
import uuid
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from indsats.models import InterventionRequest, RequestStatus
from indsats.requests import services
from institutioner.workdays import working_day_on_or_after
from tests.indsats.helpers import accept, make_request


def _ahead():
    return working_day_on_or_after(timezone.localdate() + timedelta(days=21))


def _withdrawn(world, **overrides):
    overrides.setdefault("wished_start", _ahead())
    req = make_request(world, submit=True, **overrides)
    return services.request_withdraw(actor=world.leader, request_id=req.pk, reason="Ved en fejl.")


def _rejected(world, **overrides):
    overrides.setdefault("wished_start", _ahead())
    req = make_request(world, submit=True, **overrides)
    return services.request_reject(actor=world.administrator, request_id=req.pk, reason="Ikke nu.")


def _copy_form(client, source):
    """The copy's form as the leader opens it: sent on to its address with a token."""
    response = client.get(reverse("request_copy", args=[source.pk]))
    assert response.status_code == 302 and "token=" in response["Location"]
    form_page = client.get(response["Location"])
    assert form_page.status_code == 200
    return form_page


def _posted(form_page):
    """What the browser posts when the leader saves the copy's form unchanged."""
    form = form_page.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(item) for item in value]
        elif isinstance(value, time):
            data[name] = value.strftime("%H:%M")
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = "" if value is None else str(value)
    return data


def _address(form_page):
    return form_page.wsgi_request.get_full_path()


@pytest.mark.parametrize("make", [_withdrawn, _rejected], ids=["withdrawn", "rejected"])
def test_the_leader_copies_a_request_into_a_new_draft(client, world, make):
    source = make(world, need="Uro ved garderoben.", tried_already="Sange ved overgange.")
    client.force_login(world.leader)
    page = client.get(reverse("request_detail", args=[source.pk])).content.decode()
    assert reverse("request_copy", args=[source.pk]) in page

    form_page = _copy_form(client, source)
    body = form_page.content.decode()
    assert "Uro ved garderoben." in body and "Sange ved overgange." in body
    data = _posted(form_page)
    assert data["wished_start"] == source.wished_start.isoformat()
    assert sorted(data["focus_levels"]) == sorted(f.level for f in source.focus_levels.all())

    saved = client.post(_address(form_page), data)
    assert saved.status_code == 302, saved.context["form"].errors
    copy = InterventionRequest.objects.exclude(pk=source.pk).get()
    assert saved["Location"] == reverse("request_detail", args=[copy.pk])
    assert copy.status == RequestStatus.DRAFT
    assert copy.created_by == world.leader
    assert (copy.need, copy.tried_already, copy.group_id, copy.wished_weekdays) == (
        source.need,
        source.tried_already,
        source.group_id,
        source.wished_weekdays,
    )
    assert sorted(t.theme for t in copy.themes.all()) == sorted(
        t.theme for t in source.themes.all()
    )
    # The copied request is left as it was.
    status = source.status
    source.refresh_from_db()
    assert source.status == status and source.need == "Uro ved garderoben."
    # Saved twice (Back and save): one copy.
    assert client.post(_address(form_page), data).status_code == 302
    assert InterventionRequest.objects.filter(status=RequestStatus.DRAFT).count() == 1


def test_a_copy_whose_wished_start_has_passed_asks_for_a_new_day(client, world):
    source = _withdrawn(world, wished_start=timezone.localdate() - timedelta(days=30))
    client.force_login(world.leader)
    form_page = _copy_form(client, source)
    body = form_page.content.decode()
    day = f"{source.wished_start:%-d}. "
    assert "Dens ønskede start, " + day in html.unescape(body)
    assert "er passeret: vælg en ny dag." in html.unescape(body)
    data = _posted(form_page)
    assert data["wished_start"] == ""
    url = _address(form_page)
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["form"].errors["wished_start"]
    assert InterventionRequest.objects.count() == 1
    # An old day typed in is refused as in any new request.
    data["wished_start"] = source.wished_start.isoformat()
    refused = client.post(url, data)
    assert "wished_start" in refused.context["form"].errors
    data["wished_start"] = working_day_on_or_after(
        timezone.localdate() + timedelta(days=14)
    ).isoformat()
    assert client.post(url, data).status_code == 302
    assert InterventionRequest.objects.filter(status=RequestStatus.DRAFT).count() == 1


def test_another_institutions_leader_and_non_leaders_get_404(client, world):
    source = _withdrawn(world)
    url = reverse("request_copy", args=[source.pk])
    for role in ("outsider", "staff", "pedagogist", "administration"):
        person = world.user_for(role)
        client.force_login(person)
        assert client.get(url).status_code == 404, person
        assert client.get(url + f"?token={uuid.uuid4()}").status_code == 404, person
        assert client.post(url + f"?token={uuid.uuid4()}", {}).status_code == 404, person
    assert InterventionRequest.objects.count() == 1
    client.force_login(world.leader)
    assert client.get(reverse("request_copy", args=[source.pk + 1000])).status_code == 404


def test_the_outsider_cannot_post_a_copy_into_their_own_institution(client, world):
    """The form offers only the person's own institutions; a copy of another institution's
    request is refused before any form is read."""
    source = _withdrawn(world)
    client.force_login(world.outsider)
    response = client.post(
        reverse("request_copy", args=[source.pk]) + f"?token={uuid.uuid4()}",
        {"institution": world.outsider_institution.pk, "need": "x"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("state", ["draft", "submitted", "accepted"])
def test_other_states_are_not_copied(client, world, state):
    req = make_request(world, submit=state != "draft")
    if state == "accepted":
        accept(world, req)
    client.force_login(world.leader)
    assert (
        reverse("request_copy", args=[req.pk])
        not in client.get(reverse("request_detail", args=[req.pk])).content.decode()
    )
    response = client.get(reverse("request_copy", args=[req.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("request_detail", args=[req.pk])
    assert InterventionRequest.objects.count() == 1


def test_an_anonymised_request_is_not_copied(client, world):
    source = _withdrawn(world)
    InterventionRequest.objects.filter(pk=source.pk).update(anonymised_at=timezone.now())
    client.force_login(world.leader)
    response = client.get(reverse("request_copy", args=[source.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("request_detail", args=[source.pk])
