import re

import pytest
from django.core import mail

from cases.constants import CaseState, Channel
from cases.models import Case
from public.models import DraftApplication, TrackingLink
from tests.public.helpers import apply

pytestmark = pytest.mark.django_db


def _track_token(body: str) -> str:
    return re.search(r"/track/([\w-]+)/", body).group(1)


def test_whole_application_enters_the_workflow(
    reference, client, django_capture_on_commit_callbacks
):
    r = apply(client)
    assert r.status_code == 200
    body = r.content.decode()
    assert "Check your answers" in body
    assert "at least 3 separate incidents" in body  # Hertsmere's threshold, in plain English
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/apply/check/", {"website": ""})
    assert r.status_code == 302 and r["Location"] == "/apply/sent/"
    case = Case.objects.get()
    assert case.channel == Channel.ONLINE
    assert case.area.slug == "hertsmere"
    assert case.state == CaseState.RECEIVED
    assert case.incidents.count() == 3
    assert case.wants_to_attend and case.wants_to_send_statement
    assert case.timeline.filter(kind="received").exists()
    confirmation = client.get("/apply/sent/").content.decode()
    assert case.reference in confirmation
    # One email to the applicant (the area's officers are told of the new work too).
    to_applicant = [m for m in mail.outbox if case.applicant.email in m.to]
    assert len(to_applicant) == 1
    assert case.reference in to_applicant[0].body
    token = _track_token(to_applicant[0].body)
    assert TrackingLink.objects.get(case=case).is_live
    draft = DraftApplication.objects.get()
    assert draft.data == {} and draft.case == case  # answers not kept twice
    # The draft cannot be sent twice.
    assert client.get("/apply/check/").status_code == 302
    page = client.get(f"/track/{token}/")
    assert page.status_code == 200
    assert "We have received your application" in page.content.decode()
    assert page["Cache-Control"] == "no-store"


def test_third_party_application_records_the_victim_and_consent(reference, client):
    apply(client, third_party=True)
    client.post("/apply/check/", {"website": ""})
    case = Case.objects.get()
    assert case.applicant_type == "third_party"
    assert case.victim.name == "Vera Victim" and case.applicant.name == "Alex Applicant"
    assert case.relationship == "relative" and case.victim_consent is True


def test_validation_error_keeps_the_answers_and_links_to_the_field(reference, client):
    client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    client.post("/apply/case-review/")
    r = client.post("/apply/who/", {})
    assert r.status_code == 400
    body = r.content.decode()
    assert 'href="#id_applicant_type_1"' in body
    assert 'id="id_applicant_type_1"' in body
    assert "<title>Error:" in body
    r = client.post("/apply/contact/", {"preferred_contact": "email", "phone": "0123"})
    body = r.content.decode()
    assert "Enter an email address" in body and 'value="0123"' in body


def test_postcode_outside_every_area_offers_the_list(reference, client):
    r = client.post("/apply/postcode/", {"postcode": "ZZ9 9ZZ"})
    assert r.status_code == 400
    assert "Choose your area from the list" in r.content.decode()
    r = client.post("/apply/area/", {"area": "merton"})
    assert r.status_code == 302
    assert DraftApplication.objects.get().area.slug == "merton"


