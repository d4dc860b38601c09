"""The threshold decision as the person who applied reads it in a letter.

The engine's own sentences (``reasons_text``) stay on the staff pages: they are exact,
and long. A letter needs short sentences, the incidents by their dates, what was
missing and what the reader can do. This module builds those from the engine's
structured result (its JSON ``explanation``: the routes, what each counted and which
reports were left out) and the procedure's threshold rules, never from the engine's
English, so the letter keeps working when that wording changes.

``letter_reasons(explanation=..., rules=..., facts=...)`` is pure: no database, no clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from thresholds.conditions import ALL_OF, compile_route

DIARY_SHEET = "diary_sheet"
COMMUNITY = "community"

NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    12: "twelve",
}


@dataclass
class NotCounted:
    """One report that did not count, by its date, and why in a sentence or two."""

    on: str
    why: str


@dataclass
class LetterReasons:
    """What the CR3 letter says under "Why" and "What you can do"."""

    rule: list[str] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)
    counted_summary: str = ""
    not_counted: list[NotCounted] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    other_routes: list[str] = field(default_factory=list)
    can_do: list[str] = field(default_factory=list)
    # The reports met a rule, but the bodies decided against a review (their reasons are
    # the people's own words, which the letter prints as they wrote them).
    met_by_rule: bool = False

    def sentences(self) -> list[str]:
        """Everything as plain sentences, in the letter's order (for area wording)."""
        out = [*self.rule, self.counted_summary]
        out += [f"The report of {item.on}: {item.why}" for item in self.not_counted]
        return [s for s in out + self.missing + self.other_routes if s]


# -- words -----------------------------------------------------------------------------


