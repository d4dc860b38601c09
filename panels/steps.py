"""The panel, the Merton vote, the minutes and plan, and the actions on the case task list
(registered in PanelsConfig.ready).

Each is done when what proves it exists: the meeting opened with its quorum, the votes
cast, the minutes recorded and circulated with a final plan, every action resolved. A
meeting the procedure's panel rules block shows as blocked, with the rules' reasons.
"""

from django.urls import reverse
from django.utils import timezone

from cases.constants import CaseState
from cases.steps import Step, StepOrder, StepStatus
from panels import rules, selectors, services
from panels.constants import RESOLVED_ACTION_STATUSES as _RESOLVED
from panels.constants import ListingStatus

S = CaseState
HELD = (ListingStatus.OPEN, ListingStatus.MINUTED, ListingStatus.FINAL)
PANEL_STATES = frozenset({S.PANEL_ARRANGED, S.REVIEWED, S.OUTCOME_SENT, S.MONITORING})


def _listing_url(listing) -> str:
    return reverse("panels:listing", args=[listing.pk])


def panel_steps(case, user, facts) -> list[Step]:
    at_meeting = services.decided_at_meeting(case)
    listings = list(
        case.panel_listings.exclude(status=ListingStatus.ADJOURNED)
        .select_related("meeting")
        .order_by("meeting__starts_at", "id")
    )
    listing = listings[-1] if listings else None
    if listing is None and case.state in (S.THRESHOLD_NOT_MET, S.WITHDRAWN, S.REFERRED_BACK):
        return []
    if listing is None and case.state == S.CLOSED and not facts["transitions"].get("record_review"):
        return []
    arranger = user.is_superuser or user.has_perm(services.ARRANGE, case)
    owner = str(case.case_officer or case.area.administering_agency or "")
    can_list = (case.state == S.THRESHOLD_MET) or (
        at_meeting and case.state in (S.GATHERING_INFORMATION,)
    )

    panel = Step(
        key="panel",
        order=StepOrder.PANEL,
        title="Hold the panel meeting",
        owner=owner,
        deadline_ends=("panel_held",),
    )
    if listing is None:
        panel.action_label = "List the case for a panel meeting"
        panel.url = reverse("panels:list_case", args=[case.reference])
        panel.can_do = arranger
        if not can_list:
            panel.status = StepStatus.CANNOT_START
            panel.hint = (
                "Once the relevant bodies have responded."
                if at_meeting
                else "Once the threshold is met and the decision letter sent."
            )
    elif listing.status in HELD:
        panel.status = StepStatus.DONE
        panel.done_on = timezone.localdate(listing.opened_at) if listing.opened_at else None
        panel.hint = f"Held {listing.meeting}"
    else:
        panel.url = _listing_url(listing)
        panel.can_do = arranger or services._is_chair_or_arranger(user, listing)
        panel.status = StepStatus.IN_PROGRESS
        panel.hint = f"Listed for {listing.meeting}"
        blocking = rules.blockers(selectors.panel_check(listing, at_opening=True))
        if blocking:
            panel.status = StepStatus.BLOCKED
            panel.blocked_reasons = blocking
            panel.action_label = "Complete the panel"
        else:
            panel.action_label = "Open the meeting"
    steps = [panel]

    held = listing is not None and listing.status in HELD
    if at_meeting:
        vote = Step(
            key="threshold_vote",
            order=StepOrder.THRESHOLD_AT_MEETING,
            title="The core partners vote on the threshold",
            owner="Core partners",
        )
        result = services.vote_result(listing) if listing is not None else None
        if result is not None or case.state in (S.REVIEWED, S.OUTCOME_SENT, S.MONITORING):
            vote.status = StepStatus.DONE
            vote.hint = "Met" if result or result is None else "Not met"
        elif not held:
            vote.status = StepStatus.CANNOT_START
            vote.hint = "At the meeting, once it opens."
        else:
            vote.status = (
                StepStatus.IN_PROGRESS if listing.votes.exists() else StepStatus.NOT_STARTED
            )
            vote.action_label = "Record the votes"
            vote.url = _listing_url(listing)
            vote.can_do = services._is_chair_or_arranger(user, listing)
        steps.append(vote)

    minutes = Step(
        key="minutes",
        order=StepOrder.MINUTES,
        title="Record the minutes and agree the action plan",
        owner=owner,
        deadline_ends=("minutes_circulated",),
    )
    if not held:
        minutes.status = StepStatus.CANNOT_START
        minutes.hint = "At the meeting."
    else:
        minutes.url = _listing_url(listing)
        minutes.can_do = services._is_chair_or_arranger(user, listing)
        final = listing.status == ListingStatus.FINAL
        circulated = listing.circulated_on is not None
        if final and circulated:
            minutes.status = StepStatus.DONE
            minutes.done_on = listing.circulated_on
            minutes.url = ""
        elif listing.status == ListingStatus.OPEN:
            minutes.action_label = "Record the minutes"
        else:
            minutes.status = StepStatus.IN_PROGRESS
            minutes.can_do = arranger
            if not listing.consultations.exists():
                minutes.action_label = "Consult the victim on the draft action plan"
            elif not final:
                minutes.action_label = "Make the action plan final"
            else:
                minutes.action_label = "Circulate the minutes and action plan"
            minutes.hint = "Minutes recorded" + (", plan final" if final else "")
    steps.append(minutes)

    actions = list(case.panel_actions.select_related("agency").order_by("due_on", "id"))
    plan = Step(
        key="actions",
        order=StepOrder.ACTIONS,
        title="Monitor the actions to completion",
        owner=", ".join(sorted({a.agency.name for a in actions if a.status not in _RESOLVED})),
    )
    open_actions = [a for a in actions if a.status not in _RESOLVED]
    today = facts["today"]
    if case.state not in (S.REVIEWED, S.OUTCOME_SENT, S.MONITORING, S.CLOSED):
        plan.status = StepStatus.CANNOT_START
        plan.hint = "Once the action plan is final."
    elif not open_actions:
        plan.status = StepStatus.DONE
        plan.hint = f"{len(actions)} action(s), all resolved" if actions else "No actions agreed"
        plan.anytime = not actions  # nothing agreed yet does not move the case on
    else:
        overdue = [a for a in open_actions if a.due_on < today]
        plan.status = StepStatus.LATE if overdue else StepStatus.IN_PROGRESS
        plan.due = min(a.due_on for a in open_actions)
        plan.hint = f"{len(open_actions)} of {len(actions)} action(s) open" + (
            f", {len(overdue)} overdue" if overdue else ""
        )
        first = overdue[0] if overdue else open_actions[0]
        plan.url = reverse("panels:action", args=[first.pk])
        plan.action_label = "Follow up the open actions"
        plan.can_do = arranger or any(a.owner_id == user.pk for a in open_actions)
        if case.state == S.OUTCOME_SENT and arranger:
            plan.url = reverse("cases:transition", args=[case.reference, "start_monitoring"])
            plan.action_label = "Start monitoring the action plan"
    steps.append(plan)
    return steps
