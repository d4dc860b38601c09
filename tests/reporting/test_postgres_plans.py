"""The report's by-outcome extra reads the timeline through its index of the states each
case moved into (cases 0017), not one scan of the whole timeline per state.

Planned with sequential scans disabled, as tests/asbcr_core/test_postgres_plans.py does:
on a small test table the planner would otherwise scan, but when the index is missing it
has no other plan and the EXPLAIN still says "Seq Scan" on the timeline.
"""

import datetime as dt

import pytest
from django.db import connection, transaction

from reporting import selectors
from reporting.periods import Period

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgresql():
    assert connection.vendor == "postgresql"


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_outcomes_read_the_states_reached_from_their_index():
    from partnerships.reference import load_reference_data

    area = load_reference_data()["areas"]["hertsmere"]
    period = Period.financial_year(2026)
    rows = selectors.APPLICATIONS_WITH_OUTCOME.qs([area.pk]).filter(
        received_on__gte=period.start, received_on__lte=dt.date(2027, 3, 31)
    )
    plan = _plan(rows.values("outcome"))
    timeline_lines = [line for line in plan.splitlines() if "cases_timelineevent" in line]
    assert len(timeline_lines) >= 4, plan  # reviewed, withdrawn, referred back, not met
    assert not any("Seq Scan" in line for line in timeline_lines), plan
    assert all("cases_timeline_reached" in line for line in timeline_lines), plan
