"""The published figures, one aggregate query each (docs/statistics.md defines them).

Every figure is a :class:`Measure`: a queryset of countable rows (applications,
decisions, reviews, appeals) and the date that puts a row in a period. ``count`` runs
one ``GROUP BY`` query per figure for any number of areas and periods at once: a
``CASE WHEN`` puts each row in its period, optionally split by area or another column.
The number of queries depends on the number of figures, never on the number of cases,
and no function here loops over cases in Python or returns personal data.

Functions ending in ``_for`` take the acting user and check
``reporting.view_statistics`` (or ``reporting.view_monitoring``) in every area asked
for; the others are for trusted callers (publishing, the management command).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Field,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, Upper

from asbcr.db import replica_reads
from cases.constants import OPEN_STATES, CaseState, Channel, EventKind
from cases.models import Case as CaseReview
from cases.models import Incident, Person, TimelineEvent
from partnerships.models import Area
from reporting import sources
from reporting.constants import STATUTORY_FIGURES, Figure
from reporting.measures import Measure, count, count_by, count_each, ids, transitions
from reporting.periods import Period

VIEW = "reporting.view_statistics"
MONITOR = "reporting.view_monitoring"


# -- who may see which areas ----------------------------------------------------


def areas_for_statistics(*, user, perm: str = VIEW) -> QuerySet[Area]:
    """Areas whose figures this user may see (partnership admins and monitors)."""
    if user.is_superuser:
        return Area.objects.order_by("name")
    if not user.is_authenticated:
        return Area.objects.none()
    held = Area.objects.filter(pk__in={a for _, a in user.role_pairs}).order_by("name")
    return Area.objects.filter(pk__in=[a.pk for a in held if user.has_perm(perm, a)]).order_by(
        "name"
    )


def force_areas_for_monitoring(*, user) -> dict[str, list[Area]]:
    """Police force areas the user monitors, each with every partnership in it."""
    forces = set(
        areas_for_statistics(user=user, perm=MONITOR).values_list("police_force_area", flat=True)
    )
    result: dict[str, list[Area]] = defaultdict(list)
    for area in Area.objects.filter(police_force_area__in=forces).order_by("name"):
        result[area.police_force_area].append(area)
    return dict(sorted(result.items()))


def _check(user, areas: Iterable[Area], perm: str) -> list[Area]:
    areas = list(areas)
    if not areas:
        raise PermissionDenied("Choose at least one area.")
    for area in areas:
        if not (user.is_superuser or user.has_perm(perm, area)):
            raise PermissionDenied(f"You cannot see the figures for {area.name}.")
    return areas


# -- counting ------------------------------------------------------------------------


def _applications(area_ids) -> QuerySet:
    return CaseReview.objects.filter(area_id__in=area_ids)


class _RowIn(Func):
    """``(a, b) IN (subquery)``: a row of values found among the rows of a subquery of as
    many columns (PostgreSQL and SQLite both compare row values), written as
    ``cases.search`` writes its operators."""

    arg_joiner = " IN "
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, *row, subquery: QuerySet):
        super().__init__(Func(*row, function="", output_field=Field()), Subquery(subquery))


def _may_repeat() -> Q:
    """Applications that can be a repeat at all: their victim is the victim of another
    application, or shares a name and postcode with another person record. Every
    application in a group of two or more passes (two victims with the same name and
    postcode share the group; one victim alone has applied twice), so numbering only
    these gives the same repeats as numbering every application.

    Both sets come from an index read in order, grouped, not numbered or sorted: cases by
    victim, and people by upper-cased name and postcode (``cases_person_name_postcode``),
    then the people in the pairs that more than one of them share, found as one row value
    ``(name, postcode) IN (...)``: at county scale 25 ms, where counting each person's
    group with a window took 45 to 50. The two sets are one set of victims (``UNION``),
    not two tests of every application (``OR``), so the applications that pass are
    found from the cases' index by victim (bench/HISTORY.md, fifth round)."""
    with_postcode = Person.objects.exclude(postcode="").order_by()
    shared = (
        with_postcode.values(upper_name=Upper("name"), upper_postcode=Upper("postcode"))
        .annotate(people=Count("*"))
        .filter(people__gt=1)
        .values("upper_name", "upper_postcode")
    )
    shares_name_and_postcode = with_postcode.filter(
        _RowIn(Upper("name"), Upper("postcode"), subquery=shared)
    ).values("pk")
    applied_again = (
        CaseReview.objects.order_by()
        .values("victim_id")
        .annotate(applications=Count("*"))
        .filter(applications__gt=1)
        .values("victim_id")
    )
    return Q(victim_id__in=shares_name_and_postcode.union(applied_again))


