"""The case task list: every step of the case's pinned procedure, in order, with its status.

A step is done when what proves it exists (the letter sent, the minutes recorded, the
response in), never because a button was pressed. The hub contributes the steps it holds
the evidence for (receipt, notifying the bodies, their responses, risk, victim contact,
closure); the other apps contribute theirs through ``cases.hooks.case_steps`` and the
deadlines app fills in due dates and lateness through ``cases.hooks.step_annotator``.

``task_list(case=, user=)`` is the one read: the steps in order, the case's next step
and the signed-in user's next step (the primary button on the case page).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cases import hooks
from cases.constants import CaseState, EventKind, InvolvementRole

S = CaseState


class StepStatus(models.TextChoices):
    CANNOT_START = "cannot_start", "Cannot start yet"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    LATE = "late", "Late"
    DONE = "done", "Done"
    NOT_NEEDED = "not_needed", "Not needed"
    MISSED = "missed", "Not done"


TO_DO = frozenset(
    {StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS, StepStatus.BLOCKED, StepStatus.LATE}
)
"""Statuses of a step that is waiting for someone to do it."""


class StepOrder:
    """Where each step sits in the procedure (DESIGN.md section 4)."""

    RECEIPT = 10
    ACKNOWLEDGE = 20
    NOTIFY_BODIES = 30
    AGENCY_RESPONSES = 40
    RISK = 50
    THRESHOLD = 60
    DECISION_LETTER = 70
    VICTIM_CONTACT = 80
    PANEL = 90
    THRESHOLD_AT_MEETING = 95
    MINUTES = 100
    OUTCOME = 110
    ACTIONS = 120
    WITHDRAWAL_LETTER = 125
    CLOSURE = 130
    APPEAL = 140


ENDED_STATES = frozenset({S.CLOSED, S.WITHDRAWN, S.REFERRED_BACK})


@dataclass
class Step:
    """One step of the task list, in the words of the people who do it."""

    key: str
    order: int
    title: str
    status: str = StepStatus.NOT_STARTED
    action_label: str = ""
    url: str = ""
    can_do: bool = False
    owner: str = ""
    due: dt.date | None = None
    done_on: dt.date | None = None
    hint: str = ""
    blocked_reasons: list[str] = field(default_factory=list)
    deadline_ends: tuple[str, ...] = ()
    """Deadline events that end this step's procedure timescale (the deadlines app reads them)."""
    needed_after_end: bool = False
    """Still to do once the case has ended (the withdrawal letter, closing the case)."""
    anytime: bool = False
    """Done whenever it is needed (a risk assessment): doing it does not move the case on."""

    @property
    def status_label(self) -> str:
        return StepStatus(self.status).label

    @property
    def is_to_do(self) -> bool:
        return self.status in TO_DO

    @property
    def is_done(self) -> bool:
        return self.status == StepStatus.DONE

    @property
    def doable_by_user(self) -> bool:
        """A blocked step's link goes to where its blockers are put right (for example,
        "Complete the panel"), never to the step the blockers stop."""
        return self.is_to_do and self.can_do and bool(self.url)


@dataclass
class TaskList:
    steps: list[Step]
    next_step: Step | None
    """The case's next step, whoever owns it."""
    my_next_step: Step | None
    """The first step the signed-in user can do now: the primary button."""

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.is_done)


def case_facts(case) -> dict:
    """What several contributors need, read once: when each transition last ran."""
    transitions: dict[str, dt.date] = {}
    for at, detail in (
        case.timeline.filter(kind=EventKind.TRANSITION)
        .order_by("at", "id")
        .values_list("at", "detail")
    ):
        name = (detail or {}).get("transition")
        if name:
            transitions[name] = timezone.localdate(at)
    return {"transitions": transitions, "today": timezone.localdate()}


