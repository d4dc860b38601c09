"""Meetings (standing and ad hoc, cancelled) and listing a case at one."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from asbcr.concurrency import (
    lock,
)
from cases.constants import CaseState, EventKind
from cases.models import Case
from cases.services import case_transition, timeline_record
from panels import rules
from panels.constants import (
    ListingKind,
    ListingStatus,
    MeetingKind,
    MeetingStatus,
)
from panels.models import (
    Listing,
    Meeting,
)
from panels.services.common import ACTIVE_LISTING_STATUSES, ARRANGE, PanelError, _due, _require
from panels.services.membership import _member_create

WEEKDAY_NUMBERS = {d: i for i, d in enumerate(rules.WEEKDAYS)}


DEFAULT_STANDING = {"weekday": "tuesday", "week_of_month": 1, "time": "10:00"}


def standing_slot(year: int, month: int, pattern: dict) -> dt.datetime:
    """The standing meeting of a month, e.g. the first Tuesday at 10:00."""
    first = dt.date(year, month, 1)
    offset = (WEEKDAY_NUMBERS[pattern["weekday"]] - first.weekday()) % 7
    day = first + dt.timedelta(days=offset + 7 * (pattern["week_of_month"] - 1))
    hour, minute = (int(p) for p in pattern["time"].split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def meeting_schedule_standing(*, area, by, months: int = 3, today: dt.date | None = None):
    """Schedule the area's standing monthly meetings ahead (idempotent: one per slot)."""
    if not (by.is_superuser or by.has_perm(ARRANGE, area)):
        raise PermissionDenied
    today = today or timezone.localdate()
    pattern = {
        **DEFAULT_STANDING,
        **(area.procedure.current_version.section("panel") or {}).get("standing_meeting", {}),
    }
    meetings = []
    year, month = today.year, today.month
    for _ in range(months):
        starts_at = standing_slot(year, month, pattern)
        if starts_at.date() >= today:
            meeting, _created = Meeting.objects.get_or_create(
                area=area,
                kind=MeetingKind.STANDING,
                starts_at=starts_at,
                defaults={"created_by": by, "location": "Teams"},
            )
            meetings.append(meeting)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return meetings


def meeting_schedule_ad_hoc(*, area, by, starts_at: dt.datetime, purpose: str, location=""):
    """An extra meeting at the earliest opportunity when a case cannot wait for the next one."""
    if not (by.is_superuser or by.has_perm(ARRANGE, area)):
        raise PermissionDenied
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": "The meeting cannot be in the past."})
    if not purpose.strip():
        raise ValidationError({"purpose": "Say why an ad hoc meeting is needed."})
    return Meeting.objects.create(
        area=area,
        kind=MeetingKind.AD_HOC,
        starts_at=starts_at,
        purpose=purpose,
        location=location,
        created_by=by,
    )


def meeting_cancel(*, meeting: Meeting, by, reason: str) -> Meeting:
    """Cancel a meeting; refused while a case is still listed for it."""
    if by is not None and not (by.is_superuser or by.has_perm(ARRANGE, meeting.area)):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for cancelling."})
    with transaction.atomic():
        locked = lock(meeting)  # a case being listed for it at the same moment waits
        if locked.status == MeetingStatus.CANCELLED:
            return meeting
        if meeting.listings.filter(status__in=ACTIVE_LISTING_STATUSES).exists():
            raise PanelError(
                "Move or adjourn the cases listed for this meeting before cancelling it."
            )
        Meeting.objects.filter(pk=meeting.pk).update(
            status=MeetingStatus.CANCELLED, cancelled_reason=reason
        )
    meeting.refresh_from_db()
    return meeting


