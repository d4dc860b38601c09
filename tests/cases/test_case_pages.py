"""The case page's sub-pages (issue 18 part 3): each its own URL, the same visibility rule
and access log as the case page, what each shows, and a bounded number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.constants import AccessKind, EventKind
from cases.models import AccessLogEntry
from cases.services import agency_response_record, case_add_note, impact_statement_add
from partnerships.models import Agency, User
from tests.factories import IncidentInputFactory, PersonInputFactory, receive_case

pytestmark = pytest.mark.django_db

PAGES = ["detail", "incidents", "responses", "threshold", "panel", "letters", "appeals", "timeline"]


@pytest.fixture
def case(reference, officer):
    police = reference["agencies"]["hertfordshire-constabulary"]
    return receive_case(
        area=reference["areas"]["hertsmere"],
        by=officer,
        applicant=PersonInputFactory(
            name="Dora Kowalski", email="dora@example.org", phone="07700 900123"
        ),
        incidents=[IncidentInputFactory(reported_to=police)],
    )


@pytest.fixture
def outsider(reference):
    """A case officer of an agency with no part in the case."""
    officer = reference["users"]["hertsmere.officer"]
    agency = Agency.objects.exclude(
        pk__in=[officer.agency_id, reference["agencies"]["hertfordshire-constabulary"].pk]
    ).first()
    user = User.objects.create(username="outsider", agency=agency)
    for assignment in officer.role_assignments.all():
        user.role_assignments.create(role=assignment.role, area=assignment.area)
    return user


@pytest.mark.parametrize("name", PAGES)
def test_each_page_has_its_own_url_and_logs_the_view(client, case, officer, name):
    client.force_login(officer)
    before = AccessLogEntry.objects.filter(case=case, kind=AccessKind.VIEW_CASE).count()
    response = client.get(reverse(f"cases:{name}", args=[case.reference]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-label="Parts of the case"' in body
    assert body.count('aria-current="page"') >= 1
    assert AccessLogEntry.objects.filter(case=case, kind=AccessKind.VIEW_CASE).count() == before + 1


@pytest.mark.parametrize("name", PAGES)
def test_an_uninvolved_agency_is_refused_every_page(client, case, outsider, name):
    client.force_login(outsider)
    response = client.get(reverse(f"cases:{name}", args=[case.reference]))
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(case=case, user=outsider).exists()


def test_summary_card_has_the_contacts_and_the_impact_statement(client, case, officer):
    impact_statement_add(
        case=case,
        by=officer,
        source="written_paper",
        text="I cannot sleep.",
        attachment=SimpleUploadedFile("statement.txt", b"My statement in full.", "text/plain"),
    )
    client.force_login(officer)
    body = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "dora@example.org" in body and "07700 900123" in body
    assert "Prefers email" in body
    assert "I cannot sleep." in body and "Download the file they sent" in body
    for label in ("Risk", "State", "Next step", "Case officer"):
        assert f'<dt class="govuk-summary-list__key">{label}</dt>' in body


def test_agency_responses_page_shows_what_each_body_said(client, case, officer, reference):
    police = reference["agencies"]["hertfordshire-constabulary"]
    agency_response_record(
        case=case,
        agency=police,
        by=officer,
        reports_held="Three calls about shouting, CAD-4130.",
        actions_taken="Officers visited twice.",
    )
    client.force_login(officer)
    body = client.get(reverse("cases:responses", args=[case.reference])).content.decode()
    assert "Three calls about shouting, CAD-4130." in body
    assert "Officers visited twice." in body
    assert "Not received yet" in body  # the council has not responded


def test_the_timeline_filter_offers_every_kind_of_event(client, case, officer):
    case_add_note(case=case, by=officer, text="Called the housing officer.")
    client.force_login(officer)
    url = reverse("cases:timeline", args=[case.reference])
    body = client.get(url).content.decode()
    for value, label in EventKind.choices:
        assert f'<option value="{value}">{label}</option>' in body
    filtered = client.get(url, {"kind": "note"})
    assert filtered.context["timeline"] and all(
        e.kind == "note" for e in filtered.context["timeline"]
    )
    assert client.get(url, {"kind": "nonsense"}).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_each_page_loads_in_a_bounded_number_of_queries(
    client, case, officer, name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    url = reverse(f"cases:{name}", args=[case.reference])
    client.get(url)  # warm the per-process caches (procedure versions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        case_add_note(case=case, by=officer, text=f"Note {n}")
        from cases.services import incident_add

        incident_add(case=case, by=officer, data=IncidentInputFactory(description=f"Noise {n}"))
    with django_assert_max_num_queries(QUERY_BUDGET[name]):
        client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) <= len(few) + 2, [q["sql"][:120] for q in many.captured_queries]


QUERY_BUDGET = {
    "detail": 60,
    "incidents": 30,
    "responses": 30,
    "threshold": 45,
    "panel": 30,
    "letters": 30,
    "appeals": 30,
    "timeline": 30,
}
