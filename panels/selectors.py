"""Reads for panels: who may see the chair's pack, what the victim is told, whose actions."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from asbcr.errors import PermissionDeniedWithReason
from cases.models import Case
from cases.selectors import case_visible_to, user_can_see_case
from panels import rules
from panels.constants import RESOLVED_ACTION_STATUSES, ActionStatus, ListingStatus
from panels.models import Action, Listing, Meeting, PanelMember
from partnerships.constants import RELEVANT_BODY_KINDS
from partnerships.models import Agency


def panel_facts(listing: Listing) -> rules.PanelFacts:
    """Everything the procedure's panel rules need to know about a case's panel."""
    case = listing.case
    members = [
        rules.MemberFact(
            name=str(m.user),
            agency_slug=m.agency.slug,
            agency_name=m.agency.name,
            agency_kind=m.agency.kind,
            role=m.role,
            attendance=m.attendance,
            declared=m.declared_at is not None,
        )
        for m in listing.members.select_related("user", "agency")
    ]
    involvements = list(case.involvements.select_related("agency"))
    area_bodies = Agency.objects.filter(areas=case.area_id, kind__in=RELEVANT_BODY_KINDS)
    config = case.procedure_version.section("panel") or {}
    core = config.get("core_agencies") or []
    return rules.PanelFacts(
        config=config,
        members=members,
        directly_involved=frozenset(i.agency.slug for i in involvements if i.direct_involvement),
        area_relevant_bodies=frozenset(area_bodies.values_list("slug", flat=True)),
        involved_kinds=frozenset(i.agency.kind for i in involvements),
        perpetrator_under_18=case.perpetrators.filter(under_18=True).exists(),
        victim_health_vulnerability=case.victim.health_vulnerability,
        agency_names=dict(Agency.objects.filter(slug__in=core).values_list("slug", "name")),
    )


def panel_check(listing: Listing, *, at_opening: bool = False) -> list[rules.RuleResult]:
    """The procedure's panel rules for this listing, each explained (see ``panels.rules``)."""
    return rules.evaluate_panel(panel_facts(listing), at_opening=at_opening)


def current_listing(case: Case) -> Listing | None:
    return (
        case.panel_listings.select_related("meeting").order_by("-meeting__starts_at", "-id").first()
    )


def can_see_chairs_pack(user, case: Case) -> bool:
    """The chair's pack is shown only to people who may see the case and, if they sit on its
    panel, have signed the information-sharing declaration.

    The administering body's case managers, who compile the pack, see it without sitting on
    the panel; anyone on the panel (including them) must have signed for the latest listing.
    """
    if not user.is_authenticated or not user_can_see_case(user, case):
        return False
    listing = _latest_listing(case)
    member = listing.members.filter(user=user).first() if listing else None
    if member is not None:
        return member.declared_at is not None
    return bool(user.is_superuser or user.has_perm("panels.arrange_panel", case))


def declaration_refusal(user, case: Case):
    """The cases.hooks.access_gate hook: someone who sees a case only because they sit on
    its panel reads none of its personal data (the case page, its incidents, letters,
    threshold, the chair's pack) until they have signed the information-sharing
    declaration for the panel; they are told so, with the link to sign it. People whose
    own agency is involved, and the area's administrators, see the case through their
    own work and are not held back (the chair's pack still asks them to sign)."""
    from cases.selectors import case_seen_through_own_work

    if not user.is_authenticated:
        return None
    member = unsigned_membership(user, case)
    if member is None or case_seen_through_own_work(user, case):
        return None
    return PermissionDeniedWithReason(
        "Sign the information-sharing declaration for this case's panel before you read the case.",
        action_url=reverse("panels:listing", args=[member.listing_id]) + "#declaration",
        action_text="Sign the declaration on the panel page",
    )


def unsigned_membership(user, case: Case) -> PanelMember | None:
    """The user's place on the case's current panel, if they have not signed its
    declaration; None when they are not on it or have signed."""
    listing = _latest_listing(case)
    if listing is None:
        return None
    member = listing.members.filter(user=user).first()
    if member is None or member.declared_at is not None:
        return None
    return member


def _latest_listing(case: Case) -> Listing | None:
    return (
        case.panel_listings.exclude(status=ListingStatus.ADJOURNED)
        .order_by("-meeting__starts_at", "-id")
        .first()
    )


def chairs_pack_refusal(user, case: Case) -> PermissionDenied:
    """Why ``user`` (who may see the case) cannot open its chair's pack, in words they can
    act on: a panel member who has not signed the declaration is told to sign it, with
    the link; anyone else gets the general refusal."""
    listing = _latest_listing(case)
    member = listing.members.filter(user=user).first() if listing else None
    if member is not None and member.declared_at is None and user_can_see_case(user, case):
        return PermissionDeniedWithReason(
            "Sign the information-sharing declaration to open the chair's pack.",
            action_url=reverse("panels:listing", args=[listing.pk]) + "#declaration",
            action_text="Sign the declaration on the panel page",
        )
    return PermissionDenied()


