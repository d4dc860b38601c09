"""The rule language: a route of ``kind: all_of`` is a set of conditions that all hold.

Each condition is walked (adding it changes an outcome), the shorthand kinds are checked to
decide as the condition sets they stand for, linked locations are tested link by link, and
the validator refuses what the engine would not use.
"""

import copy
import re
from pathlib import Path

import pytest
import yaml

from tests.thresholds.helpers import c, d, seed_rules
from thresholds.conditions import CONDITIONS, compile_route, conditions_of
from thresholds.engine import evaluate
from thresholds.rules import validate_section

WINDOW = {"amount": 6, "unit": "months"}
APPLICATION = d("2026-09-01")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "thresholds.md"


def route(*conditions, key="r"):
    return {"key": key, "kind": "all_of", "conditions": [dict(x) for x in conditions]}


def errors(*routes):
    return {e.path: e.message for e in validate_section({"routes": list(routes)}, "threshold")}


def decide(r, complaints, application=APPLICATION, factors=None):
    assert errors(r) == {}, errors(r)
    return evaluate({"routes": [r]}, complaints, application, factors or {})


# -- the walk: each condition, absent and present, changes an outcome ------------------------

BASE = [{"incidents": 2}, {"window": WINDOW}]
TWO = [c(1, "2026-06-01", complainant="ann"), c(2, "2026-07-01", complainant="bob")]
WALK = {
    # condition: (setting, complaints, factors); the base route must decide differently
    "incidents": (3, TWO),
    "distinct_complainants": (2, [c(1, "2026-06-01"), c(2, "2026-07-01")]),
    "same_complainant": (True, TWO),
    "same_issue": (True, [c(1, "2026-06-01", issue="noise"), c(2, "2026-07-01", issue="dogs")]),
    "same_location": (
        {"linked_by": ["address"]},
        [c(1, "2026-06-01", location="1 Park Road"), c(2, "2026-07-01", location="Shop")],
    ),
    "hate_motivated": (True, TWO),
    "window": ({"amount": 2, "unit": "months"}, TWO),
    "report_lag": (
        {"amount": 10, "unit": "days"},
        [TWO[0], c(2, "2026-07-01", "2026-07-20")],
    ),
    "latest_within_of_request": ({"amount": 1, "unit": "months"}, TWO),
    "application_within_of_latest": ({"amount": 1, "unit": "months"}, TWO),
    "same_incident_counts_once": (True, [TWO[0], c(2, "2026-06-01", same_incident_as="1")]),
    "exclude_kinds": (["diary_sheet"], [TWO[0], c(2, "2026-07-01", kind="diary_sheet")]),
    "still_persisting": (True, TWO),
}


def test_the_walk_covers_every_condition():
    assert set(WALK) == set(CONDITIONS)


@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_every_condition_changes_an_outcome(name):
    value, complaints = WALK[name]
    without = route(*BASE)
    with_it = route(*[x for x in BASE if name not in x], {name: value})
    outcomes = []
    for r in (without, with_it):
        explained = decide(r, complaints).explanation()
        outcomes.append([(x["met"], x["counted"], x["excluded"]) for x in explained["routes"]])
    assert outcomes[0] != outcomes[1], name


def test_every_condition_example_is_valid():
    for name, spec in CONDITIONS.items():
        conditions = {"incidents": 1, "window": WINDOW, name: copy.deepcopy(spec.example)}
        assert errors(route(*({k: v} for k, v in conditions.items()))) == {}, name


# -- the shorthands are the condition sets they stand for ------------------------------------


