"""The threshold section validator and the decision rules (pure)."""

import copy

import pytest

from tests.thresholds.helpers import SEEDS, seed_rules
from thresholds.rules import validate_section
from thresholds.voting import apply_decision_rule


@pytest.mark.parametrize("slug", SEEDS)
def test_seed_sections_are_valid(slug):
    assert validate_section(seed_rules(slug), "threshold") == []


@pytest.mark.parametrize(
    "change,path",
    [
        (
            lambda t: t["routes"][0]["window"].update(unit="weeks"),
            "threshold.routes[0].window.unit",
        ),
        (lambda t: t["routes"][0].update(count=0), "threshold.routes[0].count"),
        (
            lambda t: t["routes"][0].update(report_lag={"amount": "30"}),
            "threshold.routes[0].report_lag.amount",
        ),
        (
            lambda t: t["routes"][0].update(exclude_kinds=["diary"]),
            "threshold.routes[0].exclude_kinds[0]",
        ),
        (lambda t: t["routes"][0].update(windw={}), "threshold.routes[0].windw"),
        (lambda t: t["routes"][0].update(same_issue="yes"), "threshold.routes[0].same_issue"),
        (
            lambda t: t["routes"][0].update(window_anchor="first"),
            "threshold.routes[0].window_anchor",
        ),
        (lambda t: t["routes"].append(dict(t["routes"][0])), "threshold.routes[1].key"),
        (lambda t: t.update(discretionary_factors=["luck"]), "threshold.discretionary_factors[0]"),
        (lambda t: t.update(routes=[]), "threshold.routes"),
        (
            lambda t: t.update(senior_manager_route={"who": ["Inspector"]}),
            "threshold.senior_manager_route.who[0]",
        ),
        (
            lambda t: t["routes"].append(
                {"key": "c", "kind": "community", "window": {"amount": 3, "unit": "months"}}
            ),
            "threshold.routes[1].distinct_complainants",
        ),
    ],
)
def test_errors_name_the_field_at_fault(change, path):
    section = copy.deepcopy(seed_rules("hertsmere"))
    change(section)
    assert path in [e.path for e in validate_section(section, "threshold")]


BODIES = ["Council", "Police", "Housing"]


@pytest.mark.parametrize(
    "rule,views,met",
    [
        ({"rule": "any_one"}, {"Council": "not_met", "Police": "met"}, True),
        ({"rule": "any_one"}, {"Council": "not_met"}, None),
        (
            {"rule": "any_one"},
            {"Council": "not_met", "Police": "abstain", "Housing": "not_met"},
            False,
        ),
        ({"rule": "majority", "required": 2, "of": 3}, {"Council": "met", "Police": "met"}, True),
        (
            {"rule": "majority", "required": 2, "of": 3},
            {"Council": "met", "Police": "not_met"},
            None,
        ),
        (
            {"rule": "majority", "required": 2, "of": 3},
            {"Council": "not_met", "Police": "abstain"},
            False,
        ),
        ({"rule": "administering_body"}, {"Council": "met", "Police": "not_met"}, True),
        ({"rule": "administering_body"}, {"Police": "met"}, None),
        ({"rule": "unanimous"}, {"Council": "met", "Police": "met", "Housing": "met"}, True),
        ({"rule": "unanimous"}, {"Council": "met", "Police": "not_met"}, False),
        ({"rule": "unanimous"}, {"Council": "met", "Police": "met"}, None),
        ({"rule": "unanimous"}, {"Council": "met", "Police": "met", "Housing": "abstain"}, False),
    ],
)
def test_decision_rules(rule, views, met):
    outcome = apply_decision_rule(rule, views, involved=BODIES, administering="Council")
    assert outcome.met is met, outcome.reason
    assert outcome.reason
