"""The victim's part in the panel: attending, a statement, an advocate."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases.constants import EventKind
from cases.services import impact_statement_add, timeline_record
from panels.constants import (
    VictimAttendance,
)
from panels.models import (
    Listing,
)
from panels.services.common import _is_chair_or_arranger, _listing_lock


def victim_part_record(
    *,
    listing: Listing,
    by,
    attendance: str,
    attendee_name: str = "",
    left_at: dt.time | None = None,
    left_point: str = "",
    statement: str = "",
):
    """The victim's (or advocate's) part of the meeting: who came, when they left, what they said.

    They attend only the first part: the point they left is recorded. What they said is
    kept as an impact statement noted at the meeting.
    """
    if not _is_chair_or_arranger(by, listing):
        raise PermissionDenied
    if attendance not in VictimAttendance.values or not attendance:
        raise ValidationError({"attendance": "Say whether the victim or an advocate attended."})
    attended = attendance in (
        VictimAttendance.VICTIM_IN_PERSON,
        VictimAttendance.VICTIM_VIRTUAL,
        VictimAttendance.ADVOCATE,
    )
    errors = {}
    if attended and not (left_at or left_point.strip()):
        errors["left_point"] = "Record when they left: they attend only the first part."
    if attendance == VictimAttendance.ADVOCATE and not attendee_name.strip():
        errors["attendee_name"] = "Give the advocate's name."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _listing_lock(listing, by=by, watch=("victim_attendance", "victim_left_point"))
        Listing.objects.filter(pk=listing.pk).update(
            victim_attendance=attendance,
            victim_attendee_name=attendee_name.strip(),
            victim_left_at=left_at,
            victim_left_point=left_point.strip(),
        )
        listing.refresh_from_db()
        timeline_record(
            case=listing.case,
            kind=EventKind.PANEL,
            summary=f"Victim's part of the meeting: {VictimAttendance(attendance).label}",
            by=by,
            detail={"listing_id": listing.pk},
        )
        if statement.strip():
            impact_statement_add(
                case=listing.case,
                by=by,
                source="noted_at_meeting",
                text=statement,
                given_by=attendee_name or listing.case.victim.name,
            )
    return listing
