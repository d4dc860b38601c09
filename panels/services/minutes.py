"""Minutes, their circulation and agreement, the victim's consultation, the final plan."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from asbcr.concurrency import (
    DOUBLE_SUBMIT_WINDOW,
    conflict,
    lock,
)
from cases.constants import CaseState, EventKind
from cases.models import Case
from cases.services import case_transition, timeline_record
from panels.constants import (
    Attendance,
    ListingStatus,
)
from panels.models import (
    Action,
    Listing,
    PanelMember,
    VictimConsultation,
)
from panels.services.common import (
    ARRANGE,
    PanelError,
    _due,
    _is_chair_or_arranger,
    _listing_conflict,
    _listing_lock,
    _record_event,
    _require,
    _timescale,
)
from panels.services.membership import _require_quorate
from panels.services.voting import decided_at_meeting, vote_result


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
