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

from thresholds.conditions import LOCATION_LINK_WORDS, RouteSpec, compile_route
from thresholds.route_fields import (  # noqa: F401 (re-exported: the engine's vocabulary)
    ALL_OF,
    COMMUNITY,
    COMPLAINTS_IN_WINDOW,
    NEEDED_FIELD,
    ROUTE_FIELDS,
    ROUTE_KINDS,
    RouteField,
    setting,
)

REPORT = "report"
DIARY_SHEET = "diary_sheet"


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


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 day', '2 days', '1 different complainant': the one place words agree with a number."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


def describe_period(period: dict) -> str:
    amount, unit = int(period["amount"]), period["unit"]
    if unit == "months":
        return plural(amount, "calendar month")
    return plural(amount, unit[:-1] if unit.endswith("s") else unit)


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
    postcode: str = ""
    building: str = ""
    uprn: str = ""
    location_links: tuple[str, ...] = ()
    """Ids of the complaints an officer has linked this one's location to, on the case."""

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
            postcode=str(data.get("postcode") or ""),
            building=str(data.get("building") or ""),
            uprn=str(data.get("uprn") or ""),
            location_links=tuple(str(x) for x in data.get("location_links") or ()),
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
    unmet: list[str] = field(default_factory=list)
    group: str = ""
    score: int = 0
    share: float = 0.0

    @property
    def closeness(self) -> tuple:
        """How near the route came: met first, then the share of what it needs, then the
        fewest conditions failing."""
        return (self.met, self.share, -len(self.unmet))

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
            "unmet": list(self.unmet),
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
        """Qualifying complaints counted by the primary route."""
        primary = self.primary
        return len(primary.counted) if primary else 0

    @property
    def primary(self) -> RouteResult | None:
        """The route the explanation is about: the first met, else the one that came
        closest (the first of equals)."""
        return primary_route(self.routes)

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


def norm_address(text: str) -> str:
    """An address or place name compared as written, ignoring case, spacing, hyphens,
    commas and full stops ("12 High St., Barnet" = "12 high st barnet")."""
    return " ".join(re.sub(r"[-,.]", " ", text.lower()).split())


def norm_postcode(text: str) -> str:
    """A postcode unit compared without case or spaces ("wd6 1ab" = "WD6 1AB")."""
    return "".join(text.upper().split())


def has_location(c: Complaint) -> bool:
    return any(x.strip() for x in (c.location, c.postcode, c.building, c.uprn))


def location_components(spec: RouteSpec, complaints: list[Complaint]) -> dict[str, str]:
    """Map each complaint id to its location: complaints whose locations are linked by any
    of the route's links (the same address or UPRN, the same building in one postcode, the
    same postcode unit, an officer's link) share one, named by its earliest complaint.
    Links are followed through chains. The shorthand community route keeps its rule: the
    location text as recorded, compared ignoring case and spacing."""
    if spec.kind != ALL_OF:
        return {c.id: _norm(c.location) for c in complaints}
    ordered = sorted(complaints, key=lambda c: c.sort_key)
    parent = {c.id: c.id for c in ordered}
    rank = {c.id: i for i, c in enumerate(ordered)}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a, b):
        a, b = find(a), find(b)
        if a != b:
            first, second = sorted((a, b), key=rank.__getitem__)
            parent[second] = first

    seen: dict[tuple, str] = {}
    for c in ordered:
        keys = []
        if "address" in spec.location_links:
            if norm_address(c.location):
                keys.append(("address", norm_address(c.location)))
            if c.uprn.strip():
                keys.append(("uprn", c.uprn.strip()))
        if "building" in spec.location_links and c.building.strip():
            keys.append(("building", norm_address(c.building), norm_postcode(c.postcode)))
        if "postcode" in spec.location_links and norm_postcode(c.postcode):
            keys.append(("postcode", norm_postcode(c.postcode)))
        for key in keys:
            if key in seen:
                join(c.id, seen[key])
            else:
                seen[key] = c.id
        if "officer" in spec.location_links:
            for other in c.location_links:
                if other in parent:
                    join(c.id, other)
    return {c.id: find(c.id) for c in ordered}


