"""Invariants of the engine (hypothesis): for every seed procedure, and for random routes
against a brute-force oracle written independently of the engine."""

import calendar
import dataclasses
import datetime as dt
import itertools

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.thresholds.helpers import SEEDS, seed_rules
from thresholds.engine import Complaint, evaluate
from thresholds.rules import validate_section

APPLICATION = dt.date(2026, 9, 1)
RULES = {slug: seed_rules(slug) for slug in SEEDS}
FACTORS = {"asb_persists": True}


@st.composite
def complaints(draw, min_size=0, max_size=7):
    n = draw(st.integers(min_size, max_size))
    out = []
    for i in range(n):
        incident = APPLICATION - dt.timedelta(days=draw(st.integers(0, 420)))
        lag = draw(st.integers(0, 45))
        out.append(
            Complaint(
                id=f"c{i}",
                incident_date=incident,
                reported_date=incident + dt.timedelta(days=lag),
                agency=draw(st.sampled_from(["council", "police", "housing"])),
                kind=draw(st.sampled_from(["report", "report", "report", "diary_sheet"])),
                complainant=draw(st.sampled_from(["victim", "victim", "neighbour"])),
                issue=draw(st.sampled_from(["noise", "noise", "parking"])),
                same_incident_as=None,
            )
        )
    # Link some later reports to earlier ones (same incident, possibly another agency).
    linked = []
    for i, comp in enumerate(out):
        if i and draw(st.booleans()) and draw(st.booleans()):
            target = out[draw(st.integers(0, i - 1))]
            comp = dataclasses.replace(
                comp,
                incident_date=target.incident_date,
                reported_date=max(comp.reported_date, target.incident_date),
                same_incident_as=target.id,
            )
        linked.append(comp)
    return linked


def qualifying_for(slug: str) -> Complaint:
    """A complaint that qualifies under every seed route: recent, timely, same person/issue."""
    return Complaint(
        id="new",
        incident_date=APPLICATION - dt.timedelta(days=10),
        reported_date=APPLICATION - dt.timedelta(days=9),
        agency="council",
        complainant="victim",
        issue="noise",
    )


@settings(max_examples=150, deadline=None)
@given(slug=st.sampled_from(SEEDS), items=complaints())
def test_adding_a_qualifying_complaint_never_turns_met_into_not_met(slug, items):
    before = evaluate(RULES[slug], items, APPLICATION, FACTORS)
    after = evaluate(RULES[slug], [*items, qualifying_for(slug)], APPLICATION, FACTORS)
    assert after.count >= before.count or after.met
    if before.met:
        assert after.met


@settings(max_examples=150, deadline=None)
@given(slug=st.sampled_from(SEEDS), items=complaints(), data=st.data())
def test_reordering_complaints_never_changes_the_result(slug, items, data):
    shuffled = data.draw(st.permutations(items))
    a = evaluate(RULES[slug], items, APPLICATION, FACTORS).explanation()
    b = evaluate(RULES[slug], list(shuffled), APPLICATION, FACTORS).explanation()
    assert a == b


@settings(max_examples=150, deadline=None)
@given(
    slug=st.sampled_from(["staffordshire", "hertsmere", "bedfordshire", "merton"]),
    items=complaints(min_size=1),
    data=st.data(),
)
def test_a_duplicate_never_increases_the_count(slug, items, data):
    """A further report of an incident already recorded, made no earlier than the first."""
    original = data.draw(st.sampled_from(items))
    duplicate = dataclasses.replace(
        original,
        id="dup",
        agency="police" if original.agency != "police" else "council",
        reported_date=original.reported_date + dt.timedelta(days=data.draw(st.integers(0, 40))),
        same_incident_as=original.id,
    )
    before = evaluate(RULES[slug], items, APPLICATION, FACTORS)
    after = evaluate(RULES[slug], [*items, duplicate], APPLICATION, FACTORS)
    assert after.count <= before.count
    assert after.met == before.met


# -- random routes against a brute-force oracle ----------------------------------------------


def _period(draw):
    if draw(st.booleans()):
        return {"amount": draw(st.integers(1, 8)), "unit": "months"}
    return {"amount": draw(st.integers(1, 200)), "unit": "days"}