def task_list(*, case, user) -> TaskList:
    """The case's steps in procedure order, each with its status, and the next steps."""
    facts = case_facts(case)
    steps = sorted(hooks.steps_for(case, user, facts), key=lambda s: (s.order, s.key))
    if case.state in ENDED_STATES:
        for step in steps:
            if step.is_to_do and not step.needed_after_end:
                step.status = StepStatus.NOT_NEEDED
            if step.status == StepStatus.CANNOT_START and not step.needed_after_end:
                step.status = StepStatus.NOT_NEEDED
    to_do = [s for s in steps if s.is_to_do]
    # Steps left behind (still to do, but the case has moved past them) stay on the list
    # with their status; the next step is where the case is now.
    reached = max((s.order for s in steps if s.is_done and not s.anytime), default=0)
    ahead = [s for s in to_do if s.order > reached]
    mine = [s for s in ahead if s.doable_by_user] or [s for s in to_do if s.doable_by_user]
    return TaskList(
        steps=steps,
        next_step=(ahead or to_do or [None])[0],
        my_next_step=mine[0] if mine else None,
    )


# -- the hub's own steps ----------------------------------------------------------------


def _url(name: str, case, *args) -> str:
    return reverse(name, args=[case.reference, *args])


def _relevant_bodies(case) -> list:
    involvements = list(case.involvements.select_related("agency").order_by("agency__name"))
    bodies = [i for i in involvements if i.role != InvolvementRole.ADMINISTERING]
    return bodies or involvements


def _gathering_started(case, facts) -> bool:
    return "start_gathering" in facts["transitions"] or case.state not in (
        S.RECEIVED,
        S.ACKNOWLEDGED,
        S.REFERRED_BACK,
        S.WITHDRAWN,
    )


