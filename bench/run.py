"""Every benchmark at one scale, printed as one table (``make bench``).

    DATABASE_URL=postgres://.../scratch python bench/run.py --cases 10000 --incidents 100000
    python bench/run.py --cases 200 --incidents 2000 --repeat 1     # SQLite in memory

Columns: job, time (median of ``--repeat``), floor (the least that job must do, measured
in the same run), ratio (time / floor), queries (of one run) and scale. The data comes
from ``manage.py bench_data``'s builder on a fixed clock; each repeat runs in a
transaction that is rolled back, so repeats start alike. Nothing here asserts a time;
``tests/test_bench_smoke.py`` runs this small on SQLite so it cannot rot.
"""

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import TODAY, analyze, clock, median, prepare, rolled_back, timed  # noqa: E402


@dataclass
class Row:
    job: str
    seconds: float
    floor: float
    queries: int
    scale: str

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor if self.floor else 0.0


def _floor_sweep():
    from deadlines.constants import LIVE_STATES
    from deadlines.models import Deadline

    return list(
        Deadline.objects.filter(state__in=LIVE_STATES).values_list("pk", "due", "case__area_id")
    )


def _floor_detection():
    from bench_sql import DETECTION_FLOOR_SQL
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(DETECTION_FLOOR_SQL, [TODAY - dt.timedelta(days=2 * 366), TODAY])
        return cursor.fetchall()


def measure(*, cases: int, incidents: int, repeat: int) -> list[Row]:
    prepare(cases=cases, incidents=incidents)
    from deadlines.constants import LIVE_STATES
    from deadlines.models import Deadline
    from deadlines.notifications import notifications_deliver_pending
    from deadlines.sweep import deadlines_sweep
    from thresholds.detection import detection_run

    live = Deadline.objects.filter(state__in=LIVE_STATES).count()
    scale = f"{cases:,} cases / {incidents:,} incidents / {live:,} open deadlines"
    runs: dict[str, list] = {}

    def note(name, fn):
        runs.setdefault(name, []).append(timed(fn))

    def once():
        with clock(7):
            note("sweep, first run (queued, not yet sent)", lambda: deadlines_sweep(deliver=False))
            note("outbox delivery (mail queue)", notifications_deliver_pending)
        analyze()
        with clock(8):
            note("sweep, rerun (nothing to do)", lambda: deadlines_sweep(deliver=False))
        with clock(9):
            note("detection, first run of the day", lambda: detection_run(today=TODAY))
        with clock(10):
            note("detection, rerun (nothing new)", lambda: detection_run(today=TODAY))

    floors: dict[str, list] = {"sweep": [], "detection": []}
    for _ in range(repeat):
        floors["sweep"].append(timed(_floor_sweep)[0])
        floors["detection"].append(timed(_floor_detection)[0])
        rolled_back(once)
    floor = {k: median(v) for k, v in floors.items()}
    return [
        Row(
            job=name,
            seconds=median(t for t, _ in values),
            floor=floor["detection" if name.startswith("detection") else "sweep"],
            queries=values[0][1],
            scale=scale,
        )
        for name, values in runs.items()
    ]


def table(rows: list[Row], *, vendor: str) -> str:
    out = [
        f"database: {vendor}",
        "",
        "| job | time | floor | ratio | queries | scale |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r.job} | {r.seconds:.2f} s | {r.floor * 1000:.0f} ms | {r.ratio:.1f}x "
            f"| {r.queries} | {r.scale} |"
        )
    return "\n".join(out)


def main(argv=None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--incidents", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    args = parser.parse_args(argv)
    rows = measure(cases=args.cases, incidents=args.incidents, repeat=args.repeat)
    from django.db import connection

    if args.json:
        for r in rows:
            print(json.dumps({**asdict(r), "ratio": r.ratio}))
    else:
        print(table(rows, vendor=connection.vendor))
    return rows


if __name__ == "__main__":
    main()
