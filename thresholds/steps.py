"""The threshold decision on the case task list (registered in ThresholdsConfig.ready).

Where the core panel decides at the meeting (Merton), the vote is the panel's step and
``panels.steps`` contributes it instead.
"""

from django.urls import reverse

from cases.constants import CaseState
from cases.steps import Step, StepOrder, StepStatus
from thresholds import services

S = CaseState
DECIDED_STATES = frozenset(
    {
        S.THRESHOLD_MET,
        S.THRESHOLD_NOT_MET,
        S.PANEL_ARRANGED,
        S.REVIEWED,
        S.OUTCOME_SENT,
        S.MONITORING,
    }
)


def threshold_steps(case, user, facts) -> list[Step]:
    if case.procedure_version.section("decision").get("at_meeting"):
        return []
    transitions = facts["transitions"]
    decided_on = max(
        (
            transitions[n]
            for n in ("record_threshold_met", "record_threshold_not_met")
            if n in transitions
        ),
        default=None,
    )
    step = Step(
        key="threshold_decision",
        order=StepOrder.THRESHOLD,
        title="Decide whether the threshold is met",
        owner=str(case.area.administering_agency or ""),
        action_label="Decide the threshold",
        url=reverse("thresholds:decide", args=[case.reference]),
        can_do=user.is_superuser or user.has_perm(services.DECIDE, case),
        deadline_ends=("threshold_decided",),
    )
    if case.state in DECIDED_STATES or (case.state == S.CLOSED and decided_on):
        step.status = StepStatus.DONE
        step.done_on = decided_on
        step.url = ""
        if case.state == S.THRESHOLD_NOT_MET or (
            case.state == S.CLOSED and "record_threshold_not_met" in transitions
        ):
            step.hint = "Not met"
        else:
            step.hint = "Met"
    elif case.state in (S.RECEIVED, S.ACKNOWLEDGED):
        step.status = StepStatus.CANNOT_START
        step.hint = "Once the relevant bodies have been asked for their information."
    elif case.state == S.REOPENED:
        step.status = StepStatus.CANNOT_START
        step.hint = "After the appeal: gather information again first."
    return [step]