def case_steps(case, user, facts) -> list[Step]:
    """Receipt, notifying the bodies, their responses, risk, victim contact and closure."""
    from cases.services import transition_blockers

    manage = user.has_perm("cases.manage_case", case)
    administering = case.area.administering_agency
    steps = [
        Step(
            key="receipt",
            order=StepOrder.RECEIPT,
            title="Record the application",
            status=StepStatus.DONE,
            done_on=case.received_on,
            owner=str(administering or ""),
            hint=f"Channel: {case.get_channel_display()}",
        )
    ]

    notify = Step(
        key="notify_bodies",
        order=StepOrder.NOTIFY_BODIES,
        title="Ask the relevant bodies for their information",
        owner=str(administering or ""),
        deadline_ends=("gathering_started",),
        action_label="Ask the relevant bodies for their responses",
    )
    if "start_gathering" in facts["transitions"]:
        notify.status = StepStatus.DONE
        notify.done_on = facts["transitions"]["start_gathering"]
    elif case.state == S.RECEIVED:
        notify.status = StepStatus.CANNOT_START
        notify.hint = "Acknowledge the application first."
    elif case.state == S.ACKNOWLEDGED:
        notify.url = _url("cases:transition", case, "start_gathering")
        notify.can_do = manage
        notify.blocked_reasons = transition_blockers(case, "start_gathering")
        if notify.blocked_reasons:
            notify.status = StepStatus.BLOCKED
            notify.action_label = "Record an incident"
            notify.url = _url("cases:incident_add", case)
    elif _gathering_started(case, facts):
        notify.status = StepStatus.DONE
    steps.append(notify)

    bodies = _relevant_bodies(case)
    responded = [b for b in bodies if b.response_received_on]
    waiting = [b for b in bodies if not b.response_received_on]
    responses = Step(
        key="agency_responses",
        order=StepOrder.AGENCY_RESPONSES,
        title="Get each relevant body's response",
        owner=", ".join(b.agency.name for b in waiting) or "Relevant bodies",
        deadline_ends=("agency_responses_in",),
        action_label="Record an agency response",
        url=_url("cases:agency_response", case),
        hint=f"{len(responded)} of {len(bodies)} responses in" if bodies else "",
    )
    my_body_waiting = any(b.agency_id == user.agency_id for b in waiting)
    responses.can_do = manage or (
        my_body_waiting and user.has_perm("cases.respond_for_agency", case)
    )
    if my_body_waiting and not manage:
        responses.action_label = "Give your agency's response"
    if bodies and not waiting:
        responses.status = StepStatus.DONE
        responses.done_on = max(b.response_received_on for b in bodies)
        responses.owner = ", ".join(b.agency.name for b in bodies)
        responses.url = ""
    elif not _gathering_started(case, facts):
        responses.status = StepStatus.CANNOT_START
        responses.hint = "The bodies are asked once the application is acknowledged."
    elif responded:
        responses.status = StepStatus.IN_PROGRESS
    steps.append(responses)

    matrices = case.procedure_version.data.get("risk_matrices") or []
    if matrices:
        latest = case.risk_assessments.order_by("-assessed_on", "-id").first()
        risk = Step(
            key="risk_assessment",
            order=StepOrder.RISK,
            title="Assess the risk to the victim",
            owner=str(case.case_officer or administering or ""),
            action_label=f"Assess the risk: {matrices[0]['name']}",
            url=_url("cases:risk", case) + f"?matrix={matrices[0]['key']}",
            can_do=user.has_perm("cases.assess_risk", case),
            anytime=True,
        )
        if latest is not None:
            risk.status = StepStatus.DONE
            risk.done_on = latest.assessed_on
            risk.hint = f"Latest: {latest.get_level_display()} risk ({latest.get_subject_display().lower()})"
            risk.action_label = "Assess the risk again"
        else:
            risk.hint = "At the first opportunity, and kept up to date."
        steps.append(risk)

    if _has_timescale_ending(case, "victim_contacted") and case.state != S.THRESHOLD_NOT_MET:
        contact = Step(
            key="victim_contact",
            order=StepOrder.VICTIM_CONTACT,
            title="Speak to the victim",
            owner=str(case.case_officer or administering or ""),
            deadline_ends=("victim_contacted",),
            action_label="Record that you spoke to the victim",
            url=_url("cases:victim_contact", case),
            can_do=manage,
            hint="About attending the meeting, an impact statement, further incidents and risk.",
        )
        spoke = (
            case.timeline.filter(kind=EventKind.CONTACT_ATTEMPT, detail__victim_contacted=True)
            .order_by("at")
            .values_list("at", flat=True)
            .first()
        )
        if spoke:
            contact.status = StepStatus.DONE
            contact.done_on = timezone.localdate(spoke)
            contact.url = ""
        elif "record_threshold_met" not in facts["transitions"] and case.state in (
            S.RECEIVED,
            S.ACKNOWLEDGED,
            S.GATHERING_INFORMATION,
            S.REOPENED,
        ):
            contact.status = StepStatus.CANNOT_START
            contact.hint = "After the threshold-met letter."
        steps.append(contact)

    close = Step(
        key="close",
        order=StepOrder.CLOSURE,
        title="Close the case",
        owner=str(case.case_officer or administering or ""),
        action_label="Close the case",
        url=_url("cases:transition", case, "close"),
        can_do=manage,
        needed_after_end=True,
    )
    if case.state == S.CLOSED:
        close.status = StepStatus.DONE
        close.done_on = case.closed_on
        close.url = ""
    elif case.state in (
        S.OUTCOME_SENT,
        S.MONITORING,
        S.THRESHOLD_NOT_MET,
        S.WITHDRAWN,
        S.REFERRED_BACK,
    ):
        reasons = hooks.close_blockers(case)
        if reasons:
            close.status = StepStatus.BLOCKED
            close.blocked_reasons = reasons
            close.url = ""
    else:
        close.status = StepStatus.CANNOT_START
        close.hint = "Once the outcome is sent and every action is resolved."
    steps.append(close)
    return steps


def _has_timescale_ending(case, event: str) -> bool:
    timescales = case.procedure_version.data.get("timescales") or {}
    return any(isinstance(t, dict) and t.get("ends") == event for t in timescales.values())


hooks.case_steps(case_steps)