@pytest.mark.parametrize(
    "shorthand,conditions",
    [
        (
            {
                "kind": "complaints_in_window",
                "count": 3,
                "window": WINDOW,
                "same_complainant": True,
            },
            [{"incidents": 3}, {"window": WINDOW}, {"same_complainant": True}],
        ),
        (
            {
                "kind": "complaints_in_window",
                "count": 1,
                "window": {"amount": 30, "unit": "days"},
                "hate_only": True,
            },
            [
                {"incidents": 1},
                {"window": {"amount": 30, "unit": "days"}},
                {"hate_motivated": True},
            ],
        ),
        (
            {"kind": "community", "distinct_complainants": 3, "window": WINDOW},
            [{"distinct_complainants": 3}, {"window": WINDOW}, {"same_issue": True}],
        ),
    ],
)
def test_a_shorthand_decides_as_its_condition_set(shorthand, conditions):
    items = [
        c(1, "2026-04-01", complainant="ann", issue="noise"),
        c(2, "2026-05-01", complainant="ann", issue="noise", hate=True),
        c(3, "2026-06-01", complainant="bob", issue="noise"),
        c(4, "2026-08-20", complainant="cy", issue="noise"),
        c(5, "2026-08-21", complainant="ann", issue="dogs", hate=True),
    ]
    short = decide({"key": "r", **shorthand}, items).routes[0]
    full = decide(route(*conditions), items).routes[0]
    assert (short.met, short.counted) == (full.met, full.counted)


def test_every_seed_procedure_still_compiles():
    for slug in ("staffordshire", "hertsmere", "devon-and-cornwall", "bedfordshire", "merton"):
        for r in seed_rules(slug)["routes"]:
            assert compile_route(r).window


# -- several conditions at once ---------------------------------------------------------------

LINKED = route(
    {"incidents": 3},
    {"distinct_complainants": 2},
    {"same_location": {"linked_by": ["address", "building", "postcode", "officer"]}},
    {"window": WINDOW},
)


def test_three_incidents_at_linked_locations_by_more_than_one_person():
    items = [
        c(
            1,
            "2026-05-01",
            complainant="ann",
            location="Flat 2, Tower House",
            building="Tower House",
            postcode="WD6 1AB",
        ),
        c(
            2,
            "2026-06-01",
            complainant="ann",
            location="Flat 9, Tower House",
            building="tower house",
            postcode="wd61ab",
        ),
        c(3, "2026-07-01", complainant="bob", location="Car park", postcode="WD6 1AB"),
        c(4, "2026-07-02", complainant="cy", location="Elm Road", postcode="EN6 2XY"),
    ]
    decision = decide(LINKED, items)
    r = decision.routes[0].as_dict()
    assert decision.met and r["counted"] == ["1", "2", "3"]
    assert r["conditions"] == [
        "3 qualifying incidents counted, 3 needed",
        "2 different complainants counted, 2 needed",
    ]
    assert r["excluded"] == {
        "4": ["at a location not the same as or linked to (Elm Road) those counted"]
    }


def test_one_person_at_one_place_does_not_meet_a_route_needing_two_people():
    items = [
        c(i, f"2026-0{i + 4}-01", complainant="ann", location="1 Park Road") for i in (1, 2, 3)
    ]
    r = decide(LINKED, items).routes[0].as_dict()
    assert r["met"] is False
    assert r["unmet"] == ["1 different complainant counted, 2 needed"]


@pytest.mark.parametrize(
    "link,a,b",
    [
        ("address", {"location": "12 High St., Barnet"}, {"location": "12 high st barnet"}),
        ("address", {"uprn": "100021"}, {"location": "Somewhere else", "uprn": "100021"}),
        (
            "building",
            {"location": "Flat 1", "building": "Elm Court"},
            {"location": "Flat 7", "building": "ELM  court"},
        ),
        (
            "postcode",
            {"location": "Shop", "postcode": "WD6 1AB"},
            {"location": "Bus stop", "postcode": "wd61ab"},
        ),
        ("officer", {"location": "Park gate"}, {"location": "Play area", "location_links": ("1",)}),
    ],
)
def test_each_kind_of_link_joins_two_places_and_only_when_the_route_lists_it(link, a, b):
    items = [c(1, "2026-06-01", complainant="ann", **a), c(2, "2026-07-01", complainant="bob", **b)]
    linked = route({"incidents": 2}, {"window": WINDOW}, {"same_location": {"linked_by": [link]}})
    assert decide(linked, items).met
    others = [x for x in ("address", "building", "postcode", "officer") if x != link]
    unlinked = route({"incidents": 2}, {"window": WINDOW}, {"same_location": {"linked_by": others}})
    assert not decide(unlinked, items).met


