"""The set-based detection finds exactly the victims the engine finds (hypothesis).

For random incident logs in each seed area, and for random rules of every route kind
and anchor, ``review_suggestions_detect`` (a grouped SQL pre-filter per route, then the
engine on what is left) must suggest the same victims as evaluating the engine on every
victim's whole log, unnarrowed; and ``second_report_notices_detect`` must notice the same
reports as the engine judging every report just made against all the victim's earlier
ones. If the narrowing ever dropped a victim or a report the engine would count, this
fails.
"""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cases.models import Incident
from tests.thresholds.test_engine_properties import random_condition_route, random_route
from thresholds.detection import (
    _COMPLAINT_FIELDS,
    SECOND_REPORT_RULES,
    SIX_MONTHS,
    _complaint,
    _suggest,
    engine_first_report,
    review_candidates,
    review_suggestions_detect,
    second_report_first,
    second_report_notices_detect,
    victim_logs,
)
from thresholds.engine import evaluate, shift
from thresholds.models import ReviewSuggestion


def on_the_database(*, max_examples: int):
    """Hypothesis settings for a property that writes to the test database: no per-example
    deadline, and the function-scoped fixtures (the area) shared by every example."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


TODAY = dt.date(2026, 9, 1)
AREAS = ["staffordshire", "hertsmere", "devon-and-cornwall", "bedford", "merton"]

incident = st.fixed_dictionaries(
    {
        "victim": st.sampled_from(["v1", "v2", "v3"]),
        "days_ago": st.integers(0, 300),
        "lag": st.integers(0, 40),
        "kind": st.sampled_from(["report", "report", "report", "diary_sheet"]),
        "agency": st.integers(0, 4),
        "issue": st.sampled_from(["noise", "noise", "parking"]),
        "hate": st.booleans(),
        "same_as_previous": st.sampled_from([False, False, False, True]),
    }
)


_PLAIN = {
    "victim": "v1",
    "lag": 1,
    "kind": "report",
    "agency": 1,
    "issue": "noise",
    "hate": False,
    "same_as_previous": False,
}


def _write(area, agencies, log) -> None:
    previous = {}
    for row in log:
        day = TODAY - dt.timedelta(days=row["days_ago"])
        made = Incident.objects.create(
            area=area,
            source="import",
            kind=row["kind"],
            incident_date=day,
            reported_date=day + dt.timedelta(days=row["lag"]),
            reported_to=agencies[row["agency"] % len(agencies)],
            hate_motivated=row["hate"],
            description="ASB",
            issue=row["issue"],
            complainant_key=row["victim"],
            same_incident_as=previous.get(row["victim"]) if row["same_as_previous"] else None,
        )
        previous[row["victim"]] = made


def _engine_victims(area, rules) -> set[str]:
    """The reference: the engine on each victim's whole log, nothing narrowed."""
    by_victim: dict[str, list] = {}
    for row in Incident.objects.filter(area=area).values(*_COMPLAINT_FIELDS):
        by_victim.setdefault(row["complainant_key"], []).append(_complaint(row))
    return {
        key
        for key, complaints in by_victim.items()
        if any(r.met for r in evaluate(rules, complaints, TODAY, {"asb_persists": True}).routes)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("slug", AREAS)
@on_the_database(max_examples=25)
@given(log=st.lists(incident, max_size=16))
@example(log=[dict(_PLAIN, days_ago=d) for d in (10, 40, 70)])  # exactly three, recent
@example(log=[dict(_PLAIN, days_ago=d) for d in (10, 40, 70, 100, 130)])
# Found by this test: a report of the same incident dated outside the window decides
# that two reports inside it are one incident (the engine names it by its earliest).
@example(
    log=[
        dict(_PLAIN, victim="v2", days_ago=0),
        dict(_PLAIN, victim="v2", days_ago=0),
        dict(_PLAIN, victim="v2", days_ago=187, same_as_previous=True),
        dict(_PLAIN, victim="v2", days_ago=0, same_as_previous=True),
    ]
)
def test_detection_suggests_exactly_the_victims_the_engine_finds(reference, slug, log):
    area = reference["areas"][slug]
    agencies = [None, *sorted(area.agencies.all(), key=lambda a: a.slug)]
    rules = area.procedure.versions.order_by("-number").first().data["threshold"]
    with transaction.atomic():
        _write(area, agencies, log)
        found = {s.complainant_key for s in review_suggestions_detect(area=area, today=TODAY)}
        assert found == _engine_victims(area, rules)
        transaction.set_rollback(True)


# -- random rules: the grouped pre-filter is sound for every route shape ---------------------

random_incident = st.fixed_dictionaries(
    {
        "victim": st.sampled_from(["v1", "v2", "v3"]),
        # Days near the edges of six- and twelve-month windows come up often.
        "days_ago": st.one_of(
            st.integers(-10, 500), st.sampled_from([0, 1, 30, 31, 61, 183, 184, 185, 365, 366])
        ),
        "lag": st.one_of(st.none(), st.integers(-3, 70), st.sampled_from([0, 30, 31])),
        "kind": st.sampled_from(["report", "report", "diary_sheet"]),
        "hate": st.booleans(),
        "issue": st.sampled_from(["noise", "Noise", "parking"]),
        "location": st.sampled_from(["", "1 Park Rd", "1 park rd.", "Shop"]),
        "postcode": st.sampled_from(["", "WD6 1AB", "wd61ab"]),
        "building": st.sampled_from(["", "", "Elm Court"]),
        "uprn": st.sampled_from(["", "", "100021"]),
        "same_as": st.sampled_from([None, None, None, 0, 1, 2]),
    }
)


_SIX = {"window": {"amount": 6, "unit": "months"}}
_MONTH = {"amount": 1, "unit": "months"}
_ROW = {
    "victim": "v1",
    "days_ago": 10,
    "lag": 1,
    "kind": "report",
    "hate": False,
    "issue": "noise",
    "location": "",
    "postcode": "",
    "building": "",
    "uprn": "",
    "same_as": None,
}


def _record_log(area, log, *, links_own_reports_only=False):
    """The log's rows as the area's incidents, oldest link first; a row's ``same_as`` is
    the index of an earlier row it is the same incident as (with
    ``links_own_reports_only``, only when that row is the same victim's)."""
    made = []
    for row in log:
        row = {**_ROW, **row}
        day = TODAY - dt.timedelta(days=row["days_ago"])
        link = row["same_as"]
        earlier = made[link] if link is not None and link < len(made) else None
        if links_own_reports_only and earlier and earlier.complainant_key != row["victim"]:
            earlier = None
        made.append(
            Incident.objects.create(
                area=area,
                source="import",
                kind=row["kind"],
                incident_date=day,
                reported_date=None if row["lag"] is None else day + dt.timedelta(row["lag"]),
                hate_motivated=row["hate"],
                description="ASB",
                issue=row["issue"],
                location=row["location"],
                postcode=row["postcode"],
                building=row["building"],
                uprn=row["uprn"],
                complainant_key=row["victim"],
                same_incident_as=earlier,
            )
        )
    return made


@pytest.mark.django_db
@on_the_database(max_examples=120)
@given(
    routes=st.lists(st.one_of(random_route(), random_condition_route()), min_size=1, max_size=2),
    log=st.lists(random_incident, max_size=14),
)
@example(  # the first day of the window counts
    routes=[{"key": "r", "kind": "complaints_in_window", "count": 1, **_SIX}],
    log=[dict(_ROW, days_ago=184)],
)
@example(  # a report 31 days late is within a one-month lag from a 31-day month
    routes=[{"key": "r", "kind": "complaints_in_window", "count": 1, **_SIX, "report_lag": _MONTH}],
    log=[dict(_ROW, days_ago=62, lag=31)],
)
@example(  # a report before the window links two places inside it (address, then postcode)
    routes=[
        {
            "key": "r",
            "kind": "all_of",
            "conditions": [
                {"incidents": 2},
                {"window": {"amount": 6, "unit": "months"}},
                {"same_location": {"linked_by": ["address", "postcode"]}},
            ],
        }
    ],
    log=[
        dict(_ROW, days_ago=10, location="1 Park Rd"),
        dict(_ROW, days_ago=300, location="1 Park Rd", postcode="WD6 1AB"),
        dict(_ROW, days_ago=20, location="Shop", postcode="WD6 1AB"),
    ],
)
def test_the_prefilter_never_drops_a_victim_the_engine_finds_under_any_rules(area, routes, log):
    """Random routes of every kind and anchor (thresholds.engine's property tests' own
    generators) over random logs: the candidates the grouped query leaves, evaluated by
    the engine on what detection fetches, are exactly the engine's victims.

    Detection reads only the columns the rules use (``_fields_read``): each suggestion
    keeps the verdict and words the engine gives on the same reports read whole."""
    rules = {"routes": [dict(route, key=f"r{i}") for i, route in enumerate(routes)]}
    with transaction.atomic():
        _record_log(area, log)
        keys = review_candidates(area=area, rules=rules, today=TODAY)
        found = {
            s.complainant_key for s in _suggest(area=area, rules=rules, today=TODAY, keys=keys)
        }
        assert found == _engine_victims(area, rules)
        whole = victim_logs(
            area=area, rules=rules, today=TODAY, keys=keys, fields=_COMPLAINT_FIELDS
        )
        for key, kept in ReviewSuggestion.objects.values_list("complainant_key", "explanation"):
            complaints = [_complaint(row) for row in whole[key]]
            assert kept == evaluate(rules, complaints, TODAY, {"asb_persists": True}).verdict()
        transaction.set_rollback(True)


# -- second reports: the grouped query drops only reports the engine would not count ---------

report = st.fixed_dictionaries(
    {
        "victim": st.sampled_from(["v1", "v2"]),
        "days_ago": st.one_of(st.integers(0, 240), st.sampled_from([0, 27, 28, 180, 181, 185])),
        "lag": st.one_of(st.none(), st.integers(0, 30)),
        "kind": st.sampled_from(["report", "report", "report", "diary_sheet"]),
        "same_as": st.sampled_from([None, None, None, 0, 1, 2, 3]),
    }
)


def _engine_second_reports(area) -> set[int]:
    """The reference: every report just made, judged by the engine against all the
    victim's earlier reports in the six months before it, nothing narrowed in SQL."""
    rows = [
        dict(r, day=r["reported_date"] or r["incident_date"])
        for r in Incident.objects.filter(area=area, kind="report").values(*_COMPLAINT_FIELDS)
    ]
    found = set()
    for second in rows:
        day = second["day"]
        if second["same_incident_as_id"] or not TODAY - dt.timedelta(days=28) <= day <= TODAY:
            continue
        before = [
            r
            for r in rows
            if r["complainant_key"] == second["complainant_key"]
            and (r["day"], r["pk"]) < (day, second["pk"])
            and r["day"] >= shift(day, SIX_MONTHS, -1)
        ]
        complaints = [
            _complaint(r, incident_date=r["day"], reported_date=r["day"]) for r in [*before, second]
        ]
        counted = evaluate(SECOND_REPORT_RULES, complaints, day).routes[0].counted
        if len(counted) == 2 and str(second["pk"]) in counted:
            found.add(second["pk"])
    return found


@pytest.mark.django_db
@on_the_database(max_examples=100)
@given(log=st.lists(report, max_size=12))
@example(  # two earlier reports exactly 180 days before: the third, no notice
    log=[
        {"victim": "v1", "days_ago": 190, "lag": None, "kind": "report", "same_as": None},
        {"victim": "v1", "days_ago": 190, "lag": None, "kind": "report", "same_as": None},
        {"victim": "v1", "days_ago": 10, "lag": None, "kind": "report", "same_as": None},
    ]
)
@example(  # one earlier report and a second report of it: still the second incident
    log=[
        {"victim": "v1", "days_ago": 100, "lag": 1, "kind": "report", "same_as": None},
        {"victim": "v1", "days_ago": 100, "lag": 3, "kind": "report", "same_as": 0},
        {"victim": "v1", "days_ago": 5, "lag": 0, "kind": "report", "same_as": None},
    ]
)
@example(  # one earlier report inside the six months and one just before them: a notice
    log=[
        {"victim": "v1", "days_ago": 195, "lag": None, "kind": "report", "same_as": None},
        {"victim": "v1", "days_ago": 100, "lag": None, "kind": "report", "same_as": None},
        {"victim": "v1", "days_ago": 10, "lag": None, "kind": "report", "same_as": None},
    ]
)
def test_second_report_notices_are_exactly_the_engines(area, log):
    with transaction.atomic():
        _record_log(area, log, links_own_reports_only=True)
        found = {n.second_incident_id for n in second_report_notices_detect(area=area, today=TODAY)}
        assert found == _engine_second_reports(area)
        transaction.set_rollback(True)


earlier = st.fixed_dictionaries(
    {
        "days_before": st.one_of(st.integers(0, 200), st.sampled_from([0, 1, 180, 181, 184])),
        "linked_to": st.one_of(st.none(), st.integers(0, 5)),
    }
)


@settings(max_examples=400, deadline=None)
@given(
    reports=st.lists(earlier, max_size=6),
    day=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
    linked=st.booleans(),
)
def test_second_reports_match_the_engine(reports, day, linked):
    """``second_report_first`` answers as the engine's route does (``engine_first_report``)
    for any earlier reports inside the six months, linked as the same incident or not:
    without the engine when none is linked, with it otherwise."""
    start = shift(day, SIX_MONTHS, -1)
    before = []
    for pk, r in enumerate(sorted(reports, key=lambda r: -r["days_before"]), start=1):
        on = max(day - dt.timedelta(days=r["days_before"]), start)
        target = r["linked_to"] if linked and r["linked_to"] is not None else None
        before.append(
            {
                "pk": pk,
                "complainant_key": "v1",
                "day": on,
                "incident_date": on,
                "reported_date": on,
                "kind": "report",
                "hate_motivated": False,
                "same_incident_as_id": target if target and target < pk else None,
            }
        )
    second = dict(before[-1] if before else {}, pk=100, day=day, same_incident_as_id=None)
    second.update(incident_date=day, reported_date=day, complainant_key="v1", kind="report")
    second.setdefault("hate_motivated", False)
    assert second_report_first(before, second) == engine_first_report(before, second)
