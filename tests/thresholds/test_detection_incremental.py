"""Detection is incremental: a rerun with nothing new does no work per victim, and new
incidents cost the same whatever the size of the rest of the log (query counts, no
timings)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Incident
from tests.factories import receive_case
from thresholds import services
from thresholds.models import ReviewSuggestion, SecondReportNotice

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 9, 1)


def at(hour: int, minute: int = 0):
    return time_machine.travel(dt.datetime(2026, 9, 1, hour, minute), tick=False)


def log(area, key, *days_ago, lag=1):
    Incident.objects.bulk_create(
        [
            Incident(
                area=area,
                source="import",
                kind="report",
                incident_date=TODAY - dt.timedelta(days=n),
                reported_date=TODAY - dt.timedelta(days=n - lag),
                description="ASB",
                issue="noise",
                complainant_key=key,
            )
            for n in days_ago
        ]
    )


def detect(area):
    return (
        services.review_suggestions_detect(area=area, today=TODAY),
        services.second_report_notices_detect(area=area, today=TODAY),
    )


def _victims(area, n, prefix):
    """n victims meeting the threshold, and n with a second report, logged at 08:00."""
    with at(8):
        for i in range(n):
            log(area, f"{prefix}-meets-{i}", 100, 60, 20)
            log(area, f"{prefix}-second-{i}", 120, 10)


def _measure(area, n):
    """Queries of a rerun with nothing new, and of a rerun after one victim's new
    incidents, with n other victims in the log; the database is left as it was."""
    savepoint = transaction.savepoint()
    _victims(area, n, f"n{n}")
    with at(9):
        suggestions, notices = detect(area)
    assert len(suggestions) == n
    assert len(notices) == n
    with at(10), CaptureQueriesContext(connection) as idle:
        assert detect(area) == ([], [])
    with at(10, 30):
        log(area, f"n{n}-new", 90, 50, 15)
        log(area, f"n{n}-new-second", 150, 5)
    with at(11), CaptureQueriesContext(connection) as touched:
        suggestions, notices = detect(area)
    assert [s.complainant_key for s in suggestions] == [f"n{n}-new"]
    assert [x.complainant_key for x in notices] == [f"n{n}-new-second"]
    transaction.savepoint_rollback(savepoint)
    return len(idle), len(touched)


def test_a_rerun_costs_the_same_at_10_and_50_victims(area):
    with at(7):
        detect(area)  # the first run of the day: a full pass over an empty log
    small_idle, small_touched = _measure(area, 10)
    large_idle, large_touched = _measure(area, 50)
    # per job: its mark and what changed; and the rules in force for suggestions
    assert small_idle == large_idle <= 5
    assert small_touched == large_touched


def test_a_rerun_with_nothing_new_writes_nothing(area, django_assert_max_num_queries):
    _victims(area, 20, "w")
    with at(9):
        detect(area)
    with at(10), CaptureQueriesContext(connection) as rerun:
        detect(area)
    # Reads only (a UNION of two reads is written "(SELECT ...) UNION (SELECT ...)").
    assert not [q for q in rerun.captured_queries if not q["sql"].lstrip("(").startswith("SELECT")]


def test_a_case_that_closes_brings_its_victim_back_on_a_rerun(area, officer):
    from cases.services import case_transition

    with at(8):
        case = receive_case(area=area, by=officer)
        key = case.incidents.first().complainant_key
        log(area, key, 100, 60, 20)
    with at(9):
        assert services.review_suggestions_detect(area=area, today=TODAY) == []
    with at(9, 30):
        case_transition(case=case, name="withdraw", by=officer, reason="Moved away")
    with at(10):
        [suggestion] = services.review_suggestions_detect(area=area, today=TODAY)
    assert suggestion.complainant_key == key


def test_an_incident_changed_after_a_run_is_looked_at_again(area):
    with at(8):
        log(area, "late-fixed", 100, 60, 20, lag=40)  # late reports: not counted
    with at(9):
        assert services.review_suggestions_detect(area=area, today=TODAY) == []
    with at(9, 30):
        for incident in Incident.objects.filter(complainant_key="late-fixed"):
            incident.reported_date = incident.incident_date + dt.timedelta(days=1)
            incident.save()  # the agency corrected its report dates
    with at(10):
        assert len(services.review_suggestions_detect(area=area, today=TODAY)) == 1


def test_new_rules_mean_a_full_pass(area):
    with at(8):
        log(area, "v", 100, 60, 20)
    with at(9):
        assert len(services.review_suggestions_detect(area=area, today=TODAY)) == 1
    ReviewSuggestion.objects.all().delete()
    version = area.procedure.versions.order_by("-number").first()
    version.pk = None
    version.number += 1
    version.save()
    with at(10):
        assert len(services.review_suggestions_detect(area=area, today=TODAY)) == 1
    assert SecondReportNotice.objects.count() == 0
