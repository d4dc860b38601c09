"""Reads for thresholds: the rules in force, a case's complaints, decisions and queues."""

from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.db.models import QuerySet

from cases.models import Case, Incident, TimelineEvent
from partnerships.models import Procedure
from thresholds.constants import SuggestionStatus
from thresholds.engine import Complaint
from thresholds.models import (
    BodyView,
    LocationLink,
    ReviewSuggestion,
    SecondReportNotice,
    ThresholdDecision,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "procedures"


def procedure_threshold_rules(slug: str) -> tuple[dict | None, str]:
    """The ``threshold`` section of the procedure's current version (database first, then
    the fixture file, so the command works on a fresh database), and where it came from."""
    from partnerships.procedures import parse_yaml

    try:
        procedure = Procedure.objects.filter(slug=slug).first()
        version = procedure.versions.order_by("-number").first() if procedure else None
    except DatabaseError:  # a database not yet migrated: use the fixture
        version = None
    if version is not None:
        return version.data["threshold"], f"database version {version.number}"
    path = FIXTURES / f"{slug}.yaml"
    if path.exists() and "/" not in slug:
        return parse_yaml(path.read_text())["threshold"], f"fixtures/procedures/{slug}.yaml"
    return None, ""


def incident_as_complaint(incident: Incident, location_links=()) -> Complaint:
    return Complaint(
        id=str(incident.pk),
        incident_date=incident.incident_date,
        reported_date=incident.reported_date,
        agency=incident.reported_to.slug if incident.reported_to_id else "",
        kind=incident.kind,
        hate=incident.hate_motivated,
        complainant=incident.complainant_key,
        issue=incident.issue,
        location=incident.location,
        same_incident_as=str(incident.same_incident_as_id)
        if incident.same_incident_as_id
        else None,
        postcode=incident.postcode,
        building=incident.building,
        uprn=incident.uprn,
        location_links=tuple(location_links),
    )


def case_complaints(case: Case) -> list[Complaint]:
    """Every incident on the case, as the engine's complaints."""
    incidents = Incident.objects.filter(case=case).select_related("reported_to")
    links = defaultdict(list)
    for first, second in LocationLink.objects.filter(case=case).values_list("first", "second"):
        links[first].append(str(second))
        links[second].append(str(first))
    return [incident_as_complaint(i, sorted(links[i.pk])) for i in incidents]


def case_location_links(case: Case):
    """The locations an officer has linked on the case, oldest first."""
    return LocationLink.objects.filter(case=case).select_related("first", "second", "by")


def decision_round(case: Case) -> int:
    """1 for the first decision; one more after each decision already taken."""
    return ThresholdDecision.objects.filter(case=case).count() + 1


def current_views(case: Case) -> list[BodyView]:
    """Each body's latest view in the current round (one per agency)."""
    latest: dict[int, BodyView] = {}
    for view in BodyView.objects.filter(case=case, round=decision_round(case)).select_related(
        "agency", "recorded_by"
    ):
        latest[view.agency_id] = view
    return sorted(latest.values(), key=lambda v: v.agency.name)


def latest_decision(case: Case) -> ThresholdDecision | None:
    """The case's threshold decision in force (the latest round), with ``.explanation``
    (the engine's JSON) and ``.reasons_text`` (a plain-English paragraph for the letter)."""
    return ThresholdDecision.objects.filter(case=case).order_by("-round").first()


def case_decisions(case: Case) -> QuerySet[ThresholdDecision]:
    return ThresholdDecision.objects.filter(case=case).select_related("recorded_by")


def suggestion_list(*, user, status: str = SuggestionStatus.OPEN) -> QuerySet[ReviewSuggestion]:
    """The "review suggested" queue for the areas where the user decides thresholds."""
    if user.is_superuser:
        areas = None
    else:
        areas = user.areas_with_role("case_officer", "area_admin")
    qs = ReviewSuggestion.objects.filter(status=status).select_related("area")
    qs = qs.order_by("-created_at", "-id")  # newest first, a stable order to page through
    return qs if areas is None else qs.filter(area_id__in=areas)


def second_report_notice_list(*, user, told: bool = False) -> QuerySet[SecondReportNotice]:
    """Victims to tell about the case review, in the user's areas."""
    qs = (
        SecondReportNotice.objects.filter(told_on__isnull=not told)
        .select_related("area", "second_incident", "first_incident")
        .order_by("-created_at", "-id")
    )
    if user.is_superuser:
        return qs
    return qs.filter(area_id__in=user.areas_with_role("case_officer", "area_admin"))


def threshold_explanation(case: Case) -> str:
    """The threshold decision in words: the engine's reasons, or the reason recorded with
    the decision step."""
    decision = latest_decision(case)
    if decision is not None and getattr(decision, "reasons_text", ""):
        return decision.reasons_text
    event = (
        TimelineEvent.objects.filter(
            case=case,
            detail__transition__in=[
                "record_threshold_met",
                "record_threshold_not_met",
                "arrange_panel_for_decision",
            ],
        )
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return ""
    return event.reason or event.summary
