"""The whole decision: every route, discretion, the senior manager's route, and its words."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from thresholds.engine.dates import DISCRETIONARY_FACTORS
from thresholds.engine.model import (
    Complaint,
    Decision,
    RouteResult,
    incident_groups,
    possible_duplicates,
    primary_route,
)
from thresholds.engine.route import evaluate_route


def _discretion(rules: dict, factors: dict) -> tuple[list[dict], list[str]]:
    allowed = rules.get("discretionary_factors") or []
    recorded, problems = [], []
    for key, rationale in sorted((factors.get("discretionary") or {}).items()):
        text = str(rationale or "").strip()
        if key not in allowed:
            problems.append(f"'{key}' is not a factor this procedure allows; it was not used")
        elif not text:
            problems.append(f"'{key}' was recorded without a rationale; it was not used")
        else:
            recorded.append(
                {"factor": key, "label": DISCRETIONARY_FACTORS.get(key, key), "rationale": text}
            )
    return recorded, problems


def _senior_manager(rules: dict, factors: dict) -> tuple[dict | None, list[str]]:
    given = factors.get("senior_manager")
    if not given:
        return None, []
    route = rules.get("senior_manager_route")
    if not route:
        return None, ["this procedure has no senior-manager route; it was not used"]
    who = {w["key"]: w["label"] for w in route.get("who", [])}
    role = given.get("role")
    if role not in who:
        return None, [
            f"the senior-manager route needs one of: {', '.join(who.values())}; it was not used"
        ]
    if not str(given.get("rationale") or "").strip():
        return None, ["the senior-manager route needs a rationale; it was not used"]
    return {
        "role": role,
        "role_label": who[role],
        "name": str(given.get("name") or ""),
        "rationale": str(given["rationale"]).strip(),
    }, []


def evaluate(
    rules: dict,
    complaints: list[Complaint],
    application_date: dt.date,
    factors: dict | None = None,
    *,
    duplicates: bool = True,
) -> Decision:
    """Evaluate the procedure's threshold: routes are tried in turn (OR between them);
    recorded discretionary factors and the senior-manager route can accept it too.

    ``duplicates=False`` leaves out the reports that may be duplicates (an empty list):
    detection keeps only the verdict (``Decision.verdict``), and reads no agency."""
    factors = factors or {}
    complaints = sorted(complaints, key=lambda c: c.sort_key)
    # Which reports are one incident does not depend on the route: found once.
    groups = incident_groups(complaints)
    routes = [
        evaluate_route(r, complaints, application_date, factors, groups=groups)
        for r in rules["routes"]
    ]
    met_by = [r.key for r in routes if r.met]
    discretion, problems = _discretion(rules, factors)
    senior, senior_problems = _senior_manager(rules, factors)
    problems += senior_problems
    if discretion:
        met_by.append("discretion")
    if senior:
        met_by.append("senior_manager")
    primary = primary_route(routes)
    counted_in = [(r, set(r.counted)) for r in routes]
    shown = set(primary.counted) if primary is not None else set()
    for r, ids in counted_in:
        if r.met:
            shown |= ids
    listed = []
    for c in complaints:
        counted_by = [r.key for r, ids in counted_in if c.id in ids]
        counted = c.id in shown
        listed.append(
            {
                "id": c.id,
                "incident_date": c.incident_date.isoformat(),
                "reported_date": c.reported_date.isoformat() if c.reported_date else None,
                "agency": c.agency,
                "kind": c.kind,
                "counted": counted,
                "counted_by": counted_by,
                "reasons": [] if counted else (primary.reasons.get(c.id, []) if primary else []),
            }
        )
    decision = Decision(
        met=bool(met_by),
        met_by=met_by,
        application_date=application_date,
        routes=routes,
        complaints=listed,
        factors={
            "discretionary": discretion,
            "senior_manager": senior,
            "asb_persists": factors.get("asb_persists"),
            "not_used": problems,
        },
        possible_duplicates=possible_duplicates(complaints, groups) if duplicates else [],
        reasons_text="",
    )
    decision.reasons_text = reasons_paragraph(decision)
    return decision


def _when(complaint: dict) -> str:
    """A report as the applicant knows it: by the date it happened, not a database id."""
    return _day_in_words(complaint["incident_date"])


@lru_cache(maxsize=4096)
def _day_in_words(iso: str) -> str:
    """'1 September 2026' for '2026-09-01' (pure, so remembered: detection words the same
    few hundred dates for every victim)."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def _plain(reason: str) -> str:
    """A reason as the applicant may read it: no record ids, no other complainant's key."""
    reason = re.sub(r"duplicate of #\S+", "a second report of an incident already counted", reason)
    reason = re.sub(r"made by a different complainant \(.*?\)", "reported by someone else", reason)
    return reason.replace("reported by someone else from those counted", "reported by someone else")


def _route_sentence(route: RouteResult, by_id: dict, lead: str) -> str:
    counted = ", ".join(_when(by_id[cid]) for cid in route.counted if cid in by_id) or "none"
    if route.met:
        verdict = f"This was met: {'; '.join(route.conditions)}"
    else:
        verdict = f"This was not met: {'; '.join(route.unmet)}"
    return f"{lead} {route.summary}. {verdict}. Incidents counted: {counted}."


def reasons_paragraph(decision: Decision) -> str:
    """The plain-English reasons (used on the case page and in the CR3 letter).

    It explains one route: the first met, else the one that came closest, with the
    reports it did not count and why; then it names the other routes tried and how each
    fell short. Reports are named by the date of the incident, so the letter makes sense
    to the applicant; the per-report explanation on the case page keeps the record ids.
    """
    by_id = {c["id"]: c for c in decision.complaints}
    primary = decision.primary
    others = [r for r in decision.routes if r is not primary]
    if decision.met:
        sentences = ["The threshold for a case review is met."]
    else:
        sentences = ["The threshold for a case review is not met."]
    if primary is not None:
        if not others:
            lead = "The rule asks for"
        elif primary.met:
            lead = "It is met under the rule asking for"
        else:
            lead = "The rule that came closest asks for"
        sentences.append(_route_sentence(primary, by_id, lead))
        excluded = [
            (by_id[cid], reasons)
            for cid, reasons in primary.reasons.items()
            if cid in by_id and not by_id[cid]["counted"]
        ]
        if excluded:
            parts = [
                f"the incident of {_when(c)} ({'; '.join(_plain(r) for r in reasons)})"
                for c, reasons in excluded
            ]
            sentences.append("Not counted: " + "; ".join(parts) + ".")
    if others:
        tried = [
            f"{r.summary} ({'met' if r.met else 'not met: ' + '; '.join(r.unmet)})" for r in others
        ]
        sentences.append("Also tried: " + "; and ".join(tried) + ".")
    for item in decision.factors["discretionary"]:
        sentences.append(
            f"The bodies used their discretion because of {item['label']}: {item['rationale']}"
        )
    senior = decision.factors["senior_manager"]
    if senior:
        sentences.append(
            f"A senior manager ({senior['role_label']}"
            f"{', ' + senior['name'] if senior['name'] else ''}) decided a review is needed "
            f"to safeguard a vulnerable victim: {senior['rationale']}"
        )
    return " ".join(s if s.endswith(".") else s + "." for s in sentences)
