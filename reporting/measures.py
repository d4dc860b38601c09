"""Counting rows per reporting period in one aggregate query (see reporting.selectors):
``count`` for one figure (optionally split by a column), ``count_by`` for one set of rows
split by several columns with further tests counted alongside, ``count_each`` for
several figures read from the same rows, in one pass over them."""

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from cases.constants import EventKind
from cases.models import TimelineEvent
from reporting.periods import Period


def ids(areas) -> list[int]:
    return [getattr(a, "pk", a) for a in areas]


@dataclass(frozen=True)
class Measure:
    """What one figure counts: rows of ``rows(area_ids)``, placed in a period by ``date``."""

    rows: Callable[[list[int]], QuerySet]
    date: str
    area: str
    timestamp: bool = False
    """True when ``date`` is a date-time (a timeline entry), compared in local time."""
    where: Q | None = None
    """Narrows ``rows`` to this figure's rows, simply (a column's value the database can
    find quickly). Figures on the same ``rows``, ``date`` and ``area`` are counted
    together in one pass (``count_each``), reading the rows any of them narrows to."""
    also: Q | None = None
    """A further test a row must pass to count (a subquery, say): inside the figure's
    own count only, never in the shared pass's ``WHERE``."""

    def test(self) -> Q | None:
        """Everything a row of ``rows`` must pass to count for this figure."""
        tests = [q for q in (self.where, self.also) if q is not None]
        return reduce(and_, tests) if tests else None

    def qs(self, area_ids) -> QuerySet:
        rows = self.rows(area_ids)
        return rows if self.test() is None else rows.filter(self.test())


def _in_period(measure: Measure, period: Period) -> Q:
    if measure.timestamp:
        return Q(
            **{f"{measure.date}__gte": period.start_at, f"{measure.date}__lt": period.end_before}
        )
    return Q(**{f"{measure.date}__gte": period.start, f"{measure.date}__lte": period.end})


def _period_case(measure: Measure, periods: Sequence[Period]) -> Case:
    """``CASE WHEN date in period 0 THEN 0 WHEN ... END``: the period a row falls in."""
    whens = []
    for index, period in enumerate(periods):
        if measure.timestamp:
            cond = {
                f"{measure.date}__gte": period.start_at,
                f"{measure.date}__lt": period.end_before,
            }
        else:
            cond = {f"{measure.date}__gte": period.start, f"{measure.date}__lte": period.end}
        whens.append(When(**cond, then=Value(index)))
    return Case(*whens, default=None, output_field=IntegerField())


def _span(measure: Measure, periods: Sequence[Period]) -> Q:
    """All the periods together, so the database can narrow on the date index first."""
    if measure.timestamp:
        lo = {f"{measure.date}__gte": min(p.start_at for p in periods)}
        hi = {f"{measure.date}__lt": max(p.end_before for p in periods)}
    else:
        lo = {f"{measure.date}__gte": min(p.start for p in periods)}
        hi = {f"{measure.date}__lte": max(p.end for p in periods)}
    return Q(**lo) & Q(**hi)


def count(
    measure: Measure, *, areas, periods: Sequence[Period], by: str | None = None, distinct="pk"
):
    """Rows per period, ``{label: n}``; with ``by``, ``{label: {value: n}}``. One query.

    Counts rows, or with ``distinct`` another column's distinct values (``case_id``:
    the applications among incidents). Rows are read through forward relations only,
    so each is counted once without ``DISTINCT``, which would make the database sort
    them rather than hash them."""
    periods = list(periods)
    qs = (
        measure.qs(ids(areas))
        .filter(_span(measure, periods))
        .annotate(_period=_period_case(measure, periods))
        .filter(_period__isnull=False)
        .values("_period", *([by] if by else []))
        .annotate(n=Count(distinct, distinct=distinct != "pk"))
        .order_by()
    )
    if by is None:
        totals = {p.label: 0 for p in periods}
        for row in qs:
            totals[periods[row["_period"]].label] += row["n"]
        return totals
    grouped: dict[str, dict] = {p.label: {} for p in periods}
    for row in qs:
        bucket = grouped[periods[row["_period"]].label]
        bucket[row[by]] = bucket.get(row[by], 0) + row["n"]
    return grouped


