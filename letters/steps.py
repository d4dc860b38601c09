"""The letters on the case task list (registered in LettersConfig.ready).

A letter step is done when the letter has been sent: the stored ``Letter`` is the
evidence. Sending the CR1 to a received application also acknowledges it, and sending the
outcome letter records that the outcome was sent (``letters.services._complete_step``).
"""

from django.urls import reverse
from django.utils import timezone

from cases.constants import CaseState
from cases.steps import Step, StepOrder, StepStatus
from letters import context as letter_context
from letters.constants import LetterKind
from letters.selectors import can_send

S = CaseState


def _send_url(case, kind) -> str:
    return reverse("letters:send", args=[case.reference, LetterKind(kind).value])


def letter_steps(case, user, facts) -> list[Step]:
    sent: dict[str, object] = {}
    for kind, at in case.letters.order_by("sent_at").values_list("kind", "sent_at"):
        sent.setdefault(kind, timezone.localdate(at))
    fits = set(letter_context.letters_for_case(case))
    may_send = can_send(user, case)
    owner = str(case.case_officer or case.area.administering_agency or "")
    at_meeting = bool(case.procedure_version.section("decision").get("at_meeting"))
    transitions = facts["transitions"]

    def step(key, order, title, kind, label, *, deadline_ends=(), needed_after_end=False):
        s = Step(
            key=key,
            order=order,
            title=title,
            owner=owner,
            action_label=label,
            deadline_ends=deadline_ends,
            needed_after_end=needed_after_end,
        )
        if kind in sent:
            s.status = StepStatus.DONE
            s.done_on = sent[kind]
        elif kind in fits:
            s.url = _send_url(case, kind)
            s.can_do = may_send
        else:
            s.status = StepStatus.CANNOT_START
        return s

    ack = step(
        "acknowledge",
        StepOrder.ACKNOWLEDGE,
        "Acknowledge the application (CR1 letter)",
        LetterKind.CR1,
        "Acknowledge and send the CR1 letter"
        if case.state == S.RECEIVED
        else "Send the CR1 letter",
        deadline_ends=("acknowledged",),
    )
    if ack.status == StepStatus.CANNOT_START:
        ack.status = StepStatus.MISSED
        ack.hint = "The case moved on without a CR1 letter."
    steps = [ack]

    not_met = case.state == S.THRESHOLD_NOT_MET or (
        case.state in (S.CLOSED, S.REOPENED) and "record_threshold_not_met" in transitions
    )
    if not_met or not at_meeting:
        kind = LetterKind.CR3 if not_met else LetterKind.CR4
        decision = step(
            "decision_letter",
            StepOrder.DECISION_LETTER,
            "Tell the applicant the threshold decision (CR3 or CR4 letter)",
            kind,
            f"Send the {kind.value} letter",
            deadline_ends=("threshold_decided",),
        )
        if decision.status == StepStatus.CANNOT_START:
            decision.hint = "Once the threshold is decided."
        if (
            decision.status != StepStatus.DONE
            and case.state
            not in (
                S.RECEIVED,
                S.ACKNOWLEDGED,
                S.GATHERING_INFORMATION,
                S.REOPENED,
            )
            and kind not in fits
        ):
            decision.status = StepStatus.MISSED
            decision.hint = "The case moved on without the decision letter."
        steps.append(decision)

    if not not_met and case.state not in (S.WITHDRAWN, S.REFERRED_BACK):
        outcome = step(
            "outcome",
            StepOrder.OUTCOME,
            "Tell the applicant the outcome (outcome letter)",
            LetterKind.OUTCOME,
            "Send the outcome letter",
            deadline_ends=("outcome_sent",),
        )
        if outcome.status == StepStatus.CANNOT_START:
            outcome.hint = "Once the panel has reviewed the case and the plan is final."
        steps.append(outcome)

    if case.state == S.WITHDRAWN or "withdraw" in transitions:
        steps.append(
            step(
                "withdrawal_letter",
                StepOrder.WITHDRAWAL_LETTER,
                "Confirm the withdrawal in writing",
                LetterKind.WITHDRAWAL,
                "Send the withdrawal letter",
                deadline_ends=("withdrawal_letter_sent",),
                needed_after_end=True,
            )
        )
    return steps
