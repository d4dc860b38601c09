"""Changes to a case's details: officer, notes, exclusions, risk, the impact statement."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from asbcr.concurrency import DOUBLE_SUBMIT_WINDOW, conflict, lock
from asbcr.files import STATEMENT_KINDS
from cases import hooks, risk
from cases.constants import (
    DETAIL_LABELS,
    EventKind,
    RiskLevel,
    RiskSubject,
)
from cases.models import (
    Case,
    ExclusionCheck,
    RiskAssessment,
    TimelineEvent,
)
from cases.services.common import CaseWorkflowError, stale_case
from cases.services.files import _checked
from cases.services.records import timeline_record
from partnerships.constants import PickPurpose
from partnerships.selectors import staff_choosable_check

EDITABLE_FIELDS = frozenset(
    {"summary", "impact", "wants_to_attend", "wants_to_send_statement", "asb_persists"}
)


def case_update_details(*, case: Case, by, lock_version: int, changes: dict) -> Case:
    """Edit details that are not workflow steps, refusing if someone else saved first."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise CaseWorkflowError(f"These cannot be edited here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        before = dict(Case.objects.filter(pk=case.pk).values(*sorted(changes)).first() or {})
        updated = Case.objects.filter(pk=case.pk, lock_version=lock_version).update(
            lock_version=F("lock_version") + 1, updated_at=timezone.now(), **changes
        )
        if not updated:
            raise stale_case(case, by)
        case.refresh_from_db()
        timeline_record(
            case=case,
            kind=EventKind.DETAILS,
            summary="Details changed: " + ", ".join(DETAIL_LABELS[f] for f in sorted(changes)),
            by=by,
            detail={
                "fields": sorted(changes),
                "before": {name: before.get(name) for name in sorted(changes)},
                "after": {name: getattr(case, name) for name in sorted(changes)},
            },
        )
    return case


OFFICER_ALLOCATED = "Case officer allocated: "


def _allocations(case: Case):
    return TimelineEvent.objects.filter(case_id=case.pk, summary__startswith=OFFICER_ALLOCATED)


def officer_allocations_version(case: Case) -> int:
    """How many times a case officer has been allocated: the allocation form's version."""
    return _allocations(case).count()


def case_assign_officer(*, case: Case, by, officer, version: int | None = None) -> Case:
    """Allocate a case officer (Bedfordshire: name and contact within 5 working days).

    ``version`` is ``officer_allocations_version`` as the page showed it: if someone
    allocated an officer since (or this is a double click), the case is left as it is and
    the caller is told who allocated whom and when."""
    staff_choosable_check(
        case=case, purpose=PickPurpose.CASE_OFFICER, person=officer, field="officer"
    )
    if not officer.has_perm("cases.manage_case", case):
        raise ValidationError({"officer": f"{officer} is not a case officer in {case.area}."})
    with transaction.atomic():
        locked = lock(case)
        if version is not None:
            count = officer_allocations_version(case)
            last = _allocations(case).select_related("actor").order_by("-id").first()
            if count != version and last is not None:
                raise conflict(
                    what=f"allocated {last.summary.removeprefix(OFFICER_ALLOCATED)} "
                    "as case officer",
                    at=last.at,
                    actor=last.actor,
                    by=by,
                    version=count,
                )
        Case.objects.filter(pk=locked.pk).update(
            case_officer=officer, lock_version=F("lock_version") + 1
        )
        case.refresh_from_db()
        timeline_record(
            case=case,
            kind=EventKind.NOTE,
            summary=f"{OFFICER_ALLOCATED}{officer}",
            by=by,
            detail={"officer_id": officer.pk},
            visible_to_applicant=True,
        )
        hooks.run_after_transition(case, "assign_officer", by)
    return case


def case_add_note(*, case: Case, by, text: str, contact_attempt: bool = False) -> TimelineEvent:
    """Add a note or a record of an attempt to contact the victim."""
    if not text.strip():
        raise ValidationError({"text": "Write the note."})
    kind = EventKind.CONTACT_ATTEMPT if contact_attempt else EventKind.NOTE
    summary = "Attempt to contact the victim" if contact_attempt else "Note added"
    return timeline_record(case=case, kind=kind, summary=summary, by=by, reason=text)


VICTIM_CONTACTED = "Spoke to the victim"


