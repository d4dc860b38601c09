"""Automatic detection from the incident log (services used by ``thresholds.tasks``).

One definition of the rules: the database narrows the log to candidates with set-based
queries (complainants with at least the fewest reports any route needs, within the
widest window any route uses, and no open case), then ``thresholds.engine.evaluate``
confirms each candidate exactly. Nothing loops over every victim.

Both jobs are idempotent: outputs have unique natural keys and are created with
``get_or_create``, so running again raises nothing twice.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from django.db import transaction
from django.db.models import Count, DateField, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.constants import OPEN_STATES, IncidentKind
from cases.models import Incident
from partnerships.models import Area
from thresholds.constants import SuggestionStatus
from thresholds.engine import COMPLAINTS_IN_WINDOW, evaluate, shift
from thresholds.models import ReviewSuggestion, SecondReportNotice
from thresholds.selectors import incident_as_complaint

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

RECENT_DAYS = 28
"""A report is 'just made' if its report date is within this many days of the run."""


def _period_days(period: dict) -> int:
    """An upper bound in days (months taken as 31 days) for set-based narrowing."""
    return int(period["amount"]) * (31 if period["unit"] == "months" else 1)


def narrowing(rules: dict) -> tuple[int, int, set[str]]:
    """(fewest reports any individual route needs, widest look-back in days, kinds that
    no route counts) from a procedure's threshold rules."""
    routes = [r for r in rules["routes"] if r["kind"] == COMPLAINTS_IN_WINDOW]
    if not routes:
        return 0, 0, set()
    fewest = min(r["count"] for r in routes)
    widest = 0
    for r in routes:
        days = _period_days(r["window"])
        if r.get("window_anchor") == "rolling":
            days += _period_days(r.get("application_within_of_latest") or r["window"])
        widest = max(widest, days)
    never = set.intersection(*(set(r.get("exclude_kinds", [])) for r in routes))
    return fewest, widest, never


def _open_case_for_complainant():
    return Exists(
        Incident.objects.filter(
            area=OuterRef("area"),
            complainant_key=OuterRef("complainant_key"),
            case__state__in=list(OPEN_STATES),
        )
    )


def review_candidates(*, area: Area, rules: dict, today: dt.date) -> list[str]:
    """Complainant keys that might meet the threshold, found with one grouped query."""
    fewest, widest, never = narrowing(rules)
    if not fewest:
        return []
    qs = (
        Incident.objects.filter(
            area=area,
            incident_date__gte=today - dt.timedelta(days=widest),
            incident_date__lte=today,
        )
        .exclude(complainant_key="")
        .exclude(kind__in=never)
        .exclude(_open_case_for_complainant())
        .values("complainant_key")
        .annotate(n=Count("id"))
        .filter(n__gte=fewest)
        .order_by("complainant_key")
    )
    return list(qs.values_list("complainant_key", flat=True))


def review_suggestions_detect(
    *, area: Area, today: dt.date | None = None
) -> list[ReviewSuggestion]:
    """Put victims whose recorded complaints meet the area's threshold, with no open case,
    on the 'review suggested' queue (once per victim and latest counted incident)."""
    today = today or timezone.localdate()
    rules = area.procedure.versions.order_by("-number").first().data["threshold"]
    _, widest, _ = narrowing(rules)
    # Bookkeeping first: suggestions whose victim now has an open case are done.
    ReviewSuggestion.objects.filter(area=area, status=SuggestionStatus.OPEN).filter(
        _open_case_for_complainant()
    ).update(status=SuggestionStatus.CASE_OPENED, updated_at=timezone.now())
    candidates = review_candidates(area=area, rules=rules, today=today)
    if not candidates:
        return []
    by_victim = defaultdict(list)
    for incident in Incident.objects.filter(
        area=area,
        complainant_key__in=candidates,
        incident_date__gte=today - dt.timedelta(days=widest),
        incident_date__lte=today,
    ).select_related("reported_to"):
        by_victim[incident.complainant_key].append(incident)
    created = []
    for key in candidates:
        incidents = by_victim[key]
        # Persistence cannot be known from the log; the bodies confirm it when deciding.
        decision = evaluate(
            rules, [incident_as_complaint(i) for i in incidents], today, {"asb_persists": True}
        )
        if not any(r.met for r in decision.routes):
            continue
        counted = sorted({int(cid) for r in decision.routes if r.met for cid in r.counted})
        latest = max(i.incident_date for i in incidents if i.pk in counted)
        suggestion, was_created = ReviewSuggestion.objects.get_or_create(
            area=area,
            complainant_key=key,
            latest_incident_date=latest,
            defaults={"explanation": decision.explanation(), "incident_ids": counted},
        )
        if was_created:
            created.append(suggestion)
    return created


