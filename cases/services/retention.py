"""Legal holds that keep a closed case past its retention period."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.constants import (
    EventKind,
)
from cases.models import (
    Case,
)
from cases.services.common import CaseWorkflowError
from cases.services.records import timeline_record


def _check_area_admin(by, case: Case) -> None:
    if not (by.is_superuser or by.has_perm("partnerships.administer_area", case.area)):
        raise PermissionDenied("Only the area's admin can place or lift a legal hold.")


def case_legal_hold_set(*, case: Case, by, reason: str) -> Case:
    """Place a legal hold: the case is not erased under retention while it stands."""
    _check_area_admin(by, case)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case must be kept (the claim or request)."})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.erased_on:
            raise CaseWorkflowError("This case's personal data has already been erased.")
        Case.objects.filter(pk=case.pk).update(
            legal_hold=True,
            legal_hold_reason=reason.strip(),
            legal_hold_set_at=timezone.now(),
            legal_hold_set_by=by,
        )
        timeline_record(
            case=locked,
            kind=EventKind.LEGAL_HOLD,
            summary="Legal hold placed: the case will not be erased",
            by=by,
            reason=reason.strip(),
            detail={"legal_hold": True},
        )
    case.refresh_from_db()
    return case


def case_legal_hold_clear(*, case: Case, by, reason: str) -> Case:
    """Lift a legal hold; the case is erased once its retention has passed."""
    _check_area_admin(by, case)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the hold is no longer needed."})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.legal_hold:
            raise CaseWorkflowError("This case is not on legal hold.")
        Case.objects.filter(pk=case.pk).update(
            legal_hold=False,
            legal_hold_reason="",
            legal_hold_set_at=None,
            legal_hold_set_by=None,
        )
        timeline_record(
            case=locked,
            kind=EventKind.LEGAL_HOLD,
            summary="Legal hold lifted",
            by=by,
            reason=reason.strip(),
            detail={"legal_hold": False},
        )
    case.refresh_from_db()
    return case
