"""The PostgreSQL settings the product expects, and the indexes its hot queries rely on.

Each query below is the one a scheduled job or a busy page runs (taken from the code, not
written out by hand), planned with sequential scans disabled: on a small test table the
planner would otherwise scan, but when the index is missing it has no other plan and the
EXPLAIN still says "Seq Scan", so an index cannot silently go missing. Where two indexes
could serve a query (one victim's incidents: the area's index, or the area, victim and
date index), the table is first given the shape of a real feed (many victims in one
area) and analysed, so the planner's choice is the one it makes on real data, not a tie
broken at random on an empty table.
"""

import datetime as dt

import pytest
from django.db import connection, transaction

from asbcr.bulk import any_of
from cases.models import Case, CaseAgency, Incident, TimelineEvent
from deadlines.constants import LIVE_STATES, DeadlineState
from deadlines.models import Deadline, Notification
from deadlines.sweep import breaches_unnotified
from partnerships.models import Area
from thresholds.detection import (
    _fields_read,
    candidate_counts,
    changed_incidents,
    open_case_incidents,
    reports_just_made,
    second_report_candidates,
    window_log,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db]
TODAY = dt.date(2027, 3, 10)


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture(autouse=True)
def _postgresql():
    assert connection.vendor == "postgresql"


def test_jit_is_off_and_connections_are_kept():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]