def _exclusion(spec: RouteSpec, c: Complaint, application_date: dt.date) -> str:
    """Why this complaint cannot count for this route, whatever the others are ("" if it
    can). One reason: the first that applies, in a fixed order."""
    if c.incident_date > application_date:
        return "the incident is after the application date"
    if c.reported_date and c.reported_date < c.incident_date:
        return "reported before the incident date (check the dates)"
    if c.kind in spec.exclude_kinds:
        return f"{KIND_LABELS.get(c.kind, c.kind)} never counts as a qualifying complaint"
    if spec.needs_complainant and not _norm(c.complainant):
        return "the complainant is not recorded"
    if spec.needs_location and not has_location(c):
        return "the location is not recorded"
    if spec.anchor == "application":
        start = shift(application_date, spec.window, -1)
        if c.incident_date < start:
            return (
                f"outside the window: before {_fmt(start)} "
                f"({describe_period(spec.window)} before the application)"
            )
    if spec.hate_only and not c.hate:
        return "not recorded as hate-motivated"
    lag = spec.report_lag
    if lag:
        if c.reported_date is None:
            return "the date it was reported is not recorded"
        limit = shift(c.incident_date, lag)
        if c.reported_date > limit:
            days = (c.reported_date - c.incident_date).days
            return (
                f"late report: reported {plural(days, 'day')} after the incident, later than "
                f"{describe_period(lag)} (by {_fmt(limit)})"
            )
    return ""


def _complaint_date(c: Complaint) -> dt.date:
    return c.reported_date or c.incident_date


def _links_words(spec: RouteSpec) -> str:
    words = [LOCATION_LINK_WORDS[link] for link in spec.location_links]
    if len(words) > 1:
        return ", ".join(words[:-1]) + " or " + words[-1]
    return words[0]


def _what(spec: RouteSpec) -> str:
    """What the route counts, in words (the shorthand kinds keep their own wording)."""
    hate = "hate-motivated " if spec.hate_only else ""
    if spec.kind == COMMUNITY:
        what = plural(spec.distinct_complainants, "different complainant")
        if spec.groups_by_location:
            return what + f" about {hate}incidents at the same location"
        return what + f" about {hate}incidents of the same or a similar issue"
    if spec.kind == COMPLAINTS_IN_WINDOW:
        what = plural(spec.incidents, f"{hate}qualifying complaint")
    elif spec.incidents is not None:
        what = plural(spec.incidents, f"{hate}qualifying incident")
        if spec.distinct_complainants is not None:
            what += f" reported by {plural(spec.distinct_complainants, 'different complainant')}"
    else:
        what = f"{plural(spec.distinct_complainants, 'different complainant')} reporting {hate}incidents"
    if spec.same_complainant:
        what += " by one complainant"
    if spec.same_issue:
        what += " about the same or a similar issue"
    if spec.groups_by_location:
        what += f" at the same or a linked location ({_links_words(spec)})"
    return what


def _route_summary(spec: RouteSpec, application_date: dt.date) -> str:
    window = spec.window
    if spec.anchor == "application":
        start = shift(application_date, window, -1)
        where = (
            f"within the {describe_period(window)} before the application "
            f"({_fmt(start)} to {_fmt(application_date)}, both days included)"
        )
    elif spec.anchor == "first_incident":
        where = f"within {describe_period(window)} of the first incident counted"
    else:
        where = f"within any period of {describe_period(window)} (counted from the first incident)"
    parts = [f"{_what(spec)} {where}"]
    if spec.report_lag:
        parts.append(f"each reported within {describe_period(spec.report_lag)} of the incident")
    if spec.same_incident_counts_once:
        parts.append("the same incident reported more than once counted once")
    if spec.latest_within_of_request:
        start = shift(application_date, spec.latest_within_of_request, -1)
        parts.append(
            f"the latest incident within {describe_period(spec.latest_within_of_request)} "
            f"before the application (on or after {_fmt(start)})"
        )
    if spec.application_within_of_latest:
        parts.append(
            f"the application made within {describe_period(spec.application_within_of_latest)}"
            " of the latest one"
        )
    if spec.still_persisting:
        parts.append("the behaviour still persisting")
    return ", ".join(parts)


def _windows(spec: RouteSpec, members: list[Complaint]) -> list[list[Complaint]]:
    """The sets of complaints that may count together for one group: all of them for a
    window ending on the application date; those within the window from the group's first
    incident; else one per first incident (rolling)."""
    if spec.anchor == "application":
        return [members]
    ordered = sorted(members, key=lambda c: c.sort_key)
    if spec.anchor == "first_incident":
        end = shift(ordered[0].incident_date, spec.window)
        return [[c for c in ordered if c.incident_date <= end]]
    out = []
    for i, first in enumerate(ordered):
        end = shift(first.incident_date, spec.window)
        out.append([c for c in ordered[i:] if c.incident_date <= end])
    return out


