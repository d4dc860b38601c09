"""Work queues: each role's home page lists what waits for them, overdue first."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.services import case_assign_officer, case_involve_agency, case_transition
from deadlines.models import Deadline
from tests.factories import receive_case
from work.selectors import work_count, work_queue

pytestmark = pytest.mark.django_db


def queue(user, key):
    found = [q for q in work_queue(user=user)["queues"] if q.key == key]
    return found[0] if found else None


def refs(q):
    return [i.case_reference for i in q.items] if q else []


def test_a_new_application_is_in_every_officer_of_the_areas_queue(received, users):
    for name in ("hertsmere.officer", "hertsmere.manager"):
        q = queue(users[name], "new_applications")
        assert refs(q) == [received.reference]
        assert q.items[0].url == reverse("cases:detail", args=[received.reference])
        assert q.items[0].due is not None  # the acknowledgement deadline
    assert refs(queue(users["staffordshire.officer"], "new_applications")) == []


def test_acknowledged_applications_leave_the_new_queue(received, officer):
    case_transition(case=received, name="acknowledge", by=officer)
    assert refs(queue(officer, "new_applications")) == []


def test_the_police_spoc_sees_the_response_their_agency_owes(gathering, users):
    q = queue(users["hertsmere.spoc"], "responses_owed")
    assert refs(q) == [gathering.reference]
    item = q.items[0]
    assert item.url == reverse("work:respond", args=[gathering.reference])
    assert item.due is not None
    assert "Hertfordshire" in item.title
    # Clarion is not involved in this case: nothing is owed, and nothing leaks.
    assert refs(queue(users["hertsmere.housing"], "responses_owed")) == []
    assert refs(queue(users["staffordshire.spoc"], "responses_owed")) == []


def test_the_officer_sees_steps_owned_by_the_relevant_bodies_on_their_cases(
    gathering, officer, users
):
    case_assign_officer(case=gathering, officer=officer, by=officer)
    steps = queue(officer, "case_steps")
    owners = {i.detail for i in steps.items}
    assert gathering.reference in refs(steps)
    assert any("Relevant bodies" in o or "Hertfordshire" in o for o in owners), owners
    # Not their case: the other officer's "next steps" do not list it.
    assert gathering.reference not in refs(queue(users["hertsmere.manager"], "case_steps"))


def test_overdue_first_then_by_due_date(area, officer):
    cases = [receive_case(area=area, by=officer) for _ in range(3)]
    today = dt.date.today()
    for case, days in zip(cases, (5, -3, 1), strict=True):
        Deadline.objects.filter(case=case).update(due=today + dt.timedelta(days=days))
    q = queue(officer, "new_applications")
    assert refs(q) == [cases[1].reference, cases[2].reference, cases[0].reference]
    assert [i.overdue for i in q.items] == [True, False, False]
    assert work_queue(user=officer)["overdue"] >= 1


def test_the_admin_sees_breaches_in_their_area_and_the_monitor_only_figures(received, users):
    Deadline.objects.filter(case=received).update(due=dt.date.today() - dt.timedelta(days=2))
    assert received.reference in refs(queue(users["hertsmere.admin"], "breaches"))
    assert queue(users["staffordshire.admin"], "breaches").items == []
    monitor = work_queue(user=users["staffordshire.monitor"])
    keys = [q.key for q in monitor["queues"]]
    assert "figures" in keys and "breaches" not in keys
    assert all(not i.case_reference for q in monitor["queues"] for i in q.items)
    assert monitor["total"] == 0


def test_the_nav_count_is_the_queue_total(gathering, users):
    spoc = users["hertsmere.spoc"]
    assert work_count(user=spoc) == work_queue(user=spoc)["total"] >= 1


def test_the_nav_count_is_the_queue_total_for_every_role(
    gathering, officer, police, reference, users
):
    """The count reads its own narrowed queries (steps named as mine, the cases I hold,
    the new applications left out); it still counts exactly what the queues list."""
    case_assign_officer(case=gathering, officer=officer, by=officer)
    new = receive_case(area=gathering.area, by=officer)  # a new application, not a step
    elsewhere = users["staffordshire.officer"]
    unseen = receive_case(area=reference["areas"]["staffordshire"], by=elsewhere)
    Deadline.objects.filter(case__in=[new, unseen]).update(responsible_user=officer)
    Deadline.objects.filter(case=gathering).update(due=dt.date.today() - dt.timedelta(days=3))
    for name in (
        "hertsmere.officer",
        "hertsmere.manager",
        "hertsmere.spoc",
        "hertsmere.admin",
        "hertsmere.chair",
        "hertsmere.reviewer",
        "staffordshire.officer",
        "staffordshire.admin",
    ):
        user = type(officer).objects.get(username=name)
        assert work_count(user=user) == work_queue(user=user)["total"], name
    steps = refs(queue(officer, "case_steps"))
    assert gathering.reference in steps
    assert new.reference not in steps and unseen.reference not in steps


@pytest.mark.parametrize("name", ["hertsmere.officer", "hertsmere.spoc", "hertsmere.admin"])
def test_the_queue_takes_a_bounded_number_of_queries(
    name, area, officer, police, users, django_assert_max_num_queries
):
    def one_more():
        case = receive_case(area=area, by=officer)
        case_involve_agency(case=case, agency=police, by=officer)
        case = case_transition(case=case, name="acknowledge", by=officer)
        case_transition(case=case, name="start_gathering", by=officer)
        late = receive_case(area=area, by=officer)
        Deadline.objects.filter(case=late).update(due=dt.date.today() - dt.timedelta(days=1))

    user = users[name]
    one_more()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as few:
        work_queue(user=user)
    for _ in range(6):
        one_more()
    user = type(user).objects.get(pk=user.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        result = work_queue(user=user)
    assert result["total"] >= 7


def test_an_officer_of_the_area_from_an_agency_not_involved_is_not_shown_the_application(
    received, users, area, client
):
    """Holding a case-officer role in the area is not a way in: the new-applications queue
    tests each application against the visibility rule, and another agency's officer
    given a role there sees it neither in the queue, its count, nor the home page."""
    from partnerships.constants import Role
    from partnerships.models import RoleAssignment

    outsider = users["staffordshire.officer"]
    RoleAssignment.objects.create(user=outsider, role=Role.CASE_OFFICER, area=area)
    outsider.refresh_from_db()  # its roles are read once per user object
    q = queue(outsider, "new_applications")
    assert q is not None and refs(q) == [] and q.count == 0
    assert work_count(user=outsider) == 0
    client.force_login(outsider)
    body = client.get(reverse("home")).content.decode()
    assert received.reference not in body
    assert received.applicant.name not in body


@pytest.mark.parametrize(
    "name", ["hertsmere.officer", "hertsmere.spoc", "hertsmere.admin", "hertsmere.chair"]
)
def test_the_nav_count_asks_the_database_once_for_every_queue(
    name, gathering, officer, users, django_assert_max_num_queries
):
    """The navigation shows the count on every staff page: the queues are counted in one
    statement (plus the user's roles and the cases an officer holds), not one query each."""
    user = type(officer).objects.get(pk=users[name].pk)
    expected = work_queue(user=user)["total"]
    user = type(officer).objects.get(pk=users[name].pk)
    with django_assert_max_num_queries(4) as captured:
        assert work_count(user=user) == expected
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1