def case_record_victim_contact(*, case: Case, by, text: str) -> TimelineEvent:
    """The officer reached the victim (Hertsmere: by phone within 5 working days of the
    CR4 letter): what they talked about goes on the timeline and meets the deadline."""
    if not text.strip():
        raise ValidationError({"text": "Write what you talked about."})
    with transaction.atomic():
        lock(case)  # a double click records the call once
        same = (
            TimelineEvent.objects.filter(
                case_id=case.pk,
                kind=EventKind.CONTACT_ATTEMPT,
                summary=VICTIM_CONTACTED,
                reason=text.strip(),
                actor=by,
                at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
            )
            .order_by("-at")
            .first()
        )
        if same is not None:
            raise conflict(what="recorded this conversation", at=same.at, actor=by, by=by)
        event = timeline_record(
            case=case,
            kind=EventKind.CONTACT_ATTEMPT,
            summary=VICTIM_CONTACTED,
            by=by,
            reason=text.strip(),
            detail={"victim_contacted": True},
        )
        hooks.run_after_transition(case, "victim_contacted", by)
    return event


def case_record_exclusions(*, case: Case, by, checks: dict[str, tuple[bool, str]]) -> None:
    """Record the exclusion checks (anonymous, CPS/court, service complaint, ...)."""
    with transaction.atomic():
        for exclusion, (applies, notes) in checks.items():
            ExclusionCheck.objects.create(
                case=case, exclusion=exclusion, applies=applies, notes=notes, created_by=by
            )
        applying = [e for e, (applies, _) in checks.items() if applies]
        timeline_record(
            case=case,
            kind=EventKind.EXCLUSION,
            summary=(
                "Exclusions checked: "
                + (", ".join(applying) + " apply" if applying else "none apply")
            ),
            by=by,
            detail={"applying": applying},
        )


def risk_assess(
    *,
    case: Case,
    by,
    subject: str,
    matrix_key: str,
    answers: dict[str, str],
    assessed_on: dt.date,
    notes: str = "",
) -> RiskAssessment:
    """Score a risk assessment on the procedure's matrix and keep the case's level current."""
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The assessment date cannot be in the future."})
    matrix = risk.matrix_for(case.procedure_version.data, matrix_key)
    if matrix is None:
        raise ValidationError({"matrix": "Choose one of this area's risk matrices."})
    try:
        score, level = risk.score(matrix, answers)
    except risk.RiskAnswerError as exc:
        raise ValidationError(exc.errors) from exc
    with transaction.atomic():
        lock(case)  # a double click records the assessment once
        for same in case.risk_assessments.filter(
            subject=subject,
            matrix=matrix["name"],
            assessed_on=assessed_on,
            notes=notes,
            created_by=by,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).order_by("-created_at"):
            if same.answers == answers:
                raise conflict(
                    what="recorded this risk assessment",
                    at=same.created_at,
                    actor=by,
                    by=by,
                    outcome=RiskLevel(same.level).label,
                )
        assessment = RiskAssessment.objects.create(
            case=case,
            subject=subject,
            matrix=matrix["name"],
            answers=answers,
            score=score,
            level=level,
            assessed_on=assessed_on,
            notes=notes,
            created_by=by,
        )
        _refresh_risk_level(case)
        timeline_record(
            case=case,
            kind=EventKind.RISK,
            summary=f"Risk assessed ({RiskSubject(subject).label.lower()}): {RiskLevel(level).label}",
            by=by,
            detail={"assessment_id": assessment.pk, "score": score, "level": level},
        )
    return assessment


def _refresh_risk_level(case: Case) -> None:
    """The case's level is the highest of the latest victim and perpetrator assessments."""
    from cases.constants import RISK_ORDER

    levels = []
    for subject in RiskSubject.values:
        latest = (
            case.risk_assessments.filter(subject=subject).order_by("-assessed_on", "-id").first()
        )
        if latest:
            levels.append(latest.level)
    level = max(levels, key=lambda lv: RISK_ORDER[lv]) if levels else ""
    Case.objects.filter(pk=case.pk).update(current_risk_level=level)
    case.current_risk_level = level


def impact_statement_add(
    *, case: Case, by, source: str, text: str, given_by: str = "", attachment=None
):
    """Record the victim's impact statement (written, or noted from what they said)."""
    from cases.models import ImpactStatement

    if not text.strip() and attachment is None:
        raise ValidationError({"text": "Write the statement, or attach it as a file."})
    checked = _checked(attachment, kinds=STATEMENT_KINDS, field="attachment")
    with transaction.atomic():
        statement = ImpactStatement.objects.create(
            case=case,
            source=source,
            text=text.strip(),
            given_by=given_by,
            attachment=attachment or "",
            attachment_name=checked.original_name if checked else "",
            attachment_content_type=checked.content_type if checked else "",
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        timeline_record(
            case=case,
            kind=EventKind.DOCUMENT,
            summary=f"Impact statement received ({statement.get_source_display().lower()})",
            by=by,
            detail={"impact_statement_id": statement.pk},
            visible_to_applicant=True,
        )
        hooks.run_after_transition(case, "impact_statement_received", by)
    return statement