def test_a_building_in_another_postcode_is_another_building():
    items = [
        c(1, "2026-06-01", location="Flat 1", building="Elm Court", postcode="EN6 1AA"),
        c(2, "2026-07-01", location="Flat 2", building="Elm Court", postcode="WD6 9ZZ"),
    ]
    linked = route(
        {"incidents": 2}, {"window": WINDOW}, {"same_location": {"linked_by": ["building"]}}
    )
    assert not decide(linked, items).met


def test_links_are_followed_through_chains():
    items = [
        c(1, "2026-06-01", location="Flat 1", postcode="EN6 1AA"),
        c(2, "2026-06-15", location="Shop", postcode="en6 1aa", location_links=("3",)),
        c(3, "2026-07-01", location="Park"),
    ]
    linked = route(
        {"incidents": 3},
        {"window": WINDOW},
        {"same_location": {"linked_by": ["postcode", "officer"]}},
    )
    assert decide(linked, items).routes[0].counted == ["1", "2", "3"]


def test_an_incident_with_no_location_is_explained_on_a_location_route():
    items = [c(1, "2026-06-01", location="Park"), c(2, "2026-07-01")]
    r = decide(route({"incidents": 2}, {"window": WINDOW}, {"same_location": True}), items)
    assert r.routes[0].as_dict()["excluded"] == {"2": ["the location is not recorded"]}


# -- windows, lag and timing ------------------------------------------------------------------


def test_a_window_from_the_first_incident_is_one_window_not_any():
    items = [c(1, "2026-01-10"), c(2, "2026-04-01"), c(3, "2026-07-20"), c(4, "2026-08-01")]
    first = route({"incidents": 3}, {"window": {**WINDOW, "anchor": "first_incident"}})
    rolling = route({"incidents": 3}, {"window": {**WINDOW, "anchor": "rolling"}})
    r = decide(first, items).routes[0].as_dict()
    assert r["met"] is False and r["counted"] == ["1", "2"]
    assert r["excluded"]["3"] == [
        "not within 6 calendar months of the first incident counted (10 January 2026)"
    ]
    assert decide(rolling, items).met  # 1 April, 20 July, 1 August


def test_a_failing_latest_incident_condition_is_named():
    r = route(
        {"incidents": 2},
        {"window": WINDOW},
        {"latest_within_of_request": {"amount": 1, "unit": "months"}},
    )
    decision = decide(r, TWO)
    assert decision.met is False
    assert decision.routes[0].unmet == [
        "the latest qualifying incident (1 July 2026) is more than 1 calendar month before the "
        "application on 1 September 2026 (it needed to be on or after 1 August 2026)"
    ]
    assert "more than 1 calendar month before the application" in decision.reasons_text
    assert decide(r, TWO, application=d("2026-08-01")).met  # the boundary day counts


def test_a_single_hate_incident_as_a_condition_set():
    r = route(
        {"incidents": 1}, {"hate_motivated": True}, {"window": {"amount": 30, "unit": "days"}}
    )
    assert decide(r, [c(1, "2026-08-20", hate=True)]).met
    assert not decide(r, [c(1, "2026-08-20")]).met


# -- the validator refuses what the engine would not use --------------------------------------