def _repeats(area_ids) -> QuerySet:
    """The ids of applications for a victim who had applied before in the same area: the
    same person record, or the same name and postcode (as
    ``cases.selectors.possible_repeat_applications``).

    Linear, not pairwise: the applications that may repeat (``_may_repeat``) are numbered
    within each (area, victim) in the order received; every one after the first is a
    repeat. A victim with no postcode is matched by person record only.
    """
    with_postcode = ~Q(victim__postcode="")
    victim = [
        Case(When(with_postcode, then=Upper("victim__name")), default=Value("")),
        Case(When(with_postcode, then=Upper("victim__postcode")), default=Value("")),
        Case(When(victim__postcode="", then=F("victim_id")), default=None),
    ]
    return (
        CaseReview.objects.filter(area_id__in=area_ids)
        .filter(_may_repeat())
        .annotate(
            order_for_victim=Window(
                RowNumber(),
                partition_by=[F("area_id"), *victim],
                order_by=[F("received_on").asc(), F("pk").asc()],
            )
        )
        .filter(order_for_victim__gt=1)
        .values("pk")
    )


def _repeat_applications(area_ids) -> QuerySet:
    return _applications(area_ids).filter(pk__in=_repeats(area_ids))


def _case_reached(to_state: str) -> Q:
    """Cases whose timeline records a move into ``to_state``: one set of case ids, read
    once for all cases (a hashed ``IN``), rather than a probe per case."""
    return Q(
        pk__in=TimelineEvent.objects.filter(kind=EventKind.TRANSITION, to_state=to_state).values(
            "case_id"
        )
    )


OUTCOME_LABELS = {
    "reviewed": "Reviewed by a panel",
    "in_progress": "Still in progress",
    "withdrawn": "Withdrawn",
    "referred_back": "Referred back (out of scope)",
    "threshold_not_met": "Threshold not met",
    "closed_other": "Closed without a review",
}


_OUTCOMES = tuple(OUTCOME_LABELS)


def _outcome_code(key: str) -> Value:
    return Value(_OUTCOMES.index(key))


def _applications_with_outcome(area_ids) -> QuerySet:
    """Where each application has got to today; the first matching rule wins.

    ``outcome`` is the outcome's place in ``OUTCOME_LABELS`` (``_OUTCOMES``), a number,
    not its key: grouping 100,000 applications by it, PostgreSQL hashes narrow rows in
    memory where with the words it sorted wide ones on disk (bench/HISTORY.md, fifth
    round). Every function here that returns outcomes gives the keys."""
    outcome = Case(
        When(_case_reached(CaseState.REVIEWED), then=_outcome_code("reviewed")),
        When(state__in=OPEN_STATES, then=_outcome_code("in_progress")),
        When(_case_reached(CaseState.WITHDRAWN), then=_outcome_code("withdrawn")),
        When(_case_reached(CaseState.REFERRED_BACK), then=_outcome_code("referred_back")),
        When(_case_reached(CaseState.THRESHOLD_NOT_MET), then=_outcome_code("threshold_not_met")),
        default=_outcome_code("closed_other"),
        output_field=IntegerField(),
    )
    return _applications(area_ids).annotate(outcome=outcome)


def _incidents_on_applications(area_ids) -> QuerySet:
    return Incident.objects.filter(case__area_id__in=area_ids, reported_to__isnull=False)


# -- the figures (docs/statistics.md, "Definitions") ------------------------------------


