"""The panel at a meeting: members, attendance, declarations, opening and adjourning."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from asbcr.concurrency import (
    NOTHING_CHANGED,
    ConflictError,
    lock,
)
from cases import hooks
from cases.constants import EventKind
from cases.models import CaseAccessGrant
from cases.services import timeline_record
from panels import rules
from panels.constants import (
    Attendance,
    ListingStatus,
    MeetingStatus,
    MemberRole,
)
from panels.models import (
    Listing,
    Meeting,
    PanelMember,
)
from panels.services.common import (
    ARRANGE,
    DECLARATION_TEXT,
    PanelError,
    _is_chair_or_arranger,
    _listing_conflict,
    _listing_lock,
    _record_event,
    _require,
)
from partnerships.constants import PickPurpose
from partnerships.selectors import agency_choosable_check, staff_choosable_check


def _member_create(*, listing: Listing, user, agency, role: str) -> PanelMember:
    member = PanelMember.objects.create(listing=listing, user=user, agency=agency, role=role)
    CaseAccessGrant.objects.get_or_create(
        case=listing.case,
        user=user,
        defaults={"reason": f"{MemberRole(role).label} for the panel of {listing.meeting}"[:200]},
    )
    hooks.run_work_arrived("listed_for_panel", member)
    return member


def panel_member_add(*, listing: Listing, by, user, role: str = MemberRole.MEMBER, agency=None):
    """Put someone on a case's panel (with their agency and role) and let them see the case."""
    _require(by, ARRANGE, listing.case)
    if listing.status not in (ListingStatus.LISTED, ListingStatus.OPEN):
        raise PanelError("The panel can be changed only before or during the meeting.")
    staff_choosable_check(
        case=listing.case, purpose=PickPurpose.PANEL_MEMBER, person=user, field="user"
    )
    agency_choosable_check(case=listing.case, agency=agency, field="agency")
    agency = agency or user.agency
    if agency is None:
        raise ValidationError({"user": f"{user} has no agency; record their agency first."})
    with transaction.atomic():
        # Checked under the lock, so two people adding at once cannot both add a chair.
        _listing_lock(listing, by=by)
        if role == MemberRole.CHAIR and listing.members.filter(role=MemberRole.CHAIR).exists():
            raise ValidationError({"role": "The panel already has a chair: remove them first."})
        if listing.members.filter(user=user).exists():
            raise ValidationError({"user": f"{user} is already on the panel."})
        member = _member_create(listing=listing, user=user, agency=agency, role=role)
        timeline_record(
            case=listing.case,
            kind=EventKind.PANEL,
            summary=f"{user} ({agency}) added to the panel as {MemberRole(role).label.lower()}",
            by=by,
            detail={"listing_id": listing.pk, "member_id": member.pk},
        )
    return member


def panel_member_remove(*, member: PanelMember, by) -> None:
    """Take someone off the panel before the meeting (their case access stays for the record)."""
    _require(by, ARRANGE, member.listing.case)
    if member.listing.status != ListingStatus.LISTED:
        raise PanelError("Members can be removed only before the meeting opens.")
    with transaction.atomic():
        _listing_lock(member.listing, by=by)
        if not PanelMember.objects.filter(pk=member.pk).exists():
            raise _listing_conflict(member.listing, by)
        timeline_record(
            case=member.listing.case,
            kind=EventKind.PANEL,
            summary=f"{member.user} removed from the panel",
            by=by,
        )
        member.delete()


def panel_attendance_record(*, member: PanelMember, by, attendance: str) -> PanelMember:
    """Mark a member present or as having sent apologies."""
    if not _is_chair_or_arranger(by, member.listing):
        raise PermissionDenied
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": "Choose attended, apologies or invited."})
    if member.listing.status not in (ListingStatus.LISTED, ListingStatus.OPEN):
        raise PanelError("Attendance is recorded before or during the meeting.")
    with transaction.atomic():
        _listing_lock(member.listing, by=by)
        locked = lock(member)
        if locked.attendance != member.attendance:
            raise ConflictError(
                f"Someone else has just recorded {member.user}'s attendance as "
                f"‘{locked.get_attendance_display()}’. {NOTHING_CHANGED}"
            )
        PanelMember.objects.filter(pk=member.pk).update(attendance=attendance)
    member.refresh_from_db()
    return member


def declaration_sign(*, listing: Listing, by) -> PanelMember:
    """The information-sharing declaration, signed by the member themselves."""
    member = listing.members.filter(user=by).first()
    if member is None:
        raise PermissionDenied("Only members of this panel sign its declaration.")
    with transaction.atomic():
        # A double click signs once: the second waits for the lock and finds it signed.
        if lock(member).declared_at is None:
            PanelMember.objects.filter(pk=member.pk).update(
                declared_at=timezone.now(), declaration_text=DECLARATION_TEXT
            )
            timeline_record(
                case=listing.case,
                kind=EventKind.PANEL,
                summary=f"{by} signed the information-sharing declaration",
                by=by,
                detail={"listing_id": listing.pk},
            )
        member.refresh_from_db()
    return member


def listing_open(*, listing: Listing, by) -> tuple[Listing, list[str]]:
    """Open the meeting for a case once the procedure's panel rules are met.

    Returns the listing and any warnings. Raises ``PanelError`` with every blocking
    reason (quorum, chair's independence, youth offending team, health).
    """
    from panels.selectors import panel_check

    if not _is_chair_or_arranger(by, listing):
        raise PermissionDenied
    if listing.status == ListingStatus.OPEN:
        raise _listing_conflict(listing, by)  # who opened it, and when
    if listing.status != ListingStatus.LISTED:
        raise PanelError("This meeting has already been opened, adjourned or minuted.")
    results = panel_check(listing, at_opening=True)
    blocking = rules.blockers(results)
    if blocking:
        raise PanelError("The meeting cannot open yet.", reasons=blocking)
    now = timezone.now()
    with transaction.atomic():
        _listing_lock(listing, by=by)
        Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.OPEN, opened_at=now)
        Meeting.objects.filter(pk=listing.meeting_id).update(status=MeetingStatus.HELD)
        listing.refresh_from_db()
        timeline_record(
            case=listing.case,
            kind=EventKind.PANEL,
            summary="Panel meeting opened (quorate)",
            by=by,
            detail={"listing_id": listing.pk, "rules": [r.message for r in results]},
        )
        _record_event(listing.case, "panel_held", timezone.localdate(now), by)
    return listing, rules.warnings(results)


def listing_adjourn(*, listing: Listing, by, reason: str) -> Listing:
    """Adjourn without decisions (for example, no quorum); the case can be listed again."""
    if not _is_chair_or_arranger(by, listing):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for adjourning."})
    if listing.status not in (ListingStatus.LISTED, ListingStatus.OPEN):
        raise PanelError("Only a meeting not yet minuted can be adjourned.")
    with transaction.atomic():
        _listing_lock(listing, by=by)
        Listing.objects.filter(pk=listing.pk).update(
            status=ListingStatus.ADJOURNED, adjourned_reason=reason
        )
        listing.refresh_from_db()
        timeline_record(
            case=listing.case,
            kind=EventKind.PANEL,
            summary="Panel meeting adjourned",
            by=by,
            reason=reason,
            detail={"listing_id": listing.pk},
        )
    return listing


def _require_quorate(listing: Listing) -> None:
    if listing.status not in (ListingStatus.OPEN, ListingStatus.MINUTED):
        raise PanelError(
            "Decisions are recorded only at a meeting that opened with its quorum. "
            "A meeting without quorum can only be adjourned, with a reason."
        )
