"""The threshold decision in a letter's words: short sentences, incidents by date, what
was missing and what the reader can do, built from the engine's structured result."""

import json
import re

import textstat

from tests.thresholds.helpers import c, d, seed_rules
from thresholds.engine import evaluate
from thresholds.letter_explain import letter_reasons

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _reasons(slug, complaints, applied, facts=None, rules=None):
    rules = rules or seed_rules(slug)
    # The letter reads the explanation as it is stored: JSON.
    explanation = json.loads(json.dumps(evaluate(rules, complaints, d(applied)).explanation()))
    return letter_reasons(explanation=explanation, rules=rules, facts=facts)


def _all_text(reasons) -> str:
    return " ".join(reasons.sentences() + reasons.can_do)


def test_a_late_report_is_named_by_its_date_with_the_last_day_it_could_be_made():
    reasons = _reasons(
        "hertsmere",
        [c(1, "2026-08-23", "2026-10-02"), c(2, "2026-10-03"), c(3, "2026-11-10")],
        "2026-11-19",
    )
    assert reasons.rule[0] == (
        "For a case review, the problem must be reported three times in the 6 months "
        "before you apply."
    )
    assert "from 19 May 2026 to 19 November 2026" in reasons.rule[1]
    assert reasons.counted == ["3 October 2026", "10 November 2026"]
    assert [(n.on, n.why) for n in reasons.not_counted] == [
        (
            "23 August 2026",
            "It was reported on 2 October 2026. That is 40 days after it happened. "
            "It needed to be reported by 22 September 2026.",
        )
    ]
    assert reasons.missing == ["We needed three reports that count. We found two."]
    assert any("within 30 days" in step for step in reasons.can_do)


def test_diary_sheets_old_incidents_and_second_reports_each_get_their_own_reason():
    complaints = [
        c(1, "2026-04-01", kind="diary_sheet"),
        c(2, "2025-12-01"),
        c(3, "2026-06-01", agency="police"),
        c(4, "2026-06-01", agency="council", same_incident_as="3"),
    ]
    reasons = _reasons("hertsmere", complaints, "2026-09-01", facts={"4": {"same_incident": True}})
    why = {n.on: n.why for n in reasons.not_counted}
    assert why["1 April 2026"].startswith("It is a diary sheet.")
    assert why["1 December 2025"] == (
        "It happened before 1 March 2026. That is too long before you applied."
    )
    assert why["1 June 2026"] == "It was a second report of an incident we had already counted."


def test_an_application_made_too_long_after_the_last_report_says_the_last_day_to_apply():
    complaints = [c(1, "2025-10-01"), c(2, "2025-11-01"), c(3, "2025-12-01")]
    reasons = _reasons("bedfordshire", complaints, "2026-09-01")
    assert reasons.counted == ["1 October 2025", "1 November 2025", "1 December 2025"]
    assert reasons.missing == [
        "You need to apply within 6 months of the last report. The last report we counted "
        "was on 2 December 2025. So the last day to apply was 2 June 2026."
    ]


def test_the_letter_version_reads_at_grade_8_or_below_where_the_engine_text_does_not():
    complaints = [
        c(1, "2026-08-23", "2026-10-02"),
        c(2, "2026-09-12", "2026-10-22"),
        c(3, "2026-11-11"),
        c(4, "2026-04-01", kind="diary_sheet"),
    ]
    for slug in ("hertsmere", "bedfordshire", "devon-and-cornwall", "staffordshire", "merton"):
        rules = seed_rules(slug)
        engine_text = evaluate(rules, complaints, d("2026-11-27")).reasons_text
        plain = _all_text(_reasons(slug, complaints, "2026-11-27", rules=rules))
        assert textstat.flesch_kincaid_grade(plain) <= 8, (slug, plain)
        assert textstat.flesch_kincaid_grade(engine_text) > 8, slug
        assert not ISO_DATE.search(plain)
        for word in ("qualifying", "complainant", "threshold", "the applicant", "the victim"):
            assert word not in plain.lower(), (slug, word)


def test_no_decision_routes_gives_nothing_to_say():
    reasons = letter_reasons(
        explanation={"application_date": "2026-09-01", "routes": [], "complaints": []},
        rules={"routes": []},
    )
    assert reasons.rule == [] and reasons.sentences() == []


def test_reports_that_met_a_rule_say_the_bodies_decided_against_a_review():
    complaints = [c(1, "2026-06-01"), c(2, "2026-07-01"), c(3, "2026-08-01")]
    reasons = _reasons("hertsmere", complaints, "2026-09-01")
    assert reasons.met_by_rule
    assert reasons.missing == [
        "The reports met this rule. But the local services looked at them together. "
        "They decided a case review would not help."
    ]
    assert not any(step.startswith("You can apply again") for step in reasons.can_do)
