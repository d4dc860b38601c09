"""Table-driven boundary tests of the engine against the five seed procedures' rules."""

import dataclasses
import datetime as dt

import pytest

from tests.thresholds.helpers import c, d, seed_rules
from thresholds.engine import Complaint, add_months, evaluate

PERSISTS = {"asb_persists": True}

# (procedure, case name, complaints, application date, factors, met, count, {id: reason})
CASES = [
    # -- Hertsmere: 3 within 6 months, reported within 30 days, same incident once -------
    (
        "hertsmere",
        "three timely",
        [c(1, "2026-04-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        True,
        3,
        {},
    ),
    (
        "hertsmere",
        "reported on day 30 counts",
        [c(1, "2026-04-01", "2026-05-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        True,
        3,
        {},
    ),
    (
        "hertsmere",
        "reported on day 31 is late",
        [c(1, "2026-04-01", "2026-05-02"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        False,
        2,
        {"1": "late report: reported 31 days"},
    ),
    (
        "hertsmere",
        "exactly six months before the application is inside",
        [c(1, "2026-03-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        True,
        3,
        {},
    ),
    (
        "hertsmere",
        "six months and one day before is outside",
        [c(1, "2026-02-28"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        False,
        2,
        {"1": "outside the window: before 1 March 2026"},
    ),
    (
        "hertsmere",
        "month end: 31 August looks back to 28 February",
        [c(1, "2026-02-28", "2026-03-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-08-31",
        {},
        True,
        3,
        {},
    ),
    (
        "hertsmere",
        "month end: 27 February is outside a window ending 31 August",
        [c(1, "2026-02-27", "2026-03-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-08-31",
        {},
        False,
        2,
        {"1": "outside the window"},
    ),
    (
        "hertsmere",
        "duplicate reported to police and council counts once",
        [
            c(1, "2026-04-01", agency="police"),
            c(2, "2026-04-01", "2026-04-03", agency="council", same_incident_as="1"),
            c(3, "2026-06-01"),
        ],
        "2026-09-01",
        {},
        False,
        2,
        {"2": "duplicate of #1"},
    ),
    (
        "hertsmere",
        "a diary sheet never counts",
        [c(1, "2026-04-01", kind="diary_sheet"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        False,
        2,
        {"1": "diary sheet never counts"},
    ),
    (
        "hertsmere",
        "senior-manager route for a vulnerable victim",
        [c(1, "2026-04-01")],
        "2026-09-01",
        {
            "senior_manager": {
                "role": "police_inspector",
                "name": "Insp. Khan",
                "rationale": "Elderly victim targeted nightly",
            }
        },
        True,
        1,
        {},
    ),
    (
        "hertsmere",
        "senior-manager route needs an allowed rank",
        [c(1, "2026-04-01")],
        "2026-09-01",
        {"senior_manager": {"role": "constable", "rationale": "x"}},
        False,
        1,
        {},
    ),
    (
        "hertsmere",
        "discretion on persistence with a rationale",
        [c(1, "2026-04-01")],
        "2026-09-01",
        {"discretionary": {"persistence": "Nightly since January"}},
        True,
        1,
        {},
    ),
    (
        "hertsmere",
        "discretion on a factor the procedure does not allow is not used",
        [c(1, "2026-04-01")],
        "2026-09-01",
        {"discretionary": {"risk": "High risk"}},
        False,
        1,
        {},
    ),
    # -- Staffordshire: 3 in 6 months, 30 days, ASB persists --------------------------------
    (
        "staffordshire",
        "three and persisting",
        [c(1, "2026-04-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        PERSISTS,
        True,
        3,
        {},
    ),
    (
        "staffordshire",
        "three but persistence not recorded",
        [c(1, "2026-04-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        False,
        3,
        {},
    ),
    (
        "staffordshire",
        "day 30 counts",
        [c(1, "2026-04-01", "2026-05-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        PERSISTS,
        True,
        3,
        {},
    ),
    (
        "staffordshire",
        "day 31 is late",
        [c(1, "2026-04-01", "2026-05-02"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        PERSISTS,
        False,
        2,
        {"1": "late report"},
    ),
    (
        "staffordshire",
        "duplicate counts once",
        [
            c(1, "2026-04-01", agency="police"),
            c(2, "2026-04-01", same_incident_as="1"),
            c(3, "2026-06-01"),
        ],
        "2026-09-01",
        PERSISTS,
        False,
        2,
        {"2": "duplicate of #1"},
    ),
    # -- Devon & Cornwall: one calendar month lag, complaints (not incidents) ----------------
    (
        "devon-and-cornwall",
        "31 August reported 30 September is within one month",
        [c(1, "2026-08-31", "2026-09-30"), c(2, "2026-06-01"), c(3, "2026-07-01")],
        "2026-10-15",
        {},
        True,
        3,
        {},
    ),
    (
        "devon-and-cornwall",
        "31 August reported 1 October is late",
        [c(1, "2026-08-31", "2026-10-01"), c(2, "2026-06-01"), c(3, "2026-07-01")],
        "2026-10-15",
        {},
        False,
        2,
        {"1": "late report"},
    ),
    (
        "devon-and-cornwall",
        "the same incident to two agencies counts twice (complaints)",
        [
            c(1, "2026-06-01", agency="police"),
            c(2, "2026-06-01", same_incident_as="1"),
            c(3, "2026-07-01"),
        ],
        "2026-10-15",
        {},
        True,
        3,
        {},
    ),
    (
        "devon-and-cornwall",
        "diary sheet",
        [c(1, "2026-06-01", kind="diary_sheet"), c(2, "2026-06-02"), c(3, "2026-07-01")],
        "2026-10-15",
        {},
        False,
        2,
        {"1": "diary sheet"},
    ),
    # -- Bedfordshire: 12 months, one month lag, application within 6 months of latest -------
    (
        "bedfordshire",
        "12-month window, application within 6 months of the latest",
        [c(1, "2025-10-01"), c(2, "2025-12-01"), c(3, "2026-02-01")],
        "2026-07-15",
        {},
        True,
        3,
        {},
    ),
    (
        "bedfordshire",
        "exactly 6 months after the latest complaint is still in time",
        [c(1, "2025-10-01"), c(2, "2025-12-01"), c(3, "2026-02-01")],  # latest reported 2 Feb
        "2026-08-02",
        {},
        True,
        3,
        {},
    ),
    (
        "bedfordshire",
        "6 months and a day after the latest complaint is too late",
        [c(1, "2025-10-01"), c(2, "2025-12-01"), c(3, "2026-02-01")],
        "2026-08-03",
        {},
        False,
        3,
        {},
    ),
    (
        "bedfordshire",
        "exactly 12 months before the application is inside",
        [c(1, "2025-08-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-08-01",
        {},
        True,
        3,
        {},
    ),
    (
        "bedfordshire",
        "12 months and a day before is outside",
        [c(1, "2025-07-31"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-08-01",
        {},
        False,
        2,
        {"1": "outside the window"},
    ),
    (
        "bedfordshire",
        "29 February reported 29 March is within one month",
        [c(1, "2024-02-29", "2024-03-29"), c(2, "2024-04-01"), c(3, "2024-05-01")],
        "2024-06-01",
        {},
        True,
        3,
        {},
    ),
    (
        "bedfordshire",
        "29 February reported 30 March is late",
        [c(1, "2024-02-29", "2024-03-30"), c(2, "2024-04-01"), c(3, "2024-05-01")],
        "2024-06-01",
        {},
        False,
        2,
        {"1": "late report"},
    ),
    (
        "bedfordshire",
        "diary sheets never count",
        [c(1, "2026-01-01", kind="diary_sheet"), c(2, "2026-02-01"), c(3, "2026-03-01")],
        "2026-06-01",
        {},
        False,
        2,
        {"1": "diary sheet"},
    ),
    (
        "bedfordshire",
        "three complaints by different people do not count for one",
        [
            c(1, "2026-01-01", complainant="a"),
            c(2, "2026-02-01", complainant="b"),
            c(3, "2026-03-01", complainant="a"),
        ],
        "2026-06-01",
        {},
        False,
        2,
        {},
    ),
    (
        "bedfordshire",
        "duplicate counts once",
        [
            c(1, "2026-01-01", agency="police"),
            c(2, "2026-01-01", same_incident_as="1"),
            c(3, "2026-03-01"),
        ],
        "2026-06-01",
        {},
        False,
        2,
        {"2": "duplicate of #1"},
    ),
    # -- Merton: 3 in the last 6 months about the same or a similar issue, no lag ------------
    (
        "merton",
        "three about the same issue",
        [c(1, "2026-04-01"), c(2, "2026-05-01", issue="Noise"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        True,
        3,
        {},
    ),
    (
        "merton",
        "a different issue does not count towards the same-issue total",
        [c(1, "2026-04-01"), c(2, "2026-05-01", issue="parking"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        False,
        2,
        {"2": "about a different issue (parking)"},
    ),
    (
        "merton",
        "no report lag: reported 100 days later still counts",
        [c(1, "2026-04-01", "2026-07-10"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        True,
        3,
        {},
    ),
    (
        "merton",
        "exactly six months before is inside",
        [c(1, "2026-03-01"), c(2, "2026-05-01"), c(3, "2026-06-01")],
        "2026-09-01",
        {},
        True,
        3,
        {},
    ),
]


@pytest.mark.parametrize(
    "slug,name,complaints,application,factors,met,count,reasons",
    CASES,
    ids=[f"{case[0]}: {case[1]}" for case in CASES],
)
def test_seed_rule_boundaries(slug, name, complaints, application, factors, met, count, reasons):
    decision = evaluate(seed_rules(slug), complaints, d(application), factors)
    assert decision.met is met, decision.reasons_text
    assert decision.count == count, decision.reasons_text
    listed = {item["id"]: item for item in decision.explanation()["complaints"]}
    for cid, fragment in reasons.items():
        assert not listed[cid]["counted"]
        assert any(fragment in r for r in listed[cid]["reasons"]), listed[cid]["reasons"]


@pytest.mark.parametrize(
    "day,months,expected",
    [
        ("2026-08-31", 1, "2026-09-30"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-02-29", 1, "2024-03-29"),
        ("2026-09-01", -6, "2026-03-01"),
        ("2026-08-31", -6, "2026-02-28"),
        ("2024-08-29", -6, "2024-02-29"),
        ("2026-01-15", -12, "2025-01-15"),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(d(day), months) == d(expected)


def test_explanation_lists_routes_and_every_complaint():
    complaints = [c(1, "2026-04-01", kind="diary_sheet"), c(2, "2026-05-01"), c(3, "2026-06-01")]
    explanation = evaluate(seed_rules("hertsmere"), complaints, d("2026-09-01")).explanation()
    assert explanation["met"] is False
    assert [r["key"] for r in explanation["routes"]] == ["three_complaints"]
    assert [item["id"] for item in explanation["complaints"]] == ["1", "2", "3"]
    assert "not met" in explanation["reasons_text"]
    # The letter's paragraph names reports by date, never by database id.
    assert "the incident of 1 April 2026 (a diary sheet never counts" in explanation["reasons_text"]
    assert "#" not in explanation["reasons_text"]


def test_the_reasons_paragraph_calls_a_duplicate_a_second_report():
    complaints = [
        c(1, "2026-05-01", agency="police"),
        c(2, "2026-05-01", agency="council", same_incident_as="1"),
        c(3, "2026-06-01"),
    ]
    text = evaluate(seed_rules("hertsmere"), complaints, d("2026-09-01")).reasons_text
    assert "a second report of an incident already counted" in text and "#" not in text


def test_suggested_duplicates_are_not_merged_until_confirmed():
    complaints = [
        c(1, "2026-04-01", agency="police", location="12 High Street"),
        c(2, "2026-04-01", agency="council", location="12  high street"),
        c(3, "2026-06-01"),
    ]
    decision = evaluate(seed_rules("hertsmere"), complaints, d("2026-09-01"))
    assert decision.possible_duplicates == [["1", "2"]]
    assert decision.count == 3  # staff have not confirmed the link yet


def test_community_route_counts_distinct_complainants():
    rules = {
        "routes": [
            {
                "key": "community",
                "kind": "community",
                "distinct_complainants": 3,
                "group_by": "location",
                "window": {"amount": 3, "unit": "months"},
            }
        ]
    }
    same_place = {"location": "Park Road play area"}
    people = [
        c(i, f"2026-0{i + 3}-01", complainant=who, **same_place)
        for i, who in enumerate(["ann", "bob", "ann"], start=1)
    ]
    assert evaluate(rules, people, d("2026-07-01")).met is False
    people.append(c(4, "2026-06-15", complainant="cafe ltd", **same_place))
    assert evaluate(rules, people, d("2026-07-01")).met is True


def test_single_hate_incident_route_and_or_between_routes():
    rules = seed_rules("hertsmere")
    rules["routes"].append(
        {
            "key": "hate_incident",
            "kind": "complaints_in_window",
            "count": 1,
            "hate_only": True,
            "window": {"amount": 30, "unit": "days"},
        }
    )
    one = [c(1, "2026-08-10", hate=True)]
    decision = evaluate(rules, one, d("2026-09-01"))
    assert decision.met and decision.met_by == ["hate_incident"]
    assert evaluate(rules, [c(1, "2026-08-10")], d("2026-09-01")).met is False


def test_rolling_window_counts_from_the_first_incident():
    rules = {
        "routes": [
            {
                "key": "rolling",
                "kind": "complaints_in_window",
                "count": 3,
                "window": {"amount": 6, "unit": "months"},
                "window_anchor": "rolling",
                "application_within_of_latest": {"amount": 1, "unit": "months"},
            }
        ]
    }
    spanning_six = [c(1, "2025-01-10"), c(2, "2025-04-01"), c(3, "2025-07-10")]
    assert evaluate(rules, spanning_six, d("2025-08-01")).met is True
    spanning_more = [c(1, "2025-01-09"), c(2, "2025-04-01"), c(3, "2025-07-10")]
    assert evaluate(rules, spanning_more, d("2025-08-01")).met is False
    assert evaluate(rules, spanning_six, d("2025-08-12")).met is False  # latest + 1 month


def test_rules_changed_in_place_are_judged_as_they_now_read():
    """The engine remembers each route compiled (detection asks the same routes for every
    victim); a procedure's rules edited in the same dict must not be judged by the old."""
    rules = {
        "routes": [
            {
                "key": "three",
                "kind": "complaints_in_window",
                "count": 3,
                "window": {"amount": 6, "unit": "months"},
            }
        ]
    }
    two = [c(1, "2026-05-01"), c(2, "2026-07-01")]
    assert evaluate(rules, two, d("2026-09-01")).met is False
    rules["routes"][0]["count"] = 2
    assert evaluate(rules, two, d("2026-09-01")).met is True
    rules["routes"][0]["window"]["amount"] = 1  # a nested change: both are now outside
    decision = evaluate(rules, two, d("2026-09-01"))
    assert decision.met is False
    assert "within the 1 calendar month before the application" in decision.reasons_text


def test_a_complaint_built_fast_is_the_same_complaint():
    """``Complaint.of`` (detection's) gives what the dataclass gives, still frozen, and
    refuses what the dataclass refuses."""
    values = {
        "id": "7",
        "incident_date": dt.date(2026, 8, 1),
        "kind": "report",
        "postcode": "WD6 1AB",
    }
    fast, slow = Complaint.of(**values), Complaint(**values)
    assert fast == slow and hash(fast) == hash(slow)
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.kind = "diary_sheet"
    with pytest.raises(TypeError):
        Complaint.of(id="7")
    with pytest.raises(TypeError):
        Complaint.of(id="7", incident_date=dt.date(2026, 8, 1), colour="red")
