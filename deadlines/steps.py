"""Due dates, owners and lateness on the case task list (registered in DeadlinesConfig.ready).

Each step names the deadline events that end its procedure timescale; the case's deadline
ending on one of them gives the step its due date and owner. A step still to do after
its due date is late; a step whose deadline was waived (withdrawn, not met) is not needed.
"""

from cases.steps import StepStatus
from deadlines.constants import DeadlineState


def annotate_steps(case, steps) -> None:
    wanted = {event for step in steps for event in step.deadline_ends}
    if not wanted:
        return
    by_event = {}
    for deadline in (
        case.deadlines.filter(ends_event__in=wanted, subject_type__isnull=True)
        .select_related("responsible_user", "responsible_agency")
        .order_by("started_on", "id")
    ):
        by_event[deadline.ends_event] = deadline  # the latest started wins (after a reopen)
    for step in steps:
        deadline = next((by_event[e] for e in step.deadline_ends if e in by_event), None)
        if deadline is None:
            continue
        step.due = deadline.due
        if deadline.responsible_user_id or deadline.responsible_agency_id:
            step.owner = deadline.responsible_label
        if step.is_done:
            if deadline.state == DeadlineState.MET_LATE:
                step.hint = (step.hint + " · " if step.hint else "") + "Done after its due date"
            continue
        if deadline.state == DeadlineState.WAIVED and step.status != StepStatus.BLOCKED:
            step.status = StepStatus.NOT_NEEDED
            step.hint = deadline.waived_reason
        elif (
            deadline.is_live
            and deadline.is_overdue()
            and step.status
            in (
                StepStatus.NOT_STARTED,
                StepStatus.IN_PROGRESS,
            )
        ):
            step.status = StepStatus.LATE
