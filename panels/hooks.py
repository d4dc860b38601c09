"""What panels plugs into the case workflow (registered in ``PanelsConfig.ready``)."""

from panels import selectors
from panels.constants import ActionStatus, ListingStatus
from panels.models import Listing


def close_blocker(case) -> list[str]:
    """A case closes only when every action is done, no longer needed or handed to
    business as usual."""
    reasons = []
    for action in selectors.open_actions(case).select_related("agency"):
        state = (
            "its completion report is waiting to be accepted"
            if action.status == ActionStatus.REPORTED
            else f"it is {action.get_status_display().lower()}"
        )
        reasons.append(f"Action ‘{action.what[:80]}’ ({action.agency}) is not resolved: {state}.")
    return reasons


def review_evidence(case, since) -> list[str]:
    """The case is reviewed when the panel's action plan is final: that is what proves
    it (``plan_finalise`` then records the review), not a button."""
    final = Listing.objects.filter(case=case, status=ListingStatus.FINAL)
    if since is not None:
        final = final.filter(plan_final_at__gte=since)
    if final.exists():
        return []
    return [
        "The panel’s action plan is not final yet: record the minutes, consult the victim "
        "on the draft plan, then make the plan final. That records the review."
    ]


def case_section(case, user):
    """The panel and action plan on the staff case page."""
    listings = list(
        case.panel_listings.select_related("meeting").order_by("meeting__starts_at", "id")
    )
    actions = list(selectors.actions_for_case(case))
    can_arrange = user.is_superuser or user.has_perm("panels.arrange_panel", case)
    if not listings and not actions and not can_arrange:
        return None
    return {
        "title": "Panel and action plan",
        "template": "panels/_case_section.html",
        "order": 40,
        "context": {
            "case": case,
            "listings": listings,
            "actions": actions,
            "can_arrange": can_arrange,
            "can_see_pack": selectors.can_see_chairs_pack(user, case),
        },
    }