@pytest.mark.parametrize(
    ("name", "queryset", "columns"),
    [
        (
            "sweep: open deadlines past their due date",
            lambda: Deadline.objects.filter(state=DeadlineState.OPEN, due__lt=TODAY),
            "(state, due)",
        ),
        (
            "sweep: live deadlines due by today",
            lambda: Deadline.objects.filter(state__in=LIVE_STATES, due__lte=TODAY),
            "(state, due)",
        ),
        (
            # state alone has no index of its own (deadlines 0005): (state, due) leads with it.
            "sweep: breached deadlines that do not escalate (breach notices)",
            lambda: Deadline.objects.filter(state=DeadlineState.BREACHED, escalates=False),
            "(state, due)",
        ),
        (
            "sweep fan-out: the areas with live deadlines",
            lambda: (
                Deadline.objects.filter(state__in=LIVE_STATES)
                .order_by()
                .values_list("case__area_id", flat=True)
                .distinct()
            ),
            "(state, due)",
        ),
        (
            # subject_type has no index of its own (deadlines 0006): this one leads with it.
            "deadlines of one action (its owner updating it)",
            lambda: Deadline.objects.filter(subject_type_id=1, subject_id="1"),
            "(subject_type_id, subject_id)",
        ),
        (
            "outbox: is this message already written",
            lambda: Notification.objects.filter(any_of("key", ["breach:1:2027-03-10"])),
            "(key)",
        ),
        (
            # Read before every timeline append; with only the case_id index PostgreSQL
            # walked the primary key backwards from the newest row instead.
            "timeline: the end of one case's hash chain",
            lambda: (
                TimelineEvent._base_manager.filter(case_id=_timeline_case_id())
                .order_by("-id")
                .values("row_hash")[:1]
            ),
            "(case_id, id)",
        ),
        (
            # The timeline's lone case_id index is gone (cases 0020): this one serves the
            # case page's reads as well.
            "timeline: one case's entries, for its page",
            lambda: TimelineEvent.objects.filter(case_id=_timeline_case_id()),
            "(case_id, id)",
        ),
        (
            "work count: the live steps named as mine, with their cases",
            lambda: Deadline.objects.filter(state__in=LIVE_STATES, responsible_user_id=1).values(
                "case_id"
            ),
            "(responsible_user_id, case_id)",
        ),
        (
            "detection: one victim's incidents in a window",
            lambda: Incident.objects.filter(
                area_id=_feed_area_id(),
                complainant_key="v1",
                incident_date__gte=TODAY - dt.timedelta(days=400),
            ),
            "(area_id, complainant_key, incident_date)",
        ),
        (
            "detection: who in an area has an open case",
            lambda: open_case_incidents(Area.objects.get(pk=_feed_area_id())),
            "(area_id, case_id)",
        ),
        (
            "detection: reports just made in an area",
            lambda: reports_just_made(Area.objects.get(pk=_feed_area_id()), TODAY),
            "(area_id, COALESCE(reported_date, incident_date))",
        ),
        (
            "detection rerun: what changed in an area since its last run",
            lambda: changed_incidents(
                Area.objects.get(pk=_feed_area_id()), dt.datetime(2027, 3, 10, tzinfo=dt.UTC)
            ),
            "(area_id, updated_at)",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_hot_queries_use_their_index(name, queryset, columns):
    query = queryset()
    plan = _plan(query)
    assert "Seq Scan" not in plan, f"{name}: no index used\n{plan}"
    wanted = _indexes_on(query.model._meta.db_table, columns)
    assert wanted, f"{name}: no index on {columns}"
    if query.model is Deadline and columns == "(state, due)":
        # The partial index of live deadlines (cases 0010, for the case list's next
        # deadline) holds exactly the rows the sweep reads, so it serves it as well; so,
        # for a query on the live states alone, does the work count's (deadlines 0004).
        wanted |= {"deadlines_deadline_live_due", "deadlines_deadline_live_user"}
    assert any(f" {index} " in f" {plan} " for index in wanted), f"{name}: {wanted} unused\n{plan}"


def test_deadline_state_has_no_index_of_its_own():
    """The sweep marks a third of the open deadlines breached on its first run at county
    scale, and each index on the table is written again for each of them (an indexed
    column changed: no heap-only update). (state, due) serves every query on state, so a
    second index leading with state would only add writes (deadlines 0005)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [Deadline._meta.db_table],
        )
        rows = cursor.fetchall()
    leading = {
        name
        for name, definition in rows
        if definition.replace(" varchar_pattern_ops", "")
        .split(" USING btree ")[-1]
        .startswith("(state")
    }
    assert leading == _indexes_on(Deadline._meta.db_table, "(state, due)")


def test_breach_notices_are_looked_up_by_the_outbox_key():
    """Each breached deadline's notice is looked up by its key, built in SQL: through the
    unique key's own index (its varchar_pattern_ops copy served it before deadlines
    0006)."""
    plan = _plan(breaches_unnotified(Deadline.objects.all()).order_by())
    assert "Seq Scan" not in plan, plan
    wanted = _indexes_on(Notification._meta.db_table, "(key)")
    assert any(f" {index} " in f" {plan} " for index in wanted), f"{wanted} unused\n{plan}"


def test_the_sweep_writes_no_prefix_search_indexes():
    """Each deadline the sweep breaches writes every index on the deadlines table, and
    each message it queues every index on the outbox; nothing searches their keys or the
    outbox's state by prefix, so Django's ``varchar_pattern_ops`` copies of those indexes
    would only be written (deadlines 0006)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
            [[Deadline._meta.db_table, Notification._meta.db_table], "%varchar_pattern_ops%"],
        )
        assert cursor.fetchall() == []
    assert _indexes_on(Deadline._meta.db_table, "(subject_type_id)") == set()
    # Nor does the timeline, appended to for every breach, keep a case_id index beside the
    # (case_id, id) one that leads with it (cases 0020).
    assert _indexes_on(TimelineEvent._meta.db_table, "(case_id)") == set()


def test_involvements_are_indexed_by_agency_and_case():
    """The visibility rule's "cases my agency is involved in", on every staff page, reads
    (agency, case) from this index alone on real data (bench/HISTORY.md, "The navigation's
    work count"). Its plan is not asserted: on a near-empty table the single-column index
    on the agency costs the planner the same, and it picks either."""
    assert _indexes_on(CaseAgency._meta.db_table, "(agency_id, case_id)")


def test_the_cases_are_indexed_by_area_state_and_id():
    """An area's new applications (the work queues) and the visibility rule's "cases in
    my areas" read this index alone on real data (EXPLAIN ANALYZE at 100,000 cases,
    bench/HISTORY.md). Its plan is not asserted here: on a near-empty table, or one the
    planner last saw nearly empty, the single-column index on the area costs the same."""
    assert _indexes_on("cases_case", "(area_id, state, id)") == {"cases_case_area_state"}


def test_the_case_list_first_page_is_read_from_the_newest_first_index(reference):
    """The case list's first page (its default order, no filter) walks the cases'
    newest-first index and stops at the page, testing each case against the visibility
    rule, instead of sorting every case the officer may see (cases 0016)."""
    from cases.selectors import case_list_newest_first

    officer = reference["users"]["hertsmere.officer"]
    plan = _plan(case_list_newest_first(officer).values("pk")[:25])
    assert "cases_case_newest_first" in plan, plan
    assert "Sort" not in plan, plan


def _area_rules(area_id: int) -> dict:
    area = Area.objects.select_related("procedure").get(pk=area_id)
    return area.procedure.versions.order_by("-number").first().data["threshold"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "name",
    [
        "candidates: each victim's countable reports",
        "candidates' reports: the columns the rules read",
        "second reports: the earlier reports",
    ],
)
def test_detections_area_passes_read_the_victim_log_index(name):
    """Detection's grouped candidate query, the candidates' reports (for Hertsmere's
    rules, which use neither the issue nor the location: decision 11), and the
    second-report query's counts of each report's earlier ones read the victim-log index
    (cases 0019) alone, in victim order.
    An area's incidents are spread over the whole table: through the heap, each of these
    statements read pages across all of it, once per area. Planned as on a live service:
    several areas' feeds in the table, vacuumed (as autovacuum leaves it, so an index-only
    scan need not visit the heap; outside a transaction, hence ``transaction=True``)."""
    area_id = _feed_area_id(every_area=True)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Incident._meta.db_table}")
    area = Area.objects.get(pk=area_id)
    rules = _area_rules(area_id)
    if name.startswith("candidates:"):
        query = candidate_counts(area=area, rules=rules, today=TODAY)
    elif name.startswith("candidates'"):
        since = TODAY - dt.timedelta(days=200)
        keys = [f"v{n}" for n in range(0, 300, 3)]
        query = window_log(area=area, keys=keys, since=since, today=TODAY).values_list(
            *_fields_read(rules)
        )
    else:
        query = second_report_candidates(area, TODAY).values("pk")
    plan = _plan(query)
    assert "Seq Scan" not in plan, plan
    assert "Index Only Scan using cases_incident_victim_log" in plan, plan


