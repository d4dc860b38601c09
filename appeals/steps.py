"""Appeals on the case task list, when there is one (registered in AppealsConfig.ready)."""

from django.urls import reverse

from appeals.constants import AppealStatus
from appeals.selectors import can_manage_appeals, can_review
from cases.steps import Step, StepOrder, StepStatus


def appeal_steps(case, user, facts) -> list[Step]:
    steps = []
    appeals = list(case.appeals.select_related("reviewer").prefetch_related("stages"))
    for number, appeal in enumerate(appeals, start=1):
        step = Step(
            key=f"appeal:{appeal.pk}",
            order=StepOrder.APPEAL,
            title="Decide the appeal" + (f" ({number})" if len(appeals) > 1 else ""),
            owner=str(appeal.reviewer or appeal.reviewing_body or "Reviewer not chosen yet"),
            url=reverse("appeals:detail", args=[appeal.pk]),
            can_do=can_manage_appeals(user, case) or can_review(user, appeal),
            action_label="Work on the appeal",
            needed_after_end=True,
            anytime=True,
        )
        if appeal.status in (AppealStatus.DECIDED, AppealStatus.REFUSED_OUT_OF_TIME):
            step.status = StepStatus.DONE
            step.hint = appeal.get_status_display()
            step.url = ""
        else:
            pending = [s for s in appeal.stages.all() if s.completed_on is None]
            step.status = (
                StepStatus.IN_PROGRESS
                if appeal.status == AppealStatus.UNDER_REVIEW
                else StepStatus.NOT_STARTED
            )
            if pending and pending[0].due_on:
                step.due = pending[0].due_on
                step.hint = pending[0].rule
                if pending[0].due_on < facts["today"]:
                    step.status = StepStatus.LATE
        steps.append(step)
    return steps