@st.composite
def random_route(draw, key="r"):
    kind = draw(st.sampled_from(["complaints_in_window", "community"]))
    route = {"key": key, "kind": kind, "window": _period(draw)}
    if kind == "community":
        route["distinct_complainants"] = draw(st.integers(1, 4))
        if draw(st.booleans()):
            route["group_by"] = draw(st.sampled_from(["issue", "location"]))
    else:
        route["count"] = draw(st.integers(1, 4))
        for flag in ("same_issue", "same_complainant"):
            if draw(st.booleans()):
                route[flag] = draw(st.booleans())
    if draw(st.booleans()):
        route["window_anchor"] = draw(st.sampled_from(["application", "rolling"]))
    for optional in ("report_lag", "application_within_of_latest"):
        if draw(st.booleans()):
            route[optional] = _period(draw)
    for flag in ("same_incident_counts_once", "hate_only", "require_persisting"):
        if draw(st.integers(0, 3)) == 0:
            route[flag] = True
    if draw(st.booleans()):
        route["exclude_kinds"] = ["diary_sheet"]
    return route


@st.composite
def random_complaints(draw):
    n = draw(st.integers(0, 7))
    spread = draw(st.sampled_from([60, 200, 400]))
    out = []
    for i in range(n):
        incident = APPLICATION - dt.timedelta(days=draw(st.integers(-10, spread)))
        reported = draw(
            st.one_of(
                st.none(), st.integers(-3, 60).map(lambda d, i=incident: i + dt.timedelta(days=d))
            )
        )
        earlier = [c.id for c in out]
        out.append(
            Complaint(
                id=f"c{i}",
                incident_date=incident,
                reported_date=reported,
                agency=draw(st.sampled_from(["council", "police"])),
                kind=draw(st.sampled_from(["report", "report", "diary_sheet"])),
                hate=draw(st.booleans()),
                complainant=draw(st.sampled_from(["ann", "Ann ", "bob", "bob", "cy", ""])),
                issue=draw(st.sampled_from(["noise", "Noise", "parking"])),
                location=draw(st.sampled_from(["park", "high-street", "High Street"])),
                same_incident_as=draw(st.sampled_from([None, None, *earlier])),
            )
        )
    return out


def _norm_text(text):
    return " ".join(text.lower().replace("-", " ").split())


def _move(day, period, sign=1):
    """Calendar arithmetic written again for the oracle: months keep the day, clamped."""
    if period["unit"] == "days":
        return day + dt.timedelta(days=sign * period["amount"])
    months = day.year * 12 + day.month - 1 + sign * period["amount"]
    year, month = months // 12, months % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def oracle(route, items, application, factors):
    """Met iff some set of qualifying complaints satisfies every condition at once."""
    kind = route["kind"]
    window, anchor = route["window"], route.get("window_anchor", "application")
    lag, within = route.get("report_lag"), route.get("application_within_of_latest")

    def qualifies(c):
        if c.incident_date > application:
            return False
        if c.reported_date is not None and c.reported_date < c.incident_date:
            return False
        if c.kind in route.get("exclude_kinds", []):
            return False
        if kind == "community" and not c.complainant.strip():
            return False
        if anchor == "application" and c.incident_date < _move(application, window, -1):
            return False
        if route.get("hate_only") and not c.hate:
            return False
        late = lag and (c.reported_date is None or c.reported_date > _move(c.incident_date, lag))
        return not late

    pool = [c for c in items if qualifies(c)]
    if route.get("same_incident_counts_once"):
        # Reports linked (either way, through chains) are one incident; its earliest
        # qualifying report stands for it.
        ids = {c.id for c in items}
        links = {c.id: set() for c in items}
        for c in items:
            if c.same_incident_as in ids:
                links[c.id].add(c.same_incident_as)
                links[c.same_incident_as].add(c.id)

        def incident(cid):
            seen, todo = {cid}, [cid]
            while todo:
                for other in links[todo.pop()] - seen:
                    seen.add(other)
                    todo.append(other)
            return frozenset(seen)

        first = {}
        for c in sorted(
            pool, key=lambda c: (c.incident_date, c.reported_date or dt.date.max, c.id)
        ):
            first.setdefault(incident(c.id), c)
        pool = list(first.values())
    if route.get("require_persisting") and factors.get("asb_persists") is not True:
        return False
    for size in range(1, len(pool) + 1):
        for chosen in itertools.combinations(pool, size):
            if kind == "community":
                place = "location" if route.get("group_by") == "location" else "issue"
                if len({_norm_text(getattr(c, place)) for c in chosen}) > 1:
                    continue
                score = len({_norm_text(c.complainant) for c in chosen})
                needed = route["distinct_complainants"]
            else:
                if route.get("same_issue") and len({_norm_text(c.issue) for c in chosen}) > 1:
                    continue
                if (
                    route.get("same_complainant")
                    and len({_norm_text(c.complainant) for c in chosen}) > 1
                ):
                    continue
                score, needed = len(chosen), route["count"]
            if score < needed:
                continue
            if anchor == "rolling" and max(c.incident_date for c in chosen) > _move(
                min(c.incident_date for c in chosen), window
            ):
                continue
            if within and application > _move(
                max(c.reported_date or c.incident_date for c in chosen), within
            ):
                continue
            return True
    return False


