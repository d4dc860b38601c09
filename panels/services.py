"""Writes for panels: meetings, listings, the panel, minutes, the victim's voice, actions.

Every case state change runs through ``cases.services.case_transition``. Each service
takes the acting user and checks what it needs; the procedure's panel rules come from
``panels.rules`` and are explained before a meeting can open.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from asbcr.calendar import calendar_for_area
from asbcr.concurrency import (
    DOUBLE_SUBMIT_WINDOW,
    GENERIC_MESSAGE,
    NOTHING_CHANGED,
    ConflictError,
    conflict,
    lock,
    refresh_from,
)
from asbcr.templatetags.words import long_date
from cases import hooks
from cases.constants import CaseState, EventKind
from cases.models import Case, CaseAccessGrant, TimelineEvent
from cases.services import case_transition, impact_statement_add, timeline_record
from panels import rules
from panels.constants import (
    OWNER_SETTABLE_STATUSES,
    RESOLVED_ACTION_STATUSES,
    ActionStatus,
    Attendance,
    ListingKind,
    ListingStatus,
    MeetingKind,
    MeetingStatus,
    MemberRole,
    VictimAttendance,
    Vote,
)
from panels.models import (
    Action,
    Listing,
    Meeting,
    PanelMember,
    ThresholdVote,
    VictimConsultation,
)
from partnerships.constants import PickPurpose
from partnerships.selectors import agency_choosable_check, staff_choosable_check

log = logging.getLogger(__name__)

ARRANGE = "panels.arrange_panel"
ACCEPT = "panels.accept_action"
UPDATE = "panels.update_action"

DECLARATION_TEXT = (
    "I will use the information in this case review only for the purpose of the review, "
    "keep it secure and confidential, and share it only under the partnership's "
    "information-sharing agreement (Crime and Disorder Act 1998 s.115, Schedule 4 of the "
    "Anti-social Behaviour, Crime and Policing Act 2014, UK GDPR and the Data Protection "
    "Act 2018)."
)

ACTIVE_LISTING_STATUSES = (ListingStatus.LISTED, ListingStatus.OPEN, ListingStatus.MINUTED)


class PanelError(Exception):
    """A panel step that cannot happen now, with the reasons to show the user."""

    def __init__(self, message: str, *, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or []


def _require(user, perm: str, case: Case) -> None:
    if not (user.is_superuser or user.has_perm(perm, case)):
        raise PermissionDenied


def _record_event(case: Case, event: str, on: dt.date | None = None, by=None) -> None:
    """Tell the deadlines app something happened (meets and starts procedure timescales)."""
    from deadlines.services import record_event

    record_event(case=case, event=event, on=on, by=by)


def _due(case: Case, start: dt.date, amount: int, unit: str) -> dt.date:
    return calendar_for_area(case.area).due(start, amount, unit)


def _timescale(case: Case, key: str) -> dict | None:
    return (case.procedure_version.section("timescales") or {}).get(key)


def _is_chair_or_arranger(user, listing: Listing) -> bool:
    if user.is_superuser or user.has_perm(ARRANGE, listing.case):
        return True
    return listing.members.filter(user=user, role=MemberRole.CHAIR).exists()


def _listing_lock(listing: Listing, *, by, watch: tuple[str, ...] = ()) -> Listing:
    """Lock the listing's row; refuse if its status (or a watched field) changed since the
    caller loaded it, naming who changed it and when. The caller's object is brought up
    to date either way."""
    locked = lock(listing)
    changed = any(getattr(locked, f) != getattr(listing, f) for f in ("status", *watch))
    refresh_from(listing, locked)
    if changed:
        raise _listing_conflict(locked, by)
    return locked


def _listing_conflict(listing: Listing, by, *, what: str = "updated this panel") -> ConflictError:
    event = (
        TimelineEvent.objects.filter(case_id=listing.case_id, detail__listing_id=listing.pk)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return ConflictError(GENERIC_MESSAGE)
    return conflict(what=what, at=event.at, actor=event.actor, by=by, outcome=event.summary)


# -- meetings ----------------------------------------------------------------------

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


# -- listing a case --------------------------------------------------------------------


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


# -- the panel ---------------------------------------------------------------------


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


# -- the victim's voice ----------------------------------------------------------------


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


# -- Merton: the threshold vote at the meeting -----------------------------------------


def decided_at_meeting(case: Case) -> bool:
    return bool(case.procedure_version.section("decision").get("at_meeting"))


def vote_result(listing: Listing) -> bool | None:
    decision = listing.case.procedure_version.section("decision")
    return rules.vote_outcome(decision, list(listing.votes.values_list("vote", flat=True)))


def threshold_vote_cast(*, listing: Listing, by, agency, vote: str, reason: str = ""):
    """Merton: a core partner votes on the threshold; 2 of 3 decide it (decision.required/of).

    When the vote fails the case moves to ``threshold_not_met`` with the votes as reasons.
    """
    case = listing.case
    if not decided_at_meeting(case):
        raise PanelError("This procedure decides the threshold before the meeting.")
    _require_quorate(listing)
    core = listing.case.procedure_version.section("panel").get("core_agencies") or []
    if agency.slug not in core:
        raise ValidationError({"agency": f"{agency} is not one of the core partners who vote."})
    is_member = listing.members.filter(user=by, agency=agency).exists()
    if not (is_member or _is_chair_or_arranger(by, listing)):
        raise PermissionDenied
    if vote not in Vote.values:
        raise ValidationError({"vote": "Vote met or not met."})
    if vote_result(listing) is not None:
        if listing.votes.filter(agency=agency).exists():
            # This agency's vote is in (a double click, or a colleague a moment ago): say
            # who recorded it and when, as the locked check below would.
            raise _listing_conflict(listing, by, what="recorded a vote")
        raise PanelError("The vote has already decided the threshold.")
    with transaction.atomic():
        # Votes are counted one at a time, so a late vote cannot slip past a decided one.
        _listing_lock(listing, by=by)
        if vote_result(listing) is not None or listing.votes.filter(agency=agency).exists():
            raise _listing_conflict(listing, by, what="recorded a vote")
        try:
            with transaction.atomic():
                ThresholdVote.objects.create(
                    listing=listing, agency=agency, cast_by=by, vote=vote, reason=reason
                )
        except IntegrityError as exc:
            raise ValidationError({"agency": f"{agency} has already voted."}) from exc
        timeline_record(
            case=case,
            kind=EventKind.DECISION,
            summary=f"{agency} voted: {Vote(vote).label.lower()}",
            by=by,
            reason=reason,
            detail={"listing_id": listing.pk},
        )
        result = vote_result(listing)
        if result is False and _may_decide_threshold(by, case):
            _record_failed_vote(listing, by)
    return result


def _may_decide_threshold(user, case: Case) -> bool:
    return user.is_superuser or user.has_perm("thresholds.decide_threshold", case)


def _record_failed_vote(listing: Listing, by) -> None:
    reasons = "; ".join(
        f"{v.agency}: {v.get_vote_display().lower()}" + (f" ({v.reason})" if v.reason else "")
        for v in listing.votes.select_related("agency")
    )
    case_transition(
        case=listing.case,
        name="record_threshold_not_met",
        by=by,
        reason=f"The core panel's vote did not reach the majority needed. {reasons}",
        detail={"listing_id": listing.pk},
    )


def threshold_vote_conclude(*, listing: Listing, by) -> None:
    """Record a failed vote on the case (``record_threshold_not_met``) when the last vote
    was cast by a partner who does not take threshold decisions themselves."""
    if not _may_decide_threshold(by, listing.case):
        raise PermissionDenied
    if vote_result(listing) is not False:
        raise PanelError("The vote has not failed.")
    if listing.case.state == CaseState.THRESHOLD_NOT_MET:
        return
    with transaction.atomic():
        _listing_lock(listing, by=by)
        if lock(listing.case).state == CaseState.THRESHOLD_NOT_MET:
            return  # someone else recorded it a moment ago
        _record_failed_vote(listing, by)


# -- minutes and the action plan -------------------------------------------------------


def minutes_record(
    *,
    listing: Listing,
    by,
    summary: str,
    decisions: str,
    recommendations: str = "",
    apologies: str = "",
    version: int | None = None,
) -> Listing:
    """Structured minutes (attendees from the panel, apologies, summary, decisions,
    recommendations). Interim actions taken before the meeting are carried into the plan."""
    if not _is_chair_or_arranger(by, listing):
        raise PermissionDenied
    if version is not None and version != listing.minutes_version:
        raise _listing_conflict(listing, by)
    _require_quorate(listing)
    if decided_at_meeting(listing.case) and vote_result(listing) is None:
        raise PanelError("Record the core partners' threshold vote first.")
    errors = {}
    if not summary.strip():
        errors["summary"] = "Summarise the discussion."
    if not decisions.strip():
        errors["decisions"] = "Record the decisions made."
    if errors:
        raise ValidationError(errors)
    if not apologies.strip():
        apologies = ", ".join(
            f"{m.user} ({m.agency})"
            for m in listing.members.filter(attendance=Attendance.APOLOGIES).select_related(
                "user", "agency"
            )
        )
    spec = _timescale(listing.case, "minutes")
    held_on = timezone.localdate(listing.opened_at or timezone.now())
    due = _due(listing.case, held_on, spec["amount"], spec["unit"]) if spec else None
    with transaction.atomic():
        # Two people saving the minutes at once: the second is told, not overwritten.
        _listing_lock(listing, by=by, watch=("minutes_version",))
        Listing.objects.filter(pk=listing.pk).update(
            minutes_version=F("minutes_version") + 1,
            status=ListingStatus.MINUTED,
            summary=summary.strip(),
            decisions=decisions.strip(),
            recommendations=recommendations.strip(),
            apologies=apologies.strip(),
            minuted_at=timezone.now(),
            minuted_by=by,
            minutes_due_on=due,
        )
        carried = Action.objects.filter(case=listing.case, listing__isnull=True, interim=True)
        carried_count = carried.update(listing=listing)
        listing.refresh_from_db()
        timeline_record(
            case=listing.case,
            kind=EventKind.PANEL,
            summary="Minutes recorded"
            + (
                f"; {carried_count} interim action(s) carried into the plan"
                if carried_count
                else ""
            ),
            by=by,
            detail={"listing_id": listing.pk},
        )
    return listing


def minutes_circulate(*, listing: Listing, by) -> Listing:
    """Circulate the minutes and action plan to the panel (Hertsmere: 5 working days)."""
    _require(by, ARRANGE, listing.case)
    if listing.status not in (ListingStatus.MINUTED, ListingStatus.FINAL):
        raise PanelError("Record the minutes before circulating them.")
    today = timezone.localdate()
    with transaction.atomic():
        _listing_lock(listing, by=by, watch=("circulated_on",))
        Listing.objects.filter(pk=listing.pk).update(circulated_on=today)
        listing.refresh_from_db()
        late = bool(listing.minutes_due_on and today > listing.minutes_due_on)
        timeline_record(
            case=listing.case,
            kind=EventKind.PANEL,
            summary="Minutes and action plan circulated to the panel" + (" (late)" if late else ""),
            by=by,
            detail={
                "listing_id": listing.pk,
                "due_on": listing.minutes_due_on.isoformat() if listing.minutes_due_on else None,
            },
        )
        _record_event(listing.case, "minutes_circulated", today, by)
        emails = [m.user.email for m in listing.members.select_related("user") if m.user.email]
        if emails:
            link = settings.SITE_URL + reverse("panels:listing", args=[listing.pk])
            transaction.on_commit(
                lambda: send_mail(
                    f"Case review {listing.case.reference}: minutes and action plan",
                    "The minutes and action plan of the case review meeting are ready. "
                    f"Please read them and record your agreement: {link}",
                    None,
                    emails,
                    fail_silently=True,
                )
            )
    return listing


def minutes_agree(*, listing: Listing, by) -> PanelMember:
    """A panel member records their agreement to the circulated minutes."""
    member = listing.members.filter(user=by).first()
    if member is None:
        raise PermissionDenied("Only members of this panel agree its minutes.")
    if listing.circulated_on is None:
        raise PanelError("The minutes have not been circulated yet.")
    with transaction.atomic():
        if lock(member).agreed_minutes_at is None:  # a double click agrees once
            PanelMember.objects.filter(pk=member.pk).update(agreed_minutes_at=timezone.now())
            timeline_record(
                case=listing.case,
                kind=EventKind.PANEL,
                summary=f"{by} agreed the minutes",
                by=by,
                detail={"listing_id": listing.pk},
            )
    member.refresh_from_db()
    return member


def victim_consultation_record(
    *, listing: Listing, by, method: str, consulted_on: dt.date, what_they_said: str
) -> VictimConsultation:
    """The victim's views on the draft action plan: how, when and what they said."""
    _require(by, ARRANGE, listing.case)
    errors = {}
    if consulted_on > timezone.localdate():
        errors["consulted_on"] = "The date cannot be in the future."
    if not what_they_said.strip():
        errors["what_they_said"] = (
            "Record what the victim said (or the efforts made to reach them)."
        )
    if errors:
        raise ValidationError(errors)
    if listing.status != ListingStatus.MINUTED:
        raise PanelError(
            "The victim is consulted on the draft plan, after the minutes and before it is final."
        )
    with transaction.atomic():
        _listing_lock(listing, by=by)
        same = listing.consultations.filter(
            method=method,
            consulted_on=consulted_on,
            what_they_said=what_they_said.strip(),
            created_by=by,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).first()
        if same is not None:  # a double click: the first one stands
            raise conflict(what="recorded this consultation", at=same.created_at, actor=by, by=by)
        consultation = VictimConsultation.objects.create(
            listing=listing,
            method=method,
            consulted_on=consulted_on,
            what_they_said=what_they_said.strip(),
            created_by=by,
        )
        timeline_record(
            case=listing.case,
            kind=EventKind.CONTACT_ATTEMPT if method == "not_reached" else EventKind.PANEL,
            summary="Victim consulted on the draft action plan",
            by=by,
            reason=what_they_said,
            detail={"listing_id": listing.pk, "method": method},
            visible_to_applicant=True,
        )
    return consultation


