"""The fields each kind of threshold route accepts: the one list both the validator
(``thresholds.rules``) and the engine (``thresholds.engine``) read.

A field not listed for a kind is refused when the procedure is saved, and the engine reads
every setting through ``setting()``, so nothing in a route is ever silently ignored.
``tests/thresholds/test_route_fields.py`` proves each listed field changes an outcome.
Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPLAINTS_IN_WINDOW = "complaints_in_window"
COMMUNITY = "community"
ALL_OF = "all_of"
ROUTE_KINDS = (COMPLAINTS_IN_WINDOW, COMMUNITY, ALL_OF)


@dataclass(frozen=True)
class RouteField:
    """One field of a route: its type, default and meaning (``thresholds.rules`` validates
    against it, the engine reads every setting through ``setting()``)."""

    type: str  # text, kind, whole, period, choice, flag, kinds
    meaning: str
    required: bool = False
    default: object = None
    choices: tuple = ()
    example: object = None


_KEY = RouteField("text", "a short name, unique in the procedure", required=True, example="r")
_KIND = RouteField("kind", "complaints_in_window, community or all_of", required=True, example="")
_WINDOW = RouteField(
    "period",
    "how far back complaints count",
    required=True,
    example={"amount": 6, "unit": "months"},
)
_ANCHOR = RouteField(
    "choice",
    "application (the window ends on the application date) or rolling (counted from the "
    "first incident)",
    default="application",
    choices=("application", "rolling"),
    example="application",
)
_LAG = RouteField(
    "period",
    "each complaint reported within this time of the incident",
    example={"amount": 30, "unit": "days"},
)
_WITHIN = RouteField(
    "period",
    "the application made within this time of the latest complaint counted",
    example={"amount": 6, "unit": "months"},
)
_ONCE = RouteField(
    "flag", "reports linked as the same incident count once", default=False, example=True
)
_EXCLUDE = RouteField(
    "kinds", "kinds of record that never count (diary_sheet)", default=(), example=["diary_sheet"]
)
_HATE = RouteField("flag", "only hate-motivated incidents count", default=False, example=False)
_PERSIST = RouteField(
    "flag", "the behaviour must still be persisting", default=False, example=False
)

ROUTE_FIELDS: dict[str, dict[str, RouteField]] = {
    COMPLAINTS_IN_WINDOW: {
        "key": _KEY,
        "kind": _KIND,
        "count": RouteField(
            "whole", "how many qualifying complaints are needed", required=True, example=3
        ),
        "window": _WINDOW,
        "window_anchor": _ANCHOR,
        "report_lag": _LAG,
        "application_within_of_latest": _WITHIN,
        "same_incident_counts_once": _ONCE,
        "exclude_kinds": _EXCLUDE,
        "same_issue": RouteField(
            "flag", "all about the same or a similar issue", default=False, example=True
        ),
        "same_complainant": RouteField(
            "flag", "all made by one complainant", default=False, example=True
        ),
        "hate_only": _HATE,
        "require_persisting": _PERSIST,
    },
    COMMUNITY: {
        "key": _KEY,
        "kind": _KIND,
        "distinct_complainants": RouteField(
            "whole", "how many different complainants are needed", required=True, example=3
        ),
        "group_by": RouteField(
            "choice",
            "issue (about the same or a similar issue) or location (about the same place)",
            default="issue",
            choices=("issue", "location"),
            example="location",
        ),
        "window": _WINDOW,
        "window_anchor": _ANCHOR,
        "report_lag": _LAG,
        "application_within_of_latest": _WITHIN,
        "same_incident_counts_once": _ONCE,
        "exclude_kinds": _EXCLUDE,
        "hate_only": _HATE,
        "require_persisting": _PERSIST,
    },
    ALL_OF: {
        "key": _KEY,
        "kind": _KIND,
        "conditions": RouteField(
            "conditions",
            "the conditions that must all hold (thresholds.conditions.CONDITIONS)",
            required=True,
            example=[
                {"incidents": 3},
                {"window": {"amount": 6, "unit": "months"}},
            ],
        ),
    },
}
"""For each route kind, every field it accepts. A field not listed for a kind is refused
when the procedure is saved, so nothing in a route is ever silently ignored."""

NEEDED_FIELD = {COMPLAINTS_IN_WINDOW: "count", COMMUNITY: "distinct_complainants"}
"""What a shorthand kind counts (an ``all_of`` route names its measures as conditions)."""


def setting(route: dict, name: str):
    """A route's setting, or its default. Raises KeyError for a field the kind does not
    accept, so the engine cannot come to depend on a field the validator refuses."""
    spec = ROUTE_FIELDS[route["kind"]][name]
    return route.get(name, spec.default)
