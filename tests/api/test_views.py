"""Every endpoint as every kind of caller: the police system of Hertsmere, and those that
must be refused (no credential, revoked, wrong permission, other agency, other area)."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from api.constants import ApiPermission
from api.models import ApiCallLog, ApiClient
from cases.models import Incident
from panels.constants import ActionStatus
from reporting.models import Publication
from tests.api.conftest import make_client

pytestmark = pytest.mark.django_db


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def row(**over):
    values = {
        "reference": "CAD-1",
        "incident_date": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
        "complainant_key": "V-1",
        "description": "Shouting in the street",
    }
    values.update(over)
    return values


# -- incidents -------------------------------------------------------------------------


def test_submit_stores_valid_rows_and_refuses_invalid_ones_per_row(client, auth, police):
    rows = [
        row(reference="A"),
        row(reference="B", incident_date="2026-02-30"),
        row(reference="C", description="bad \x00 byte"),
        row(reference="D", location="x" * 301),
        row(reference="E", hate_motivated=True, kind="diary_sheet"),
        "not an object",
        row(reference="F", incident_date=20260101),
    ]
    response = post_json(client, reverse("api:incidents"), {"incidents": rows}, **auth)
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["refused"]) == (2, 5)
    by_index = {(e["index"], e["field"]) for e in body["errors"]}
    assert by_index == {
        (1, "incident_date"),
        (2, "description"),
        (3, "location"),
        (5, ""),
        (6, "incident_date"),
    }
    messages = {e["index"]: e["message"] for e in body["errors"]}
    assert "not a date" in messages[1] and "NUL" in messages[2] and "300" in messages[3]
    stored = Incident.objects.filter(reported_to=police[0].agency)
    assert sorted(stored.values_list("agency_reference", flat=True)) == ["A", "E"]
    incident = stored.get(agency_reference="E")
    assert incident.area.slug == "hertsmere" and incident.hate_motivated
    assert incident.import_key == "hertfordshire-constabulary:E"  # what detection reads


def test_resubmission_updates_never_duplicates(client, auth):
    url = reverse("api:incidents")
    post_json(client, url, {"incidents": [row(reference="A")]}, **auth)
    response = post_json(client, url, {"incidents": [row(reference="A", issue="noise")]}, **auth)
    assert response.json()["updated"] == 1
    again = post_json(client, url, {"incidents": [row(reference="A", issue="noise")]}, **auth)
    assert again.json()["unchanged"] == 1
    assert Incident.objects.filter(agency_reference="A").count() == 1
    assert Incident.objects.get(agency_reference="A").issue == "noise"


def test_links_to_earlier_reports_and_refused_rows(client, auth):
    url = reverse("api:incidents")
    post_json(client, url, {"incidents": [row(reference="A")]}, **auth)
    response = post_json(
        client,
        url,
        {
            "incidents": [
                row(reference="B", same_incident_as="A"),
                row(reference="C", incident_date="yesterday"),
                row(reference="D", same_incident_as="C"),
            ]
        },
        **auth,
    )
    body = response.json()
    assert body["created"] == 1
    assert {(e["index"], e["field"]) for e in body["errors"]} == {
        (1, "incident_date"),
        (2, "same_incident_as"),
    }
    b = Incident.objects.get(agency_reference="B")
    assert b.same_incident_as.agency_reference == "A"


def test_all_rows_refused_is_400_and_too_many_is_413(client, auth):
    url = reverse("api:incidents")
    response = post_json(client, url, {"incidents": [row(reference="")]}, **auth)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "this value is required"
    response = post_json(
        client, url, {"incidents": [row(reference=str(i)) for i in range(2001)]}, **auth
    )
    assert response.status_code == 413
    assert "2,000" in response.json()["detail"]
    assert not Incident.objects.exists()
    for bad in ([], {"incidents": "x"}, "x"):
        assert post_json(client, url, bad, **auth).status_code == 400
    broken = client.post(url, "{nope", content_type="application/json", **auth)
    assert broken.status_code == 400


def test_rows_for_another_area_are_refused(client, auth):
    response = post_json(
        client, reverse("api:incidents"), {"incidents": [row(area="merton")]}, **auth
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "area"


@pytest.mark.parametrize(
    "url_name,method",
    [("api:incidents", "post"), ("api:cases", "get")],
)
def test_refused_callers(client, kinds_of_caller, url_name, method, police_case):
    for label, (headers, status) in kinds_of_caller.items():
        if label == "wrong permission" and url_name == "api:incidents":
            continue  # that client may submit
        call = getattr(client, method)
        response = call(reverse(url_name), content_type="application/json", **headers)
        assert response.status_code == status, label
        assert "detail" in response.json()


def test_every_call_with_a_credential_is_logged(client, auth, police, reference):
    revoked, secret = make_client(reference)
    revoked.revoked_at = timezone.now()
    revoked.save()
    client.get(reverse("api:cases"), **auth)
    client.get(reverse("api:cases"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    log = list(ApiCallLog.objects.order_by("id"))
    assert [(e.client_id, e.status_code) for e in log] == [(police[0].pk, 200), (revoked.pk, 401)]
    assert log[0].ip_address == "127.0.0.1" and log[0].path == "/api/v1/cases/"
    assert ApiClient.objects.get(pk=police[0].pk).last_used_at is not None


def test_no_session_is_used(client, users, police_case):
    client.force_login(users["hertsmere.spoc"])
    assert client.get(reverse("api:cases")).status_code == 401


# -- cases -----------------------------------------------------------------------------


def test_cases_list_only_the_agencys_cases(client, auth, police_case, other_case, police_action):
    response = client.get(reverse("api:cases"), **auth)
    assert response.status_code == 200
    [case] = response.json()
    assert case["reference"] == police_case.reference
    assert case["status"] == police_case.get_state_display()
    assert case["outstanding_actions"][0]["what"] == "Patrol the street at night"
    assert case["outstanding_actions"][0]["status"] == "Open"
    live = police_case.deadlines.filter(state="open").order_by("due", "id").first()
    assert live is not None, "a case ready for a panel has a deadline running"
    assert case["next_deadline"] == {
        "what": live.rule,
        "due": live.due.isoformat(),
        "overdue": False,
    }


def test_case_detail_and_404_for_cases_not_involved(client, auth, police_case, other_case):
    ok = client.get(reverse("api:case", args=[police_case.reference]), **auth)
    assert ok.status_code == 200 and ok.json()["reference"] == police_case.reference
    assert ApiCallLog.objects.filter(case=police_case).exists()
    for ref in (other_case.reference, "NO-SUCH"):
        assert client.get(reverse("api:case", args=[ref]), **auth).status_code == 404


def test_other_agency_and_other_area_see_nothing(client, reference, police_case):
    _, council_secret = make_client(reference, agency="hertfordshire-youth-justice")
    _, merton_secret = make_client(reference, area="merton", agency="clarion-housing")
    for secret in (council_secret, merton_secret):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        assert client.get(reverse("api:cases"), **headers).json() == []
        url = reverse("api:case", args=[police_case.reference])
        assert client.get(url, **headers).status_code == 404


def test_case_detail_refused_callers(client, kinds_of_caller, police_case):
    url = reverse("api:case", args=[police_case.reference])
    for label, (headers, status) in kinds_of_caller.items():
        assert client.get(url, **headers).status_code == status, label


# -- action completion -----------------------------------------------------------------


def test_owner_system_reports_completion(client, auth, police_action):
    url = reverse("api:action_completion", args=[police_action.pk])
    response = post_json(client, url, {"completion_report": "Patrolled for two weeks"}, **auth)
    assert response.status_code == 200
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.REPORTED
    assert police_action.completion_report == "Patrolled for two weeks"
    again = post_json(client, url, {"completion_report": "again"}, **auth)
    assert again.status_code == 200  # reported again: the service allows a fresh report
    police_action.refresh_from_db()
    assert police_action.completion_report == "again"


def test_completion_needs_a_report_and_refuses_nul(client, auth, police_action):
    url = reverse("api:action_completion", args=[police_action.pk])
    assert post_json(client, url, {}, **auth).status_code == 400
    assert post_json(client, url, {"completion_report": "  "}, **auth).status_code == 400
    assert post_json(client, url, {"completion_report": "a\x00b"}, **auth).status_code == 400
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.OPEN


def test_completion_refused_for_other_agencies_and_callers(
    client, reference, kinds_of_caller, police_action
):
    url = reverse("api:action_completion", args=[police_action.pk])
    data = {"completion_report": "done"}
    for label, (headers, status) in kinds_of_caller.items():
        assert post_json(client, url, data, **headers).status_code == status, label
    _, other = make_client(reference, agency="hertsmere-borough-council")
    assert post_json(client, url, data, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    _, read_only = make_client(reference, perms=[ApiPermission.READ_CASES])
    assert post_json(client, url, data, HTTP_AUTHORIZATION=f"Bearer {read_only}").status_code == 403
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.OPEN


# -- statistics ------------------------------------------------------------------------


def test_statistics_are_the_published_figures_with_suppression(client, reference):
    Publication.objects.create(
        area=reference["areas"]["merton"],
        year=2025,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2026, 3, 31),
        figures={
            "applications": 12,
            "threshold_not_met": 3,
            "reviews": 7,
            "reviews_with_recommendations": 5,
        },
        suppression_threshold=5,
    )
    response = client.get(reverse("api:statistics", args=["merton", 2025]))
    assert response.status_code == 200
    body = response.json()
    assert body["year_label"] == "2025-26"
    values = {f["figure"]: f["value"] for f in body["figures"]}
    assert values["applications"] == "12" and values["threshold_not_met"] == "fewer than 5"
    assert client.get(reverse("api:statistics", args=["merton", 2024])).status_code == 404
    assert client.get(reverse("api:statistics", args=["nowhere", 2025])).status_code == 404
    assert client.get(reverse("api:statistics", args=["merton", 99999])).status_code == 404


def test_reference_page_lists_the_endpoints(client):
    html = client.get(reverse("api:reference")).content.decode()
    assert "/api/v1/incidents/" in html and "submit_incidents" in html
    # Nothing is fetched from outside: every script, stylesheet, image and link is this
    # site's own. (Searching the whole page for "cdn" failed whenever a CSRF token held it.)
    addresses = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    assert addresses and all(a.startswith(("/", "#")) for a in addresses), addresses


# -- hostile input and limits ------------------------------------------------------------


def test_nul_in_a_reference_or_secret_is_a_refusal_not_an_error(client, auth):
    # A NUL anywhere in an address is refused before routing (asbcr RefuseNulMiddleware).
    assert client.get("/api/v1/cases/a%00b/", **auth).status_code == 400
    nul = {"HTTP_AUTHORIZATION": "Bearer asbcr_ab\x00c_def"}
    assert client.get(reverse("api:cases"), **nul).status_code == 401


def test_a_body_larger_than_the_limit_is_413(client, auth, monkeypatch):
    from api import views

    monkeypatch.setattr(views, "MAX_BODY_BYTES", 100)
    response = post_json(client, reverse("api:incidents"), {"incidents": [row()] * 3}, **auth)
    assert response.status_code == 413 and "split" in response.json()["detail"]


def test_calls_are_throttled_per_client(client, auth, reference, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_CLIENT_RATE = "2/min"
    url = reverse("api:cases")
    assert [client.get(url, **auth).status_code for _ in range(3)] == [200, 200, 429]
    _, other = make_client(reference)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
    cache.clear()


def test_completion_from_another_area_is_404(client, reference, users, officer, area):
    from panels import services as panels
    from tests.panels.factories import case_ready_for_panel

    case = case_ready_for_panel(area=area, officer=officer, involve=["clarion-housing"])
    action = panels.action_add(
        case=case,
        by=officer,
        interim=True,
        data=panels.ActionInput(
            what="Fit a door camera",
            why="Immediate risk",
            owner=users["hertsmere.housing"],
            due_on=timezone.localdate() + dt.timedelta(days=7),
        ),
    )
    _, merton_housing = make_client(reference, area="merton", agency="clarion-housing")
    _, herts_housing = make_client(reference, agency="clarion-housing")
    url = reverse("api:action_completion", args=[action.pk])
    data = {"completion_report": "Fitted"}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {merton_housing}"}
    assert post_json(client, url, data, **headers).status_code == 404
    headers = {"HTTP_AUTHORIZATION": f"Bearer {herts_housing}"}
    assert post_json(client, url, data, **headers).status_code == 200


def test_a_closed_action_is_409(client, auth, police_action):
    from panels.models import Action

    Action.objects.filter(pk=police_action.pk).update(status=ActionStatus.DONE)
    url = reverse("api:action_completion", args=[police_action.pk])
    response = post_json(client, url, {"completion_report": "x"}, **auth)
    assert response.status_code == 409 and "closed" in response.json()["detail"]


def test_case_list_queries_do_not_grow_with_cases(client, auth, area, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.panels.factories import case_ready_for_panel

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("api:cases"), **auth).status_code == 200
        return len(queries)

    involve = ["hertfordshire-constabulary"]
    case_ready_for_panel(area=area, officer=officer, involve=involve)
    count()  # the first call also notes when the client was last used
    one = count()
    for _ in range(3):
        case_ready_for_panel(area=area, officer=officer, involve=involve)
    assert count() == one


def test_out_of_range_numbers_in_paths_are_404(client, auth):
    huge = "9" * 30
    assert client.get(f"/api/v1/statistics/merton/{huge}/").status_code == 404
    response = post_json(
        client, f"/api/v1/actions/{huge}/completion/", {"completion_report": "x"}, **auth
    )
    assert response.status_code == 404


def test_statistics_ignore_any_credential(client, reference, kinds_of_caller):
    Publication.objects.create(
        area=reference["areas"]["hertsmere"],
        year=2025,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2026, 3, 31),
        figures={"applications": 0},
        suppression_threshold=5,
    )
    url = reverse("api:statistics", args=["hertsmere", 2025])
    for label, (headers, _status) in kinds_of_caller.items():
        assert client.get(url, **headers).status_code == 200, label
    assert not ApiCallLog.objects.exists()  # public figures: nobody to log
