"""Reads for deadlines. Everything a user sees goes through the case-visibility rule.

One definition of "overdue" (``OVERDUE``) serves the case list's overdue filter, the
area dashboard and "my work", so their numbers agree.
"""

import datetime as dt
from collections import Counter

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from asbcr.calendar import WorkingCalendar, calendar_for
from cases.selectors import case_visible_to
from deadlines.constants import LIVE_STATES
from deadlines.models import ClosureDay, Deadline


def closure_days_for_area(area) -> list[dt.date]:
    """One-off closure days for the area, and for every area in its nation."""
    return list(
        ClosureDay.objects.filter(
            Q(area_id=area.pk) | Q(area__isnull=True, nation=area.nation)
        ).values_list("date", flat=True)
    )


def calendars_by_area() -> dict[int, WorkingCalendar]:
    """Every area's working-day calendar, in two queries (for the sweep, which would
    otherwise ask for one area's closure days once per deadline)."""
    from partnerships.models import Area

    closures = list(ClosureDay.objects.values_list("date", "area_id", "nation"))
    calendars = {}
    for area_id, nation in Area.objects.values_list("pk", "nation"):
        days = [d for d, a, n in closures if a == area_id or (a is None and n == nation)]
        calendars[area_id] = calendar_for(nation, days)
    return calendars


def area_ids_with_live_deadlines() -> list[int]:
    """The areas the sweep has work in: those with an open or breached deadline."""
    return sorted(
        Deadline.objects.filter(state__in=LIVE_STATES)
        .order_by()
        .values_list("case__area_id", flat=True)
        .distinct()
    )


def overdue_q(today: dt.date) -> Q:
    """A deadline is overdue when it is still waiting (open or breached) after its due date."""
    return Q(state__in=LIVE_STATES, due__lt=today)


def overdue_case_filter(today: dt.date) -> Q:
    """The cases.hooks.overdue_filter hook: cases with at least one overdue deadline."""
    return Q(Exists(Deadline.objects.filter(overdue_q(today), case=OuterRef("pk"))))


def next_due_expression():
    """The cases.hooks.next_due hook: the date a case's earliest live deadline is due."""
    return Subquery(
        Deadline.objects.filter(case=OuterRef("pk"), state__in=LIVE_STATES)
        .order_by("due")
        .values("due")[:1]
    )


def deadlines_visible_to(*, user) -> QuerySet[Deadline]:
    return Deadline.objects.filter(case__in=case_visible_to(user=user).values("pk")).select_related(
        "case", "case__area", "responsible_user", "responsible_agency"
    )


def deadlines_for_case(*, case) -> QuerySet[Deadline]:
    """A case's deadlines (the caller has already checked the user may see the case)."""
    return case.deadlines.select_related("responsible_user", "responsible_agency").order_by(
        "due", "id"
    )


def week_end(today: dt.date) -> dt.date:
    """The Sunday ending the current week (Monday to Sunday)."""
    return today + dt.timedelta(days=6 - today.weekday())


def _buckets(qs: QuerySet[Deadline], today: dt.date) -> dict:
    live = qs.filter(state__in=LIVE_STATES)
    return {
        "overdue": live.filter(due__lt=today).order_by("due", "id"),
        "due_today": live.filter(due=today).order_by("id"),
        "due_this_week": live.filter(due__gt=today, due__lte=week_end(today)).order_by("due", "id"),
        "later": live.filter(due__gt=week_end(today)).order_by("due", "id"),
    }


def my_work(*, user, today: dt.date | None = None) -> dict:
    """The live deadlines a user is responsible for, in the cases they can see."""
    today = today or timezone.localdate()
    return _buckets(deadlines_visible_to(user=user).filter(responsible_user=user), today)


DASHBOARD_ROWS = 50  # each list on the dashboard shows this many, then says how many more


def _names(model, pks) -> dict:
    return {pk: str(obj) for pk, obj in model.objects.in_bulk([pk for pk in pks if pk]).items()}


def _by_name(counted: Counter, model, none_label: str) -> list[tuple[str, int]]:
    """(name, count), most first: two people with the same name are one name, as read."""
    names = _names(model, counted)
    totals = Counter()
    for pk, n in counted.items():
        totals[names[pk] if pk else none_label] += n
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def area_dashboard(*, user, area, today: dt.date | None = None) -> dict:
    """Due today, due this week, overdue; overdue by officer and by agency; with counts.

    One pass over the area's live deadlines on the cases the user can see, as plain rows
    in due order (an area can have tens of thousands overdue): the counts, the tables by
    officer and agency and the cases with an overdue step are counted from it, and each
    list shows its first ``DASHBOARD_ROWS``, read in full afterwards. ``overdue_cases``
    counts the same cases as the case list's overdue filter (``overdue_q``), which lists
    them all.
    """
    today = today or timezone.localdate()
    end = week_end(today)
    rows = (
        Deadline.objects.filter(
            case__in=case_visible_to(user=user).values("pk"),
            case__area=area,
            state__in=LIVE_STATES,
            due__lte=end,
        )
        .order_by("due", "id")
        .values_list("pk", "due", "case_id", "responsible_user_id", "responsible_agency_id")
    )
    shown = {"overdue": [], "due_today": [], "due_this_week": []}
    counts = dict.fromkeys(shown, 0)
    by_officer, by_agency, overdue_cases = Counter(), Counter(), set()
    for pk, due, case_id, user_id, agency_id in rows.iterator(chunk_size=5000):
        bucket = "overdue" if due < today else "due_today" if due == today else "due_this_week"
        counts[bucket] += 1
        if len(shown[bucket]) < DASHBOARD_ROWS:
            shown[bucket].append(pk)
        if bucket == "overdue":
            by_officer[user_id] += 1
            by_agency[agency_id] += 1
            overdue_cases.add(case_id)
    listed = Deadline.objects.select_related(
        "case", "case__area", "responsible_user", "responsible_agency"
    ).in_bulk([pk for pks in shown.values() for pk in pks])
    from partnerships.models import Agency, User

    return {
        "today": today,
        "week_end": end,
        **{bucket: [listed[pk] for pk in pks if pk in listed] for bucket, pks in shown.items()},
        "rows_shown": DASHBOARD_ROWS,
        "counts": {**counts, "overdue_cases": len(overdue_cases)},
        "by_officer": _by_name(by_officer, User, "No named owner"),
        "by_agency": _by_name(by_agency, Agency, "No agency"),
    }