def plan_finalise(*, listing: Listing, by) -> Listing:
    """Make the action plan final once the victim has been consulted on the draft; the case
    is then recorded as reviewed (case transition ``record_review``)."""
    _require(by, ARRANGE, listing.case)
    reasons = []
    if listing.status != ListingStatus.MINUTED:
        reasons.append("Record the minutes first.")
    if not listing.consultations.exists():
        reasons.append(
            "Consult the victim on the draft action plan first (2025 statutory guidance)."
        )
    if decided_at_meeting(listing.case) and vote_result(listing) is not True:
        reasons.append("The core partners did not find the threshold met: there is no plan.")
    if reasons:
        raise PanelError("The action plan cannot be made final yet.", reasons=reasons)
    with transaction.atomic():
        _listing_lock(listing, by=by)
        Listing.objects.filter(pk=listing.pk).update(
            status=ListingStatus.FINAL, plan_final_at=timezone.now()
        )
        listing.refresh_from_db()
        timeline_record(
            case=listing.case,
            kind=EventKind.PANEL,
            summary=f"Action plan final ({listing.actions.count()} actions)",
            by=by,
            detail={"listing_id": listing.pk},
        )
        case = Case.objects.get(pk=listing.case_id)
        if case.state == CaseState.PANEL_ARRANGED:
            case_transition(
                case=case,
                name="record_review",
                by=by,
                detail={"listing_id": listing.pk},
            )
    return listing


