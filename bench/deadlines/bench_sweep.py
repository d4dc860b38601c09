"""How the deadline sweep scales: first run, outbox delivery and rerun against a floor.

    DATABASE_URL=postgres://.../scratch python bench/deadlines/bench_sweep.py \
        [--cases 10000] [--incidents 100000] [--repeat 3]

Each case has one open deadline (a tenth escalating actions), due between 60 days ago
and 120 days ahead. The floor is the least any sweep must do: one query reading every
live deadline's id, due date and area. Each repeat runs, as the fanned-out tasks do, a
first sweep that writes and queues (``deliver=False``), the delivery of what it queued
(the mail queue's ``notifications_deliver_pending``, local-memory mail backend) and a
rerun, in a transaction that is then rolled back, so repeats start alike (with fresh
planner statistics before the rerun, as autovacuum would give after a big write);
medians are printed with the ratio to the floor. Nothing here asserts a time.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import TODAY, analyze, clock, median, prepare, rolled_back, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--incidents", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    prepare(cases=args.cases, incidents=args.incidents)

    from django.db import connection

    from deadlines.constants import LIVE_STATES
    from deadlines.models import Deadline
    from deadlines.notifications import notifications_deliver_pending
    from deadlines.sweep import deadlines_sweep

    def floor():
        return list(
            Deadline.objects.filter(state__in=LIVE_STATES).values_list("pk", "due", "case__area_id")
        )

    floors, firsts, deliveries, reruns, counts = [], [], [], [], {}

    def once():
        with clock(7):
            first = lambda: counts.setdefault("first", deadlines_sweep(today=TODAY, deliver=False))  # noqa: E731
            firsts.append(timed(first))
            deliveries.append(
                timed(lambda: counts.setdefault("sent", notifications_deliver_pending()))
            )
        analyze()
        with clock(8):
            reruns.append(timed(lambda: deadlines_sweep(today=TODAY, deliver=False)))

    for _ in range(args.repeat):
        floors.append(timed(floor))
        rolled_back(once)
    live = Deadline.objects.filter(state__in=LIVE_STATES).count()
    base = median(t for t, _ in floors)
    print(f"database: {connection.vendor}; {live} open deadlines; medians of {args.repeat}")
    print(f"first run result: {counts['first']}; {counts['sent']} emails delivered")
    print(f"floor (read every live deadline): {base * 1000:8.1f} ms")
    for name, runs in (("first sweep", firsts), ("delivery", deliveries), ("rerun", reruns)):
        seconds = median(t for t, _ in runs)
        times = ", ".join(f"{t:.2f}" for t, _ in runs)
        print(
            f"{name + ':':13}{seconds:8.2f} s, {runs[0][1]} queries, "
            f"{seconds / base:6.1f}x floor (runs: {times} s)"
        )


if __name__ == "__main__":
    main()
