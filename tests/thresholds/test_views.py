"""The threshold pages, the import page and the queue, through the test client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services as case_services
from cases.constants import CaseState
from partnerships.models import Agency
from tests.factories import receive_case
from thresholds.models import BodyView, ThresholdDecision


@pytest.fixture
def gathering_case(area, officer):
    case = receive_case(area=area, by=officer)
    case = case_services.case_transition(case=case, name="acknowledge", by=officer)
    return case_services.case_transition(case=case, name="start_gathering", by=officer)


def test_case_page_shows_the_threshold_section(client, officer, gathering_case):
    client.force_login(officer)
    page = client.get(reverse("cases:threshold", args=[gathering_case.reference]))
    assert page.status_code == 200
    assert reverse("thresholds:case", args=[gathering_case.reference]) in page.content.decode()
    detail = client.get(reverse("thresholds:case", args=[gathering_case.reference]))
    assert "Every complaint, counted or not" in detail.content.decode()


def test_record_a_view_then_decide_through_the_pages(client, officer, gathering_case):
    client.force_login(officer)
    council = Agency.objects.get(slug="hertsmere-borough-council")
    url = reverse("thresholds:record_view", args=[gathering_case.reference])
    bad = client.post(url, {"agency": council.pk, "view": "met", "reasons": ""})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    client.post(url, {"agency": council.pk, "view": "met", "reasons": "Three complaints."})
    assert BodyView.objects.filter(case=gathering_case).count() == 1
    decide = reverse("thresholds:decide", args=[gathering_case.reference])
    assert client.get(decide).status_code == 200
    response = client.post(decide, {"confirm": "on"})
    assert response.status_code == 302
    gathering_case.refresh_from_db()
    assert gathering_case.state == CaseState.THRESHOLD_MET
    assert ThresholdDecision.objects.get(case=gathering_case).met


def test_senior_manager_fields_are_validated(client, officer, gathering_case):
    client.force_login(officer)
    decide = reverse("thresholds:decide", args=[gathering_case.reference])
    response = client.post(decide, {"confirm": "on", "senior_role": "police_inspector"})
    assert "the senior manager&#x27;s rationale" in response.content.decode().lower()


def test_someone_outside_the_case_cannot_see_it(client, users, gathering_case):
    client.force_login(users["merton.officer"])
    response = client.get(reverse("thresholds:case", args=[gathering_case.reference]))
    assert response.status_code == 404


def test_import_page_all_or_nothing(client, users):
    admin = users["hertsmere.admin"]
    client.force_login(admin)
    police = Agency.objects.get(slug="hertfordshire-constabulary")
    csv = (
        "reference,incident_date,complainant_key,description\n"
        "X1,2026-01-01,v,ok\nX2,not-a-date,v,bad\n"
    )
    response = client.post(
        reverse("thresholds:import"),
        {"agency": police.pk, "file": SimpleUploadedFile("x.csv", csv.encode())},
    )
    assert "Row 3, column &#x27;incident_date&#x27;" in response.content.decode()
    client.force_login(users["hertsmere.officer"])
    assert client.get(reverse("thresholds:import")).status_code == 403


def test_queue_page(client, officer):
    client.force_login(officer)
    response = client.get(reverse("thresholds:queue"))
    assert response.status_code == 200 and "Review suggested" in response.content.decode()


@pytest.mark.parametrize("first", ["abc", "\x00", "9" * 30, "-1", ""])
def test_linking_the_same_incident_refuses_a_bad_choice_plainly(
    client, officer, gathering_case, first
):
    second = gathering_case.incidents.first()
    client.force_login(officer)
    url = reverse("thresholds:link_duplicate", args=[gathering_case.reference])
    response = client.post(url, {"first": first, "second": second.pk}, follow=True)
    assert response.status_code == 200
    assert "Choose two incidents recorded on this case to link." in response.content.decode()


def test_linking_refuses_an_incident_of_another_case(client, officer, area, gathering_case):
    other = receive_case(area=area, by=officer).incidents.first()
    client.force_login(officer)
    url = reverse("thresholds:link_duplicate", args=[gathering_case.reference])
    response = client.post(
        url, {"first": other.pk, "second": gathering_case.incidents.first().pk}, follow=True
    )
    assert "Choose two incidents recorded on this case to link." in response.content.decode()
    assert not gathering_case.incidents.filter(same_incident_as__isnull=False).exists()
