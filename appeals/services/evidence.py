"""The evidence bundle's reasons for missing items and the compliance audit, version-checked."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from appeals.constants import (
    AuditAnswer,
)
from appeals.models import (
    Appeal,
    ComplianceAnswer,
    EvidenceNote,
)
from appeals.selectors import (
    can_manage_appeals,
    can_review,
)
from appeals.services.common import AppealConflict, AppealError
from asbcr.concurrency import conflict_message, lock
from cases.constants import EventKind
from cases.models import TimelineEvent
from cases.services import timeline_record

EVIDENCE_NOTED = "Reason recorded for missing appeal evidence"


AUDIT_SAVED = "Compliance audit saved"


def _appeal_events(appeal: Appeal, summary: str):
    return TimelineEvent.objects.filter(
        case_id=appeal.case_id, detail__appeal=appeal.pk, summary=summary
    )


def evidence_notes_version(appeal: Appeal) -> int:
    """How many evidence notes the appeal has had: the note form's version."""
    return _appeal_events(appeal, EVIDENCE_NOTED).count()


def compliance_version(appeal: Appeal) -> int:
    """How many times the compliance audit has been saved: the audit form's version."""
    return _appeal_events(appeal, AUDIT_SAVED).count()


def _version_conflict(*, last, version, count, by, what, outcome="") -> None:
    """Refuse a stale page: ``last`` is the newest change since ``version`` that it would
    overwrite (None when there is none)."""
    if version is not None and count != version and last is not None:
        error = AppealConflict(
            conflict_message(what=what, at=last.at, actor=last.actor, by=by, outcome=outcome)
        )
        error.version = count  # a knowing save, after reading the message, then works
        raise error


def appeal_evidence_note(
    *, appeal: Appeal, by, item: str, reason: str, version: int | None = None
) -> EvidenceNote:
    """The officer records why an Appendix A item is not available.

    ``version`` is ``evidence_notes_version`` as the page showed it: a note on the same
    item recorded since then is not overwritten; the caller is told who wrote it and when.
    """
    from appeals.bundle import ITEM_KEYS, ITEMS

    if not can_manage_appeals(by, appeal.case):
        raise PermissionDenied("Only an officer of the lead body can explain missing evidence.")
    if item not in ITEM_KEYS:
        raise AppealError("That is not an item on the evidence checklist.")
    if not reason.strip():
        raise AppealError("Give the reason the item is not available.")
    with transaction.atomic():
        lock(appeal)
        if version is not None:
            notes = list(
                _appeal_events(appeal, EVIDENCE_NOTED).select_related("actor").order_by("id")
            )
            since = [e for e in notes[version:] if e.detail.get("item") == item]
            _version_conflict(
                last=since[-1] if since else None,
                version=version,
                count=len(notes),
                by=by,
                what="recorded why this item is not available",
                outcome=dict(ITEMS).get(item, item),
            )
        note, _ = EvidenceNote.objects.update_or_create(
            appeal=appeal, item=item, defaults={"missing_reason": reason.strip(), "created_by": by}
        )
        timeline_record(
            case=appeal.case,
            kind=EventKind.APPEAL,
            summary=EVIDENCE_NOTED,
            by=by,
            reason=note.missing_reason,
            detail={"appeal": appeal.pk, "item": item},
        )
    return note


def appeal_compliance_record(
    *, appeal: Appeal, by, answers: dict[str, tuple[str, str]], version: int | None = None
) -> None:
    """The reviewer completes the Appendix B compliance audit.

    ``version`` is ``compliance_version`` as the page showed it: answers saved since then
    (another tab, a double click) are not overwritten; the caller is told when."""
    from appeals.audit import AUDIT_KEYS

    if not can_review(by, appeal):
        raise PermissionDenied("Only the appeal's reviewer completes the compliance audit.")
    for item, (answer, _note) in answers.items():
        if item not in AUDIT_KEYS or answer not in AuditAnswer.values:
            raise AppealError(f"Unknown audit question or answer: {item}.")
    with transaction.atomic():
        lock(appeal)
        saves = _appeal_events(appeal, AUDIT_SAVED)
        _version_conflict(
            last=saves.select_related("actor").order_by("-id").first(),
            version=version,
            count=saves.count(),
            by=by,
            what="saved the compliance audit",
        )
        for item, (answer, note) in answers.items():
            ComplianceAnswer.objects.update_or_create(
                appeal=appeal,
                item=item,
                defaults={"answer": answer, "note": note, "created_by": by},
            )
        timeline_record(
            case=appeal.case,
            kind=EventKind.APPEAL,
            summary=AUDIT_SAVED,
            by=by,
            detail={"appeal": appeal.pk},
        )
