"""Thresholds of the kinds published by areas outside the seeds, written in the schema and
checked on an example each (docs/thresholds.md, "Published thresholds written as
conditions"). The wording is the common published form, recalled rather than quoted."""

import pytest
import yaml

from tests.thresholds.helpers import c, d
from thresholds.engine import evaluate
from thresholds.rules import validate_section

APPLICATION = d("2026-09-01")

PUBLISHED = {
    # "Three or more complaints about separate incidents of the same problem in the last six
    # months, each reported within one month of the incident" (the common English form).
    "three_in_six_reported_in_a_month": """
- key: three_in_six
  kind: all_of
  conditions:
    - incidents: 3
    - same_issue: true
    - window: {amount: 6, unit: months}
    - report_lag: {amount: 1, unit: months}
    - same_incident_counts_once: true
""",
    # "Five or more individuals or households have complained about similar incidents in the
    # last six months" (the community threshold many areas publish).
    "five_households": """
- key: five_households
  kind: all_of
  conditions:
    - distinct_complainants: 5
    - same_issue: true
    - window: {amount: 6, unit: months}
""",
    # "One incident or crime motivated by hate in the last six months".
    "one_hate_incident": """
- key: hate
  kind: all_of
  conditions:
    - incidents: 1
    - hate_motivated: true
    - window: {amount: 6, unit: months}
""",
    # "Three incidents at the same or a linked location, reported by more than one person,
    # within six months" (the issue's example of a location threshold).
    "linked_location": """
- key: place
  kind: all_of
  conditions:
    - incidents: 3
    - distinct_complainants: 2
    - same_location: {linked_by: [address, building, postcode, officer]}
    - window: {amount: 6, unit: months}
""",
    # "Three complaints within six months of the first, the latest within the month before
    # the application" (areas that ask the behaviour to be recent).
    "recent_three_from_the_first": """
- key: recent
  kind: all_of
  conditions:
    - incidents: 3
    - window: {amount: 6, unit: months, anchor: first_incident}
    - latest_within_of_request: {amount: 1, unit: months}
""",
}


def rules(name):
    return {"routes": yaml.safe_load(PUBLISHED[name])}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_each_published_threshold_is_valid(name):
    assert validate_section(rules(name), "threshold") == []


def test_three_in_six_reported_in_a_month():
    ok = [c(1, "2026-04-01", "2026-04-20"), c(2, "2026-05-01"), c(3, "2026-08-01")]
    assert evaluate(rules("three_in_six_reported_in_a_month"), ok, APPLICATION).met
    late = [*ok[1:], c(1, "2026-04-01", "2026-05-02")]
    assert not evaluate(rules("three_in_six_reported_in_a_month"), late, APPLICATION).met


def test_five_households():
    five = [c(i, f"2026-0{3 + i}-01", complainant=f"household-{i}") for i in range(1, 6)]
    assert evaluate(rules("five_households"), five, APPLICATION).met
    assert not evaluate(rules("five_households"), five[:4], APPLICATION).met


def test_one_hate_incident():
    assert evaluate(rules("one_hate_incident"), [c(1, "2026-08-01", hate=True)], APPLICATION).met
    assert not evaluate(rules("one_hate_incident"), [c(1, "2026-08-01")], APPLICATION).met


def test_linked_location():
    items = [
        c(1, "2026-05-01", complainant="ann", location="Flat 1", building="Elm Court"),
        c(2, "2026-06-01", complainant="bob", location="Flat 7", building="Elm Court"),
        c(3, "2026-07-01", complainant="ann", location="Car park", location_links=("2",)),
    ]
    assert evaluate(rules("linked_location"), items, APPLICATION).met
    alone = [c(i, f"2026-0{4 + i}-01", complainant="ann", location="Flat 1") for i in (1, 2, 3)]
    assert not evaluate(rules("linked_location"), alone, APPLICATION).met


def test_recent_three_from_the_first():
    items = [c(1, "2026-03-10"), c(2, "2026-05-01"), c(3, "2026-08-15")]
    assert evaluate(rules("recent_three_from_the_first"), items, APPLICATION).met
    stale = [c(1, "2026-02-10"), c(2, "2026-04-01"), c(3, "2026-07-15")]
    decision = evaluate(rules("recent_three_from_the_first"), stale, APPLICATION)
    assert not decision.met
    assert "more than 1 calendar month before the application" in decision.reasons_text
