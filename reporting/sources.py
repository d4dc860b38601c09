"""Where the figures that depend on other apps' records come from.

Appeals, deadlines and action plans have their own records (``appeals.Appeal``,
``deadlines.Deadline``, ``panels.Action``). Until an app's tables exist these figures
fall back to the case timeline, which every case has: an appeal is then only visible
when it reopened the case, and no deadline is tracked. docs/statistics.md states both.
"""

from functools import cache

from django.apps import apps
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.db.models.lookups import In, IsNull

from cases.constants import CaseState, EventKind
from cases.models import TimelineEvent
from reporting.constants import Timeliness
from reporting.measures import Measure, transitions_into
from reporting.periods import Period


@cache
def has_records(label: str) -> bool:
    """True when another app's model has its table (the app has landed and migrated)."""
    try:
        model = apps.get_model(label)
    except LookupError:
        return False
    return model._meta.db_table in connection.introspection.table_names()


# -- appeals -----------------------------------------------------------------------

APPEAL_OUTCOME = "appeal_outcome"
APPEAL_OUTCOME_LABELS = {
    "refer_back": "Upheld: referred back to the relevant bodies",
    "uphold_decision": "Not upheld: original decision stands",
    "refused_out_of_time": "Refused: out of time",
    "awaiting": "Awaiting a decision",
}


def _appeals(area_ids) -> QuerySet:
    if has_records("appeals.Appeal"):
        Appeal = apps.get_model("appeals.Appeal")
        outcome = Case(
            When(outcome="refer_back", then=Value("refer_back")),
            When(outcome="uphold_decision", then=Value("uphold_decision")),
            When(status="refused_out_of_time", then=Value("refused_out_of_time")),
            default=Value("awaiting"),
            output_field=CharField(),
        )
        return Appeal.objects.filter(case__area_id__in=area_ids).annotate(
            **{APPEAL_OUTCOME: outcome}
        )
    return transitions_into(CaseState.REOPENED)(area_ids).annotate(
        **{APPEAL_OUTCOME: Value("refer_back", output_field=CharField())}
    )


def _appeals_upheld(area_ids) -> QuerySet:
    if has_records("appeals.Appeal"):
        return _appeals(area_ids).filter(outcome="refer_back")
    return transitions_into(CaseState.REOPENED)(area_ids)


def appeals_received_measure() -> Measure:
    """Escalations and appeals, placed in a period by the day lodged."""
    if has_records("appeals.Appeal"):
        return Measure(_appeals, "lodged_on", "case__area_id")
    return Measure(_appeals, "at", "case__area_id", timestamp=True)


def appeals_upheld_measure() -> Measure:
    """Appeals that referred the case back, placed in a period by the day decided."""
    if has_records("appeals.Appeal"):
        return Measure(_appeals_upheld, "decided_on", "case__area_id")
    return Measure(_appeals_upheld, "at", "case__area_id", timestamp=True)


def escalations(*, area_ids, period: Period) -> list[dict]:
    """Escalations lodged in the period: area, month, what, status, outcome. No personal data."""
    if has_records("appeals.Appeal"):
        rows = (
            _appeals(area_ids)
            .filter(lodged_on__gte=period.start, lodged_on__lte=period.end)
            .values(
                "case__area__name",
                "lodged_on",
                "against",
                "in_time",
                "status",
                APPEAL_OUTCOME,
                "decided_on",
            )
            .order_by("case__area__name", "lodged_on", "pk")
        )
        Appeal = apps.get_model("appeals.Appeal")
        against = dict(Appeal._meta.get_field("against").choices)
        status = dict(Appeal._meta.get_field("status").choices)
        return [
            {
                "area": r["case__area__name"],
                "lodged": r["lodged_on"].strftime("%B %Y"),
                "against": against.get(r["against"], r["against"]),
                "in_time": "Yes" if r["in_time"] else "No",
                "status": status.get(r["status"], r["status"]),
                "outcome": APPEAL_OUTCOME_LABELS[r[APPEAL_OUTCOME]],
                "days_to_decision": (r["decided_on"] - r["lodged_on"]).days
                if r["decided_on"]
                else None,
            }
            for r in rows
        ]
    rows = (
        transitions_into(CaseState.REOPENED)(area_ids)
        .filter(at__gte=period.start_at, at__lt=period.end_before)
        .values("case__area__name", "at")
        .order_by("case__area__name", "at", "pk")
    )
    return [
        {
            "area": r["case__area__name"],
            "lodged": r["at"].strftime("%B %Y"),
            "against": "",
            "in_time": "",
            "status": "Decided",
            "outcome": APPEAL_OUTCOME_LABELS["refer_back"],
            "days_to_decision": None,
        }
        for r in rows
    ]