GROUP_PARTS = (
    ("complainant", "same_complainant"),
    ("issue", "same_issue"),
    ("location", "groups_by_location"),
)


def _group_key(spec: RouteSpec, c: Complaint, places: dict[str, str]) -> tuple:
    values = {
        "complainant": _norm(c.complainant),
        "issue": _norm(c.issue),
        "location": places.get(c.id, ""),
    }
    return tuple(values[name] for name, flag in GROUP_PARTS if getattr(spec, flag))


def _shown(text: str) -> str:
    return " ".join(text.split()) or "not stated"


def _place(c: Complaint) -> str:
    return _shown(c.location or c.postcode or c.building)


def _different_group(spec: RouteSpec, c: Complaint, mine: tuple, best_key: tuple) -> str:
    """Why a complaint in another group than the one counted does not count, in its own
    words (the group is compared normalised, the text shown as recorded)."""
    names = [name for name, flag in GROUP_PARTS if getattr(spec, flag)]
    differs = [n for n, a, b in zip(names, mine, best_key, strict=True) if a != b]
    words = {
        "complainant": f"made by a different complainant ({_shown(c.complainant)})",
        "issue": f"about a different issue ({_shown(c.issue)})",
        "location": f"at a different location ({_place(c)})",
    }
    if spec.kind == ALL_OF and "location" in differs:
        words["location"] = f"at a location not the same as or linked to ({_place(c)})"
        return " ".join(words[n] for n in differs) + " those counted"
    return " ".join(words[n] for n in differs) + " from those counted"


def _distinct_complainants(members: list[Complaint]) -> int:
    return len({_norm(c.complainant) for c in members if _norm(c.complainant)})


def _measures(spec: RouteSpec, members: list[Complaint]) -> list[tuple[int, int]]:
    """(counted, needed) for each measure the route has."""
    out = []
    if spec.incidents is not None:
        out.append((len(members), spec.incidents))
    if spec.distinct_complainants is not None:
        out.append((_distinct_complainants(members), spec.distinct_complainants))
    return out