def second_report_notices_detect(
    *, area: Area, today: dt.date | None = None
) -> list[SecondReportNotice]:
    """Victims who have just made their second report within six months (2025 guidance),
    so they can be told about the case review; once per second report."""
    today = today or timezone.localdate()
    report_day = Coalesce("reported_date", "incident_date", output_field=DateField())
    recent = (
        Incident.objects.filter(area=area, kind=IncidentKind.REPORT, same_incident_as__isnull=True)
        .exclude(complainant_key="")
        .annotate(day=report_day)
        .filter(day__gte=today - dt.timedelta(days=RECENT_DAYS), day__lte=today)
    )
    earlier = (
        Incident.objects.filter(
            area=area,
            kind=IncidentKind.REPORT,
            same_incident_as__isnull=True,
            complainant_key=OuterRef("complainant_key"),
        )
        .annotate(day=report_day)
        .filter(day__gte=today - dt.timedelta(days=RECENT_DAYS + _period_days(SIX_MONTHS)))
        .filter(Q(day__lt=OuterRef("day")) | Q(day=OuterRef("day"), pk__lt=OuterRef("pk")))
    )
    candidates = list(
        recent.filter(Exists(earlier))
        .exclude(Exists(SecondReportNotice.objects.filter(second_incident=OuterRef("pk"))))
        .select_related("reported_to")
    )
    if not candidates:
        return []
    history = defaultdict(list)
    for incident in (
        Incident.objects.filter(
            area=area,
            complainant_key__in={c.complainant_key for c in candidates},
            kind=IncidentKind.REPORT,
        )
        .annotate(day=report_day)
        .filter(day__gte=today - dt.timedelta(days=RECENT_DAYS + _period_days(SIX_MONTHS)))
        .select_related("reported_to")
    ):
        history[incident.complainant_key].append(incident)
    created = []
    for second in candidates:
        day = second.day
        before = [
            i
            for i in history[second.complainant_key]
            if (i.day, i.pk) < (day, second.pk) and i.day >= shift(day, SIX_MONTHS, -1)
        ]
        # The engine, anchored on the new report's date, counts the distinct incidents.
        as_complaints = [
            replace(incident_as_complaint(i), incident_date=i.day, reported_date=i.day)
            for i in [*before, second]
        ]
        decision = evaluate(SECOND_REPORT_RULES, as_complaints, day)
        if decision.count != 2 or str(second.pk) not in decision.routes[0].counted:
            continue
        first_id = int(next(cid for cid in decision.routes[0].counted if cid != str(second.pk)))
        with transaction.atomic():
            notice, was_created = SecondReportNotice.objects.get_or_create(
                second_incident=second,
                defaults={
                    "area": area,
                    "complainant_key": second.complainant_key,
                    "first_incident_id": first_id,
                },
            )
        if was_created:
            created.append(notice)
    return created


def detection_run(*, today: dt.date | None = None) -> dict[str, int]:
    """Run both detections for every area (the scheduled job)."""
    totals = {"review_suggestions": 0, "second_report_notices": 0}
    for area in Area.objects.select_related("procedure"):
        totals["review_suggestions"] += len(review_suggestions_detect(area=area, today=today))
        totals["second_report_notices"] += len(second_report_notices_detect(area=area, today=today))
    return totals


def suggestion_dismiss(*, suggestion: ReviewSuggestion, by, reason: str) -> ReviewSuggestion:
    """The administering body decides no review is needed for a suggestion, with a reason."""
    suggestion.status = SuggestionStatus.DISMISSED
    suggestion.status_reason = reason.strip()
    suggestion.handled_by = by
    suggestion.save(update_fields=["status", "status_reason", "handled_by", "updated_at"])
    return suggestion


def second_report_notice_mark_told(*, notice: SecondReportNotice, by) -> SecondReportNotice:
    """Record that the victim was told about their right to a case review."""
    notice.told_on = timezone.localdate()
    notice.told_by = by
    notice.save(update_fields=["told_on", "told_by", "updated_at"])
    return notice