def _report(cid, incident, complainant):
    day = dt.date.fromisoformat(incident)
    return Complaint(id=cid, incident_date=day, reported_date=day, complainant=complainant)


@settings(max_examples=400, deadline=None)
@example(  # one complainant's old reports must not hide another's recent ones
    routes=[
        {
            "key": "r",
            "kind": "complaints_in_window",
            "count": 2,
            "window": {"amount": 12, "unit": "months"},
            "same_complainant": True,
            "application_within_of_latest": {"amount": 1, "unit": "months"},
        }
    ],
    items=[
        _report("a1", "2025-10-01", "ann"),
        _report("a2", "2025-11-01", "ann"),
        _report("b1", "2026-08-01", "bob"),
        _report("b2", "2026-08-10", "bob"),
    ],
    persists=None,
)
@example(  # a rolling community window is the one with the most complainants, not reports
    routes=[
        {
            "key": "r",
            "kind": "community",
            "distinct_complainants": 3,
            "window": {"amount": 2, "unit": "months"},
            "window_anchor": "rolling",
        }
    ],
    items=[_report(f"a{i}", f"2026-01-0{i}", "ann") for i in range(1, 6)]
    + [_report(f"p{i}", f"2026-05-0{i}", who) for i, who in enumerate(["bob", "cy", "dee"], 1)],
    persists=None,
)
@given(
    routes=st.lists(random_route(), min_size=1, max_size=3),
    items=random_complaints(),
    persists=st.sampled_from([True, False, None]),
)
def test_random_routes_decide_as_the_brute_force_oracle_and_explain_every_complaint(
    routes, items, persists
):
    routes = [{**r, "key": f"r{i}"} for i, r in enumerate(routes)]
    rules = {"routes": routes}
    assert validate_section(rules, "threshold") == []
    factors = {"asb_persists": persists}
    decision = evaluate(rules, items, APPLICATION, factors)
    expected = [oracle(r, items, APPLICATION, factors) for r in routes]
    assert [r.met for r in decision.routes] == expected, decision.reasons_text
    assert decision.met is any(expected)
    explained = decision.explanation()
    ids = sorted(c.id for c in items)
    for route in explained["routes"]:
        counted, excluded = route["counted"], route["excluded"]
        assert sorted(counted + list(excluded)) == ids, route
        assert all(len(reasons) == 1 and reasons[0] for reasons in excluded.values()), route
    assert sorted(c["id"] for c in explained["complaints"]) == ids
    for listed in explained["complaints"]:
        assert listed["counted"] or len(listed["reasons"]) == 1, listed


# -- random condition sets (kind: all_of) against a second brute-force oracle ----------------

LINKS = ["address", "building", "postcode", "officer"]