def evaluate_route(
    route: dict, complaints: list[Complaint], application_date: dt.date, factors: dict
) -> RouteResult:
    """One route. Every complaint ends up either counted or with exactly one reason."""
    spec = compile_route(route)
    needed = spec.incidents if spec.incidents is not None else spec.distinct_complainants
    result = RouteResult(
        key=spec.key,
        kind=spec.kind,
        met=False,
        summary=_route_summary(spec, application_date),
        needed=needed,
    )
    ordered = sorted(complaints, key=lambda c: c.sort_key)
    reasons: dict[str, str] = {}
    groups = (
        incident_groups(ordered)
        if spec.same_incident_counts_once
        else {c.id: c.id for c in ordered}
    )
    places = location_components(spec, ordered) if spec.groups_by_location else {}
    eligible: list[Complaint] = []
    for c in ordered:
        why = _exclusion(spec, c, application_date)
        if why:
            reasons[c.id] = why
        else:
            eligible.append(c)
    # One report per incident: the earliest eligible report stands for the incident.
    representative: dict[str, Complaint] = {}
    for c in eligible:
        representative.setdefault(groups[c.id], c)
    pool = []
    for c in eligible:
        rep = representative[groups[c.id]]
        if rep.id != c.id:
            reasons[c.id] = f"duplicate of #{rep.id} (the same incident counts once)"
        else:
            pool.append(c)

    by_group: dict[tuple, list[Complaint]] = defaultdict(list)
    for c in pool:
        by_group[_group_key(spec, c, places)].append(c)
    within = spec.application_within_of_latest
    recent = spec.latest_within_of_request

    def share(members) -> tuple:
        ratios = [have / need for have, need in _measures(spec, members)]
        return (min(ratios), sum(ratios))

    def enough(members) -> bool:
        return all(have >= need for have, need in _measures(spec, members))

    def in_time(members):
        if not members:
            return not (within or recent)
        if within and application_date > shift(max(_complaint_date(c) for c in members), within):
            return False
        latest_incident = max(c.incident_date for c in members)
        return not (recent and latest_incident < shift(application_date, recent, -1))

    # The candidate that meets the route, else the one that came closest: the most
    # counted, then in time, then the most recent.
    best_key, best_members, best_rank = (), [], None
    for key in sorted(by_group):
        for members in _windows(spec, by_group[key]):
            latest = max(_complaint_date(c) for c in members)
            rank = (enough(members) and in_time(members), share(members), in_time(members), latest)
            if best_rank is None or rank > best_rank:
                best_key, best_members, best_rank = key, members, rank
    best_ids = {c.id for c in best_members}
    first = min((c.incident_date for c in best_members), default=None)
    for c in pool:
        if c.id in best_ids:
            continue
        mine = _group_key(spec, c, places)
        if mine != best_key:
            reasons[c.id] = _different_group(spec, c, mine, best_key)
        elif spec.anchor == "first_incident":
            reasons[c.id] = (
                f"not within {describe_period(spec.window)} of the first incident counted "
                f"({_fmt(first)})"
            )
        else:
            reasons[c.id] = f"not within {describe_period(spec.window)} of the complaints counted"
    result.counted = [c.id for c in sorted(best_members, key=lambda c: c.sort_key)]
    result.reasons = {c.id: [reasons[c.id]] for c in ordered if c.id in reasons}
    result.group = _group_label(spec, best_key, best_members) if best_members else ""
    measures = _measures(spec, best_members)
    result.score = measures[0][0]
    result.share = min(min(have, need) / max(need, 1) for have, need in measures)

    def check(ok: bool, text: str):
        result.conditions.append(text)
        if not ok:
            result.unmet.append(text)

    if spec.incidents is not None:
        have = len(best_members)
        if spec.kind == COMPLAINTS_IN_WINDOW:
            check(have >= spec.incidents, f"{have} counted, {spec.incidents} needed")
        else:
            check(
                have >= spec.incidents,
                f"{plural(have, 'qualifying incident')} counted, {spec.incidents} needed",
            )
    if spec.distinct_complainants is not None:
        people = _distinct_complainants(best_members)
        check(
            people >= spec.distinct_complainants,
            f"{plural(people, 'different complainant')} counted, {spec.distinct_complainants} needed",
        )
    if recent and best_members:
        latest = max(c.incident_date for c in best_members)
        start = shift(application_date, recent, -1)
        if latest < start:
            check(
                False,
                f"the latest qualifying incident ({_fmt(latest)}) is more than "
                f"{describe_period(recent)} before the application on {_fmt(application_date)} "
                f"(it needed to be on or after {_fmt(start)})",
            )
        else:
            check(
                True,
                f"the latest qualifying incident ({_fmt(latest)}) is within "
                f"{describe_period(recent)} before the application",
            )
    if within and best_members:
        latest = max(_complaint_date(c) for c in best_members)
        limit = shift(latest, within)
        if application_date > limit:
            check(
                False,
                f"the application on {_fmt(application_date)} is more than "
                f"{describe_period(within)} after the latest qualifying complaint "
                f"({_fmt(latest)}; the last day was {_fmt(limit)})",
            )
        else:
            check(
                True,
                f"the application is within {describe_period(within)} of the latest "
                f"qualifying complaint ({_fmt(latest)})",
            )
    if spec.still_persisting:
        persists = factors.get("asb_persists")
        if persists is True:
            check(True, "the behaviour still persists")
        else:
            check(
                False,
                "the behaviour must still persist, and that is "
                + ("recorded as no" if persists is False else "not recorded"),
            )
    result.met = not result.unmet
    return result


def _group_label(spec: RouteSpec, key: tuple, members: list[Complaint]) -> str:
    names = [name for name, flag in GROUP_PARTS if getattr(spec, flag)]
    shown = []
    for name, part in zip(names, key, strict=True):
        if name == "location" and spec.kind == ALL_OF:
            shown.append(_place(min(members, key=lambda c: c.sort_key)))
        else:
            shown.append(part or "not stated")
    return " / ".join(shown)


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


def primary_route(routes: list[RouteResult]) -> RouteResult | None:
    """The first met route, else the route that came closest (the first of equals)."""
    best = None
    for route in routes:
        if best is None or route.closeness > best.closeness:
            best = route
    return best


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
    primary = primary_route(routes)
    met_routes = [r for r in routes if r.met]
    listed = []
    for c in complaints:
        counted_by = [r.key for r in routes if c.id in r.counted]
        counted = (primary is not None and c.id in primary.counted) or any(
            c.id in r.counted for r in met_routes
        )
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
