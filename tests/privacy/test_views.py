import datetime as dt
import io

import pytest
from pypdf import PdfReader

from cases.constants import EventKind
from privacy.models import SubjectAccessRequest
from tests.privacy.factories import ANNA, BRENDA_TRACES, two_person_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(users):
    return users["hertsmere.admin"]


@pytest.fixture
def case(area, officer):
    return two_person_case(area=area, by=officer)


def open_form(**overrides):
    today = dt.date.today()
    data = {
        "requester_kind": "subject",
        "requester_name": ANNA["name"],
        "requester_contact": ANNA["email"],
        "received_on_0": str(today.day),
        "received_on_1": str(today.month),
        "received_on_2": str(today.year),
        "identity_checked": "on",
        "subject_name": ANNA["name"],
        "subject_email": ANNA["email"],
        "subject_phone": "",
        "subject_postcode": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_the_admin_records_a_request_sees_the_matches_confirms_and_downloads(client, case, admin):
    client.force_login(admin)
    assert client.get("/staff/privacy/areas/hertsmere/requests/").status_code == 200
    response = client.post("/staff/privacy/areas/hertsmere/requests/new/", open_form())
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response.url == f"/staff/privacy/requests/{sar.pk}/"

    page = client.get(response.url).content.decode()
    assert "Why it matched: name matches, email matches" in page
    assert f"Person: Victim</strong> · {case.reference}" in page
    assert "Named in an incident report" not in page  # her own complaints come with her
    assert "Correct this person's details" in page
    assert "Download the PDF" not in page  # nothing confirmed yet

    person_key = f"person:{case.victim_id}"
    response = client.post(f"/staff/privacy/requests/{sar.pk}/confirm/", {"matches": [person_key]})
    assert response.status_code == 302
    page = client.get(f"/staff/privacy/requests/{sar.pk}/").content.decode()
    assert "Download the PDF" in page and "Download the JSON file" in page

    pdf = client.post(f"/staff/privacy/requests/{sar.pk}/export/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert f'filename="{sar.reference}.pdf"' in pdf["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert ANNA["name"] in text
    assert not [t for t in BRENDA_TRACES if t in text]
    as_json = client.post(f"/staff/privacy/requests/{sar.pk}/export/json/")
    assert as_json["Content-Type"] == "application/json"
    assert as_json.json()["request"]["reference"] == sar.reference


def test_confirming_nothing_says_what_to_do(client, case, admin):
    client.force_login(admin)
    client.post("/staff/privacy/areas/hertsmere/requests/new/", open_form())
    sar = SubjectAccessRequest.objects.get()
    response = client.post(f"/staff/privacy/requests/{sar.pk}/confirm/", {"matches": []})
    assert response.status_code == 200
    assert "Choose at least one record" in response.content.decode()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("subject_name", "Anna\x00Kowalski", "Null characters are not allowed"),
        ("subject_name", "A" * 100_000, "200 characters or fewer"),
        ("subject_email", "\x00", "Null characters are not allowed"),
        ("notes", "x" * 100_000, "5000 characters or fewer"),
        (
            "received_on_2",
            "99999999999999999999",
            "The date the request was received must be a real date",
        ),
    ],
)
def test_a_hostile_request_gives_a_message_at_the_field_not_a_500(
    client, admin, field, value, message
):
    client.force_login(admin)
    response = client.post(
        "/staff/privacy/areas/hertsmere/requests/new/", open_form(**{field: value})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message.replace("5000", "5,000") in body or message in body
    assert "govuk-error-summary" in body
    assert not SubjectAccessRequest.objects.exists()


def test_another_areas_admin_cannot_list_open_or_download_a_request(client, case, admin, users):
    client.force_login(admin)
    client.post("/staff/privacy/areas/hertsmere/requests/new/", open_form())
    sar = SubjectAccessRequest.objects.get()
    client.force_login(users["merton.admin"])
    assert client.get("/staff/privacy/areas/hertsmere/requests/").status_code == 403
    assert client.get("/staff/privacy/areas/hertsmere/requests/new/").status_code == 403
    assert client.get(f"/staff/privacy/requests/{sar.pk}/").status_code == 404
    assert client.post(f"/staff/privacy/requests/{sar.pk}/export/json/").status_code == 404
    client.force_login(users["hertsmere.officer"])
    assert client.get("/staff/privacy/areas/hertsmere/requests/").status_code == 403


def test_the_case_page_links_to_the_correction_form_and_it_records_the_change(
    client, case, officer
):
    client.force_login(officer)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    url = f"/staff/privacy/people/{case.victim_id}/correct/?case={case.reference}"
    assert url in page
    form = client.get(url)
    assert form.status_code == 200
    version = form.context["form"].initial["version"]
    response = client.post(
        url,
        {
            "name": ANNA["name"],
            "address": ANNA["address"].replace("\n", "\r\n"),  # as a browser sends it
            "postcode": "WD6 5XY",
            "phone": ANNA["phone"],
            "email": ANNA["email"],
            "organisation_contact": "",
            "reason": "Moved house",
            "version": version,
        },
    )
    assert response.status_code == 302 and response.url == f"/staff/cases/{case.reference}/"
    event = case.timeline.get(kind=EventKind.RECTIFICATION)
    assert event.detail["changes"] == {"postcode": {"before": ANNA["postcode"], "after": "WD6 5XY"}}
    page = client.get(url).content.decode()
    assert "Moved house" in page and "WD6 5XY" in page
    # The same form posted again with the old version is refused, not applied.
    stale = client.post(
        url,
        {"name": "Someone Else", "postcode": "WD6 5XY", "reason": "Late", "version": version},
    )
    assert stale.status_code == 200
    assert "Someone else changed this person" in stale.content.decode()


def test_a_hostile_correction_gives_a_message_not_a_500(client, case, officer):
    client.force_login(officer)
    url = f"/staff/privacy/people/{case.victim_id}/correct/"
    version = client.get(url).context["form"].initial["version"]
    for hostile, message in (
        ({"name": "A" * 100_000}, "Name must be 200 characters or fewer (you typed 100,000)"),
        ({"name": "Anna", "email": "x\x00"}, "Null characters are not allowed"),
        ({"name": "Anna", "address": "\x00" * 100_000}, "Null characters are not allowed"),
    ):
        response = client.post(url, {"reason": "x", "version": version, **hostile})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not case.timeline.filter(kind=EventKind.RECTIFICATION).exists()


def test_staff_outside_the_case_cannot_open_the_correction_form(client, case, users):
    client.force_login(users["merton.officer"])
    assert client.get(f"/staff/privacy/people/{case.victim_id}/correct/").status_code == 404
    client.force_login(users["hertsmere.spoc"])
    assert client.get(f"/staff/privacy/people/{case.victim_id}/correct/").status_code == 403


@pytest.mark.services
def test_null_characters_and_huge_input_give_messages_on_postgresql(client, case, admin, officer):
    client.force_login(admin)
    for field in ("subject_name", "subject_email", "requester_name", "notes"):
        response = client.post(
            "/staff/privacy/areas/hertsmere/requests/new/", open_form(**{field: "x\x00y"})
        )
        assert response.status_code == 200 and "Null characters are not allowed" in (
            response.content.decode()
        )
    response = client.post(
        "/staff/privacy/areas/hertsmere/requests/new/", open_form(subject_name="A" * 100_000)
    )
    assert response.status_code == 200
    assert not SubjectAccessRequest.objects.exists()
    client.force_login(officer)
    url = f"/staff/privacy/people/{case.victim_id}/correct/"
    version = client.get(url).context["form"].initial["version"]
    response = client.post(url, {"name": "\x00", "reason": "\x00", "version": version})
    assert response.status_code == 200
