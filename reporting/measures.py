"""Counting rows per reporting period in one aggregate query (see reporting.selectors)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    """Rows per period, ``{label: n}``; with ``by``, ``{label: {value: n}}``. One query."""
    periods = list(periods)
    qs = (
        measure.rows(ids(areas))
        .filter(_span(measure, periods))
        .annotate(_period=_period_case(measure, periods))
        .filter(_period__isnull=False)
        .values("_period", *([by] if by else []))
        .annotate(n=Count(distinct, distinct=True))
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


def transitions_into(to_state: str) -> Callable[[list[int]], QuerySet]:
    """Timeline entries recording a state change into ``to_state`` (one per occasion)."""

    def rows(area_ids):
        return TimelineEvent.objects.filter(
            case__area_id__in=area_ids, kind=EventKind.TRANSITION, to_state=to_state
        )

    return rows
