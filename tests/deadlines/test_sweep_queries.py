"""The sweep's cost does not grow with the number of deadlines: the same number of
queries for 10 open deadlines as for 50, on a first run and on a rerun (no timings)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from deadlines.models import Deadline
from deadlines.sweep import deadlines_sweep
from tests.factories import receive_case

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 3, 10)  # a Wednesday


def _add_deadlines(cases, n, officer):
    """n open deadlines, a third each: overdue, due in two days, overdue escalating actions."""
    rows = []
    for i in range(n):
        case = cases[i % len(cases)]
        kind = i % 3
        due = {0: TODAY - dt.timedelta(days=3), 1: TODAY + dt.timedelta(days=1)}.get(
            kind, TODAY - dt.timedelta(days=1)
        )
        rows.append(
            Deadline(
                key=f"bench:{n}:{i}",
                case=case,
                step="action" if kind == 2 else "acknowledge",
                rule=f"Step {i}",
                started_on=due - dt.timedelta(days=10),
                due=due,
                original_due=due,
                responsible_user=officer if i % 2 else None,
                responsible_agency=case.area.administering_agency,
                escalates=kind == 2,
            )
        )
    Deadline.objects.bulk_create(rows)


def _measure(cases, n, officer):
    """(queries of a first sweep, of a rerun, result of the first, writes in the rerun),
    leaving the database as it was."""
    savepoint = transaction.savepoint()
    _add_deadlines(cases, n, officer)
    with time_machine.travel(dt.datetime(2027, 3, 10, 7, 0), tick=False):
        with CaptureQueriesContext(connection) as first:
            result = deadlines_sweep()
        with CaptureQueriesContext(connection) as rerun:
            again = deadlines_sweep()
    transaction.savepoint_rollback(savepoint)
    writes = [
        q["sql"]
        for q in rerun.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    return len(first), len(rerun), result, again, writes


@pytest.fixture
def cases(area, officer):
    with time_machine.travel(dt.datetime(2027, 1, 4, 10, 0), tick=False):
        made = [receive_case(area=area, by=officer) for _ in range(3)]
    # The cases' own deadlines are long overdue: a first sweep deals with them, so the
    # measured runs see only the deadlines each adds.
    with time_machine.travel(dt.datetime(2027, 3, 10, 7, 0), tick=False):
        deadlines_sweep()
        deadlines_sweep()
    return made


def test_sweep_queries_do_not_grow_with_open_deadlines(cases, officer):
    small_first, small_rerun, small, small_again, small_writes = _measure(cases, 10, officer)
    large_first, large_rerun, large, large_again, large_writes = _measure(cases, 50, officer)
    # Each run did its work for every deadline it was given ...
    assert (large.breached, large.breach_notices, large.reminders, large.escalations) == (
        33,
        17,
        17,
        16,
    )
    assert large.delivered == large.breach_notices + large.reminders + large.escalations
    assert (small.breached, small.breach_notices, small.reminders, small.escalations) == (
        7,
        4,
        3,
        3,
    )
    # ... with the same number of queries, however many there were.
    assert large_first == small_first
    assert large_rerun == small_rerun
    # A rerun writes nothing and sends nothing.
    assert small_again.delivered == large_again.delivered == 0
    assert (large_again.breached, large_again.reminders, large_again.escalations) == (0, 0, 0)
    assert small_writes == large_writes == []


def test_sweep_rerun_has_a_small_fixed_number_of_queries(
    cases, officer, django_assert_max_num_queries
):
    _add_deadlines(cases, 30, officer)
    with time_machine.travel(dt.datetime(2027, 3, 10, 7, 0), tick=False):
        deadlines_sweep()
        with django_assert_max_num_queries(12):
            deadlines_sweep()