# -- actions ---------------------------------------------------------------------------


@dataclass
class ActionInput:
    what: str
    why: str
    owner: object
    due_on: dt.date
    agency: object = None
    withhold_from_victim: bool = False


def action_add(
    *, case: Case, by, data: ActionInput, listing: Listing | None = None, interim: bool = False
) -> Action:
    """Add an action with a named owner and due date. An interim action (immediate risk,
    before the meeting) is carried into the plan when the minutes are recorded. At a
    meeting the panel's chair adds actions as the panel agrees them; only the
    administering body adds an interim action."""
    if listing is not None:
        if listing.case_id != case.pk:
            raise ValidationError({"listing": "That meeting is for another case."})
        if not _is_chair_or_arranger(by, listing):
            raise PermissionDenied
    else:
        _require(by, ARRANGE, case)
    if listing is not None:
        _require_quorate(listing)
    elif not interim:
        raise ValidationError({"listing": "Agree plan actions at a meeting."})
    staff_choosable_check(
        case=case, purpose=PickPurpose.ACTION_OWNER, person=data.owner, field="owner"
    )
    agency_choosable_check(case=case, agency=data.agency, field="agency")
    errors = {}
    if not data.what.strip():
        errors["what"] = "Say what is to be done."
    if not data.why.strip():
        errors["why"] = "Say why."
    agency = data.agency or getattr(data.owner, "agency", None)
    if agency is None:
        errors["agency"] = "Choose the owning agency."
    if not interim and data.due_on < timezone.localdate():
        errors["due_on"] = "The due date cannot be in the past."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock(listing or case)  # the same action added twice at once is added once
        same = Action.objects.filter(
            case=case,
            listing=listing,
            what=data.what.strip(),
            owner=data.owner,
            due_on=data.due_on,
            created_by=by,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).first()
        if same is not None:
            raise conflict(what="added this action", at=same.created_at, actor=by, by=by)
        action = Action.objects.create(
            case=case,
            listing=listing,
            what=data.what.strip(),
            why=data.why.strip(),
            agency=agency,
            owner=data.owner,
            due_on=data.due_on,
            withhold_from_victim=data.withhold_from_victim,
            interim=interim,
            created_by=by,
        )
        CaseAccessGrant.objects.get_or_create(
            case=case, user=data.owner, defaults={"reason": "Owns an action on the plan"}
        )
        timeline_record(
            case=case,
            kind=EventKind.ACTION,
            summary=("Interim action recorded: " if interim else "Action agreed: ")
            + f"{action.what[:120]} ({agency}, due {long_date(action.due_on)})",
            by=by,
            detail={"action_id": action.pk, "withhold_from_victim": action.withhold_from_victim},
        )
        _action_deadline_start(action, by=by)
        hooks.run_work_arrived("action_assigned", action)
    return action


