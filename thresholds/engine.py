"""The threshold engine: a pure function from rules and complaints to an explained decision.

No database, no clock, no I/O: ``evaluate(rules, complaints, application_date, factors)``
takes the procedure's ``threshold`` section (a dict, as validated by
``thresholds.rules.validate_section``), a list of ``Complaint`` and the application date,
and returns a ``Decision`` whose ``explanation()`` is JSON-ready. The same function is
used on a case, by ``manage.py evaluate_threshold`` and by the detection job, so there is
one definition of every rule. ``docs/thresholds.md`` explains each rule with examples.

Boundaries (all inclusive, see docs/thresholds.md):
- a window of W months ending on the application date A covers A minus W calendar months
  (day clamped to the month's end) up to A, both days included;
- a report lag of D days allows the report on day D after the incident (day 0 is the
  incident date); a lag of one calendar month allows the same day number next month,
  clamped (31 August -> 30 September).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

REPORT = "report"
DIARY_SHEET = "diary_sheet"

COMPLAINTS_IN_WINDOW = "complaints_in_window"
COMMUNITY = "community"
ROUTE_KINDS = (COMPLAINTS_IN_WINDOW, COMMUNITY)

DISCRETIONARY_FACTORS = {
    "persistence": "the persistence of the anti-social behaviour",
    "harm": "the harm or potential harm caused",
    "adequacy_of_response": "the adequacy of the response to the reports",
    "risk": "the risk to the victim",
    "vulnerability": "the victim's vulnerability",
    "hate": "the behaviour being motivated by hate",
    "cumulative_impact": "the cumulative impact of the behaviour",
}

KIND_LABELS = {DIARY_SHEET: "a diary sheet", REPORT: "a report"}


# -- dates ----------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, with the day clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift(day: dt.date, period: dict, sign: int = 1) -> dt.date:
    amount = int(period["amount"]) * sign
    if period["unit"] == "months":
        return add_months(day, amount)
    return day + dt.timedelta(days=amount)


def describe_period(period: dict) -> str:
    amount, unit = int(period["amount"]), period["unit"]
    word = unit[:-1] if amount == 1 else unit
    if unit == "months":
        word = "calendar month" if amount == 1 else "calendar months"
    return f"{amount} {word}"


def _fmt(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "not recorded"


# -- inputs and outputs ------------------------------------------------------------


@dataclass(frozen=True)
class Complaint:
    """One report of an incident to one agency, or a diary sheet."""

    id: str
    incident_date: dt.date
    reported_date: dt.date | None = None
    agency: str = ""
    kind: str = REPORT
    hate: bool = False
    complainant: str = ""
    issue: str = ""
    location: str = ""
    same_incident_as: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Complaint:
        """Build from the JSON shape of ``evaluate_threshold --complaints`` (extra keys ok)."""

        def date(key, required):
            value = data.get(key)
            if value in (None, ""):
                if required:
                    raise ValueError(f"complaint {data.get('id')!r}: {key} is required")
                return None
            if isinstance(value, dt.date):
                return value
            try:
                return dt.date.fromisoformat(str(value))
            except ValueError as exc:
                raise ValueError(
                    f"complaint {data.get('id')!r}: {key} must be a date as YYYY-MM-DD"
                ) from exc

        if data.get("id") in (None, ""):
            raise ValueError("every complaint needs an id")
        kind = data.get("kind") or REPORT
        if kind not in (REPORT, DIARY_SHEET):
            raise ValueError(f"complaint {data['id']!r}: kind must be report or diary_sheet")
        same = data.get("same_incident_as")
        return cls(
            id=str(data["id"]),
            incident_date=date("incident_date", True),
            reported_date=date("reported_date", False),
            agency=str(data.get("agency") or ""),
            kind=kind,
            hate=bool(data.get("hate", False)),
            complainant=str(data.get("complainant") or ""),
            issue=str(data.get("issue") or ""),
            location=str(data.get("location") or ""),
            same_incident_as=str(same) if same not in (None, "") else None,
        )

    @property
    def sort_key(self):
        return (self.incident_date, self.reported_date or dt.date.max, self.id)


@dataclass
class RouteResult:
    key: str
    kind: str
    met: bool
    summary: str
    needed: int
    counted: list[str] = field(default_factory=list)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    conditions: list[str] = field(default_factory=list)
    group: str = ""

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "kind": self.kind,
            "met": self.met,
            "summary": self.summary,
            "needed": self.needed,
            "count": len(self.counted),
            "counted": list(self.counted),
            "group": self.group,
            "excluded": {cid: list(r) for cid, r in self.reasons.items()},
            "conditions": list(self.conditions),
        }


@dataclass
class Decision:
    met: bool
    met_by: list[str]
    application_date: dt.date
    routes: list[RouteResult]
    complaints: list[dict]
    factors: dict
    possible_duplicates: list[list[str]]
    reasons_text: str

    @property
    def count(self) -> int:
        """Qualifying complaints counted by the primary route (the first met, or the first)."""
        primary = self._primary()
        return len(primary.counted) if primary else 0

    def _primary(self) -> RouteResult | None:
        for route in self.routes:
            if route.met:
                return route
        return self.routes[0] if self.routes else None

    def explanation(self) -> dict:
        return {
            "met": self.met,
            "met_by": list(self.met_by),
            "application_date": self.application_date.isoformat(),
            "count": self.count,
            "routes": [r.as_dict() for r in self.routes],
            "complaints": self.complaints,
            "factors": self.factors,
            "possible_duplicates": self.possible_duplicates,
            "reasons_text": self.reasons_text,
        }


# -- duplicates ----------------------------------------------------------------------


def incident_groups(complaints: list[Complaint]) -> dict[str, str]:
    """Map each complaint id to the id of its incident (reports linked by staff share one).

    Links are followed both ways and transitively; the incident is named by its earliest
    report (by incident date, report date, id), so the result never depends on order.
    """
    by_id = {c.id: c for c in complaints}
    parent = {c.id: c.id for c in complaints}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in complaints:
        if c.same_incident_as and c.same_incident_as in by_id:
            a, b = find(c.id), find(c.same_incident_as)
            if a != b:
                first, second = sorted((a, b), key=lambda i: by_id[i].sort_key)
                parent[second] = first
    return {c.id: find(c.id) for c in complaints}


def possible_duplicates(complaints: list[Complaint]) -> list[list[str]]:
    """Reports to different agencies with the same incident date and location, not yet
    linked: suggested for staff to confirm. They are not treated as duplicates until then."""
    groups = incident_groups(complaints)
    seen: dict[tuple, list[Complaint]] = defaultdict(list)
    for c in sorted(complaints, key=lambda c: c.sort_key):
        place = " ".join(c.location.lower().split())
        if place and c.kind == REPORT:
            seen[(c.incident_date, place)].append(c)
    pairs = []
    for reports in seen.values():
        for i, a in enumerate(reports):
            for b in reports[i + 1 :]:
                if groups[a.id] != groups[b.id] and a.agency != b.agency:
                    pairs.append([a.id, b.id])
    return pairs


# -- one route -------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def _exclusions(route: dict, c: Complaint, application_date: dt.date) -> list[str]:
    """Why this complaint cannot count for this route, whatever the others are (empty: it can)."""
    reasons = []
    if c.kind in route.get("exclude_kinds", []):
        reasons.append(f"{KIND_LABELS.get(c.kind, c.kind)} never counts as a qualifying complaint")
    if route.get("hate_only") and not c.hate:
        reasons.append("not recorded as hate-motivated")
    if c.incident_date > application_date:
        reasons.append("the incident is after the application date")
    lag = route.get("report_lag")
    if lag:
        if c.reported_date is None:
            reasons.append("the date it was reported is not recorded")
        else:
            limit = shift(c.incident_date, lag)
            if c.reported_date > limit:
                days = (c.reported_date - c.incident_date).days
                reasons.append(
                    f"late report: reported {days} days after the incident, later than "
                    f"{describe_period(lag)} (by {_fmt(limit)})"
                )
    if c.reported_date and c.reported_date < c.incident_date:
        reasons.append("reported before the incident date (check the dates)")
    if route.get("window_anchor", "application") == "application":
        start = shift(application_date, route["window"], -1)
        if c.incident_date < start:
            reasons.append(
                f"outside the window: before {_fmt(start)} "
                f"({describe_period(route['window'])} before the application)"
            )
    return reasons


def _complaint_date(c: Complaint) -> dt.date:
    return c.reported_date or c.incident_date


def _route_summary(route: dict, application_date: dt.date) -> str:
    window = describe_period(route["window"])
    if route["kind"] == COMMUNITY:
        what = f"{route['distinct_complainants']} different complainants"
        what += " about the same or a similar issue" if route.get("group_by") != "location" else ""
        what += (
            " about incidents at the same location" if route.get("group_by") == "location" else ""
        )
    else:
        n = route["count"]
        noun = "qualifying complaint" if n == 1 else "qualifying complaints"
        what = f"{n} {'hate-motivated ' if route.get('hate_only') else ''}{noun}"
        if route.get("same_complainant"):
            what += " by one complainant"
        if route.get("same_issue"):
            what += " about the same or a similar issue"
    if route.get("window_anchor", "application") == "application":
        start = shift(application_date, route["window"], -1)
        where = (
            f"within the {window} before the application "
            f"({_fmt(start)} to {_fmt(application_date)}, both days included)"
        )
    else:
        where = f"within any period of {window} (counted from the first incident)"
    parts = [f"{what} {where}"]
    if route.get("report_lag"):
        parts.append(f"each reported within {describe_period(route['report_lag'])} of the incident")
    if route.get("application_within_of_latest"):
        parts.append(
            "the application made within "
            f"{describe_period(route['application_within_of_latest'])} of the latest one"
        )
    if route.get("require_persisting"):
        parts.append("the behaviour still persisting")
    return ", ".join(parts)


def _best_window(route, members: list[Complaint], application_date) -> list[Complaint]:
    """The complaints that count for one group: all in the fixed window, or the latest
    rolling window holding the most complaints that meets the application-date condition."""
    within = route.get("application_within_of_latest")
    if route.get("window_anchor", "application") == "application":
        return members
    ordered = sorted(members, key=lambda c: c.sort_key)
    best: list[Complaint] = []
    for i, first in enumerate(ordered):
        end = shift(first.incident_date, route["window"])
        window = [c for c in ordered[i:] if c.incident_date <= end]
        if within:
            latest = max(_complaint_date(c) for c in window)
            if application_date > shift(latest, within):
                continue
        if len(window) >= len(best):
            best = window
    return best


def evaluate_route(
    route: dict, complaints: list[Complaint], application_date: dt.date, factors: dict
) -> RouteResult:
    kind = route["kind"]
    needed = route["distinct_complainants"] if kind == COMMUNITY else route["count"]
    result = RouteResult(
        key=route["key"],
        kind=kind,
        met=False,
        summary=_route_summary(route, application_date),
        needed=needed,
    )
    groups = (
        incident_groups(complaints)
        if route.get("same_incident_counts_once")
        else {c.id: c.id for c in complaints}
    )
    eligible: list[Complaint] = []
    for c in sorted(complaints, key=lambda c: c.sort_key):
        reasons = _exclusions(route, c, application_date)
        if reasons:
            result.reasons[c.id] = reasons
        else:
            eligible.append(c)
    # One report per incident: the earliest eligible report stands for the incident.
    representative: dict[str, Complaint] = {}
    for c in eligible:
        representative.setdefault(groups[c.id], c)
    counted_pool = []
    for c in eligible:
        rep = representative[groups[c.id]]
        if rep.id != c.id:
            result.reasons[c.id] = [f"duplicate of #{rep.id} (the same incident counts once)"]
        else:
            counted_pool.append(c)

    # Group the pool (one complainant, one issue, one location) and take the best group.
    def group_key(c):
        parts = []
        if kind == COMMUNITY:
            parts.append(_norm(c.location if route.get("group_by") == "location" else c.issue))
        else:
            if route.get("same_complainant"):
                parts.append(_norm(c.complainant))
            if route.get("same_issue"):
                parts.append(_norm(c.issue))
        return tuple(parts)

    by_group: dict[tuple, list[Complaint]] = defaultdict(list)
    for c in counted_pool:
        by_group[group_key(c)].append(c)

    def score(members):
        if kind == COMMUNITY:
            return len({_norm(c.complainant) for c in members if c.complainant})
        return len(members)

    best_key, best_members, best_score = (), [], -1
    for key in sorted(by_group):
        members = _best_window(route, by_group[key], application_date)
        if kind == COMMUNITY and members:
            members = [c for c in members if c.complainant] or members
        s = score(members)
        if s > best_score:
            best_key, best_members, best_score = key, members, s
    best_ids = {c.id for c in best_members}
    for c in counted_pool:
        if c.id not in best_ids:
            if best_key and group_key(c) != best_key:
                label = " / ".join(p or "(not stated)" for p in group_key(c))
                result.reasons[c.id] = [f"a different complainant, issue or location ({label})"]
            else:
                result.reasons[c.id] = [
                    f"not within {describe_period(route['window'])} of the other complaints counted"
                ]
    result.counted = [c.id for c in sorted(best_members, key=lambda c: c.sort_key)]
    result.group = " / ".join(p or "(not stated)" for p in best_key)

    enough = max(best_score, 0) >= needed
    if kind == COMMUNITY:
        result.conditions.append(
            f"{max(best_score, 0)} different complainants counted, {needed} needed"
        )
    else:
        result.conditions.append(f"{len(best_members)} counted, {needed} needed")
    ok = enough
    within = route.get("application_within_of_latest")
    if within and best_members:
        latest = max(_complaint_date(c) for c in best_members)
        limit = shift(latest, within)
        if application_date > limit:
            ok = False
            result.conditions.append(
                f"the application on {_fmt(application_date)} is more than "
                f"{describe_period(within)} after the latest qualifying complaint "
                f"({_fmt(latest)}; the last day was {_fmt(limit)})"
            )
        else:
            result.conditions.append(
                f"the application is within {describe_period(within)} of the latest "
                f"qualifying complaint ({_fmt(latest)})"
            )
    if route.get("require_persisting"):
        persists = factors.get("asb_persists")
        if persists is True:
            result.conditions.append("the behaviour still persists")
        else:
            ok = False
            result.conditions.append(
                "the behaviour must still persist, and that is "
                + ("recorded as no" if persists is False else "not recorded")
            )
    result.met = ok
    return result


# -- discretion and the senior-manager route ------------------------------------------


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


# -- the whole decision ---------------------------------------------------------------


def evaluate(
    rules: dict,
    complaints: list[Complaint],
    application_date: dt.date,
    factors: dict | None = None,
) -> Decision:
    """Evaluate the procedure's threshold: routes are tried in turn (OR between them);
    recorded discretionary factors and the senior-manager route can accept it too."""
    factors = factors or {}
    complaints = sorted(complaints, key=lambda c: c.sort_key)
    routes = [evaluate_route(r, complaints, application_date, factors) for r in rules["routes"]]
    met_by = [r.key for r in routes if r.met]
    discretion, problems = _discretion(rules, factors)
    senior, senior_problems = _senior_manager(rules, factors)
    problems += senior_problems
    if discretion:
        met_by.append("discretion")
    if senior:
        met_by.append("senior_manager")
    primary = next((r for r in routes if r.met), routes[0] if routes else None)
    counted_anywhere = {cid for r in routes if r.met for cid in r.counted}
    listed = []
    for c in complaints:
        counted = c.id in (counted_anywhere or set(primary.counted if primary else []))
        listed.append(
            {
                "id": c.id,
                "incident_date": c.incident_date.isoformat(),
                "reported_date": c.reported_date.isoformat() if c.reported_date else None,
                "agency": c.agency,
                "kind": c.kind,
                "counted": counted,
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
        possible_duplicates=possible_duplicates(complaints),
        reasons_text="",
    )
    decision.reasons_text = reasons_paragraph(decision)
    return decision


def _when(complaint: dict) -> str:
    """A report as the applicant knows it: by the date it happened, not a database id."""
    day = dt.date.fromisoformat(complaint["incident_date"])
    return f"{day.day} {day:%B %Y}"


def _plain(reason: str) -> str:
    return re.sub(r"duplicate of #\S+", "a second report of an incident already counted", reason)


def reasons_paragraph(decision: Decision) -> str:
    """The plain-English reasons (used on the case page and in the CR3 letter).

    Reports are named by the date of the incident, so the letter makes sense to the
    applicant; the per-report explanation on the case page keeps the record ids.
    """
    by_id = {c["id"]: c for c in decision.complaints}
    sentences = []
    routes = decision.routes
    if decision.met:
        sentences.append("The threshold for a case review is met.")
    else:
        sentences.append("The threshold for a case review is not met.")
    for r in routes:
        verdict = "This was met" if r.met else "This was not met"
        counted = ", ".join(_when(by_id[cid]) for cid in r.counted if cid in by_id) or "none"
        sentences.append(
            f"The rule asks for {r.summary}. {verdict}: {'; '.join(r.conditions)} "
            f"(incidents counted: {counted})."
        )
    excluded = [c for c in decision.complaints if not c["counted"] and c["reasons"]]
    if excluded:
        parts = [
            f"the incident of {_when(c)} ({'; '.join(_plain(r) for r in c['reasons'])})"
            for c in excluded
        ]
        sentences.append("Not counted: " + "; ".join(parts) + ".")
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
