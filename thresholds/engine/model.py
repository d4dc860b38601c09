"""What the engine takes and gives: a complaint, one route's result, the decision; and one incident reported more than once, which counts once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields

from thresholds.engine.dates import DIARY_SHEET, REPORT


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
    def of(cls, **values) -> Complaint:
        """``Complaint(**values)``, built faster: the frozen dataclass's ``__init__`` sets
        each field through ``object.__setattr__``, a third of the cost of detection's
        111,476 complaints at county scale. The same object (equal, same hash, still
        frozen); fields not given take their defaults, and a wrong call is refused as the
        dataclass refuses it."""
        if values.keys() - _COMPLAINT_DEFAULTS.keys() or not values.keys() >= _REQUIRED:
            return cls(**values)  # raises the dataclass's own TypeError
        complaint = object.__new__(cls)
        complaint.__dict__.update(_COMPLAINT_DEFAULTS, **values)
        return complaint

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


_REQUIRED = {"id", "incident_date"}
_COMPLAINT_DEFAULTS = {
    f.name: None if f.name in _REQUIRED else f.default for f in fields(Complaint)
}


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

    def verdict(self) -> dict:
        """What a review suggestion keeps of the decision (``thresholds.detection``): the
        verdict, what each route counted and the paragraph of reasons the queue shows.

        Not the working behind it (each report's row, each route's exclusions, possible
        duplicates): the reports are the incident log's own rows (the suggestion's
        ``incident_ids``), and when a case is opened the engine explains its threshold in
        full again, on the case's complaints. About a fifth of the explanation's size."""
        return {
            "met": self.met,
            "met_by": list(self.met_by),
            "application_date": self.application_date.isoformat(),
            "count": self.count,
            "routes": [
                {"key": r.key, "met": r.met, "counted": list(r.counted)} for r in self.routes
            ],
            "reasons_text": self.reasons_text,
        }


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


def possible_duplicates(
    complaints: list[Complaint], groups: dict[str, str] | None = None
) -> list[list[str]]:
    """Reports to different agencies with the same incident date and location, not yet
    linked: suggested for staff to confirm. They are not treated as duplicates until then.
    (``groups``: the complaints' ``incident_groups``, when the caller has them.)"""
    if groups is None:
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


def primary_route(routes: list[RouteResult]) -> RouteResult | None:
    """The first met route, else the route that came closest (the first of equals)."""
    best = None
    for route in routes:
        if best is None or route.closeness > best.closeness:
            best = route
    return best
