"""Automatic detection from the incident log (services used by ``thresholds.tasks``).

One definition of the rules: the database narrows the log to candidates with one grouped
query per area (for each route, complainants with as many reports as it needs that pass
the per-report rules a query can check, and no open case: a sound over-approximation of
the engine, ``review_candidates``), then ``thresholds.engine.evaluate`` confirms each
candidate exactly. Nothing loops over every victim.
``tests/thresholds/test_detection_matches_engine.py`` proves, over random rules and
logs, that this finds exactly the victims the engine finds on each whole log.

Incremental: each job records per area when it last read the log (``DetectionMark``).
A rerun on the same day, with the same rules, looks only at victims with an incident
written or changed, or a case moved, since then; when nothing changed it does no work
per victim. The first run of a day looks at everyone, because the windows move with
the day.

Both jobs are idempotent: outputs have unique natural keys; what already exists is
loaded in one query and the rest is bulk-inserted (``ignore_conflicts`` on the key,
for a concurrent run), so running again raises nothing twice.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from asbcr import collector
from asbcr.bulk import any_of
from asbcr.concurrency import ConflictError, conflict, conflict_message, lock, refresh_from
from asbcr.locks import advisory_lock
from cases.constants import OPEN_STATES, IncidentKind
from cases.models import Case, Incident, TimelineEvent
from partnerships.models import Area
from thresholds.conditions import RouteSpec, compile_route
from thresholds.constants import DetectionJob, SuggestionStatus
from thresholds.engine import COMPLAINTS_IN_WINDOW, Complaint, evaluate, evaluate_route, shift
from thresholds.models import DetectionMark, ReviewSuggestion, SecondReportNotice

SIX_MONTHS = {"amount": 6, "unit": "months"}
SECOND_REPORT_RULES = {
    "routes": [
        {
            "key": "second_report",
            "kind": COMPLAINTS_IN_WINDOW,
            "count": 2,
            "window": SIX_MONTHS,
            "same_incident_counts_once": True,
            "exclude_kinds": [IncidentKind.DIARY_SHEET],
        }
    ]
}
"""2025 statutory guidance: a second report of ASB within six months (as engine rules)."""
SECOND_REPORT_ROUTE = SECOND_REPORT_RULES["routes"][0]

RECENT_DAYS = 28
"""A report is 'just made' if its report date is within this many days of the run."""

SURELY_WITHIN = 180
"""Days before a report that are inside the six calendar months before it, whatever the
month (six months back is 181 to 184 days)."""


def _period_days(period: dict) -> int:
    """An upper bound in days (months taken as 31 days) for set-based narrowing."""
    return int(period["amount"]) * (31 if period["unit"] == "months" else 1)


def _alone(rules: dict) -> list[RouteSpec]:
    """The routes one victim's own reports could meet: every route but those counting two
    or more different complainants (a victim's log has one)."""
    specs = [compile_route(r) for r in rules["routes"]]
    return [s for s in specs if s.distinct_complainants is None or s.distinct_complainants <= 1]


def _countable(spec: RouteSpec, today: dt.date) -> Q:
    """The reports the route might count, in SQL: the engine's per-report exclusions
    (``_exclusion``) that a query can check, each exact or looser, never stricter (a
    monthly report lag is taken as 31 days a month; the location is not checked)."""
    q = Q(incident_date__lte=today) & (
        Q(reported_date__isnull=True) | Q(reported_date__gte=F("incident_date"))
    )
    if spec.exclude_kinds:
        q &= ~Q(kind__in=list(spec.exclude_kinds))
    if spec.anchor == "application":
        q &= Q(incident_date__gte=shift(today, spec.window, -1))
    if spec.hate_only:
        q &= Q(hate_motivated=True)
    if spec.report_lag:
        lag = dt.timedelta(days=_period_days(spec.report_lag))
        q &= Q(reported_date__lte=F("incident_date") + lag)
    return q


def _look_back(rules: dict, today: dt.date) -> dt.date | None:
    """The earliest incident date that can matter to any route one victim could meet
    (None: the whole log, for a window not ending on the application date, or locations
    linked through chains of reports, which a report before the window can join)."""
    starts = []
    for spec in _alone(rules):
        if spec.anchor != "application" or spec.needs_location:
            return None
        starts.append(shift(today, spec.window, -1))
    return min(starts, default=today)


def open_case_incidents(area: Area, only: set[str] | None = None):
    """The area's incidents on an open case (on the index of incidents on a case)."""
    qs = Incident.objects.filter(area=area, case__isnull=False).filter(
        Exists(Case.objects.filter(pk=OuterRef("case_id"), state__in=list(OPEN_STATES)))
    )
    if only is not None:
        qs = qs.filter(any_of("complainant_key", sorted(only)))
    return qs.exclude(complainant_key="")


def _victims_with_open_case(area: Area, only: set[str] | None = None) -> set[str]:
    """Complainant keys in the area with an incident on an open case: one query, read
    once per run (as an anti-join in each query that needs it, PostgreSQL walked every
    incident on a case, in every area, each time)."""
    rows = open_case_incidents(area, only).order_by().values_list("complainant_key", flat=True)
    return set(rows.distinct())


def review_candidates(
    *,
    area: Area,
    rules: dict,
    today: dt.date,
    only: set[str] | None = None,
    open_case: set[str] | None = None,
) -> list[str]:
    """Complainant keys that might meet the threshold, found with one grouped query
    (among ``only`` when given: the victims whose log changed since the last run), less
    the victims with an open case (``open_case``, read here unless given).

    A sound over-approximation of the engine: for each route one victim could meet, at
    least as many countable reports (``_countable``) as it needs, and, where the route
    asks for it, one of them recent enough; the engine then decides each candidate."""
    qs = candidate_counts(area=area, rules=rules, today=today, only=only)
    if qs is None:
        return []
    if open_case is None:
        open_case = _victims_with_open_case(area, only)
    return [key for key in qs.values_list("complainant_key", flat=True) if key not in open_case]


def candidate_counts(*, area: Area, rules: dict, today: dt.date, only: set[str] | None = None):
    """``review_candidates``' grouped query (None when no route can be met by one victim):
    per victim, each route's countable reports, kept where some route might be met. It
    reads only the victim-log index (cases 0019), in victim order."""
    routes = _alone(rules)
    if not routes:
        return None
    qs = Incident.objects.filter(area=area, incident_date__lte=today).exclude(complainant_key="")
    since = _look_back(rules, today)
    if since is not None:
        qs = qs.filter(incident_date__gte=since)
    never = set.intersection(*(set(r.exclude_kinds) for r in routes))
    if never:
        qs = qs.exclude(kind__in=sorted(never))
    if only is not None:
        qs = qs.filter(any_of("complainant_key", sorted(only)))
    aggregates, meets = {}, Q()
    for i, spec in enumerate(routes):
        countable = _countable(spec, today)
        aggregates[f"n{i}"] = Count("id", filter=countable)
        route = Q(**{f"n{i}__gte": max(spec.incidents or 1, 1)})
        if spec.application_within_of_latest:
            # The application within the period of the latest report counted.
            aggregates[f"w{i}"] = Max(
                Coalesce("reported_date", "incident_date", output_field=DateField()),
                filter=countable,
            )
            days = _period_days(spec.application_within_of_latest)
            route &= Q(**{f"w{i}__gte": today - dt.timedelta(days=days)})
        if spec.latest_within_of_request:
            # The latest incident counted within the period before the application.
            aggregates[f"r{i}"] = Max("incident_date", filter=countable)
            days = _period_days(spec.latest_within_of_request)
            route &= Q(**{f"r{i}__gte": today - dt.timedelta(days=days)})
        meets |= route
    return (
        qs.values("complainant_key")
        .annotate(**aggregates)
        .filter(meets)
        .order_by("complainant_key")
    )


SLACK = dt.timedelta(minutes=10)
"""How far before the last run's start changes are looked for again (a write committed
just after a run began, by a transaction that started before it, is not missed)."""


def changed_incidents(area: Area, since: dt.datetime):
    """The area's incidents written or changed, or on a case that moved (every move
    appends to the case's timeline), since ``since``: two index scans, one query. (As one
    ``OR``, PostgreSQL read every incident of the area.)"""
    moved = TimelineEvent.objects.filter(at__gte=since).values("case_id")
    mine = Incident.objects.filter(area=area).exclude(complainant_key="")
    written = mine.filter(updated_at__gte=since).order_by()
    on_moved = mine.filter(case__isnull=False, case__in=moved).order_by()
    return written.values_list("complainant_key", flat=True).union(
        on_moved.values_list("complainant_key", flat=True)
    )


def _changed_complainants(area: Area, since: dt.datetime) -> set[str]:
    """Victims whose log or case changed since ``since``: one query."""
    return set(changed_incidents(area, since))


def _changed_since_last_run(
    *, area: Area, job: str, today: dt.date, version_id: int | None
) -> tuple[set[str] | None, DetectionMark | None]:
    """(victims to look at again, or None for everyone; the job's mark for the area)."""
    mark = DetectionMark.objects.filter(area=area, job=job).first()
    if mark is None or mark.day != today or mark.procedure_version_id != version_id:
        return None, mark
    return _changed_complainants(area, mark.checked_at - SLACK), mark


def _record_run(
    *, area: Area, job: str, today: dt.date, version_id, started, mark: DetectionMark | None
) -> None:
    fields = {"day": today, "checked_at": started, "procedure_version_id": version_id}
    if mark is not None:
        DetectionMark.objects.filter(pk=mark.pk).update(**fields)
    else:
        DetectionMark.objects.bulk_create(
            [DetectionMark(area=area, job=job, **fields)], ignore_conflicts=True
        )


_COMPLAINT_FIELDS = (
    "pk",
    "complainant_key",
    "incident_date",
    "reported_date",
    "reported_to__slug",
    "kind",
    "hate_motivated",
    "issue",
    "location",
    "postcode",
    "building",
    "uprn",
    "same_incident_as_id",
)
"""Every column the engine can read of a report (``incident_as_complaint``)."""

_LOG_FIELDS = (
    "pk",
    "complainant_key",
    "incident_date",
    "reported_date",
    "kind",
    "hate_motivated",
    "same_incident_as_id",
)
"""What any route reads of a report: all held by the victim-log index (cases 0019), so
a victim's log is read from the index alone."""

_LOCATION_FIELDS = ("location", "postcode", "building", "uprn")


def _fields_read(rules: dict) -> tuple[str, ...]:
    """The columns the rules' routes read of each report: ``_LOG_FIELDS``, the issue
    where a route asks for the same issue, the location where one groups by location.
    Every route counts, not only those one victim could meet: each is named in the
    paragraph of reasons. Nothing detection keeps reads the agency (it names possible
    duplicates, which a suggestion does not hold: ``Decision.verdict``). Reading the rest
    from the heap, pages spread over the whole table, was a quarter of a county-scale run.
    """
    specs = [compile_route(r) for r in rules["routes"]]
    fields = list(_LOG_FIELDS)
    if any(s.same_issue for s in specs):
        fields.append("issue")
    if any(s.groups_by_location for s in specs):
        fields.extend(_LOCATION_FIELDS)
    return tuple(fields)


def _log_rows(queryset, *extra: str, fields: tuple[str, ...] = _COMPLAINT_FIELDS) -> list[dict]:
    """The queryset's incidents as rows of ``fields`` (and ``extra``): read as tuples and
    zipped, which costs about a third less than ``values()``'s dicts."""
    names = (*fields, *extra)
    return [dict(zip(names, row, strict=True)) for row in queryset.values_list(*names)]


def _complaint(row: dict, **dates) -> Complaint:
    """An incident log row as the engine's complaint (as ``incident_as_complaint``); a
    column the row was not read with (``_fields_read``) is left blank."""
    same = row["same_incident_as_id"]
    return Complaint.of(
        id=str(row["pk"]),
        incident_date=dates.get("incident_date", row["incident_date"]),
        reported_date=dates.get("reported_date", row["reported_date"]),
        agency=row.get("reported_to__slug") or "",
        kind=row["kind"],
        hate=row["hate_motivated"],
        complainant=row["complainant_key"],
        issue=row.get("issue", ""),
        location=row.get("location", ""),
        same_incident_as=str(same) if same else None,
        postcode=row.get("postcode", ""),
        building=row.get("building", ""),
        uprn=row.get("uprn", ""),
    )


def review_suggestions_detect(
    *, area: Area, today: dt.date | None = None
) -> list[ReviewSuggestion]:
    """Put victims whose recorded complaints meet the area's threshold, with no open case,
    on the 'review suggested' queue (once per victim and latest counted incident).

    Incremental: a rerun on the same day looks only at victims whose log changed since
    the last run; the first run of a day (or after the rules change) looks at everyone.
    """
    return _review_suggestions(area=area, today=today, instances=True)


def _review_suggestions(*, area: Area, today: dt.date | None, instances: bool) -> list:
    """``review_suggestions_detect``: the suggestions written, as saved instances, or
    (``instances=False``, for a run that only counts them) their primary keys."""
    started = timezone.now()
    today = today or timezone.localdate()
    versions = area.procedure.versions.order_by("-number")
    version_id = versions.values_list("pk", flat=True).first()
    job = DetectionJob.REVIEW_SUGGESTIONS
    only, mark = _changed_since_last_run(area=area, job=job, today=today, version_id=version_id)
    if only is not None and not only:
        return []  # nothing changed since the last run today: no work per victim
    rules = versions.values_list("data", flat=True).first()["threshold"]
    open_case = _victims_with_open_case(area, only)
    # Bookkeeping first: suggestions whose victim now has an open case are done.
    suggested = ReviewSuggestion.objects.filter(area=area, status=SuggestionStatus.OPEN)
    if only is not None:
        suggested = suggested.filter(any_of("complainant_key", sorted(only)))
    done = [pk for pk, key in suggested.values_list("pk", "complainant_key") if key in open_case]
    for batch in _chunks(done):
        ReviewSuggestion.objects.filter(pk__in=batch, status=SuggestionStatus.OPEN).update(
            status=SuggestionStatus.CASE_OPENED, updated_at=timezone.now()
        )
    candidates = review_candidates(
        area=area, rules=rules, today=today, only=only, open_case=open_case
    )
    created = []
    if candidates:
        created = _suggest(
            area=area, rules=rules, today=today, keys=candidates, instances=instances
        )
    _record_run(area=area, job=job, today=today, version_id=version_id, started=started, mark=mark)
    return created


def _linked_outside_window(
    *,
    area: Area,
    rows: list[dict],
    since: dt.date,
    today: dt.date,
    fields: tuple[str, ...] = _COMPLAINT_FIELDS,
) -> list[dict]:
    """The victims' reports outside the window that are linked as the same incident to
    the reports in ``rows`` (directly or through one another), which ``rows`` left out.

    The engine names a linked incident by its earliest report, so a report outside the
    window can decide whether an incident inside it counts: without it, the engine on
    the window would count what the engine on the whole log does not. Links across the
    window's edge are rare: this reads the victims' linked reports outside the window on
    the (area, victim, date) index, then any report they or ``rows`` point to that is
    not loaded yet, usually nothing."""
    seen = {row["pk"]: row for row in rows}
    keys = sorted({row["complainant_key"] for row in rows})
    found: list[dict] = []

    def add(fresh):
        for row in fresh:
            if row["pk"] not in seen:
                seen[row["pk"]] = row
                found.append(row)

    outside = Q(incident_date__lt=since) | Q(incident_date__gt=today)
    for batch in _chunks(keys):
        add(
            _log_rows(
                Incident.objects.filter(
                    outside, any_of("complainant_key", batch), area=area
                ).filter(same_incident_as__isnull=False),
                fields=fields,
            )
        )
    while True:
        wanted = sorted(
            {r["same_incident_as_id"] for r in seen.values() if r["same_incident_as_id"]}
            - seen.keys()
        )
        if not wanted:
            return found
        before = len(seen)
        for batch in _chunks(wanted):
            add(
                _log_rows(
                    Incident.objects.filter(
                        any_of("pk", batch), any_of("complainant_key", keys), area=area
                    ),
                    fields=fields,
                )
            )
        if len(seen) == before:  # what is left points to another victim or area
            return found


def _chunks(items: list, size: int = 5000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def window_log(*, area: Area, keys: list[str], since: dt.date, today: dt.date):
    """The victims' incidents from ``since`` to ``today``, on the victim-log index."""
    return Incident.objects.filter(
        any_of("complainant_key", keys),
        area=area,
        incident_date__gte=since,
        incident_date__lte=today,
    )


def victim_logs(
    *,
    area: Area,
    rules: dict,
    today: dt.date,
    keys: list[str],
    fields: tuple[str, ...] | None = None,
) -> dict[str, list[dict]]:
    """Each victim's reports the rules can count on ``today`` (``_look_back``), with the
    reports outside that window linked to them as the same incident, as rows of
    ``fields`` (by default the columns the rules read: ``_fields_read``)."""
    since = _look_back(rules, today)
    fields = fields or _fields_read(rules)
    by_victim = defaultdict(list)
    for batch in _chunks(keys):
        if since is None:  # every report of theirs can matter: no links left out
            victims = Incident.objects.filter(any_of("complainant_key", batch), area=area)
            rows = _log_rows(victims, fields=fields)
        else:
            window = window_log(area=area, keys=batch, since=since, today=today)
            rows = _log_rows(window, fields=fields)
            rows += _linked_outside_window(
                area=area, rows=rows, since=since, today=today, fields=fields
            )
        for row in rows:
            by_victim[row["complainant_key"]].append(row)
    return by_victim


def _suggest(
    *, area: Area, rules: dict, today: dt.date, keys: list[str], instances: bool = True
) -> list:
    """Evaluate the engine on each candidate; bulk-insert the suggestions not yet made
    (returned as saved instances, or their primary keys: ``_insert_missing``), each
    holding the engine's verdict and words (``Decision.verdict``)."""
    since = _look_back(rules, today)
    by_victim = victim_logs(area=area, rules=rules, today=today, keys=keys)
    existing = ReviewSuggestion.objects.filter(area=area)
    if since is not None:
        existing = existing.filter(latest_incident_date__gte=since)
    existing = set(existing.values_list("complainant_key", "latest_incident_date"))
    new = []
    for key in keys:
        rows = by_victim[key]
        # Persistence cannot be known from the log; the bodies confirm it when deciding.
        decision = evaluate(
            rules, [_complaint(r) for r in rows], today, {"asb_persists": True}, duplicates=False
        )
        if not any(r.met for r in decision.routes):
            continue
        counted = sorted({int(cid) for r in decision.routes if r.met for cid in r.counted})
        latest = max(r["incident_date"] for r in rows if r["pk"] in counted)
        if (key, latest) in existing:
            continue
        new.append(
            {
                "area_id": area.pk,
                "complainant_key": key,
                "latest_incident_date": latest,
                "explanation": decision.verdict(),
                "incident_ids": counted,
            }
        )
    if not new:
        return []

    def written(started):
        rows = ReviewSuggestion.objects.filter(area=area, created_at__gte=started)
        if since is not None:
            rows = rows.filter(latest_incident_date__gte=since)
        return {
            (key, latest): pk
            for pk, key, latest in rows.values_list("pk", "complainant_key", "latest_incident_date")
        }

    return _insert_missing(
        ReviewSuggestion,
        new,
        key=("complainant_key", "latest_incident_date"),
        written=written,
        instances=instances,
    )


def _insert_missing(
    model, rows: list[dict], *, key: tuple[str, ...], written, instances: bool = True
) -> list:
    """Insert the rows (field attname -> value; the model's defaults for the rest) not
    there yet (the model's unique constraint on ``key`` decides; a concurrent run may
    have written some) and return, as saved instances, those this run wrote, with their
    primary keys from ``written(started)``: a read-back of {key: pk} of the rows created
    since the insert began (each area's run holds its advisory lock, so those are this
    run's). Instances are built only for the rows written, once their keys are known.

    On PostgreSQL the rows go by ``COPY`` (``asbcr.bulk.insert_rows``: should any row
    conflict, the batch is written again with ``ON CONFLICT DO NOTHING``); inserting
    19,415 suggestions' explanations (2.5 KB of JSON each) as one JSON document per batch
    was about a third of the statements' time at 1,000,000 incidents. Elsewhere,
    ``bulk_create(ignore_conflicts=True)``. With ``instances=False`` it returns the
    written rows' primary keys instead (a run that only counts them builds no instance:
    32,343 of them were a tenth of a county-scale run's Python)."""
    if not rows:
        return []
    started = timezone.now()
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=1000, ignore_conflicts=True)
    else:
        from asbcr.bulk import insert_rows

        for row in rows:
            row["created_at"] = row["updated_at"] = started
        for batch in _chunks(rows, 2000):
            insert_rows(model, batch, ignore_conflicts=True)
        objects = None
    ids = written(started)
    if not instances:
        return [pk for row in rows if (pk := ids.get(tuple(row[k] for k in key))) is not None]
    out = []
    for i, row in enumerate(rows):
        pk = ids.get(tuple(row[k] for k in key))
        if pk is not None:
            obj = objects[i] if objects is not None else model(**row)
            obj.pk = pk
            obj._state.adding, obj._state.db = False, "default"
            out.append(obj)
    return out


def reports_just_made(area: Area, today: dt.date):
    """The area's reports of a new incident (not linked as a repeat) made in the last
    ``RECENT_DAYS``, each with its ``day`` (reported, else happened), on its index."""
    report_day = Coalesce("reported_date", "incident_date", output_field=DateField())
    return (
        Incident.objects.filter(area=area, kind=IncidentKind.REPORT, same_incident_as__isnull=True)
        .exclude(complainant_key="")
        .annotate(day=report_day)
        .filter(day__gte=today - dt.timedelta(days=RECENT_DAYS), day__lte=today)
    )


def second_report_candidates(area: Area, today: dt.date, *, only: set[str] | None = None):
    """The area's reports just made (among ``only``'s victims when given) that may be a
    victim's second within six months, with no notice yet: each has an earlier report,
    and fewer than two earlier ones surely inside the six months. The earlier reports
    are counted from the victim-log index alone (cases 0019), one victim at a time."""
    report_day = Coalesce("reported_date", "incident_date", output_field=DateField())
    look_back = today - dt.timedelta(days=RECENT_DAYS + _period_days(SIX_MONTHS))
    recent = reports_just_made(area, today)
    if only is not None:
        recent = recent.filter(any_of("complainant_key", sorted(only)))
    # Any earlier report: one linked to a record the engine does not see (a diary sheet,
    # another victim's report) is an incident of its own there.
    earlier = (
        Incident.objects.filter(
            area=area, kind=IncidentKind.REPORT, complainant_key=OuterRef("complainant_key")
        )
        .annotate(day=report_day)
        .filter(day__gte=look_back)
        .filter(Q(day__lt=OuterRef("day")) | Q(day=OuterRef("day"), pk__lt=OuterRef("pk")))
    )
    # Two earlier reports surely inside the six months make this at least the third
    # (two reports not linked to another are two incidents), so the engine would say no.
    surely_within = earlier.filter(
        same_incident_as__isnull=True,
        day__gte=OuterRef("day") - dt.timedelta(days=SURELY_WITHIN),
    )
    earlier_count = Subquery(
        surely_within.order_by().annotate(n=Func("pk", function="COUNT")).values("n"),
        output_field=IntegerField(),
    )
    return (
        recent.filter(Exists(earlier))
        .annotate(earlier_count=earlier_count)
        .filter(earlier_count__lt=2)
        .exclude(Exists(SecondReportNotice.objects.filter(second_incident=OuterRef("pk"))))
    )


def second_report_notices_detect(
    *, area: Area, today: dt.date | None = None
) -> list[SecondReportNotice]:
    """Victims who have just made their second report within six months (2025 guidance),
    so they can be told about the case review; once per second report.

    Incremental like ``review_suggestions_detect``.
    """
    return _second_report_notices(area=area, today=today, instances=True)


def _second_report_notices(*, area: Area, today: dt.date | None, instances: bool) -> list:
    """``second_report_notices_detect``: the notices written, as saved instances, or
    (``instances=False``) their primary keys."""
    started = timezone.now()
    today = today or timezone.localdate()
    job = DetectionJob.SECOND_REPORTS
    only, mark = _changed_since_last_run(area=area, job=job, today=today, version_id=None)
    if only is not None and not only:
        return []
    look_back = today - dt.timedelta(days=RECENT_DAYS + _period_days(SIX_MONTHS))
    candidates = _log_rows(
        second_report_candidates(area, today, only=only), "day", fields=_LOG_FIELDS
    )
    created = []
    if candidates:
        created = _notify(
            area=area, candidates=candidates, look_back=look_back, instances=instances
        )
    _record_run(area=area, job=job, today=today, version_id=None, started=started, mark=mark)
    return created


def engine_first_report(before: list[dict], second: dict) -> int | None:
    """The victim's first report when ``second`` is their second within six months, by the
    engine's route (the reference): anchored on the new report's date, it counts the
    distinct incidents of ``before`` (their earlier reports inside the six months, as
    rows of ``_LOG_FIELDS`` with their ``day``) and ``second``; None when it is not."""
    as_complaints = [
        _complaint(r, incident_date=r["day"], reported_date=r["day"]) for r in [*before, second]
    ]
    # The engine's route alone: nothing here needs the decision's explanation.
    counted = evaluate_route(SECOND_REPORT_ROUTE, as_complaints, second["day"], {}).counted
    if len(counted) != 2 or str(second["pk"]) not in counted:
        return None
    return int(next(cid for cid in counted if cid != str(second["pk"])))


def second_report_first(before: list[dict], second: dict) -> int | None:
    """``engine_first_report``, without the engine when no report is linked to another.

    Then each report is an incident of its own, every one inside the six months and none
    excluded, so the route counts them all: ``second`` is a second report when exactly
    one came before it (``test_second_reports_match_the_engine`` proves it over random
    logs). Most of a first run's candidates are like that; where a report is linked as
    the same incident as another, the engine decides which count."""
    if second["same_incident_as_id"] or any(r["same_incident_as_id"] for r in before):
        return engine_first_report(before, second)
    return before[0]["pk"] if len(before) == 1 else None


def _notify(*, area: Area, candidates: list[dict], look_back: dt.date, instances: bool) -> list:
    report_day = Coalesce("reported_date", "incident_date", output_field=DateField())
    history = defaultdict(list)
    keys = sorted({c["complainant_key"] for c in candidates})
    for batch in _chunks(keys):
        for row in _log_rows(
            Incident.objects.filter(
                any_of("complainant_key", batch), area=area, kind=IncidentKind.REPORT
            )
            .annotate(day=report_day)
            .filter(day__gte=look_back),
            "day",
            fields=_LOG_FIELDS,
        ):
            history[row["complainant_key"]].append(row)
    new = []
    for second in candidates:
        day, start = second["day"], shift(second["day"], SIX_MONTHS, -1)
        before = [
            r
            for r in history[second["complainant_key"]]
            if (r["day"], r["pk"]) < (day, second["pk"]) and r["day"] >= start
        ]
        first_id = second_report_first(before, second)
        if first_id is None:
            continue
        new.append(
            {
                "area_id": area.pk,
                "complainant_key": second["complainant_key"],
                "first_incident_id": first_id,
                "second_incident_id": second["pk"],
            }
        )
    if not new:
        return []

    def written(started):
        ids = {}
        for batch in _chunks([n["second_incident_id"] for n in new]):
            ids.update(
                ((second,), pk)
                for second, pk in SecondReportNotice.objects.filter(
                    any_of("second_incident_id", batch), created_at__gte=started
                ).values_list("second_incident_id", "pk")
            )
        return ids

    return _insert_missing(
        SecondReportNotice,
        new,
        key=("second_incident_id",),
        written=written,
        instances=instances,
    )


def detection_run_area(*, area: Area, today: dt.date | None = None) -> dict[str, int]:
    """Both detections for one area (``thresholds.detect_area``, one task per area).

    Under an advisory lock per area: a second run of the same area waits for the first
    to commit, then finds its mark and nothing changed since, so it writes nothing.
    Counts only: no model instance is built for what it writes. The cycle collector is
    paused meanwhile (``asbcr.collector``): the engine's explanations are many small
    nested containers, and full collections over them were about a fifth of the CPU.
    """
    with advisory_lock(f"thresholds.detection:{area.pk}"), collector.paused():
        suggestions = _review_suggestions(area=area, today=today, instances=False)
        notices = _second_report_notices(area=area, today=today, instances=False)
    return {"review_suggestions": len(suggestions), "second_report_notices": len(notices)}


def detection_run(*, today: dt.date | None = None) -> dict[str, int]:
    """Run both detections for every area, one after another (``manage.py``, tests; the
    scheduled job fans out one task per area instead)."""
    totals = {"review_suggestions": 0, "second_report_notices": 0}
    for area in Area.objects.select_related("procedure"):
        for name, value in detection_run_area(area=area, today=today).items():
            totals[name] += value
    return totals


def suggestion_handled(suggestion: ReviewSuggestion, *, by, kept_input: bool = False) -> str:
    """What became of a suggestion no longer open, in words for ``by`` ("Another officer
    (Sam Jones) dismissed this suggestion at 10:42: ..."); "" while it is open."""
    if suggestion.status == SuggestionStatus.OPEN:
        return ""
    if suggestion.status == SuggestionStatus.DISMISSED:
        return conflict_message(
            what="dismissed this suggestion",
            at=suggestion.updated_at,
            actor=suggestion.handled_by,
            by=by,
            outcome=suggestion.status_reason,
            kept_input=kept_input,
        )
    return conflict_message(
        who="The detection job",
        what="closed this suggestion",
        at=suggestion.updated_at,
        outcome="a case has been opened for this victim",
        kept_input=kept_input,
    )


def suggestion_dismiss(*, suggestion: ReviewSuggestion, by, reason: str) -> ReviewSuggestion:
    """The administering body decides no review is needed for a suggestion, with a reason.

    Under the suggestion's row lock (decision 6): one already dismissed, or closed by the
    detection run because a case was opened for the victim, is not changed, and the
    second officer is told who did what and when (``ConflictError``)."""
    with transaction.atomic():
        locked = lock(suggestion)
        if handled := suggestion_handled(locked, by=by, kept_input=True):
            raise ConflictError(handled)
        locked.status = SuggestionStatus.DISMISSED
        locked.status_reason = reason.strip()
        locked.handled_by = by
        locked.save(update_fields=["status", "status_reason", "handled_by", "updated_at"])
    refresh_from(suggestion, locked)
    return suggestion


def second_report_notice_mark_told(*, notice: SecondReportNotice, by) -> SecondReportNotice:
    """Record that the victim was told about their right to a case review: once, under
    the notice's row lock (a second click, or a second officer, is told who did it)."""
    with transaction.atomic():
        locked = lock(notice)
        if locked.told_on is not None:
            raise conflict(
                what="recorded that the victim was told about the case review",
                at=locked.updated_at,
                actor=locked.told_by,
                by=by,
                kept_input=False,
            )
        locked.told_on = timezone.localdate()
        locked.told_by = by
        locked.save(update_fields=["told_on", "told_by", "updated_at"])
    refresh_from(notice, locked)
    return notice