def test_the_victim_log_index_holds_what_detection_reads():
    """What the candidate query and the earlier-report counts read, besides the leading
    columns: without one of these, each row would be fetched from the heap again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'cases_incident_victim_log'"
        )
        [(definition,)] = cursor.fetchall()
    assert definition.endswith(
        "btree (area_id, complainant_key, incident_date)"
        " INCLUDE (kind, reported_date, same_incident_as_id, hate_motivated, id)"
    ), definition


def _feed_area_id(*, every_area: bool = False) -> int:
    """One area's incident feed: 3,000 incidents from 300 complainants over three years,
    with the table analysed (``every_area``: each seed area's, interleaved as on a shared
    service, where one area's are spread over the whole table). Returns Hertsmere's id."""
    from partnerships.reference import load_reference_data

    areas = load_reference_data()["areas"]
    area = areas["hertsmere"]
    Incident.objects.bulk_create(
        Incident(
            area=feed,
            source="import",
            description="Noise",
            complainant_key=f"v{n % 300}",
            incident_date=TODAY - dt.timedelta(days=n % 1100),
        )
        for n in range(3000)
        for feed in (areas.values() if every_area else [area])
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Incident._meta.db_table}")
    return area.pk


def _timeline_case_id() -> int:
    """500 cases' timelines, four entries each, interleaved as a busy service writes
    them, with the table analysed. Returns one case's id."""
    from asbcr.bulk import insert_rows
    from cases.constants import EventKind
    from partnerships.reference import load_reference_data
    from work.management.commands.bench_data import build

    load_reference_data()
    build(cases=500, incidents=0, today=TODAY)
    case_ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    insert_rows(
        TimelineEvent,
        [
            {"case_id": case_id, "kind": EventKind.NOTE, "summary": f"Entry {n}"}
            for n in range(4)
            for case_id in case_ids
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TimelineEvent._meta.db_table}")
    return case_ids[len(case_ids) // 2]


def _indexes_on(table: str, columns: str) -> set[str]:
    """Names of the table's indexes on exactly these columns, in this order."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        rows = cursor.fetchall()
    return {
        name
        for name, definition in rows
        if f"btree {columns}" in definition.replace(" varchar_pattern_ops", "")
    }


def test_outcomes_read_the_states_reached_from_their_index():
    """The report's by-outcome extra reads the timeline through its index of the states
    each case moved into (cases 0017), not one scan of the whole timeline per state."""
    from partnerships.reference import load_reference_data
    from reporting import selectors
    from reporting.periods import Period

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


def test_repeat_applications_find_shared_names_and_postcodes_from_their_index():
    """Repeat applications find the people who share a name and postcode in the people's
    index of them (cases 0018), grouped, and the victims with more than one application in
    the cases' index by victim, instead of sorting every application by its victim's name.
    (Read as an index scan or a bitmap of it, whichever the table's size makes cheaper.)"""
    from partnerships.reference import load_reference_data
    from reporting import selectors

    area = load_reference_data()["areas"]["hertsmere"]
    plan = _plan(selectors.REPEAT_APPLICATIONS.qs([area.pk]).values("pk"))
    assert "cases_person_name_postcode" in plan, plan
    assert "using cases_case_victim_id" in plan, plan
    assert "Seq Scan on cases_person" not in plan, plan
