"""Check the hash chains of the timeline and the access log; report the first break."""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from asbcr import audit_chain as chain
from cases.constants import EventKind
from cases.models import AccessLogEntry, Case, TimelineEvent

LINK_BROKEN = (
    "it does not follow on from the row before it: a row before it was removed, inserted or changed"
)
TEXT_CHANGED = "its text (summary, reason or detail) was changed after it was written"
FACTS_CHANGED = (
    "what it records (when, who, their agency, the address, the kind of entry or the "
    "state) was changed after it was written"
)
NOT_SEALED = "it has no hash: it was written without going through the audit trail"
ERASED_UNCOVERED = "it is marked as erased, but no erasure of the case is recorded after it"
ACCESS_TEXT_CHANGED = "what it says was opened or searched for was changed after it was written"


@dataclasses.dataclass(frozen=True)
class Break:
    trail: str  # "timeline" or "access log"
    chain: str  # what the chain covers, in words
    row_id: int
    at: dt.datetime
    problem: str

    @property
    def when(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at.day} {at:%B %Y} at {at:%H:%M}"

    def __str__(self):
        return (
            f"{self.chain[:1].upper()}{self.chain[1:]}: {self.trail} row {self.row_id} "
            f"({self.when}) — {self.problem}."
        )


@dataclasses.dataclass
class Report:
    rows: int = 0
    chains: int = 0
    breaks: list[Break] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def _erasures(case_ids) -> dict[int, int]:
    """Case id -> id of its last erasure event (rows up to it may be erased)."""
    latest: dict[int, int] = {}
    for case_id, pk in (
        TimelineEvent._base_manager.filter(kind=EventKind.ERASURE, case_id__in=case_ids)
        .order_by("id")
        .values_list("case_id", "id")
    ):
        latest[case_id] = pk
    return latest


def _check_rows(rows: Iterable, *, key, label, personal, row_hash, erased_case, report, trail):
    current, prev, broken = object(), "", False
    for row in rows:
        report.rows += 1
        if key(row) != current:
            current, prev, broken = key(row), "", False
            report.chains += 1
        if broken:
            continue
        problem = None
        if not row.row_hash:
            problem = NOT_SEALED
        elif row.prev_hash != prev:
            problem = LINK_BROKEN
        elif row.erased_at is None and row.personal_hash != personal(row):
            problem = TEXT_CHANGED if trail == "timeline" else ACCESS_TEXT_CHANGED
        elif row.erased_at is not None and not erased_case(row):
            problem = ERASED_UNCOVERED
        elif row.row_hash != row_hash(row):
            problem = FACTS_CHANGED
        if problem:
            report.breaks.append(Break(trail, label(row), row.pk, row.at, problem))
            broken = True
        prev = row.row_hash


def verify(*, cases=None, area=None) -> Report:
    """Check the chains of the given cases (or an area's, or every one) from the start."""
    report = Report()
    timeline = TimelineEvent._base_manager.select_related("case")
    access = AccessLogEntry._base_manager.select_related("case", "area")
    if cases is not None:
        case_ids = [c.pk for c in cases]
        timeline = timeline.filter(case_id__in=case_ids)
        access = access.filter(case_id__in=case_ids)
    elif area is not None:
        case_ids = list(Case.objects.filter(area=area).values_list("pk", flat=True))
        timeline = timeline.filter(case__area=area)
        access = access.filter(area=area)
    else:
        case_ids = list(Case.objects.values_list("pk", flat=True))
    erasures = _erasures(case_ids)

    def covered(row) -> bool:
        return row.case_id is not None and erasures.get(row.case_id, 0) > row.pk

    _check_rows(
        timeline.order_by("case_id", "id").iterator(chunk_size=2000),
        key=lambda r: r.case_id,
        label=lambda r: f"timeline of {r.case.reference}",
        personal=chain.timeline_personal_hash,
        row_hash=chain.timeline_row_hash,
        erased_case=covered,
        report=report,
        trail="timeline",
    )

    def access_label(row) -> str:
        if row.case_id:
            return f"access log of {row.case.reference}"
        if row.area_id:
            return f"access log of {row.area.name} (not about one case)"
        return "access log of searches and exports across areas"

    _check_rows(
        access.order_by("chain", "id").iterator(chunk_size=2000),
        key=lambda r: r.chain,
        label=access_label,
        personal=chain.access_personal_hash,
        row_hash=chain.access_row_hash,
        erased_case=covered,
        report=report,
        trail="access log",
    )
    return report