# -- recommendations -------------------------------------------------------------------


def recommended() -> Q:
    """Of the reviews (timeline entries), those whose action plan holds at least one action.

    A review recorded by the panels app names its listing (``detail["listing_id"]``):
    it made recommendations if that listing's plan holds a non-interim action (interim
    actions were taken before the meeting, not recommended by it). A review recorded
    from the case page names no listing: it made recommendations if the case then moved
    into monitoring, which only happens when there are actions to monitor (an outcome
    with no actions goes straight to closure).

    Set-based where it can be: the listings with a real action are read once (a hashed
    ``IN``), not probed per review; only a review that names no listing looks for a later
    move into monitoring on its own case (one index probe, inside the one pass over the
    timeline). No annotation, so it can narrow one figure of several counted together.
    """
    later_monitoring = Exists(
        TimelineEvent.objects.filter(
            case=OuterRef("case"),
            kind=EventKind.TRANSITION,
            to_state=CaseState.MONITORING,
            at__gte=OuterRef("at"),
        )
    )
    if not has_records("panels.Action"):
        return Q(later_monitoring)
    Action = apps.get_model("panels.Action")
    listing = Cast(KeyTextTransform("listing_id", "detail"), BigIntegerField())
    with_actions = Action.objects.filter(interim=False, listing__isnull=False).order_by()
    with_actions = with_actions.values("listing_id")
    return Q(In(listing, with_actions)) | (Q(IsNull(listing, True)) & Q(later_monitoring))


def reviews_with_recommendations(reviews: QuerySet) -> QuerySet:
    """The reviews (timeline entries) whose action plan holds at least one action
    (``recommended``)."""
    return reviews.filter(recommended())


# -- timeliness ------------------------------------------------------------------------

DEADLINE_STATE_TO_TIMELINESS = {
    "met_on_time": Timeliness.ON_TIME,
    "met_late": Timeliness.LATE,
    "breached": Timeliness.BREACHED,
    "open": Timeliness.OPEN,
    "waived": Timeliness.WAIVED,
}


def timeliness(*, area_ids, period: Period) -> list[dict]:
    """Deadlines due in the period, per kind (the procedure step), by how they ended.

    An open deadline whose due date has passed counts as breached even if the nightly
    sweep has not marked it yet.
    """
    if not has_records("deadlines.Deadline"):
        return []
    from django.utils import timezone

    Deadline = apps.get_model("deadlines.Deadline")
    today = timezone.localdate()
    state = Case(
        When(state="open", due__lt=today, then=Value("breached")),
        default="state",
        output_field=CharField(),
    )
    rows = (
        Deadline.objects.filter(
            case__area_id__in=area_ids, due__gte=period.start, due__lte=period.end
        )
        .annotate(outcome=state)
        .values("step", "outcome")
        .annotate(n=Count("pk"))
        .order_by("step")
    )
    by_kind: dict[str, dict] = {}
    for row in rows:
        kind = by_kind.setdefault(
            row["step"],
            {"kind": row["step"], "label": row["step"].replace("_", " ").capitalize()}
            | {t.value: 0 for t in Timeliness},
        )
        kind[DEADLINE_STATE_TO_TIMELINESS.get(row["outcome"], Timeliness.OPEN).value] += row["n"]
    for kind in by_kind.values():
        kind["total"] = sum(kind[t.value] for t in Timeliness)
    return list(by_kind.values())
