"""Hash chains over the timeline and the access log.

Each row stores ``prev_hash`` (the ``row_hash`` of the row before it in its chain) and
``row_hash`` = sha256 of a canonical JSON of the row's content and ``prev_hash``. A row
changed, inserted or removed after the fact breaks the chain at that point.

Personal free text (a timeline row's summary, reason and detail; an access-log row's
target and query) enters the row hash through ``personal_hash``, its own digest, so the
retention job can erase the text and keep the chain whole: an erased row is checked by
its stored ``personal_hash`` (and must be covered by a later erasure event of its case).

Chains: the timeline per case; the access log per case, else per area, else one global
chain (``AccessLogEntry.chain`` holds the key). Rows are ordered by id within a chain.
Format version 1; the functions here must not change meaning for rows already written.
"""

import datetime as dt
import hashlib
import ipaddress
import json

FORMAT = 1


# What ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
# builds for every call, built once (the sweep seals tens of thousands of rows a run).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(value) -> str:
    return _CANONICAL.encode(value)


def digest(value) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def _keys_are_text(value) -> bool:
    """Whether every mapping in ``value`` is keyed by strings: then its canonical JSON is
    already that of what a JSON column gives back (a tuple is written as a list either
    way), and ``_json``'s round trip can be skipped."""
    if isinstance(value, dict):
        return all(key.__class__ is str and _keys_are_text(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(_keys_are_text(item) for item in value)
    return True


def _json(value):
    """What a JSON column gives back: tuples become lists, keys become strings (for the
    canonical JSON, which is all it is used for, only keys change it: a key that is not a
    string is written as one and sorted as one)."""
    if value is None:
        return {}
    if _keys_are_text(value):
        return value
    return json.loads(json.dumps(value))


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _ip(value) -> str:
    return str(ipaddress.ip_address(str(value))) if value else ""


# -- the timeline ----------------------------------------------------------------


def timeline_personal_hash(row) -> str:
    return digest({"summary": row.summary, "reason": row.reason, "detail": _json(row.detail)})


def timeline_row_hash(row) -> str:
    return digest(
        {
            "v": FORMAT,
            "case": row.case_id,
            "at": _at(row.at),
            "actor": row.actor_id,
            "actor_agency": row.actor_agency_id,
            "ip": _ip(row.ip_address),
            "kind": row.kind,
            "from_state": row.from_state,
            "to_state": row.to_state,
            "visible_to_applicant": bool(row.visible_to_applicant),
            "personal": row.personal_hash,
            "prev": row.prev_hash,
        }
    )


def seal_timeline(row, *, prev_hash: str) -> None:
    """Set the hashes of an unsaved timeline row that follows ``prev_hash``."""
    row.prev_hash = prev_hash
    row.personal_hash = timeline_personal_hash(row)
    row.row_hash = timeline_row_hash(row)


# -- the access log --------------------------------------------------------------


def access_chain_key(*, case_id, area_id) -> str:
    if case_id:
        return f"case:{case_id}"
    if area_id:
        return f"area:{area_id}"
    return "global"


def access_personal_hash(row) -> str:
    return digest({"target": row.target, "query": row.query})


def access_row_hash(row) -> str:
    return digest(
        {
            "v": FORMAT,
            "chain": row.chain,
            "at": _at(row.at),
            "user": row.user_id,
            "user_agency": row.user_agency_id,
            "ip": _ip(row.ip_address),
            "kind": row.kind,
            "area": row.area_id,
            "case": row.case_id,
            "personal": row.personal_hash,
            "prev": row.prev_hash,
        }
    )


def seal_access(row, *, prev_hash: str) -> None:
    row.prev_hash = prev_hash
    row.personal_hash = access_personal_hash(row)
    row.row_hash = access_row_hash(row)