def measures() -> dict[str, Measure]:
    """Every headline figure's measure, in report order."""
    return {
        # Applications whose date received falls in the period, whatever happened next.
        Figure.APPLICATIONS: Measure(_applications, "received_on", "area_id"),
        # Each decision that the threshold was not met, on the day it was taken.
        Figure.THRESHOLD_NOT_MET: Measure(
            transitions,
            "at",
            "case__area_id",
            timestamp=True,
            where=Q(to_state=CaseState.THRESHOLD_NOT_MET),
        ),
        # Each panel review recorded, on the day it was recorded.
        Figure.REVIEWS: Measure(
            transitions,
            "at",
            "case__area_id",
            timestamp=True,
            where=Q(to_state=CaseState.REVIEWED),
        ),
        # Reviews (as above) whose action plan made at least one recommendation.
        Figure.REVIEWS_WITH_RECOMMENDATIONS: Measure(
            transitions,
            "at",
            "case__area_id",
            timestamp=True,
            where=Q(to_state=CaseState.REVIEWED),
            also=sources.recommended(),
        ),
        # Escalations and appeals, on the day lodged.
        Figure.APPEALS: sources.appeals_received_measure(),
        # Appeals that sent the case back to the relevant bodies, on the day decided.
        Figure.APPEALS_UPHELD: sources.appeals_upheld_measure(),
    }


REPEAT_APPLICATIONS = Measure(_repeat_applications, "received_on", "area_id")
APPLICATIONS_WITH_OUTCOME = Measure(_applications_with_outcome, "received_on", "area_id")
INCIDENTS_ON_APPLICATIONS = Measure(
    _incidents_on_applications, "case__received_on", "case__area_id"
)


def applications_received(*, areas, periods):
    return count(measures()[Figure.APPLICATIONS], areas=areas, periods=periods)


def threshold_not_met(*, areas, periods):
    return count(measures()[Figure.THRESHOLD_NOT_MET], areas=areas, periods=periods)


def reviews_carried_out(*, areas, periods):
    return count(measures()[Figure.REVIEWS], areas=areas, periods=periods)


def reviews_with_recommendations(*, areas, periods):
    return count(measures()[Figure.REVIEWS_WITH_RECOMMENDATIONS], areas=areas, periods=periods)


def appeals_received(*, areas, periods):
    return count(measures()[Figure.APPEALS], areas=areas, periods=periods)


def appeals_upheld(*, areas, periods):
    return count(measures()[Figure.APPEALS_UPHELD], areas=areas, periods=periods)


def applications_by_channel(*, areas, periods):
    """Applications received, by the channel they came in on."""
    return count(measures()[Figure.APPLICATIONS], areas=areas, periods=periods, by="channel")


def applications_by_agency_reported_to(*, areas, periods):
    """Applications with at least one incident reported to each agency (counted once per
    agency: an application reported to three agencies counts for each of them)."""
    return count(
        INCIDENTS_ON_APPLICATIONS,
        areas=areas,
        periods=periods,
        by="reported_to__name",
        distinct="case_id",
    )


def applications_by_outcome(*, areas, periods):
    """Applications received in the period, by where they have got to today:
    ``{label: {outcome key: n}}``."""
    counted = count(APPLICATIONS_WITH_OUTCOME, areas=areas, periods=periods, by="outcome")
    return {
        label: {_OUTCOMES[code]: n for code, n in by_code.items()}
        for label, by_code in counted.items()
    }


def repeat_applications(*, areas, periods):
    """Applications from a victim who had applied before in the same area."""
    return count(REPEAT_APPLICATIONS, areas=areas, periods=periods)


def applications_described(*, areas, periods):
    """Applications received, by channel and outcome today, with how many of each are
    repeats: ``{label: {(channel, outcome): {"rows": n, "repeats": m}}}``, one query (the
    report's four views of applications are sums of it)."""
    counted = count_by(
        APPLICATIONS_WITH_OUTCOME,
        areas=areas,
        periods=periods,
        by=("channel", "outcome"),
        tests={"repeats": Q(pk__in=_repeats(ids(areas)))},
    )
    return {
        label: {(channel, _OUTCOMES[code]): n for (channel, code), n in groups.items()}
        for label, groups in counted.items()
    }


def appeals_by_outcome(*, areas, periods):
    """Escalations and appeals lodged in the period, by outcome so far."""
    return count(
        measures()[Figure.APPEALS], areas=areas, periods=periods, by=sources.APPEAL_OUTCOME
    )


def timeliness_by_deadline_kind(*, areas, period: Period) -> list[dict]:
    """For each kind of deadline due in the period: met on time, met late, breached, open."""
    return sources.timeliness(area_ids=ids(areas), period=period)


def escalations(*, areas, period: Period) -> list[dict]:
    """Escalations and appeals lodged in the period, with no personal data: no reference,
    no names, no free text; only area, month, what was appealed, status and outcome."""
    return sources.escalations(area_ids=ids(areas), period=period)


