"""The deadline pages: my work, the area dashboard (its counts agree with the case list's
overdue filter), the delay and waive actions, and the section on the case page."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from cases.selectors import case_list
from deadlines.constants import DeadlineState
from deadlines.sweep import deadlines_sweep
from tests.factories import receive_case

D = dt.date
pytestmark = pytest.mark.django_db


def at(day):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9), tick=False)


@pytest.fixture
def cases(area, officer, users):
    """Three Hertsmere cases received on different days; one in Merton."""
    from cases.services import case_assign_officer

    made = []
    for received in (D(2026, 12, 1), D(2026, 12, 10), D(2026, 12, 22)):
        with at(received):
            case = receive_case(area=area, by=officer, received_on=received)
            case_assign_officer(case=case, by=officer, officer=officer)
            made.append(case)
    merton = users["merton.officer"]
    with at(D(2026, 12, 1)):
        receive_case(
            area=merton.role_assignments.first().area, by=merton, received_on=D(2026, 12, 1)
        )
    return made


def _counts(html: str) -> dict[str, int]:
    return {
        name: int(value)
        for name, value in re.findall(r'data-count="(\w+)">(?:<a[^>]*>)?(\d+)', html)
    }


def test_dashboard_counts_agree_with_the_case_list_overdue_filter(client, area, officer, cases):
    with at(D(2026, 12, 29)):
        client.force_login(officer)
        deadlines_sweep()
        response = client.get(f"/staff/deadlines/area/{area.slug}/")
        listed = case_list(user=officer, filters={"area": area.slug, "overdue": True})
        list_page = client.get("/staff/cases/", {"area": area.slug, "overdue": "1"})
    assert response.status_code == 200
    counts = _counts(response.content.decode())
    # 1 Dec: ack (4 Dec) and decision (15 Dec) overdue; 10 Dec: ack (15 Dec) and decision
    # (24 Dec) overdue; 22 Dec: ack due today (29 Dec), decision 8 January.
    assert counts == {"overdue": 4, "overdue_cases": 2, "due_today": 1, "due_this_week": 0}
    assert listed.count() == counts["overdue_cases"] == 2
    for case in listed:
        assert case.reference in list_page.content.decode()
    by_officer = response.context["by_officer"]
    assert sum(n for _name, n in by_officer) == counts["overdue"]
    assert by_officer == [(str(officer), 4)]
    assert sum(n for _name, n in response.context["by_agency"]) == counts["overdue"]


def test_a_long_dashboard_shows_its_first_rows_and_counts_them_all(
    client, area, officer, cases, monkeypatch
):
    """An area with thousands overdue: each list shows its first rows, oldest first, and
    the counts and the tables by officer and agency still count every one."""
    import deadlines.selectors

    monkeypatch.setattr(deadlines.selectors, "DASHBOARD_ROWS", 2)
    with at(D(2026, 12, 29)):
        client.force_login(officer)
        deadlines_sweep()
        response = client.get(f"/staff/deadlines/area/{area.slug}/")
    page = response.content.decode()
    overdue = list(response.context["overdue"])
    assert [d.due for d in overdue] == [D(2026, 12, 4), D(2026, 12, 15)]
    assert _counts(page)["overdue"] == 4
    assert "Showing the 2 overdue longest of 4." in page
    assert f'href="/staff/cases/?area={area.slug}&amp;overdue=1">See every case' in page
    assert response.context["by_officer"] == [(str(officer), 4)]
    assert sum(n for _name, n in response.context["by_agency"]) == 4


def test_the_dashboard_counts_only_cases_the_user_can_see(client, users, area, cases):
    """A police SPOC in the area whose force is not yet involved in these cases: the
    dashboard opens, but counts, lists and names none of them."""
    spoc = users["hertsmere.spoc"]
    with at(D(2026, 12, 29)):
        deadlines_sweep()
        client.force_login(spoc)
        response = client.get(f"/staff/deadlines/area/{area.slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert _counts(page) == {"overdue": 0, "overdue_cases": 0, "due_today": 0, "due_this_week": 0}
    assert response.context["by_officer"] == [] and response.context["by_agency"] == []
    assert not any(case.reference in page for case in cases)


def test_my_work_lists_what_the_user_answers_for(client, officer, users, cases):
    with at(D(2026, 12, 29)):
        client.force_login(officer)
        response = client.get("/staff/deadlines/mine/")
    assert response.status_code == 200
    assert len(response.context["overdue"]) == 4
    assert len(response.context["due_today"]) == 1
    assert len(response.context["later"]) == 1
    with at(D(2026, 12, 29)):
        client.force_login(users["hertsmere.spoc"])
        response = client.get("/staff/deadlines/mine/")
    assert response.status_code == 200 and len(response.context["overdue"]) == 0


def test_the_dashboard_is_only_for_people_in_the_area(client, users, area, cases):
    client.force_login(users["merton.officer"])
    assert client.get(f"/staff/deadlines/area/{area.slug}/").status_code == 404
    client.force_login(users["hertsmere.admin"])
    assert client.get(f"/staff/deadlines/area/{area.slug}/").status_code == 200


def test_the_case_page_shows_deadlines_with_actions(client, officer, cases):
    client.force_login(officer)
    case = cases[2]
    # The deadlines are on the case's timeline page (one of the case page's sub-pages).
    html = client.get(f"/staff/cases/{case.reference}/timeline/").content.decode()
    assert "CR1 acknowledgement within 3 working days" in html
    assert "Tue 29 Dec 2026" in html
    assert "Record a delay" in html


def test_recording_a_delay_through_the_page(
    client, officer, cases, django_capture_on_commit_callbacks
):
    case = cases[2]
    deadline = case.deadlines.get(step="threshold_decision")
    client.force_login(officer)
    url = f"/staff/deadlines/{deadline.pk}/delay/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"new_due": "01/01/2020", "reason": ""})
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "Enter the reason for the delay" in page and "govuk-error-summary" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "new_due": "22/01/2027",
                "reason": "Waiting for police records",
                "notify_applicant": "on",
            },
        )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.due == D(2027, 1, 22) and deadline.delay_reason == "Waiting for police records"
    assert [m.to for m in mail.outbox] == [[case.applicant.email]]


def test_waiving_through_the_page(client, officer, cases):
    deadline = cases[0].deadlines.get(step="acknowledge")
    client.force_login(officer)
    response = client.post(
        f"/staff/deadlines/{deadline.pk}/waive/", {"reason": "Acknowledged in person"}
    )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.WAIVED


def test_people_outside_the_case_cannot_touch_its_deadlines(client, users, cases):
    deadline = cases[0].deadlines.first()
    client.force_login(users["merton.officer"])
    assert client.get(f"/staff/deadlines/{deadline.pk}/delay/").status_code == 404
    client.force_login(users["hertsmere.spoc"])  # sees the case? not involved: 404 either way
    assert client.post(f"/staff/deadlines/{deadline.pk}/waive/", {"reason": "x"}).status_code in (
        403,
        404,
    )
    deadline.refresh_from_db()
    assert deadline.state != DeadlineState.WAIVED


def test_recording_that_a_step_was_done(client, officer, cases):
    deadline = cases[0].deadlines.get(step="acknowledge")  # due Friday 4 December 2026
    with at(D(2026, 12, 10)):
        client.force_login(officer)
        url = f"/staff/deadlines/{deadline.pk}/done/"
        future = client.post(url, {"met_on": "11/12/2026"})
        assert "cannot be in the future" in future.content.decode()
        assert client.post(url, {"met_on": "07/12/2026"}).status_code == 302
    deadline.refresh_from_db()
    assert (deadline.state, deadline.met_on) == (DeadlineState.MET_LATE, D(2026, 12, 7))
    assert (
        cases[0]
        .timeline.filter(summary="Deadline met late: CR1 acknowledgement within 3 working days")
        .exists()
    )


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/9999", "30/02/2027", "a\x00"])
def test_a_delay_to_an_impossible_date_is_explained(client, officer, cases, typed):
    deadline = cases[2].deadlines.get(step="threshold_decision")
    client.force_login(officer)
    response = client.post(
        f"/staff/deadlines/{deadline.pk}/delay/", {"new_due": typed, "reason": "Illness"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The new date must be a real date" in page
    deadline.refresh_from_db()
    assert deadline.due == deadline.original_due
