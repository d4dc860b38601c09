"""Shared set-up for the benchmarks: Django on the test settings, a migrated database
filled once by ``bench_data``'s builder on a fixed clock."""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asbcr.settings.test")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

TODAY = dt.date(2027, 3, 10)  # a Wednesday


def clock(hour: int):
    return time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, hour), tick=False)


def prepare(*, cases: int, incidents: int) -> None:
    """Migrate and fill the database (at 06:00 on TODAY) unless it holds the data already."""
    # Not setup_test_environment(): it wraps every template render for the test client,
    # which a worker never does; the benchmarks run the code as a worker runs it.
    call_command("migrate", verbosity=0, interactive=False)
    from django.urls import reverse

    from cases.models import Case
    from partnerships.reference import load_reference_data
    from work.management.commands.bench_data import build

    # What a long-running worker has done before its first sweep: load the URL conf
    # (which imports every app's views) so the first timing is not an import.
    reverse("cases:detail", args=["X"])
    if Case.objects.count() >= cases:
        return
    with clock(6):
        load_reference_data(with_users=True)
        started = time.perf_counter()
        build(cases=cases, incidents=incidents, today=TODAY)
    print(f"built {cases} cases, {incidents} incidents in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load, and what the index-only reads the
        # plans rely on need: the visibility map set, as well as fresh statistics.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def timed(fn):
    """(seconds, queries) of one call (queries counted without keeping them)."""
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
    return elapsed, count[0]


def rolled_back(fn, *, vacuum: bool = True):
    """Run fn in a transaction that is rolled back, so every repeat starts alike.

    On PostgreSQL the rows a rollback leaves behind are dead but still in the tables and
    their indexes: the next repeat's inserts would check each unique key against its dead
    copies, and its reads step over them, which a real sweep or detection run (writing
    each key once) never does. So they are vacuumed away after each repeat, leaving the
    data as ``prepare`` left it for the first (about 3 s at 100,000 cases, untimed);
    ``vacuum=False`` for a repeat that writes little (page views' access-log rows).
    """
    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    mail.outbox = []
    if vacuum and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return result


def analyze() -> None:
    """Fresh planner statistics, as autovacuum gives after a large write."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def median(values):
    return statistics.median(values)