@st.composite
def random_condition_route(draw):
    conditions = []
    measure = draw(st.sampled_from(["incidents", "distinct_complainants", "both"]))
    if measure in ("incidents", "both"):
        conditions.append({"incidents": draw(st.integers(1, 3))})
    if measure in ("distinct_complainants", "both"):
        conditions.append({"distinct_complainants": draw(st.integers(1, 3))})
    window = _period(draw)
    if draw(st.booleans()):
        window["anchor"] = draw(st.sampled_from(["application", "first_incident", "rolling"]))
    conditions.append({"window": window})
    if measure == "incidents" and draw(st.integers(0, 2)) == 0:
        conditions.append({"same_complainant": True})
    for flag in ("same_issue", "hate_motivated", "same_incident_counts_once", "still_persisting"):
        if draw(st.integers(0, 5)) == 0:
            conditions.append({flag: True})
    if draw(st.integers(0, 2)) == 0:
        links = draw(st.lists(st.sampled_from(LINKS), min_size=1, max_size=4, unique=True))
        conditions.append({"same_location": {"linked_by": links}})
    for timing in ("report_lag", "latest_within_of_request", "application_within_of_latest"):
        if draw(st.integers(0, 4)) == 0:
            conditions.append({timing: _period(draw)})
    if draw(st.integers(0, 3)) == 0:
        conditions.append({"exclude_kinds": ["diary_sheet"]})
    order = draw(st.permutations(range(len(conditions))))
    return {"key": "r", "kind": "all_of", "conditions": [conditions[i] for i in order]}


@st.composite
def placed_complaints(draw):
    """Random complaints with locations: addresses, buildings, postcodes, UPRNs, officer
    links; close together in time, so that many routes are met or nearly met."""
    n = draw(st.integers(0, 8))
    spread = draw(st.sampled_from([40, 120, 250]))
    out = []
    for i in range(n):
        incident = APPLICATION - dt.timedelta(days=draw(st.integers(-5, spread)))
        reported = draw(
            st.one_of(
                st.integers(0, 40).map(lambda d, i=incident: i + dt.timedelta(days=d)),
                st.just(None),
            )
        )
        earlier = [c.id for c in out]
        out.append(
            Complaint(
                id=f"c{i}",
                incident_date=incident,
                reported_date=reported,
                agency=draw(st.sampled_from(["council", "police"])),
                kind=draw(st.sampled_from(["report"] * 4 + ["diary_sheet"])),
                hate=draw(st.booleans()),
                complainant=draw(st.sampled_from(["ann", "Ann ", "bob", "cy", ""])),
                issue=draw(st.sampled_from(["noise", "Noise", "noise", "parking"])),
                location=draw(st.sampled_from(["", "1 Park Rd", "1 park rd.", "Shop", "Flat 2"])),
                postcode=draw(st.sampled_from(["", "WD6 1AB", "wd61ab", "EN6 2XY"])),
                building=draw(st.sampled_from(["", "", "Elm Court", "elm  court"])),
                uprn=draw(st.sampled_from(["", "", "", "100021"])),
                same_incident_as=draw(st.sampled_from([None, None, None, *earlier])),
                location_links=tuple(draw(st.lists(st.sampled_from(earlier), max_size=1)))
                if earlier
                else (),
            )
        )
    return out


def _same_place_oracle(items, links):
    """Pairs of complaint ids at linked locations (one step), written from the docs."""

    def address(c):
        return " ".join(
            c.location.lower().replace("-", " ").replace(",", " ").replace(".", " ").split()
        )

    def postcode(c):
        return c.postcode.replace(" ", "").upper()

    def linked(a, b):
        if "address" in links:
            if address(a) and address(a) == address(b):
                return True
            if a.uprn and a.uprn == b.uprn:
                return True
        if (
            "building" in links
            and a.building.strip()
            and " ".join(a.building.lower().split()) == " ".join(b.building.lower().split())
            and postcode(a) == postcode(b)
        ):
            return True
        if "postcode" in links and postcode(a) and postcode(a) == postcode(b):
            return True
        return "officer" in links and (b.id in a.location_links or a.id in b.location_links)

    # the places: connected components over every complaint given
    place = {c.id: {c.id} for c in items}
    for a in items:
        for b in items:
            if a.id != b.id and linked(a, b) and place[a.id] is not place[b.id]:
                merged = place[a.id] | place[b.id]
                for cid in merged:
                    place[cid] = merged
    return {cid: frozenset(ids) for cid, ids in place.items()}


