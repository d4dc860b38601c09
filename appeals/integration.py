"""Where appeals meets the letters and deadlines apps, which are built alongside it.

Each function uses the other app's service when it is installed and returns False when
it is not, so the appeal's own record (stage due dates on ``AppealStage``, timeline
entries) stays complete either way.
"""

import importlib
import logging

logger = logging.getLogger(__name__)


def _module(module: str):
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if exc.name and (exc.name == module or module.startswith(exc.name + ".")):
            return None
        raise


def _service(module: str, name: str):
    found = _module(module)
    return getattr(found, name, None) if found is not None else None


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
    """Tell the deadlines app an appeal event happened (it meets and starts its deadlines).

    Events: appeal_lodged, appeal_decided (starts Devon & Cornwall's 3-month update),
    escalation_update_sent. An event the installed deadlines app does not know is skipped.
    """
    record_event = _service("deadlines.services", "record_event")
    if record_event is None:
        return False
    events = getattr(_module("deadlines.rules"), "EVENTS", None)
    if events is not None and event not in events:
        logger.warning("The deadlines app does not know the event %s yet", event)
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