# -- reports ------------------------------------------------------------------------------


def statutory_figures(*, areas, period: Period) -> dict[str, int]:
    """The four statutory figures for one period, as a publication freezes them: two
    queries (applications; the three read from the timeline, in one pass)."""
    every = measures()
    counted = count_each({f: every[f] for f in STATUTORY_FIGURES}, areas=areas, periods=[period])
    return {str(f): counted[f][period.label] for f in STATUTORY_FIGURES}


def figures(*, areas, periods: Sequence[Period]) -> dict[str, dict[str, int]]:
    """Every headline figure for each period: ``{figure: {period label: n}}``, one query
    for each kind of record counted (figures read from the same rows share it)."""
    return {str(f): n for f, n in count_each(measures(), areas=areas, periods=periods).items()}


def figures_by_area(*, areas, period: Period) -> dict[int, dict[str, int]]:
    """Every headline figure for each area: ``{area id: {figure: n}}``, one query for each
    kind of record counted."""
    result: dict[int, dict[str, int]] = {a: {str(f): 0 for f in measures()} for a in ids(areas)}
    counted = count_each(measures(), areas=areas, periods=[period], by_area=True)
    for f, by_period in counted.items():
        for area_id, n in by_period[period.label].items():
            result[area_id][str(f)] = n
    return result


def report(*, areas, periods: Sequence[Period]) -> dict:
    """The whole report for the last of ``periods``, the others for year-on-year comparison."""
    areas = list(areas)
    periods = list(periods)
    current = periods[-1]
    one = [current]
    # Applications once, for every period: the headline count is the sum of each
    # period's groups; by channel, by outcome and repeats are the current period's.
    described = applications_described(areas=areas, periods=periods)
    every = measures()
    others = count_each(
        {f: m for f, m in every.items() if f != Figure.APPLICATIONS}, areas=areas, periods=periods
    )
    headline = {
        str(f): (
            {label: sum(g["rows"] for g in groups.values()) for label, groups in described.items()}
            if f == Figure.APPLICATIONS
            else others[f]
        )
        for f in every
    }
    channel: dict[str, int] = defaultdict(int)
    outcome: dict[str, int] = defaultdict(int)
    repeats = 0
    for (by_channel, by_outcome), n in described[current.label].items():
        channel[by_channel] += n["rows"]
        outcome[by_outcome] += n["rows"]
        repeats += n["repeats"]
    appeal_outcome = appeals_by_outcome(areas=areas, periods=one)[current.label]
    return {
        "areas": areas,
        "periods": periods,
        "period": current,
        "figures": headline,
        "by_channel": [(label, channel.get(value, 0)) for value, label in Channel.choices],
        "by_agency": sorted(
            applications_by_agency_reported_to(areas=areas, periods=one)[current.label].items()
        ),
        "by_outcome": [(label, outcome.get(key, 0)) for key, label in OUTCOME_LABELS.items()],
        "appeal_outcomes": [
            (label, appeal_outcome.get(key, 0))
            for key, label in sources.APPEAL_OUTCOME_LABELS.items()
        ],
        "repeat_applications": repeats,
        "timeliness": timeliness_by_deadline_kind(areas=areas, period=current),
    }


def report_for(*, user, areas: Iterable[Area], periods: Sequence[Period]) -> dict:
    """The reporting page's figures, for areas where the user may view statistics (read
    from the replica when there is one: docs/deployment.md)."""
    areas = _check(user, areas, VIEW)
    with replica_reads():
        return report(areas=areas, periods=periods)


def monitoring_for(*, user, force: str, periods: Sequence[Period]) -> dict:
    """The Commissioner's view: every partnership in a police force area; no personal data."""
    forces = force_areas_for_monitoring(user=user)
    if force not in forces:
        raise PermissionDenied("You do not monitor that police force area.")
    areas = forces[force]
    periods = list(periods)
    current = periods[-1]
    with replica_reads():
        by_area = figures_by_area(areas=areas, period=current)
        result = report(areas=areas, periods=periods)
        result.update(
            {
                "force": force,
                "per_area": [(area, by_area[area.pk]) for area in areas],
                "escalations": list(escalations(areas=areas, period=current)),
            }
        )
    return result
