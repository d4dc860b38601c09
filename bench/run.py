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


STATISTICS_YEAR = 2026  # the financial year TODAY falls in: 1 April 2026 to 31 March 2027


def _statistics_jobs():
    """(floor, {job: fn}): the four statutory figures for a year in all areas, against
    one hand-written ``COUNT(*) FILTER`` query giving the same four (bench_sql.py; a
    test checks they agree), and the whole report (three years, every extra)."""
    from bench_sql import statutory_floor

    from partnerships.models import Area
    from reporting import selectors
    from reporting.periods import Period, financial_years

    areas = list(Area.objects.order_by("name"))
    year = Period.financial_year(STATISTICS_YEAR)

    def floor():
        return statutory_floor(area_ids=[a.pk for a in areas], period=year)

    jobs = {
        "statutory figures for a year": lambda: selectors.statutory_figures(
            areas=areas, period=year
        ),
        "statistics report, 3 years with extras": lambda: selectors.report(
            areas=areas, periods=financial_years(STATISTICS_YEAR, count=3)
        ),
    }
    for fn in [floor, *jobs.values()]:  # warm: which apps' tables exist (asked once)
        fn()
    return floor, jobs


sys.path.insert(0, str(Path(__file__).resolve().parent / "cases"))


def _signed_in_officer():
    """(officer, get): Hertsmere's case officer signed in to the test client, and a
    factory of timed GETs as that officer (bench/cases/bench_case_list.py)."""
    from bench_case_list import involve_administering_agencies
    from django.test import Client

    from partnerships.models import User

    involve_administering_agencies()  # bench_data does; older data sets may lack it
    officer = User.objects.get(username="hertsmere.officer")
    client = Client()
    client.force_login(officer)

    def get(url, params=None):
        def run():
            response = client.get(url, params or {})
            assert response.status_code == 200, response.status_code

        return run

    return officer, get


def _bare(url: str, view) -> str:
    from django.urls import clear_url_caches, path

    import asbcr.urls

    asbcr.urls.urlpatterns.append(path(url.strip("/") + "/", view))
    clear_url_caches()
    return url


def _case_list_jobs():
    """(floor, {job: fn}): the staff case list's first page for an officer who sees a
    seventh of the cases, through the test client, against a bare Django view with the
    visibility rule applied: the visible cases, newest first, one page and the count
    (bench/cases/bench_case_list.py, which also times sorts and searches, and a stricter
    bare view that knows its rows' ids)."""
    from bench_case_list import bare_case_list_factory

    from cases.views import PAGE_SIZE

    officer, get = _signed_in_officer()
    floor = get(_bare("/bench-bare-case-list/", bare_case_list_factory(officer, PAGE_SIZE)))
    page = get("/staff/cases/")
    floor(), page()  # warm: templates, URL conf, session
    return floor, {f"staff case list, first page ({PAGE_SIZE} rows)": page}


SEARCH_FOR = "harassment"  # a word in many incidents


def _search_jobs():
    """(floor, {job: fn}): a search from the case list for a word in many incidents,
    against a bare view of the same search: the visible cases matching it, one page and
    the count."""
    from bench_case_list import bare_search_factory

    from cases.views import PAGE_SIZE

    officer, get = _signed_in_officer()
    floor = get(_bare("/bench-bare-search/", bare_search_factory(officer, SEARCH_FOR, PAGE_SIZE)))
    page = get("/staff/cases/", {"q": SEARCH_FOR})
    floor(), page()
    return floor, {f"case search for a word in the incidents ({PAGE_SIZE} rows)": page}


def _my_work_jobs():
    """(floor, {job: fn}): the staff home (the officer's work queues), against a bare view
    of their largest queue: their live deadlines on cases they may see, one screen and
    the count."""
    from bench_case_list import bare_my_work_factory

    from work.selectors import SHOWN

    officer, get = _signed_in_officer()
    floor = get(_bare("/bench-bare-my-work/", bare_my_work_factory(officer, SHOWN)))
    page = get("/staff/")
    floor(), page()
    return floor, {"my work (staff home, every queue)": page}


