"""The explanation is right for every route: each route stands alone, the letter's text
explains the route that came closest, a failing condition is named, and the words agree."""

import pytest

from tests.thresholds.helpers import c, d, seed_rules
from thresholds.engine import evaluate, plural

WINDOW = {"amount": 6, "unit": "months"}


def community(needed):
    return {
        "key": "community",
        "kind": "community",
        "distinct_complainants": needed,
        "window": WINDOW,
    }


def four_people():
    return [
        c(i, f"2026-0{i + 3}-01", complainant=who)
        for i, who in enumerate(["ann", "bob", "cy", "dee"], start=1)
    ]


def test_each_route_explains_every_complaint_on_its_own():
    rules = seed_rules("bedfordshire")  # 3 by one complainant
    rules["routes"].append(community(5))
    decision = evaluate(rules, four_people(), d("2026-09-01"))
    own, shared = (r.as_dict() for r in decision.routes)
    assert shared["counted"] == ["1", "2", "3", "4"] and shared["excluded"] == {}
    assert len(own["counted"]) == 1  # one complainant's: the most recent of equals
    assert set(own["excluded"]) | set(own["counted"]) == {"1", "2", "3", "4"}
    assert all("made by a different complainant" in r[0] for r in own["excluded"].values())


def test_the_letter_explains_the_route_that_came_closest_and_names_the_others():
    rules = seed_rules("bedfordshire")
    rules["routes"].append(community(5))
    decision = evaluate(rules, four_people(), d("2026-09-01"))
    assert decision.met is False
    text = decision.reasons_text
    # The community route counted every complaint: none is "a different complainant".
    assert "Not counted" not in text and "a different complainant" not in text
    assert "4 different complainants counted, 5 needed" in text
    listed = {item["id"]: item for item in decision.explanation()["complaints"]}
    assert all(item["counted"] for item in listed.values()), listed
    assert "Also tried" in text and "3 qualifying complaints by one complainant" in text


def test_a_met_route_is_explained_first_even_if_listed_second():
    rules = seed_rules("bedfordshire")
    rules["routes"].append(community(4))
    decision = evaluate(rules, four_people(), d("2026-09-01"))
    assert decision.met and decision.met_by == ["community"]
    assert decision.reasons_text.index("4 different complainants") < decision.reasons_text.index(
        "Also tried"
    )


def test_a_failing_latest_report_condition_is_named_not_the_window():
    rules = {
        "routes": [
            {
                "key": "rolling",
                "kind": "complaints_in_window",
                "count": 3,
                "window": WINDOW,
                "window_anchor": "rolling",
                "application_within_of_latest": {"amount": 1, "unit": "months"},
            }
        ]
    }
    complaints = [c(1, "2025-01-10"), c(2, "2025-04-01"), c(3, "2025-07-10")]
    decision = evaluate(rules, complaints, d("2025-09-01"))
    assert decision.met is False
    route = decision.routes[0].as_dict()
    assert route["counted"] == ["1", "2", "3"]
    assert route["unmet"] == [
        "the application on 1 September 2025 is more than 1 calendar month after the latest "
        "qualifying complaint (11 July 2025; the last day was 11 August 2025)"
    ]
    assert "not within" not in decision.reasons_text
    assert "more than 1 calendar month after the latest" in decision.reasons_text


def test_one_different_complainant_is_singular():
    assert plural(1, "different complainant") == "1 different complainant"
    assert plural(2, "different complainant") == "2 different complainants"
    assert plural(1, "day") == "1 day"
    decision = evaluate({"routes": [community(2)]}, [c(1, "2026-06-01")], d("2026-09-01"))
    assert "1 different complainant counted, 2 needed" in decision.reasons_text
    one = {**community(1), "key": "one"}
    assert (
        "1 different complainant about"
        in evaluate({"routes": [one]}, [], d("2026-09-01")).reasons_text
    )


def test_a_late_report_by_one_day_says_day():
    rules = {
        "routes": [
            {
                "key": "r",
                "kind": "complaints_in_window",
                "count": 1,
                "window": WINDOW,
                "report_lag": {"amount": 1, "unit": "days"},
            }
        ]
    }
    decision = evaluate(rules, [c(1, "2026-06-01", "2026-06-03")], d("2026-09-01"))
    assert "reported 2 days after the incident, later than 1 day" in decision.reasons_text


def test_a_complaint_without_a_complainant_is_explained_on_a_community_route():
    complaints = [c(1, "2026-06-01", complainant=""), c(2, "2026-07-01", complainant="ann")]
    route = evaluate({"routes": [community(2)]}, complaints, d("2026-09-01")).routes[0]
    assert route.counted == ["2"]
    assert route.reasons["1"] == ["the complainant is not recorded"]


@pytest.mark.django_db  # agencies are named from the database
def test_the_threshold_page_lists_each_routes_own_reasons():
    from django.template.loader import render_to_string

    rules = seed_rules("bedfordshire")
    rules["routes"].append(community(5))
    explanation = evaluate(rules, four_people(), d("2026-09-01")).explanation()
    html = " ".join(
        render_to_string("thresholds/_explanation.html", {"explanation": explanation}).split()
    )
    bedfordshire, community_part = html.split('<h3 class="govuk-heading-s">Community:')
    assert "Not counted under this route: #1, made by a different complainant" in bedfordshire
    assert "Counted under this route: #1, #2, #3, #4." in community_part
    assert "Not counted under this route" not in community_part.split("<table")[0]


def test_the_letter_never_names_another_complainant():
    text = evaluate(seed_rules("bedfordshire"), four_people(), d("2026-09-01")).reasons_text
    assert "(reported by someone else)" in text
    assert not any(f"({who})" in text for who in ("ann", "bob", "cy", "dee"))


def test_the_examples_in_the_docs_are_what_the_engine_says():
    import re
    from pathlib import Path

    import yaml

    from thresholds.rules import validate_section

    doc = (Path(__file__).resolve().parents[2] / "docs" / "thresholds.md").read_text()
    # The route kinds' examples; the conditions' own examples (the section after) are
    # checked against the engine in tests/thresholds/test_conditions.py.
    kinds = doc.split("## Conditions:", 1)[0]
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(- key:.*?)```", kinds, re.S)]
    flat = " ".join(doc.split())
    place = {"location": "Park Road play area"}
    examples = [
        (
            [
                c(1, "2026-04-01", "2026-05-02"),
                c(2, "2026-05-01"),
                c(3, "2026-06-01", kind="diary_sheet"),
                c(4, "2026-07-01"),
            ],
            "2026-09-01",
        ),
        (
            [
                c(1, "2026-04-20", complainant="Ann", **place),
                c(2, "2026-05-01", complainant="Bob", **place),
                c(3, "2026-05-03", complainant="Ann", **place),
                c(4, "2026-06-10", complainant="Cafe Ltd", location="High Street"),
            ],
            "2026-07-01",
        ),
    ]
    assert len(blocks) == len(examples)
    for routes, (complaints, application) in zip(blocks, examples, strict=True):
        assert validate_section({"routes": routes}, "threshold") == []
        text = evaluate({"routes": routes}, complaints, d(application)).reasons_text
        assert text in flat, text
