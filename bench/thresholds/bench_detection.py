"""How detection scales: a first run of the day and a rerun against a floor, same run.

    DATABASE_URL=postgres://.../scratch python bench/thresholds/bench_detection.py \
        [--cases 10000] [--incidents 100000] [--repeat 3]

The floor is one SQL pass with a window function finding the complainants with at
least three countable reports in the widest window of any procedure, and no open case:
the least a set-based detection must read. The first run (09:00) and the rerun (10:00,
nothing new logged) run in a transaction that is then rolled back, so repeats start
alike; medians are printed with the ratio to the floor. Nothing here asserts a time.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import TODAY, analyze, clock, median, prepare, rolled_back, timed  # noqa: E402

FLOOR_SQL = """
SELECT area_id, complainant_key FROM (
    SELECT i.area_id, i.complainant_key,
           count(*) OVER (PARTITION BY i.area_id, i.complainant_key) AS n
    FROM cases_incident i
    WHERE i.incident_date BETWEEN %s AND %s AND i.complainant_key <> ''
      AND i.kind <> 'diary_sheet'
) counted
WHERE n >= 3
  AND NOT EXISTS (
    SELECT 1 FROM cases_incident o JOIN cases_case c ON c.id = o.case_id
    WHERE o.area_id = counted.area_id AND o.complainant_key = counted.complainant_key
      AND c.state NOT IN ('closed', 'withdrawn', 'threshold_not_met', 'referred_back')
  )
GROUP BY area_id, complainant_key
"""


def main() -> None:
    import datetime as dt

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--incidents", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    prepare(cases=args.cases, incidents=args.incidents)

    from django.db import connection

    from thresholds.detection import detection_run

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [TODAY - dt.timedelta(days=2 * 366), TODAY])
            return cursor.fetchall()

    floors, firsts, reruns, counts = [], [], [], {}

    def once():
        with clock(9):
            firsts.append(timed(lambda: counts.setdefault("first", detection_run(today=TODAY))))
        analyze()
        with clock(10):
            reruns.append(timed(lambda: counts.setdefault("rerun", detection_run(today=TODAY))))

    for _ in range(args.repeat):
        floors.append(timed(floor))
        rolled_back(once)
    base = median(t for t, _ in floors)
    first = median(t for t, _ in firsts)
    rerun = median(t for t, _ in reruns)
    print(f"database: {connection.vendor}; medians of {args.repeat}")
    print(f"first run: {counts['first']}; rerun: {counts['rerun']}")
    print(f"floor (one windowed SQL pass): {base * 1000:8.1f} ms, {len(floor())} victims")
    print(f"first run: {first:8.2f} s, {firsts[0][1]} queries, {first / base:6.1f}x floor")
    print(f"rerun:     {rerun:8.2f} s, {reruns[0][1]} queries, {rerun / base:6.1f}x floor")


if __name__ == "__main__":
    main()