def oracle_all_of(route, items, application, factors):
    """Met iff some set of complaints meets every condition at once (tried exhaustively)."""
    cond = {k: v for item in route["conditions"] for k, v in item.items()}
    window = {"amount": cond["window"]["amount"], "unit": cond["window"]["unit"]}
    anchor = cond["window"].get("anchor", "application")
    lag = cond.get("report_lag")
    links = (cond.get("same_location") or {}).get("linked_by", [])
    place = _same_place_oracle(items, links) if "same_location" in cond else {}

    def qualifies(c):
        if c.incident_date > application:
            return False
        if c.reported_date is not None and c.reported_date < c.incident_date:
            return False
        if c.kind in cond.get("exclude_kinds", []):
            return False
        if "distinct_complainants" in cond and not c.complainant.strip():
            return False
        if (
            "same_location" in cond
            and not (c.location or c.postcode or c.building or c.uprn).strip()
        ):
            return False
        if anchor == "application" and c.incident_date < _move(application, window, -1):
            return False
        if cond.get("hate_motivated") and not c.hate:
            return False
        late = lag and (c.reported_date is None or c.reported_date > _move(c.incident_date, lag))
        return not late

    pool = [c for c in items if qualifies(c)]
    if cond.get("same_incident_counts_once"):
        ids = {c.id for c in items}
        links_ = {c.id: set() for c in items}
        for c in items:
            if c.same_incident_as in ids:
                links_[c.id].add(c.same_incident_as)
                links_[c.same_incident_as].add(c.id)

        def incident(cid):
            seen, todo = {cid}, [cid]
            while todo:
                for other in links_[todo.pop()] - seen:
                    seen.add(other)
                    todo.append(other)
            return frozenset(seen)

        first = {}
        for c in sorted(
            pool, key=lambda c: (c.incident_date, c.reported_date or dt.date.max, c.id)
        ):
            first.setdefault(incident(c.id), c)
        pool = list(first.values())
    if cond.get("still_persisting") and factors.get("asb_persists") is not True:
        return False

    def group(c):
        return (
            _norm_text(c.complainant) if cond.get("same_complainant") else None,
            _norm_text(c.issue) if cond.get("same_issue") else None,
            place.get(c.id),
        )

    for size in range(1, len(pool) + 1):
        for chosen in itertools.combinations(pool, size):
            if len({group(c) for c in chosen}) > 1:
                continue
            if len(chosen) < cond.get("incidents", 0):
                continue
            people = {_norm_text(c.complainant) for c in chosen if c.complainant.strip()}
            if len(people) < cond.get("distinct_complainants", 0):
                continue
            start = min(c.incident_date for c in chosen)
            if anchor == "first_incident":
                start = min(c.incident_date for c in pool if group(c) == group(chosen[0]))
            if anchor != "application" and max(c.incident_date for c in chosen) > _move(
                start, window
            ):
                continue
            latest = cond.get("latest_within_of_request")
            if latest and max(c.incident_date for c in chosen) < _move(application, latest, -1):
                continue
            within = cond.get("application_within_of_latest")
            if within and application > _move(
                max(c.reported_date or c.incident_date for c in chosen), within
            ):
                continue
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    routes=st.lists(random_condition_route(), min_size=1, max_size=2),
    items=placed_complaints(),
    persists=st.sampled_from([True, False, None]),
)
def test_random_condition_sets_decide_as_the_oracle_and_explain_every_complaint(
    routes, items, persists
):
    routes = [{**r, "key": f"r{i}"} for i, r in enumerate(routes)]
    rules = {"routes": routes}
    assert validate_section(rules, "threshold") == []
    factors = {"asb_persists": persists}
    decision = evaluate(rules, items, APPLICATION, factors)
    expected = [oracle_all_of(r, items, APPLICATION, factors) for r in routes]
    assert [r.met for r in decision.routes] == expected, decision.reasons_text
    ids = sorted(c.id for c in items)
    for route in decision.explanation()["routes"]:
        assert sorted(route["counted"] + list(route["excluded"])) == ids, route
        assert all(len(r) == 1 and r[0] for r in route["excluded"].values()), route