def test_answers_survive_leaving_and_coming_back_by_email(
    reference, client, django_capture_on_commit_callbacks
):
    client.post("/apply/postcode/", {"postcode": "SW19 1AA"})
    client.post("/apply/case-review/")
    client.post("/apply/who/", {"applicant_type": "victim"})
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/apply/save/", {"email": "back@example.org"})
    assert r.status_code == 200
    link = re.search(r"https?://\S+/apply/resume/[\w-]+/", mail.outbox[0].body).group(0)
    fresh = type(client)()
    r = fresh.get(link.split("//", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert r.status_code == 302 and r["Location"] == "/apply/victim-type/"
    page = fresh.get("/apply/who/").content.decode()
    assert 'value="victim"\n' in page or 'value="victim" checked' in page or "checked" in page


def test_unknown_resume_link_is_refused(reference, client):
    assert client.get("/apply/resume/not-a-real-token/").status_code == 404


def test_pages_need_a_draft(reference, client):
    assert client.get("/apply/who/")["Location"] == "/apply/"
    assert client.get("/apply/check/")["Location"] == "/apply/"


def test_check_sends_back_to_the_first_unanswered_page(reference, client):
    client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    client.post("/apply/case-review/")
    assert client.get("/apply/check/")["Location"] == "/apply/who/"


def test_honeypot_stores_nothing(reference, client):
    apply(client)
    r = client.post("/apply/check/", {"website": "http://spam.example"})
    assert r.status_code == 400
    assert not Case.objects.exists()


def test_field_size_limits(reference, client):
    client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    r = client.post("/apply/problem/", {"summary": "x" * 5001})
    assert r.status_code == 400
    assert "problem" not in DraftApplication.objects.get().data


@pytest.mark.parametrize(
    ("postcode", "prefix"),
    [
        ("WD6 1AA", "HER-"),
        ("SW19 2AA", "MER-"),
        ("ST16 1AA", "STA-"),
        ("PL1 1AA", "DAC-"),
        ("MK40 1AA", "BED-"),
        ("LU2 1AA", "LUT-"),
        ("SG17 5AA", "CBD-"),
    ],
)
def test_every_demo_area_takes_online_applications(reference, client, postcode, prefix):
    apply(client, postcode=postcode)
    assert client.post("/apply/check/", {"website": ""}).status_code == 302
    assert Case.objects.get().reference.startswith(prefix)


def test_error_summary_links_land_on_checkboxes_and_dates(reference, client):
    client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    body = client.post("/apply/involvement/", {}).content.decode()
    assert 'href="#id_involvement_1"' in body and 'id="id_involvement_1"' in body
    body = client.post("/apply/incidents/0/", {"description": "x"}).content.decode()
    assert 'href="#id_incident_date_0"' in body and 'id="id_incident_date_0"' in body


@pytest.mark.parametrize("part", ["incident_date_0", "incident_date_1", "incident_date_2"])
def test_a_huge_number_in_a_date_is_explained_and_kept(reference, client, part):
    """No sign-in needed to reach this page: a huge number must be a message, not a 500."""
    client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    huge = "9" * 29
    data = {"description": "Music", "incident_date_0": "1", "incident_date_1": "2"}
    data |= {"incident_date_2": "2026", part: huge}
    response = client.post("/apply/incidents/0/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "The date the incident happened must be a real date" in body
    assert f'value="{huge}"' in body


def test_save_for_later_on_a_page_with_errors_keeps_what_was_typed(reference, client):
    """'Save and come back later' with an answer that is not valid yet shows the page
    again as it was sent, with the errors and why it was not saved: it does not leave
    for the save page and drop what the victim typed (nothing unvalidated is stored)."""
    client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    client.post("/apply/case-review/")
    client.post("/apply/who/", {"applicant_type": "victim"})
    draft = DraftApplication.objects.get()
    for url, sent, typed in [
        (
            "/apply/contact/",
            {"preferred_contact": "email", "phone": "01234 567890"},
            'value="01234 567890"',
        ),
        (
            "/apply/incidents/0/",
            {"description": "Shouting in the stairwell every night"},
            "Shouting in the stairwell every night",
        ),
    ]:
        before = DraftApplication.objects.get().data
        r = client.post(url, {**sent, "save_for_later": "1"})
        assert r.status_code == 400, url
        body = r.content.decode()
        assert typed in body
        assert "This page has not been saved yet" in body
        assert "Your answers on earlier pages are saved" in body
        assert DraftApplication.objects.get().data == before
    assert DraftApplication.objects.get().pk == draft.pk
