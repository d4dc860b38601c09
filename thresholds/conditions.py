"""The rule language: a route is a set of conditions that must all hold.

A procedure writes a route either as one of the shorthand kinds (``complaints_in_window``,
``community``: the fields in ``thresholds.route_fields.ROUTE_FIELDS``) or as
``kind: all_of`` with a list of ``conditions``, each a mapping of one condition name to its
setting (``CONDITIONS`` below). Both compile to one ``RouteSpec``, which is all the engine
reads, so a shorthand and the condition set it stands for are judged by the same code.
Routes combine any-of (``threshold.routes``). Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from thresholds.route_fields import (
    ALL_OF,
    COMMUNITY,
    COMPLAINTS_IN_WINDOW,
    ROUTE_FIELDS,
    setting,
)

ANCHORS = ("application", "first_incident", "rolling")
LOCATION_LINKS = ("address", "building", "postcode", "officer")
LOCATION_LINK_WORDS = {
    "address": "the same address",
    "building": "the same building or block",
    "postcode": "the same postcode",
    "officer": "linked by an officer on the case",
}


@dataclass(frozen=True)
class Condition:
    """One kind of condition: the type of its setting, what it means, an example."""

    type: str  # whole, true, period, window, kinds, location
    meaning: str
    example: object


CONDITIONS: dict[str, Condition] = {
    "incidents": Condition("whole", "at least this many qualifying incidents", 3),
    "distinct_complainants": Condition(
        "whole", "reported by at least this many different complainants", 2
    ),
    "same_complainant": Condition("true", "all reported by one complainant", True),
    "same_issue": Condition("true", "all about the same or a similar issue", True),
    "same_location": Condition(
        "location",
        "all at the same or a linked location; linked_by lists which links count "
        "(address, building, postcode, officer)",
        {"linked_by": ["address", "building", "postcode", "officer"]},
    ),
    "hate_motivated": Condition("true", "only hate-motivated incidents count", True),
    "window": Condition(
        "window",
        "within N days or calendar months, anchored at the application, the first incident "
        "or rolling",
        {"amount": 6, "unit": "months", "anchor": "application"},
    ),
    "report_lag": Condition(
        "period",
        "each incident reported within this time of happening",
        {"amount": 30, "unit": "days"},
    ),
    "latest_within_of_request": Condition(
        "period",
        "the latest incident counted happened within this time before the application",
        {"amount": 1, "unit": "months"},
    ),
    "application_within_of_latest": Condition(
        "period",
        "the application made within this time of the latest report counted",
        {"amount": 6, "unit": "months"},
    ),
    "same_incident_counts_once": Condition(
        "true", "reports linked as the same incident count once", True
    ),
    "exclude_kinds": Condition("kinds", "kinds of record that never count", ["diary_sheet"]),
    "still_persisting": Condition("true", "the behaviour must still be persisting", True),
}
"""Every condition a route of ``kind: all_of`` may list, each at most once. A route needs a
``window`` and at least one of ``incidents`` or ``distinct_complainants``."""

MEASURES = ("incidents", "distinct_complainants")


@dataclass(frozen=True)
class RouteSpec:
    """A route compiled: what the engine reads, whichever way the procedure wrote it."""

    key: str
    kind: str
    window: dict
    anchor: str = "application"
    incidents: int | None = None
    distinct_complainants: int | None = None
    same_complainant: bool = False
    same_issue: bool = False
    location_links: tuple = ()
    hate_only: bool = False
    report_lag: dict | None = None
    latest_within_of_request: dict | None = None
    application_within_of_latest: dict | None = None
    same_incident_counts_once: bool = False
    exclude_kinds: tuple = ()
    still_persisting: bool = False

    @property
    def groups_by_location(self) -> bool:
        return bool(self.location_links)

    @property
    def needs_complainant(self) -> bool:
        """A complaint with no complainant cannot count where people are counted."""
        return self.distinct_complainants is not None

    @property
    def needs_location(self) -> bool:
        """In a condition set, an incident with no location cannot be at a linked one.
        (The community shorthand keeps its rule: the location text as recorded.)"""
        return self.groups_by_location and self.kind == ALL_OF

    @property
    def individual(self) -> bool:
        """About one victim's reports (the detection job suggests reviews from these)."""
        return self.distinct_complainants is None and self.incidents is not None


def conditions_of(route: dict) -> dict:
    """The conditions of an ``all_of`` route as one mapping (name -> setting)."""
    out = {}
    for item in route.get("conditions") or []:
        if isinstance(item, dict) and len(item) == 1:
            ((name, value),) = item.items()
            out[name] = value
    return out


def _links(value) -> tuple:
    if value is True:
        return ("address",)
    given = value.get("linked_by", ["address"]) if isinstance(value, dict) else ["address"]
    return tuple(link for link in LOCATION_LINKS if link in given)


def compile_route(route: dict) -> RouteSpec:
    """A validated route as the engine reads it (a shorthand kind, or ``all_of``)."""
    kind = route["kind"]
    if kind == ALL_OF:
        cond = conditions_of(route)
        window = dict(cond["window"])
        return RouteSpec(
            key=route["key"],
            kind=kind,
            window={"amount": window["amount"], "unit": window["unit"]},
            anchor=window.get("anchor", "application"),
            incidents=cond.get("incidents"),
            distinct_complainants=cond.get("distinct_complainants"),
            same_complainant=bool(cond.get("same_complainant")),
            same_issue=bool(cond.get("same_issue")),
            location_links=_links(cond["same_location"]) if "same_location" in cond else (),
            hate_only=bool(cond.get("hate_motivated")),
            report_lag=cond.get("report_lag"),
            latest_within_of_request=cond.get("latest_within_of_request"),
            application_within_of_latest=cond.get("application_within_of_latest"),
            same_incident_counts_once=bool(cond.get("same_incident_counts_once")),
            exclude_kinds=tuple(cond.get("exclude_kinds") or ()),
            still_persisting=bool(cond.get("still_persisting")),
        )
    common = {
        "key": route["key"],
        "kind": kind,
        "window": setting(route, "window"),
        "anchor": setting(route, "window_anchor"),
        "hate_only": bool(setting(route, "hate_only")),
        "report_lag": setting(route, "report_lag"),
        "application_within_of_latest": setting(route, "application_within_of_latest"),
        "same_incident_counts_once": bool(setting(route, "same_incident_counts_once")),
        "exclude_kinds": tuple(setting(route, "exclude_kinds")),
        "still_persisting": bool(setting(route, "require_persisting")),
    }
    if kind == COMMUNITY:
        by_location = setting(route, "group_by") == "location"
        return RouteSpec(
            **common,
            distinct_complainants=setting(route, "distinct_complainants"),
            same_issue=not by_location,
            location_links=("address",) if by_location else (),
        )
    assert kind == COMPLAINTS_IN_WINDOW and kind in ROUTE_FIELDS
    return RouteSpec(
        **common,
        incidents=setting(route, "count"),
        same_complainant=bool(setting(route, "same_complainant")),
        same_issue=bool(setting(route, "same_issue")),
    )
