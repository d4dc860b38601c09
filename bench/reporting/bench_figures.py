"""How the reporting figures scale: the whole report on 1,000 cases, then on 10,000.

    python bench/reporting/bench_figures.py [--small 1000] [--large 10000] [--repeat 5]

Runs on a throw-away in-memory SQLite database by default (or the database in
DATABASE_URL, which it must be allowed to create tables in and fill). Cases and their
timelines are bulk-inserted, not walked through the workflow, so only the reporting
queries are timed. The result is a ratio against the baseline measured in this same
run (the small data set), so it is comparable between machines: with one aggregate
query per figure, 10x the cases should cost well under 10x the time, and the number
of queries must not change. Nothing here asserts a time.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asbcr.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

STATES = [
    # (final state, transitions into these states, in order)
    ("received", []),
    ("threshold_not_met", ["acknowledged", "gathering_information", "threshold_not_met"]),
    ("withdrawn", ["acknowledged", "withdrawn"]),
    (
        "monitoring",
        [
            "acknowledged",
            "gathering_information",
            "threshold_met",
            "panel_arranged",
            "reviewed",
            "outcome_sent",
            "monitoring",
        ],
    ),
    (
        "closed",
        [
            "acknowledged",
            "gathering_information",
            "threshold_met",
            "panel_arranged",
            "reviewed",
            "outcome_sent",
            "closed",
        ],
    ),
]


def add_cases(n: int, *, start_index: int, areas, versions) -> None:
    """Bulk-insert n cases spread over three financial years, with their timelines."""
    from asbcr import audit_chain as chain
    from cases.models import Case, Person, TimelineEvent

    people = Person.objects.bulk_create(
        [Person(name=f"Bench Person {start_index + i}", postcode="AB1 2CD") for i in range(n)]
    )
    first_day = dt.date(2024, 4, 1)
    cases = []
    for i, person in enumerate(people):
        area = areas[i % len(areas)]
        state, _ = STATES[i % len(STATES)]
        case = Case(
            reference=f"BEN-{start_index + i:07d}",
            area=area,
            procedure_version=versions[area.procedure_id],
            channel="phone",
            received_on=first_day + dt.timedelta(days=(start_index + i) % 1090),
            applicant_type="victim",
            applicant=person,
            victim=person,
            summary="Bench",
            state=state,
        )
        cases.append(case)
    Case.objects.bulk_create(cases, batch_size=500)
    events = []
    for i, case in enumerate(cases):
        _, path = STATES[i % len(STATES)]
        at = timezone.make_aware(dt.datetime.combine(case.received_on, dt.time(10)))
        previous = "received"
        for step, to_state in enumerate(path, start=1):
            events.append(
                TimelineEvent(
                    case=case,
                    kind="transition",
                    from_state=previous,
                    to_state=to_state,
                    at=at + dt.timedelta(days=3 * step),
                    summary="bench",
                    detail={"transition": to_state},
                )
            )
            previous = to_state
    # Sealed into each case's hash chain as timeline_record would, so audit_verify passes.
    last: dict[int, str] = {}
    for event in events:
        chain.seal_timeline(event, prev_hash=last.get(event.case_id, ""))
        last[event.case_id] = event.row_hash
    TimelineEvent.objects.bulk_create(events, batch_size=1000)
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load in production: fresh planner statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def time_report(areas, periods, repeat: int) -> tuple[float, int]:
    from reporting import selectors

    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            selectors.report(areas=areas, periods=periods)
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    from partnerships.models import ProcedureVersion
    from partnerships.reference import load_reference_data
    from reporting.periods import financial_years

    reference = load_reference_data(with_users=False)
    areas = list(reference["areas"].values())
    versions = {}
    for version in ProcedureVersion.objects.order_by("procedure_id", "number"):
        versions[version.procedure_id] = version
    periods = financial_years(2026, count=3)

    add_cases(args.small, start_index=0, areas=areas, versions=versions)
    base_time, base_queries = time_report(areas, periods, args.repeat)
    add_cases(args.large - args.small, start_index=args.small, areas=areas, versions=versions)
    large_time, large_queries = time_report(areas, periods, args.repeat)

    print(f"database: {connection.vendor}")
    print(f"baseline  {args.small:>6} cases: {base_time * 1000:8.1f} ms, {base_queries} queries")
    print(f"large     {args.large:>6} cases: {large_time * 1000:8.1f} ms, {large_queries} queries")
    print(
        f"ratio large/baseline: {large_time / base_time:.2f}x time for "
        f"{args.large / args.small:.0f}x cases; queries {'unchanged' if base_queries == large_queries else 'CHANGED'}"
    )


if __name__ == "__main__":
    main()
