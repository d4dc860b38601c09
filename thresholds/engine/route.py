"""One route of the threshold evaluated against the complaints, each with its reason."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import defaultdict

from thresholds.conditions import LOCATION_LINK_WORDS, RouteSpec, compile_route
from thresholds.engine.dates import KIND_LABELS, _fmt, describe_period, plural, shift
from thresholds.engine.model import Complaint, RouteResult, incident_groups
from thresholds.route_fields import (
    ALL_OF,
    COMMUNITY,
    COMPLAINTS_IN_WINDOW,
)


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


def _exclusion(
    spec: RouteSpec, c: Complaint, application_date: dt.date, start: dt.date | None = None
) -> str:
    """Why this complaint cannot count for this route, whatever the others are ("" if it
    can). One reason: the first that applies, in a fixed order. (``start``: the window's
    first day for a window ending on the application date, when the caller has it.)"""
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
        if start is None:
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
    """The complaint's group: its parts in ``GROUP_PARTS`` order, those the route uses."""
    key = []
    if spec.same_complainant:
        key.append(_norm(c.complainant))
    if spec.same_issue:
        key.append(_norm(c.issue))
    if spec.groups_by_location:
        key.append(places.get(c.id, ""))
    return tuple(key)


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


_COMPILED: dict[int, tuple[dict, dict, RouteSpec, dict]] = {}


def _compiled(route: dict) -> tuple[RouteSpec, dict]:
    """The route compiled, and its summaries by application date, remembered while the
    route is unchanged: detection evaluates the same few routes for every victim. Found
    by the dict itself (held, so its address is not reused) and kept only while it still
    equals a copy taken when it was compiled: a route changed in place is compiled
    afresh."""
    hit = _COMPILED.get(id(route))
    if hit is not None and hit[0] is route and hit[1] == route:
        return hit[2], hit[3]
    if len(_COMPILED) >= 256:
        _COMPILED.clear()
    spec, summaries = compile_route(route), {}
    _COMPILED[id(route)] = (route, copy.deepcopy(route), spec, summaries)
    return spec, summaries


def evaluate_route(
    route: dict,
    complaints: list[Complaint],
    application_date: dt.date,
    factors: dict,
    *,
    groups: dict[str, str] | None = None,
) -> RouteResult:
    """One route. Every complaint ends up either counted or with exactly one reason.
    (``groups``: the complaints' ``incident_groups``, when the caller has them.)"""
    spec, summaries = _compiled(route)
    summary = summaries.get(application_date)
    if summary is None:
        if len(summaries) >= 64:
            summaries.clear()
        summary = summaries[application_date] = _route_summary(spec, application_date)
    needed = spec.incidents if spec.incidents is not None else spec.distinct_complainants
    result = RouteResult(
        key=spec.key,
        kind=spec.kind,
        met=False,
        summary=summary,
        needed=needed,
    )
    ordered = sorted(complaints, key=lambda c: c.sort_key)
    reasons: dict[str, str] = {}
    if not spec.same_incident_counts_once:
        groups = {c.id: c.id for c in ordered}
    elif groups is None:
        groups = incident_groups(ordered)
    places = location_components(spec, ordered) if spec.groups_by_location else {}
    eligible: list[Complaint] = []
    start = shift(application_date, spec.window, -1) if spec.anchor == "application" else None
    for c in ordered:
        why = _exclusion(spec, c, application_date, start)
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
    group_of = {c.id: _group_key(spec, c, places) for c in pool}
    for c in pool:
        by_group[group_of[c.id]].append(c)
    within = spec.application_within_of_latest
    recent = spec.latest_within_of_request
    recent_start = shift(application_date, recent, -1) if recent else None

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
        return not (recent and latest_incident < recent_start)

    # The candidate that meets the route, else the one that came closest: the most
    # counted, then in time, then the most recent.
    best_key, best_members, best_rank = (), [], None
    for key in sorted(by_group):
        for members in _windows(spec, by_group[key]):
            latest = max(_complaint_date(c) for c in members)
            timely = in_time(members)
            rank = (enough(members) and timely, share(members), timely, latest)
            if best_rank is None or rank > best_rank:
                best_key, best_members, best_rank = key, members, rank
    best_ids = {c.id for c in best_members}
    first = min((c.incident_date for c in best_members), default=None)
    for c in pool:
        if c.id in best_ids:
            continue
        mine = group_of[c.id]
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