def _action_deadline_start(action: Action, *, by, due: dt.date | None = None, round_: int = 0):
    """The action's due date as a deadline that climbs the procedure's ``action_escalation``
    ladder when overdue (the deadlines sweep walks it: owner, line manager, head of service,
    chief executive), each rung recorded and notified once."""
    from deadlines.services import deadline_start

    suffix = f":{round_}" if round_ else ""
    return deadline_start(
        case=action.case,
        key=f"action:{action.pk}{suffix}",
        step="action",
        due=due or action.due_on,
        rule=f"Action: {action.what[:200]}",
        responsible_user=action.owner,
        responsible_agency=action.agency,
        responsible_role="action_owner",
        subject=action,
        escalates=True,
        by=by,
    )


def _action_deadline_meet(action: Action, *, by, on: dt.date | None = None) -> None:
    from deadlines.constants import LIVE_STATES
    from deadlines.services import deadline_meet, deadlines_for_subject

    for deadline in deadlines_for_subject(action).filter(state__in=LIVE_STATES):
        deadline_meet(deadline=deadline, on=on, by=by)


def _action_record(
    action: Action, *, by, fields: dict, summary: str, reason: str = "", detail=None
) -> Action:
    """Write an action's new status and put the change on the case timeline (in the
    caller's transaction, on a row the caller has locked)."""
    Action.objects.filter(pk=action.pk).update(version=F("version") + 1, **fields)
    action.refresh_from_db()
    timeline_record(
        case=action.case,
        kind=EventKind.ACTION,
        summary=f"{summary}: {action.what[:120]}",
        by=by,
        reason=reason,
        detail={"action_id": action.pk, **(detail or {})},
    )
    return action


