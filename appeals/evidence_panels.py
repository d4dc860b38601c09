"""Evidence from the panels app for the bundle (Appendix A items 7, 9 and 10) and the
compliance audit's independence question. Registered only when panels is installed."""

from django.utils import timezone

from appeals.bundle import EvidenceEntry, evidence_source
from panels.constants import ActionStatus, Attendance, MemberRole
from panels.models import Action, Listing

DONE = {ActionStatus.DONE, ActionStatus.NO_LONGER_NEEDED, ActionStatus.BUSINESS_AS_USUAL}


def _listings(case):
    return (
        Listing.objects.filter(case=case)
        .select_related("meeting")
        .prefetch_related("members__user", "members__agency")
        .order_by("meeting__starts_at", "id")
    )


@evidence_source("minutes")
def panel_minutes(case) -> list[EvidenceEntry]:
    """Minutes of each meeting that reviewed the case, with who attended."""
    entries = []
    for listing in _listings(case):
        if not listing.minuted_at:
            continue
        members = list(listing.members.all())
        attended = [
            f"{m.user} ({m.agency}, {m.get_role_display().lower()})"
            for m in members
            if m.attendance == Attendance.ATTENDED
        ]
        apologies = [
            f"{m.user} ({m.agency})" for m in members if m.attendance == Attendance.APOLOGIES
        ]
        detail = "\n".join(
            part
            for part in (
                listing.summary,
                f"Decisions: {listing.decisions}" if listing.decisions else "",
                f"Recommendations: {listing.recommendations}" if listing.recommendations else "",
                f"Attended: {'; '.join(attended)}" if attended else "Attendance not recorded.",
                f"Apologies: {'; '.join(apologies)}" if apologies else "",
                f"The victim: {listing.get_victim_attendance_display()}"
                if listing.victim_attendance
                else "",
            )
            if part
        )
        entries.append(
            EvidenceEntry(
                label=f"Minutes of the panel on {timezone.localdate(listing.meeting.starts_at):%-d %B %Y}",
                detail=detail,
                url=listing.get_absolute_url() if hasattr(listing, "get_absolute_url") else "",
                on=timezone.localdate(listing.minuted_at),
            )
        )
    return entries


def _actions(case):
    return Action.objects.filter(case=case).select_related("agency").order_by("due_on", "id")


@evidence_source("action_plan")
def action_plan(case) -> list[EvidenceEntry]:
    """Each action as agreed: what, which body, by when."""
    return [
        EvidenceEntry(
            label=f"{a.what} ({a.agency}, due {a.due_on:%-d %B %Y})", detail=a.why, on=a.due_on
        )
        for a in _actions(case)
    ]


@evidence_source("action_plan_update")
def action_plan_now(case) -> list[EvidenceEntry]:
    """Each action's current state: done, overdue or ongoing."""
    today = timezone.localdate()
    entries = []
    for a in _actions(case):
        if a.status in DONE:
            state = a.get_status_display()
        elif a.due_on < today:
            state = f"Overdue ({a.get_status_display().lower()})"
        else:
            state = f"Ongoing ({a.get_status_display().lower()})"
        entries.append(
            EvidenceEntry(label=f"{a.what}: {state}", detail=a.status_reason, on=a.due_on)
        )
    return entries


def chair_independence(case) -> tuple[bool | None, str]:
    """Whether each panel chair came from a body with no direct involvement in the case."""
    involved = set(
        case.involvements.filter(direct_involvement=True).values_list("agency_id", flat=True)
    )
    chairs = [
        m
        for listing in _listings(case)
        for m in listing.members.all()
        if m.role == MemberRole.CHAIR
    ]
    if not chairs:
        return None, "No panel chair is recorded on the case."
    dependent = [m for m in chairs if m.agency_id in involved]
    if dependent:
        return False, "; ".join(f"{m.user} ({m.agency}) was directly involved" for m in dependent)
    return True, "; ".join(f"{m.user} ({m.agency}) had no direct involvement" for m in chairs)