def count_by(
    measure: Measure,
    *,
    areas,
    periods: Sequence[Period],
    by: Sequence[str],
    tests: Mapping[str, Q],
) -> dict:
    """Rows per period split by several columns, and of those the rows that pass each of
    ``tests``, in one query: ``{label: {(value, ...): {"rows": n, test: m, ...}}}``.

    Group by columns of a handful of values each and count the tests inside each group
    (``COUNT(*) FILTER``), not by them: the database then expects few groups and hashes
    them, where more columns to group by would have it sort every row."""
    periods = list(periods)
    counts = {"rows": Count("pk")} | {name: Count("pk", filter=q) for name, q in tests.items()}
    qs = (
        measure.qs(ids(areas))
        .filter(_span(measure, periods))
        .annotate(_period=_period_case(measure, periods))
        .filter(_period__isnull=False)
        .values("_period", *by)
        .annotate(**counts)
        .order_by()
    )
    grouped: dict[str, dict] = {p.label: {} for p in periods}
    for row in qs:
        grouped[periods[row["_period"]].label][tuple(row[c] for c in by)] = {
            name: row[name] for name in counts
        }
    return grouped


def count_each(
    measures: Mapping[Hashable, Measure], *, areas, periods: Sequence[Period], by_area=False
) -> dict:
    """``{key: count(measure)}`` for several figures, in one query for each set of them
    read from the same rows (``COUNT(*) FILTER (WHERE ...)`` per figure and period, as a
    hand-written query would), not one each.
    With ``by_area``, ``{key: {label: {area id: n}}}``.

    The rows must hold each counted row once (read through forward relations only, as
    the headline figures' are): unlike ``count``, nothing here counts distinct ids.
    """
    periods = list(periods)
    together: dict[tuple, dict] = {}
    for key, measure in measures.items():
        together.setdefault((measure.rows, measure.date, measure.area, measure.timestamp), {})[
            key
        ] = measure
    result: dict = {}
    for group in together.values():
        first = next(iter(group.values()))
        wheres = []
        for measure in group.values():
            if measure.where not in wheres:  # Q compares by value: two reviews figures, one test
                wheres.append(measure.where)
        qs = first.rows(ids(areas)).filter(_span(first, periods))
        if None not in wheres:
            qs = qs.filter(reduce(or_, wheres))
        # One count per figure and period, each FILTERed (the period's test first, so a
        # row outside it skips the figure's own test): a plain aggregate, no grouping.
        counts, names = {}, {}
        for i, (key, measure) in enumerate(group.items()):
            for j, period in enumerate(periods):
                names[key, period.label] = name = f"n{i}_{j}"
                test = measure.test()
                within = _in_period(first, period)
                counts[name] = Count("pk", filter=within if test is None else within & test)
        if by_area:
            rows = list(qs.values(first.area).annotate(**counts).order_by())
        else:
            rows = [qs.aggregate(**counts)]
        for key in group:
            result[key] = {
                p.label: (
                    {row[first.area]: row[names[key, p.label]] for row in rows}
                    if by_area
                    else rows[0][names[key, p.label]]
                )
                for p in periods
            }
    return {key: result[key] for key in measures}


def transitions_into(to_state: str) -> Callable[[list[int]], QuerySet]:
    """Timeline entries recording a state change into ``to_state`` (one per occasion)."""

    def rows(area_ids):
        return TimelineEvent.objects.filter(
            case__area_id__in=area_ids, kind=EventKind.TRANSITION, to_state=to_state
        )

    return rows


def transitions(area_ids) -> QuerySet:
    """Every state change on the timeline of a case in these areas: the rows the
    decision and review figures share (each narrows them with ``Measure.where``)."""
    return TimelineEvent.objects.filter(case__area_id__in=area_ids, kind=EventKind.TRANSITION)