def _action_lock(action: Action, *, by, version: int | None) -> Action:
    """Lock the action's row and refuse if it changed since the caller loaded it (the
    status they saw, or the version their form carried): the second of two people
    accepting, returning or reporting at once is told who got there first."""
    locked = lock(action)
    if locked.status != action.status or (version is not None and version != locked.version):
        raise _action_conflict(locked, by)
    return locked


def _refuse_stale(action: Action, *, by, version: int | None) -> None:
    """A form loaded before someone else changed the action is refused, whatever the
    action's state now, so the message says what happened instead of a rule."""
    if version is not None and version != action.version:
        raise _action_conflict(action, by)


def _action_conflict(action: Action, by) -> ConflictError:
    event = (
        TimelineEvent.objects.filter(case_id=action.case_id, detail__action_id=action.pk)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return ConflictError(GENERIC_MESSAGE, version=action.version)
    return conflict(
        what="updated this action",
        at=event.at,
        actor=event.actor,
        by=by,
        outcome=event.summary,
        version=action.version,
    )


def _can_update(user, action: Action) -> bool:
    if user.is_superuser or action.owner_id == user.pk:
        return True
    if user.has_perm(ARRANGE, action.case):
        return True
    return bool(user.agency_id == action.agency_id and user.has_perm(UPDATE, action.case))


def action_update(
    *,
    action: Action,
    by,
    status: str,
    reason: str = "",
    completion_report: str = "",
    version: int | None = None,
) -> Action:
    """The owner reports progress: in progress, delayed (why), completed (report, for the
    administering body to accept), or no longer needed (with the outcome)."""
    if not _can_update(by, action):
        raise PermissionDenied
    _refuse_stale(action, by=by, version=version)
    if action.status in RESOLVED_ACTION_STATUSES:
        raise PanelError("This action is closed.")
    if status not in OWNER_SETTABLE_STATUSES:
        raise ValidationError(
            {"status": "Choose in progress, delayed, completed or no longer needed."}
        )
    errors = {}
    if status == ActionStatus.DELAYED and not reason.strip():
        errors["reason"] = "Say why the action is delayed."
    if status == ActionStatus.NO_LONGER_NEEDED and not reason.strip():
        errors["reason"] = "Say what the outcome was, so partners can agree what else to do."
    if status == ActionStatus.REPORTED and not completion_report.strip():
        errors["completion_report"] = "Describe what was done."
    if errors:
        raise ValidationError(errors)
    fields = {"status": status, "status_reason": reason.strip()}
    if status == ActionStatus.REPORTED:
        fields.update(completion_report=completion_report.strip(), reported_at=timezone.now())
    with transaction.atomic():
        _action_lock(action, by=by, version=version)
        _action_record(
            action,
            by=by,
            fields=fields,
            summary=f"Action {ActionStatus(status).label.lower()}",
            reason=reason or completion_report,
            detail={"status": status},
        )
        if status in (ActionStatus.REPORTED, ActionStatus.NO_LONGER_NEEDED):
            # "An action is not considered complete until the CSIO is informed": the
            # report informs them, so the ladder stops here.
            _action_deadline_meet(action, by=by)
    return action


def action_accept(*, action: Action, by, version: int | None = None) -> Action:
    """The administering body accepts the owner's completion report: only then is it done."""
    _require(by, ACCEPT, action.case)
    _refuse_stale(action, by=by, version=version)
    if action.status != ActionStatus.REPORTED:
        raise PanelError("Only an action whose owner has reported it complete can be accepted.")
    with transaction.atomic():
        _action_lock(action, by=by, version=version)
        _action_record(
            action,
            by=by,
            fields={"status": ActionStatus.DONE, "accepted_at": timezone.now(), "accepted_by": by},
            summary="Action done (report accepted)",
        )
        _action_deadline_meet(action, by=by)
    return action


def action_return_report(*, action: Action, by, reason: str, version: int | None = None) -> Action:
    """The administering body does not accept the report: the action is in progress again."""
    _require(by, ACCEPT, action.case)
    _refuse_stale(action, by=by, version=version)
    if action.status != ActionStatus.REPORTED:
        raise PanelError("There is no completion report waiting.")
    if not reason.strip():
        raise ValidationError({"reason": "Say what is still needed."})
    with transaction.atomic():
        _action_lock(action, by=by, version=version)
        _action_record(
            action,
            by=by,
            fields={"status": ActionStatus.IN_PROGRESS, "status_reason": reason.strip()},
            summary="Completion report returned",
            reason=reason,
        )
        from deadlines.services import deadlines_for_subject

        rounds = deadlines_for_subject(action).count()
        _action_deadline_start(
            action, by=by, due=max(action.due_on, timezone.localdate()), round_=rounds
        )
    return action


def action_hand_to_business_as_usual(
    *, action: Action, by, reason: str, version: int | None = None
) -> Action:
    """The administering body formally hands an action to the agency's usual work."""
    _require(by, ACCEPT, action.case)
    _refuse_stale(action, by=by, version=version)
    if action.status in RESOLVED_ACTION_STATUSES:
        raise PanelError("This action is closed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say who carries it on, and how."})
    with transaction.atomic():
        _action_lock(action, by=by, version=version)
        _action_record(
            action,
            by=by,
            fields={"status": ActionStatus.BUSINESS_AS_USUAL, "status_reason": reason.strip()},
            summary="Action handed to business as usual",
            reason=reason,
        )
        _action_deadline_meet(action, by=by)
    return action