@pytest.mark.parametrize(
    "conditions,path,message",
    [
        ([{"incidents": 3}], "threshold.routes[0].conditions", "Give a window"),
        ([{"window": WINDOW}], "threshold.routes[0].conditions", "Say what to count"),
        (
            [{"incidents": 3}, {"window": WINDOW}, {"incident": 2}],
            "threshold.routes[0].conditions[2].incident",
            "Did you mean 'incidents'?",
        ),
        (
            [{"incidents": 3}, {"window": WINDOW}, {"incidents": 2}],
            "threshold.routes[0].conditions[2].incidents",
            "given twice",
        ),
        (
            [{"incidents": 3}, {"window": {**WINDOW, "anchor": "first"}}],
            "threshold.routes[0].conditions[1].window.anchor",
            "application, first_incident, rolling",
        ),
        (
            [{"incidents": 3}, {"window": WINDOW}, {"same_issue": False}],
            "threshold.routes[0].conditions[2].same_issue",
            "leave this condition out",
        ),
        (
            [{"incidents": 3}, {"window": WINDOW}, {"same_location": {"linked_by": ["street"]}}],
            "threshold.routes[0].conditions[2].same_location.linked_by[0]",
            "address, building, postcode, officer",
        ),
        (
            [{"incidents": 3, "window": WINDOW}],
            "threshold.routes[0].conditions[0]",
            "one name and its setting",
        ),
        (
            [{"distinct_complainants": 2}, {"same_complainant": True}, {"window": WINDOW}],
            "threshold.routes[0].conditions",
            "cannot both hold",
        ),
        (
            [{"incidents": 0}, {"window": WINDOW}],
            "threshold.routes[0].conditions[0].incidents",
            "whole number from 1",
        ),
    ],
)
def test_bad_condition_sets_are_refused_with_the_field_named(conditions, path, message):
    found = errors({"key": "r", "kind": "all_of", "conditions": conditions})
    assert message in found.get(path, ""), found


def test_an_all_of_route_takes_no_shorthand_fields():
    found = errors({**route({"incidents": 3}, {"window": WINDOW}), "count": 3})
    assert "'count' is not used by a all_of route" in found["threshold.routes[0].count"]


# -- the docs show each condition with a YAML example and its explanation ---------------------


def _doc_examples():
    text = DOCS.read_text()
    part = text.split("## Conditions", 1)[1].split("\n## ", 1)[0]
    out = {}
    for block in re.split(r"\n### ", part)[1:]:
        name = re.match(r"`(\w+)`", block).group(1)
        example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", block, re.S).group(1))[0]
        explained = re.search(r"Explained as: \"(.*?)\"", " ".join(block.split())).group(1)
        out[name] = (example, explained)
    return out


def test_the_docs_show_every_condition_with_an_example_and_its_explanation():
    examples = _doc_examples()
    assert set(examples) == set(CONDITIONS)
    for name, (example, explained) in examples.items():
        assert errors(example) == {}, name
        assert name in conditions_of(example), name
        summary = evaluate({"routes": [example]}, [], APPLICATION).routes[0].summary
        assert explained == summary, name


# -- the letter and the public page read condition sets too ----------------------------------


def test_the_letter_and_the_public_page_explain_a_condition_set():
    from public.explain import threshold_summary
    from thresholds.letter_explain import letter_reasons

    items = [
        c(1, "2026-05-01", complainant="ann", location="1 Park Road"),
        c(2, "2026-06-01", complainant="ann", location="1 Park Road"),
        c(3, "2026-07-01", complainant="ann", location="1 Park Road"),
    ]
    rules = {"routes": [LINKED]}
    decision = evaluate(rules, items, APPLICATION)
    letter = letter_reasons(explanation=decision.explanation(), rules=rules)
    text = " ".join(letter.sentences())
    assert "at least two different people" in text
    assert "same place, or places linked to it" in text
    assert "We did not have reports from two different people." in letter.missing
    public = threshold_summary(rules)
    lines = " ".join(" ".join(r) for r in public["routes"])
    assert "At least 3 separate incidents were reported in the 6 months before you apply." in lines
    assert "At least 2 different people or households reported it" in lines
    assert "at places linked to it" in lines


def test_the_engine_and_the_rule_modules_stay_pure():
    """No Django in the engine or the rule language: checked in a fresh interpreter."""
    import subprocess
    import sys

    code = (
        "import sys; import thresholds.engine, thresholds.conditions, thresholds.route_fields; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout
