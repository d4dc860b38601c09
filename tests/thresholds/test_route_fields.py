"""Every field of a route is either used by the engine for that kind or refused at import.

``thresholds.route_fields.ROUTE_FIELDS`` is the one list of the fields each route kind accepts;
the validator and the engine both read it. The walk below proves each listed field matters.
"""

import copy

import pytest

from tests.thresholds.helpers import c, d
from thresholds.engine import evaluate
from thresholds.route_fields import ALL_OF, COMMUNITY, COMPLAINTS_IN_WINDOW, ROUTE_FIELDS
from thresholds.rules import validate_section

WINDOW = {"amount": 6, "unit": "months"}


def section(**route):
    return {"routes": [{"key": "r", "window": WINDOW, **route}]}


def errors(rules):
    return {e.path: e.message for e in validate_section(rules, "threshold")}


def test_a_count_on_a_community_route_is_refused_not_ignored():
    found = errors(section(kind="community", distinct_complainants=2, count=5))
    message = found["threshold.routes[0].count"]
    assert message.startswith("'count' is not used by a community route.")
    assert "A community route accepts: " in message and "distinct_complainants" in message


def test_distinct_complainants_on_a_complaints_route_is_refused_not_ignored():
    found = errors(section(kind="complaints_in_window", count=3, distinct_complainants=2))
    message = found["threshold.routes[0].distinct_complainants"]
    assert "not used by a complaints_in_window route" in message
    assert "'count'" not in message and "count" in message.split("accepts:")[1]


@pytest.mark.parametrize(
    "kind,extra",
    [
        ("community", "same_issue"),
        ("community", "same_complainant"),
        ("complaints_in_window", "group_by"),
    ],
)
def test_other_fields_the_engine_ignores_for_a_kind_are_refused(kind, extra):
    needed = {"count": 3} if kind == COMPLAINTS_IN_WINDOW else {"distinct_complainants": 3}
    value = "issue" if extra == "group_by" else True
    found = errors(section(kind=kind, **needed, **{extra: value}))
    assert f"threshold.routes[0].{extra}" in found


def test_a_typo_is_named_with_a_suggestion():
    found = errors(section(kind="complaints_in_window", count=3, windw=WINDOW))
    assert "Did you mean 'window'?" in found["threshold.routes[0].windw"]


def test_unknown_fields_in_the_senior_manager_route_are_refused():
    rules = section(kind="complaints_in_window", count=3)
    rules["senior_manager_route"] = {"who": [{"key": "a", "label": "A", "rank": 1}], "when": "x"}
    found = errors(rules)
    assert "threshold.senior_manager_route.when" in found
    assert "threshold.senior_manager_route.who[0].rank" in found


def test_the_validator_accepts_every_listed_field():
    for kind, fields in ROUTE_FIELDS.items():
        route = {"kind": kind, **{name: copy.deepcopy(f.example) for name, f in fields.items()}}
        route["kind"] = kind
        assert errors({"routes": [route]}) == {}, kind


# -- the walk: for each field of each kind, two values and complaints where it matters -------

APPLICATION = d("2026-09-01")

# For each (kind, field): (value A, value B, complaints, factors). The route is the kind's
# base route with the field set to A, then to B; the decisions or the reasons must differ.
BASE = {
    COMPLAINTS_IN_WINDOW: {"key": "r", "kind": COMPLAINTS_IN_WINDOW, "count": 2, "window": WINDOW},
    COMMUNITY: {
        "key": "r",
        "kind": COMMUNITY,
        "distinct_complainants": 2,
        "window": WINDOW,
    },
    ALL_OF: {
        "key": "r",
        "kind": ALL_OF,
        "conditions": [{"incidents": 2}, {"window": WINDOW}],
    },
}
TWO = [c(1, "2026-06-01", complainant="ann"), c(2, "2026-07-01", complainant="bob")]
WALK = {
    "key": ("r", "other", TWO, {}),
    "kind": (
        COMPLAINTS_IN_WINDOW,
        COMMUNITY,
        [*TWO[:1], c(2, "2026-07-01", complainant="ann")],
        {},
    ),
    "count": (2, 3, TWO, {}),
    "conditions": (
        [{"incidents": 2}, {"window": WINDOW}],
        [{"incidents": 2}, {"window": WINDOW}, {"same_complainant": True}],
        TWO,
        {},
    ),
    "distinct_complainants": (2, 3, TWO, {}),
    "group_by": (
        "issue",
        "location",
        [
            c(1, "2026-06-01", complainant="ann", issue="noise", location="park"),
            c(2, "2026-07-01", complainant="bob", issue="noise", location="shop"),
        ],
        {},
    ),
    "window": (WINDOW, {"amount": 2, "unit": "months"}, TWO, {}),
    "window_anchor": (
        "application",
        "rolling",
        [c(1, "2025-06-01", complainant="ann"), c(2, "2025-07-01", complainant="bob")],
        {},
    ),
    "report_lag": (
        {"amount": 30, "unit": "days"},
        {"amount": 10, "unit": "days"},
        [*TWO[:1], c(2, "2026-07-01", "2026-07-20", complainant="bob")],
        {},
    ),
    "application_within_of_latest": (
        {"amount": 6, "unit": "months"},
        {"amount": 1, "unit": "months"},
        TWO,
        {},
    ),
    "same_incident_counts_once": (
        False,
        True,
        [*TWO[:1], c(2, "2026-06-01", complainant="bob", same_incident_as="1")],
        {},
    ),
    "exclude_kinds": (
        [],
        ["diary_sheet"],
        [*TWO[:1], c(2, "2026-07-01", complainant="bob", kind="diary_sheet")],
        {},
    ),
    "same_issue": (
        False,
        True,
        [c(1, "2026-06-01", issue="noise"), c(2, "2026-07-01", issue="parking")],
        {},
    ),
    "same_complainant": (False, True, TWO, {}),
    "hate_only": (False, True, TWO, {}),
    "require_persisting": (False, True, TWO, {"asb_persists": False}),
}


def test_the_walk_covers_every_field_of_every_kind():
    assert {name for fields in ROUTE_FIELDS.values() for name in fields} == set(WALK)


@pytest.mark.parametrize(
    "kind,name",
    [(kind, name) for kind, fields in ROUTE_FIELDS.items() for name in fields],
)
def test_every_accepted_field_changes_an_outcome(kind, name):
    a, b, complaints, factors = WALK[name]
    outcomes = []
    for value in (a, b):
        route = {**copy.deepcopy(BASE[kind]), name: copy.deepcopy(value)}
        if name == "kind":
            route = {**copy.deepcopy(BASE[value]), "key": "r"}
        assert errors({"routes": [route]}) == {}, (kind, name, value)
        decision = evaluate({"routes": [route]}, complaints, APPLICATION, factors)
        explained = decision.explanation()
        outcomes.append(
            (
                decision.met,
                decision.met_by,
                [(r["counted"], r["excluded"]) for r in explained["routes"]],
            )
        )
    assert outcomes[0] != outcomes[1], (kind, name)


def test_the_docs_list_the_fields_each_kind_accepts():
    import re
    from pathlib import Path

    text = " ".join(
        (Path(__file__).resolve().parents[2] / "docs" / "thresholds.md").read_text().split()
    )
    for kind, fields in ROUTE_FIELDS.items():
        listed = re.search(rf"A `{kind}` route accepts: (.*?)\.", text).group(1)
        assert re.findall(r"`(\w+)`", listed) == list(fields), kind


@pytest.mark.parametrize(
    "rules",
    [
        {"routes": [{"key": ["r"], "kind": ["community"], None: 1}]},
        {"routes": [{"key": "r", "kind": "community", "group_by": ["x"], "window": []}]},
        {"routes": [{"key": "r", "kind": "complaints_in_window"}], "discretionary_factors": [[1]]},
        {"routes": [{"key": {}, "kind": {}}], "senior_manager_route": {"who": [{}], 5: 1}},
    ],
)
def test_hostile_sections_get_messages_not_exceptions(rules):
    assert errors(rules)