def day(value) -> str:
    """'3 October 2026' from a date or an ISO string."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day} {value:%B %Y}"


def number(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n))


def period(spec: dict | None) -> str:
    """'6 months', '30 days', '1 month', '4 weeks'."""
    if not spec:
        return ""
    amount, unit = int(spec["amount"]), spec["unit"]
    word = {"months": "month", "days": "day", "weeks": "week", "working_days": "working day"}
    word = word.get(unit, unit.replace("_", " ").rstrip("s"))
    return f"{amount} {word}{'' if amount == 1 else 's'}"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{number(n)} times")


# -- dates (the same boundaries as the engine, see docs/thresholds.md) ------------------


def _add_months(value: dt.date, months: int) -> dt.date:
    index = value.year * 12 + (value.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


def _shift(value: dt.date, spec: dict, sign: int = 1) -> dt.date:
    amount = int(spec["amount"]) * sign
    if spec["unit"] == "months":
        return _add_months(value, amount)
    if spec["unit"] == "weeks":
        return value + dt.timedelta(weeks=amount)
    return value + dt.timedelta(days=amount)


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# -- the explanation -------------------------------------------------------------------


def as_rule(rule: dict) -> dict:
    """A route in the shorthand fields this module reads: a condition set (``all_of``) is
    compiled and read as a route counting reports (or people, when it counts only people),
    with the conditions a shorthand has no field for kept under their own names."""
    if rule.get("kind") != ALL_OF:
        return rule
    spec = compile_route(rule)
    counts_people_only = spec.incidents is None
    out = {
        "key": spec.key,
        "kind": COMMUNITY if counts_people_only else "complaints_in_window",
        "count": spec.incidents or 0,
        "window": spec.window,
        "window_anchor": "application" if spec.anchor == "application" else "rolling",
        "hate_only": spec.hate_only,
        "same_complainant": spec.same_complainant,
        "report_lag": spec.report_lag,
        "exclude_kinds": list(spec.exclude_kinds),
        "application_within_of_latest": spec.application_within_of_latest,
        "require_persisting": spec.still_persisting,
        "latest_within_of_request": spec.latest_within_of_request,
        "same_location": spec.groups_by_location,
    }
    if spec.distinct_complainants is not None:
        out["distinct_complainants"] = spec.distinct_complainants
    return out


def _rule_sentences(rule: dict, applied: dt.date) -> list[str]:
    window = period(rule.get("window"))
    fixed = rule.get("window_anchor", "application") == "application"
    if rule.get("kind") == COMMUNITY:
        n = rule.get("distinct_complainants", 0)
        what = f"{number(n)} different people must report the same problem"
    else:
        n = rule.get("count", 0)
        what = f"the problem must be reported {_times(n)}"
        if rule.get("hate_only"):
            what = f"{number(n)} hate incidents must be reported"
    sentences = []
    if fixed:
        start = _shift(applied, rule["window"], -1)
        sentences.append(f"For a case review, {what} in the {window} before you apply.")
        sentences.append(
            f"You applied on {day(applied)}. So we looked at what happened "
            f"from {day(start)} to {day(applied)}."
        )
    else:
        sentences.append(f"For a case review, {what} within {window}.")
    if rule.get("same_complainant") and rule.get("kind") != COMMUNITY:
        sentences.append("The reports must all be made by the same person.")
    if rule.get("distinct_complainants") and rule.get("kind") != COMMUNITY:
        sentences.append(
            f"They must be reported by at least {number(rule['distinct_complainants'])} "
            "different people."
        )
    if rule.get("same_location"):
        sentences.append("The incidents must all be at the same place, or places linked to it.")
    if rule.get("latest_within_of_request"):
        sentences.append(
            "The latest incident must have happened in the "
            f"{period(rule['latest_within_of_request'])} before you apply."
        )
    if rule.get("report_lag"):
        sentences.append(
            f"Each incident must be reported within {period(rule['report_lag'])} of when it happened."
        )
    return sentences


def _why(c: dict, rule: dict, applied: dt.date, facts: dict, excluded: bool) -> str:
    """Why one report did not count, from its dates, its kind and the rule."""
    happened = _date(c.get("incident_date"))
    reported = _date(c.get("reported_date"))
    fact = facts.get(str(c.get("id")), {})
    if c.get("kind") in rule.get("exclude_kinds", []) and c.get("kind") == DIARY_SHEET:
        return "It is a diary sheet. A diary sheet helps us, but it cannot count on its own."
    if c.get("kind") in rule.get("exclude_kinds", []):
        return "This kind of record cannot count on its own."
    if rule.get("hate_only") and fact.get("hate") is False:
        return "This rule only counts hate incidents, and this was not recorded as one."
    if happened and happened > applied:
        return "It happened after you applied."
    lag = rule.get("report_lag")
    if lag:
        if reported is None:
            return "We do not know when it was reported."
        limit = _shift(happened, lag)
        if reported > limit:
            days = (reported - happened).days
            return (
                f"It was reported on {day(reported)}. That is {days} days after it happened. "
                f"It needed to be reported by {day(limit)}."
            )
    if reported and happened and reported < happened:
        return "The dates do not fit. It shows as reported before it happened. Please check."
    if rule.get("window_anchor", "application") == "application" and happened:
        start = _shift(applied, rule["window"], -1)
        if happened < start:
            return f"It happened before {day(start)}. That is too long before you applied."
    if fact.get("same_incident"):
        return "It was a second report of an incident we had already counted."
    if excluded:
        return "It did not fit with the other reports we counted."
    return ""


def _missing(route: dict, rule: dict, applied: dt.date, counted: list[dict], facts) -> list[str]:
    needed = int(route.get("needed") or rule.get("count") or 0)
    have = len(counted)
    if rule.get("kind") != COMMUNITY and have < needed:
        return [f"We needed {number(needed)} reports that count. We found {number(have)}."]
    out = []
    recent = rule.get("latest_within_of_request")
    if recent and counted:
        latest = max(_date(c["incident_date"]) for c in counted)
        start = _shift(applied, recent, -1)
        if latest < start:
            out.append(
                f"The latest incident must have happened on or after {day(start)}. "
                f"The latest one we counted happened on {day(latest)}."
            )
    within = rule.get("application_within_of_latest")
    if within and counted:
        latest = max(_date(c.get("reported_date")) or _date(c["incident_date"]) for c in counted)
        limit = _shift(latest, within)
        if applied > limit:
            out.append(
                f"You need to apply within {period(within)} of the last report. "
                f"The last report we counted was on {day(latest)}. "
                f"So the last day to apply was {day(limit)}."
            )
    if rule.get("require_persisting") and facts.get("asb_persists") is not True:
        out.append("The rule also asks that the problem is still going on. We did not have that.")
    people = rule.get("distinct_complainants")
    if not out and people and rule.get("kind") != COMMUNITY:
        out.append(f"We did not have reports from {number(people)} different people.")
    if not out and rule.get("kind") == COMMUNITY:
        out.append(
            f"We did not have reports from {number(needed)} different people about the same problem."
        )
    return out


def letter_reasons(*, explanation: dict, rules: dict, facts: dict | None = None) -> LetterReasons:
    """The letter version of a threshold decision.

    ``explanation`` is the engine's ``Decision.explanation()`` as stored on the decision;
    ``rules`` is the procedure's ``threshold`` section the decision applied; ``facts``
    maps a complaint id to what the explanation does not hold (``hate``,
    ``same_incident``), plus ``asb_persists``.
    """
    facts = facts or {}
    applied = _date(explanation["application_date"])
    rules_by_key = {r.get("key"): as_rule(r) for r in rules.get("routes", [])}
    routes = [r for r in explanation.get("routes", []) if r.get("key") in rules_by_key]
    result = LetterReasons()
    if not routes:
        return result
    route = routes[0]
    rule = rules_by_key[route["key"]]
    complaints = explanation.get("complaints", [])
    by_id = {str(c["id"]): c for c in complaints}
    counted = [by_id[str(cid)] for cid in route.get("counted", []) if str(cid) in by_id]
    counted_ids = {str(c["id"]) for c in counted}
    excluded = {str(k) for k in (route.get("excluded") or {})}

    result.rule = _rule_sentences(rule, applied)
    result.counted = [day(c["incident_date"]) for c in counted]
    if counted:
        result.counted_summary = (
            f"We counted {number(len(counted))} report{'' if len(counted) == 1 else 's'}."
        )
    else:
        result.counted_summary = "We could not count any of the reports."
    for c in complaints:
        if str(c["id"]) in counted_ids:
            continue
        why = _why(c, rule, applied, facts, str(c["id"]) in excluded)
        if why:
            result.not_counted.append(NotCounted(on=day(c["incident_date"]), why=why))
    met = [r for r in routes if r.get("met")]
    if met:
        result.met_by_rule = True
        result.missing = [
            "The reports met this rule. But the local services looked at them together. "
            "They decided a case review would not help."
        ]
    else:
        result.missing = _missing(route, rule, applied, counted, facts)

    for other in routes[1:]:
        other_rule = rules_by_key[other["key"]]
        if other_rule.get("kind") == COMMUNITY:
            n = number(other_rule.get("distinct_complainants", 0))
            result.other_routes.append(
                f"There is another way to get a review. {n.capitalize()} different people "
                f"must report the same problem within {period(other_rule.get('window'))}. "
                "That did not happen here either."
            )
        else:
            result.other_routes.append(
                "There is another way to get a review. "
                + _rule_sentences(other_rule, applied)[0]
                .replace("For a case review, ", "")
                .capitalize()
                + " That did not happen here either."
            )

    lag = rule.get("report_lag")
    result.can_do = [
        "Did you report the problem on other dates? Tell us when, and who you told. "
        "We will look again.",
        "Report each new incident to the police or the council"
        + (f" within {period(lag)}." if lag else "."),
        "Write down the date each time. Keep any reference numbers you are given.",
    ]
    if rule.get("kind") != COMMUNITY and not result.met_by_rule:
        result.can_do.append(
            f"You can apply again if the problem is reported {_times(int(rule.get('count', 0)))} "
            f"in {period(rule.get('window'))}."
        )
    return result
