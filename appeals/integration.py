"""Where appeals meets the letters and deadlines apps, which are built alongside it.

Each function uses the other app's service when it is installed and returns False when
it is not, so the appeal's own record (stage due dates on ``AppealStage``, timeline
entries) stays complete either way.
"""

import importlib
import logging

logger = logging.getLogger(__name__)


def _service(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError as exc:
        if exc.name and (exc.name == module or module.startswith(exc.name + ".")):
            return None
        raise


def send_letter(*, case, kind: str, by, extra_context: dict | None = None) -> bool:
    """Send a letter in the case's series (CR3a, appeal_outcome, delay) through letters.

    Returns False when letters is not installed or ``by`` may not send letters (the
    applicant online, a scheduled job, a reviewer from outside the lead body): the
    caller then leaves the letter to an officer, with a note on the timeline.
    """
    letter_send = _service("letters.services", "letter_send")
    if letter_send is None or by is None or not getattr(by, "is_authenticated", False):
        return False
    if not (by.is_superuser or by.has_perm("letters.send_letter", case)):
        return False
    letter_send(case=case, kind=kind, by=by, extra_context=extra_context or {})
    return True


def record_deadline_event(*, case, event: str, on, by) -> bool:
    """Tell the deadlines app an appeal event happened (it meets and starts its deadlines)."""
    record_event = _service("deadlines.services", "record_event")
    if record_event is None:
        return False
    record_event(case=case, event=event, on=on, by=by)
    return True


def stage_deadline_start(*, stage, by) -> bool:
    """The live stage of an appeal as a deadline on the reviewer (deadlines app)."""
    deadline_start = _service("deadlines.services", "deadline_start")
    if deadline_start is None or stage.due_on is None:
        return False
    appeal = stage.appeal
    deadline_start(
        case=appeal.case,
        key=f"appeal-{appeal.pk}-{stage.key}",
        step=f"appeal_{stage.key}",
        due=stage.due_on,
        rule=stage.rule,
        responsible_user=appeal.reviewer,
        responsible_role="appeal_reviewer",
        subject=stage,
        started_on=stage.starts_on,
        by=by,
    )
    return True


def follow_up_deadline_start(*, appeal, by) -> bool:
    """Devon & Cornwall: the lead body owes the OPCC an update 3 months after the escalation."""
    deadline_start = _service("deadlines.services", "deadline_start")
    if deadline_start is None or appeal.follow_up_due_on is None:
        return False
    rule = appeal.case.procedure_version.section("appeal").get("follow_up", {}).get("rule", "")
    deadline_start(
        case=appeal.case,
        key=f"appeal-{appeal.pk}-follow-up",
        step="appeal_follow_up",
        due=appeal.follow_up_due_on,
        rule=rule or "Update on the appeal's recommendations",
        responsible_agency=appeal.case.area.administering_agency,
        responsible_role="administering_body",
        subject=appeal,
        started_on=appeal.decided_on,
        by=by,
    )
    return True


def subject_deadlines_meet(*, subject, on, by) -> bool:
    """Meet the live deadlines on an appeal stage (or on the appeal, for the follow-up)."""
    deadlines_for_subject = _service("deadlines.services", "deadlines_for_subject")
    deadline_meet = _service("deadlines.services", "deadline_meet")
    if deadlines_for_subject is None or deadline_meet is None:
        return False
    for deadline in deadlines_for_subject(subject):
        deadline_meet(deadline=deadline, on=on, by=by)
    return True


def deadlines_for_case(case) -> list | None:
    """Every deadline of the case (for the bundle's timeline), or None without the app."""
    try:
        from deadlines.models import Deadline
    except ImportError:
        return None
    return list(Deadline.objects.filter(case=case).order_by("started_on", "due", "id"))
