"""The timeline and the access log: every row written once, in its hash chain."""

from django.db import transaction
from django.utils import timezone

from cases.models import (
    AccessLogEntry,
    Case,
    TimelineEvent,
)


def _lock_chain(*, case_id=None, chain: str = "") -> None:
    """Serialise writers of one hash chain until commit, so the chain stays linear.

    A case's chains lock the case row (FOR NO KEY UPDATE, which inserts referencing the
    case do not wait for); area and global access-log chains take a transaction-level
    advisory lock. SQLite serialises all writers anyway.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    if case_id:
        Case.objects.select_for_update(no_key=True).filter(pk=case_id).values_list("pk").first()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"audit:{chain}"])


def _agency_id(user):
    return getattr(user, "agency_id", None) if getattr(user, "is_authenticated", False) else None


def timeline_record(
    *,
    case: Case,
    kind: str,
    summary: str,
    by=None,
    reason: str = "",
    detail: dict | None = None,
    from_state: str = "",
    to_state: str = "",
    visible_to_applicant: bool = False,
    ip: str | None = None,
) -> TimelineEvent:
    """Append one entry to a case's timeline (the only way entries are written).

    The entry records the actor and their agency at the time, the client's address
    (``ip``, else the current request's), and joins the case's hash chain. For a change,
    ``detail`` holds ``{"fields": [...], "before": {field: old}, "after": {field: new}}``.
    """
    from asbcr import audit_chain as chain
    from asbcr.audit_context import current_ip

    actor = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        _lock_chain(case_id=case.pk)
        prev = (
            TimelineEvent._base_manager.filter(case_id=case.pk)
            .order_by("-id")
            .values_list("row_hash", flat=True)
            .first()
        )
        event = TimelineEvent(
            case=case,
            at=timezone.now(),
            kind=kind,
            summary=summary[:300],
            actor=actor,
            actor_agency_id=_agency_id(actor),
            ip_address=ip or current_ip() or None,
            reason=reason,
            detail=detail or {},
            from_state=from_state,
            to_state=to_state,
            visible_to_applicant=visible_to_applicant,
        )
        chain.seal_timeline(event, prev_hash=prev or "")
        event.save()
    return event


_TIMELINE_ENTRY_KEYS = {
    "case_id",
    "kind",
    "summary",
    "reason",
    "detail",
    "from_state",
    "to_state",
    "visible_to_applicant",
    "at",
}


def timeline_record_many(entries: list[dict], *, batch_size: int = 5000) -> list:
    """Append many entries at once (the deadline sweep): each dict holds the keyword
    arguments of ``timeline_record`` (``case`` may be given as ``case_id``).

    Each entry joins its case's hash chain exactly as ``timeline_record`` would: the
    cases' chains are locked together (in id order, so two sweeps cannot deadlock), the
    last hash of each is read (one query per ``batch_size`` cases), the entries are
    sealed in list order and inserted together (``asbcr.bulk.insert_rows``). Returns the
    entries as written (plain rows with their hashes, not model instances).
    """
    from types import SimpleNamespace

    from django.db import connection
    from django.db.models import OuterRef, Subquery

    from asbcr import audit_chain as chain
    from asbcr.audit_context import current_ip
    from asbcr.bulk import any_of, insert_rows

    if not entries:
        return []
    ip = current_ip() or None
    now = timezone.now()
    rows = []
    for entry in entries:
        entry = dict(entry)
        by = entry.pop("by", None)
        entry.pop("ip", None)
        if "case" in entry:
            entry["case_id"] = entry.pop("case").pk
        unknown = set(entry) - _TIMELINE_ENTRY_KEYS
        if unknown:
            raise TypeError(f"Unknown timeline entry fields: {sorted(unknown)}")
        actor = by if getattr(by, "is_authenticated", False) else None
        rows.append(
            SimpleNamespace(
                case_id=entry["case_id"],
                at=entry.get("at") or now,
                actor_id=getattr(actor, "pk", None),
                kind=entry["kind"],
                from_state=entry.get("from_state", ""),
                to_state=entry.get("to_state", ""),
                summary=entry["summary"][:300],
                reason=entry.get("reason", ""),
                detail=entry.get("detail") or {},
                visible_to_applicant=entry.get("visible_to_applicant", False),
                actor_agency_id=_agency_id(actor),
                ip_address=ip,
            )
        )
    case_ids = sorted({row.case_id for row in rows})
    with transaction.atomic():
        last = {}
        for start in range(0, len(case_ids), batch_size):
            batch = case_ids[start : start + batch_size]
            if connection.vendor == "postgresql":
                list(
                    Case.objects.select_for_update(no_key=True)
                    .filter(any_of("pk", batch))  # thousands of ids: one array parameter
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
            last.update(
                Case.objects.filter(any_of("pk", batch))
                .annotate(
                    last_hash=Subquery(
                        TimelineEvent._base_manager.filter(case_id=OuterRef("pk"))
                        .order_by("-id")
                        .values("row_hash")[:1]
                    )
                )
                .values_list("pk", "last_hash")
            )
        for row in rows:
            chain.seal_timeline(row, prev_hash=last.get(row.case_id) or "")
            last[row.case_id] = row.row_hash
        for start in range(0, len(rows), batch_size):
            insert_rows(TimelineEvent, [vars(row) for row in rows[start : start + batch_size]])
    return rows


def access_log_record(
    *,
    user,
    kind: str,
    case: Case | None = None,
    area=None,
    target: str = "",
    query: str = "",
    ip: str | None = None,
) -> AccessLogEntry:
    """Record that a user opened, exported or searched for something."""
    from asbcr import audit_chain as chain
    from asbcr.audit_context import current_ip

    area = area or (case.area if case else None)
    key = chain.access_chain_key(
        case_id=getattr(case, "pk", None), area_id=getattr(area, "pk", None)
    )
    with transaction.atomic():
        _lock_chain(case_id=getattr(case, "pk", None), chain=key)
        prev = (
            AccessLogEntry._base_manager.filter(chain=key)
            .order_by("-id")
            .values_list("row_hash", flat=True)
            .first()
        )
        entry = AccessLogEntry(
            at=timezone.now(),
            user=user,
            user_agency_id=_agency_id(user),
            ip_address=ip or current_ip() or None,
            kind=kind,
            case=case,
            area=area,
            chain=key,
            target=target[:300],
            query=query[:300],
        )
        chain.seal_access(entry, prev_hash=prev or "")
        entry.save()
    return entry