def actions_for_victim(case: Case) -> QuerySet[Action]:
    """The agreed actions the victim may be told about: the ONE place that leaves out
    actions that would identify the perpetrator's protected personal or sensitive data."""
    return (
        Action.objects.filter(case=case, withhold_from_victim=False)
        .exclude(listing__isnull=True)
        .select_related("agency")
        .order_by("due_on", "id")
    )


def actions_for_case(case: Case) -> QuerySet[Action]:
    return (
        Action.objects.filter(case=case)
        .select_related("agency", "owner", "listing__meeting")
        .order_by("due_on", "id")
    )


def action_deadlines(action: Action):
    """The action's deadlines (one per round: a returned report starts a new one)."""
    from deadlines.services import deadlines_for_subject

    return deadlines_for_subject(action).order_by("created_at", "id")


def action_escalations(action: Action):
    """The rungs of the escalation ladder this action has climbed (from the deadlines sweep)."""
    from deadlines.constants import NotificationKind
    from deadlines.models import Notification

    return Notification.objects.filter(
        deadline__in=action_deadlines(action), kind=NotificationKind.ESCALATION
    ).order_by("created_at", "id")


def actions_owned_by(*, user, include_closed: bool = False) -> QuerySet[Action]:
    """The actions a person owns across every case they can still see."""
    qs = Action.objects.filter(owner=user, case__in=case_visible_to(user=user)).select_related(
        "case", "agency"
    )
    if not include_closed:
        qs = qs.exclude(status__in=RESOLVED_ACTION_STATUSES)
    return qs.order_by("due_on", "id")


def action_get(*, user, pk: int) -> Action:
    """An action, if the user may see its case (404 otherwise)."""
    from django.http import Http404

    action = (
        Action.objects.select_related("case__area", "case__procedure_version", "owner", "agency")
        .filter(pk=pk, case__in=case_visible_to(user=user))
        .first()
    )
    if action is None:
        raise Http404("No such action that you can see.")
    return action


def listing_get(*, user, pk: int) -> Listing:
    from django.http import Http404

    listing = (
        Listing.objects.select_related(
            "meeting", "case__area", "case__procedure_version", "case__victim"
        )
        .filter(pk=pk, case__in=case_visible_to(user=user))
        .first()
    )
    if listing is None:
        raise Http404("No such panel that you can see.")
    return listing


def meetings_for_area(*, area, upcoming_only: bool = True) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(area=area).prefetch_related("listings")
    if upcoming_only:
        qs = qs.filter(starts_at__date__gte=timezone.localdate())
    return qs.order_by("starts_at")


def meetings_sat_on(*, user, since_days: int = 30) -> QuerySet[Meeting]:
    """The meetings where the user sits on the panel of a case they may see: the chair's
    and members' meetings list (upcoming, and the last ``since_days`` days)."""
    since = timezone.localdate() - dt.timedelta(days=since_days)
    return (
        Meeting.objects.filter(
            listings__members__user=user,
            listings__case__in=case_visible_to(user=user),
            starts_at__date__gte=since,
        )
        .select_related("area")
        .distinct()
        .order_by("starts_at")
    )


def meetings_today_for(*, user) -> list[Meeting]:
    """Today's meetings where the user sits on a panel (for their home page)."""
    today = timezone.localdate()
    return list(meetings_sat_on(user=user, since_days=0).filter(starts_at__date=today))


def meeting_rows_for(*, meeting: Meeting, user) -> list[dict]:
    """Each case at the meeting the user may see, with what stands between it and
    opening: the rules that block, and whether this user has signed its declaration."""
    rows = []
    for listing in listings_for_meeting(meeting=meeting, user=user):
        member = listing.members.filter(user=user).first()
        blocking = (
            rules.blockers(panel_check(listing, at_opening=True))
            if listing.status == ListingStatus.LISTED
            else []
        )
        rows.append(
            {
                "listing": listing,
                "member": member,
                "signed": member is not None and member.declared_at is not None,
                "blocking": blocking,
            }
        )
    return rows


def listings_for_meeting(*, meeting: Meeting, user) -> QuerySet[Listing]:
    """The cases at a meeting that this user may see."""
    return meeting.listings.filter(case__in=case_visible_to(user=user)).select_related("case")


def open_actions(case: Case) -> QuerySet[Action]:
    return Action.objects.filter(case=case).exclude(status__in=RESOLVED_ACTION_STATUSES)


def awaiting_acceptance(case: Case) -> QuerySet[Action]:
    return Action.objects.filter(case=case, status=ActionStatus.REPORTED)


def member_for(listing: Listing, user) -> PanelMember | None:
    return listing.members.filter(user=user).first()