def _dashboard_jobs():
    """(floor, {job: fn}): the officer's area's deadlines dashboard, against a bare view
    counting the same visible deadlines in the database."""
    from bench_case_list import bare_dashboard_factory

    from partnerships.models import Area

    officer, get = _signed_in_officer()
    area = Area.objects.get(pk=min(a for _r, a in officer.role_pairs))
    floor = get(_bare("/bench-bare-dashboard/", bare_dashboard_factory(officer, area, TODAY)))
    page = get(f"/staff/deadlines/area/{area.slug}/")
    floor(), page()
    return floor, {"deadlines dashboard for the officer's area": page}


GROUPS = ("sweep", "detection", "statistics", "case-list", "search", "my-work", "dashboard")


def measure(
    *, cases: int, incidents: int, repeat: int, groups: tuple[str, ...] = GROUPS
) -> list[Row]:
    prepare(cases=cases, incidents=incidents)
    from deadlines.constants import LIVE_STATES
    from deadlines.models import Deadline
    from deadlines.notifications import notifications_deliver_pending
    from deadlines.sweep import deadlines_sweep
    from thresholds.detection import detection_run

    live = Deadline.objects.filter(state__in=LIVE_STATES).count()
    scale = f"{cases:,} cases / {incidents:,} incidents / {live:,} open deadlines"
    runs: dict[str, list] = {}
    floors: dict[str, list] = {group: [] for group in groups}
    floor_of: dict[str, str] = {}

    def note(group, name, fn):
        floor_of[name] = group
        runs.setdefault(name, []).append(timed(fn))

    def writes():
        if "sweep" in groups:
            with clock(7):
                note("sweep", "sweep, first run (queued, not yet sent)", _sweep_queued)
                note("sweep", "outbox delivery (mail queue)", notifications_deliver_pending)
            analyze()
            with clock(8):
                note("sweep", "sweep, rerun (nothing to do)", _sweep_queued)
        if "detection" in groups:
            with clock(9):
                note("detection", "detection, first run of the day", _detect)
            with clock(10):
                note("detection", "detection, rerun (nothing new)", _detect)

    def _sweep_queued():
        deadlines_sweep(deliver=False)

    def _detect():
        detection_run(today=TODAY)

    reads = {}
    with clock(11):  # the officer signs in on the benchmark's day, so the session is live
        if "statistics" in groups:
            reads["statistics"] = _statistics_jobs()
        for group, jobs in (
            ("case-list", _case_list_jobs),
            ("search", _search_jobs),
            ("my-work", _my_work_jobs),
            ("dashboard", _dashboard_jobs),
        ):
            if group in groups:
                reads[group] = jobs()

    def read():
        for group, (floor_fn, jobs) in reads.items():
            floors[group].append(timed(floor_fn)[0])
            for name, fn in jobs.items():
                note(group, name, fn)

    for _ in range(repeat):
        if "sweep" in groups:
            floors["sweep"].append(timed(_floor_sweep)[0])
        if "detection" in groups:
            floors["detection"].append(timed(_floor_detection)[0])
        rolled_back(writes)
        with clock(11):
            rolled_back(read, vacuum=False)
    floor = {k: median(v) for k, v in floors.items() if v}
    return [
        Row(
            job=name,
            seconds=median(t for t, _ in values),
            floor=floor[floor_of[name]],
            queries=values[0][1],
            scale=scale,
        )
        for name, values in runs.items()
    ]


def _seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms" if value < 0.01 else f"{value * 1000:.0f} ms"


def table(rows: list[Row], *, vendor: str) -> str:
    out = [
        f"database: {vendor}",
        "",
        "| job | time | floor | ratio | queries | scale |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r.job} | {_seconds(r.seconds)} | {_seconds(r.floor)} | {r.ratio:.1f}x "
            f"| {r.queries} | {r.scale} |"
        )
    return "\n".join(out)


def main(argv=None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--incidents", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--jobs",
        default=",".join(GROUPS),
        help=f"which groups of jobs, comma-separated (default all: {','.join(GROUPS)})",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    args = parser.parse_args(argv)
    groups = tuple(g.strip() for g in args.jobs.split(",") if g.strip())
    if unknown := set(groups) - set(GROUPS):
        parser.error(f"unknown jobs: {', '.join(sorted(unknown))}")
    rows = measure(cases=args.cases, incidents=args.incidents, repeat=args.repeat, groups=groups)
    from django.db import connection

    if args.json:
        for r in rows:
            print(json.dumps({**asdict(r), "ratio": r.ratio}))
    else:
        print(table(rows, vendor=connection.vendor))
    return rows


if __name__ == "__main__":
    main()