def meetings_cancel_unused(*, today: dt.date | None = None, within_days: int = 7) -> list[int]:
    """Cancel standing meetings in the next ``within_days`` with no case ready to be heard."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    cancelled = []
    candidates = Meeting.objects.filter(
        kind=MeetingKind.STANDING,
        status=MeetingStatus.SCHEDULED,
        starts_at__date__gte=today,
        starts_at__date__lte=horizon,
    ).exclude(listings__status__in=ACTIVE_LISTING_STATUSES)
    for meeting in candidates:
        meeting_cancel(meeting=meeting, by=None, reason="No case ready to be heard.")
        cancelled.append(meeting.pk)
    return cancelled


def _started_on(case: Case, starts: str) -> dt.date:
    if starts == "received":
        return case.received_on
    event = case.timeline.filter(to_state=starts).order_by("-at").first()
    if event is None and starts == "threshold_met":
        event = case.timeline.filter(to_state=CaseState.REOPENED).order_by("-at").first()
    return timezone.localdate(event.at) if event else case.received_on


def meeting_timescale(case: Case) -> dict | None:
    """The procedure's timescale for holding the meeting.

    The one that ends when the panel is held (``timescales.meeting`` in most seeds); else
    an outer bound: one that ends with the outcome and starts before the meeting
    (Staffordshire: "heard and outcome provided within 28 days from activation").
    """
    timescales = case.procedure_version.section("timescales") or {}
    specs = sorted(timescales.items(), key=lambda kv: kv[0] != "meeting")
    for _key, spec in specs:
        if isinstance(spec, dict) and spec.get("ends") == "panel_held":
            return spec
    for _key, spec in specs:
        if (
            isinstance(spec, dict)
            and spec.get("ends") == "outcome_sent"
            and spec.get("starts") != "panel_held"
        ):
            return spec
    return None


def meeting_target_date(case: Case) -> dt.date | None:
    """When the procedure wants the meeting held, if it says (see ``meeting_timescale``)."""
    spec = meeting_timescale(case)
    if not spec:
        return None
    start = _started_on(case, spec.get("starts", "received"))
    return _due(case, start, spec["amount"], spec["unit"])


def _panel_transition(case: Case) -> str | None:
    if case.state in (CaseState.THRESHOLD_MET, CaseState.REOPENED):
        return "arrange_panel"
    if case.state == CaseState.GATHERING_INFORMATION:
        return "arrange_panel_for_decision"
    return None


FOLLOW_UP_STATES = (CaseState.REVIEWED, CaseState.OUTCOME_SENT, CaseState.MONITORING)


def case_list_for_meeting(
    *,
    case: Case,
    meeting: Meeting,
    by,
    late_reason: str = "",
    follow_up_reason: str = "",
) -> Listing:
    """List a case for a meeting and arrange its panel (case transition ``arrange_panel``).

    A meeting after the procedure's target date (``timescales.meeting``) needs a reason.
    A case already reviewed is listed for a follow-up with the same participants.
    """
    _require(by, ARRANGE, case)
    if meeting.area_id != case.area_id:
        raise ValidationError({"meeting": "Choose a meeting in the case's own area."})
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError({"meeting": "That meeting is not scheduled (held or cancelled)."})
    if case.panel_listings.filter(status__in=ACTIVE_LISTING_STATUSES).exists():
        raise PanelError("The case is already listed for a meeting that has not finished.")
    follow_up = case.state in FOLLOW_UP_STATES
    if follow_up and not follow_up_reason.strip():
        raise ValidationError(
            {"follow_up_reason": "Say why a follow-up is needed (high risk, or a change)."}
        )
    transition = None if follow_up else _panel_transition(case)
    relisting = case.state == CaseState.PANEL_ARRANGED
    if not (follow_up or relisting or transition):
        raise PanelError(
            f"A case that is ‘{case.get_state_display()}’ cannot be listed for a panel."
        )
    target = None if follow_up else meeting_target_date(case)
    late = target is not None and timezone.localdate(meeting.starts_at) > target
    if late and not late_reason.strip():
        raise ValidationError(
            {
                "late_reason": f"The procedure's target for the meeting is {target:%-d %B %Y}; "
                "give the reason it will be later."
            }
        )
    with transaction.atomic():
        # Two officers listing the case at once: the second waits, then finds the listing.
        locked_case = lock(case)
        if locked_case.state != case.state or (
            case.panel_listings.filter(status__in=ACTIVE_LISTING_STATUSES).exists()
        ):
            from cases.services import stale_case

            raise stale_case(locked_case, by)
        if lock(meeting).status != MeetingStatus.SCHEDULED:
            raise ValidationError({"meeting": "That meeting has just been cancelled."})
        previous = case.panel_listings.exclude(status=ListingStatus.ADJOURNED).last()
        listing = Listing.objects.create(
            meeting=meeting,
            case=case,
            kind=ListingKind.FOLLOW_UP if follow_up else ListingKind.REVIEW,
            target_date=target,
            late_reason=late_reason.strip() if late else "",
            follow_up_reason=follow_up_reason.strip(),
            created_by=by,
        )
        if follow_up and previous is not None:
            for member in previous.members.all():
                _member_create(
                    listing=listing, user=member.user, agency=member.agency, role=member.role
                )
        summary = (
            f"Listed for a follow-up panel on {meeting.starts_at:%-d %B %Y}"
            if follow_up
            else f"Listed for the panel on {meeting.starts_at:%-d %B %Y}"
        )
        timeline_record(
            case=case,
            kind=EventKind.PANEL,
            summary=summary,
            by=by,
            reason=late_reason if late else follow_up_reason,
            detail={
                "listing_id": listing.pk,
                "meeting_id": meeting.pk,
                "target_date": target.isoformat() if target else None,
                "late": late,
            },
        )
        if transition:
            case_transition(
                case=case,
                name=transition,
                by=by,
                reason=late_reason if late else "",
                detail={"listing_id": listing.pk, "meeting_id": meeting.pk},
            )
    return listing
