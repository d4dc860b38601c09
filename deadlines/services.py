"""Writes for deadlines: start, meet, waive, delay; the case-workflow hook.

Every procedure timescale starts on one event and ends on another (docs/deadlines.md
lists the events). ``record_event`` is the one entry point other apps call when
something happens; ``deadline_start`` is for deadlines the procedure does not list by
event (an action's due date, an appeal stage).
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from asbcr.calendar import calendar_for_area
from asbcr.concurrency import ConflictError, conflict
from asbcr.templatetags.words import long_date
from cases.constants import EventKind
from cases.models import TimelineEvent
from cases.services import timeline_record
from deadlines import rules
from deadlines.constants import LIVE_STATES, DeadlineState, Responsible
from deadlines.models import Deadline, subject_type_and_id
from partnerships.constants import AgencyKind

logger = logging.getLogger(__name__)

MANAGE = "deadlines.manage_deadline"

TRANSITION_EVENTS: dict[str, tuple[str, ...]] = {
    "start_gathering": ("gathering_started",),
    "record_threshold_met": ("threshold_met",),
    "record_threshold_not_met": ("threshold_not_met",),
    "refer_back": ("referred_back",),
    "withdraw": ("withdrawn",),
    "arrange_panel": ("panel_arranged",),
    "arrange_panel_for_decision": ("panel_arranged",),
    "record_review": ("panel_held",),
    "send_outcome": ("outcome_sent",),
    "start_monitoring": ("monitoring_started",),
    "close": ("closed",),
    "reopen_after_appeal": ("reopened",),
    "assign_officer": ("officer_allocated",),
    "impact_statement_received": ("impact_statement_received",),
    "victim_contacted": ("victim_contacted",),
}
"""Case transitions (and the other hook names cases.services calls) -> events.

Acknowledging and deciding the threshold meet no deadline by themselves: the applicant
is told by letter, so the CR1 letter records ``acknowledged`` and the CR3/CR4 letter
``threshold_decided`` (``letters.constants.DEADLINE_EVENTS``)."""

MOOT_AFTER: dict[str, frozenset[str] | None] = {
    # None: every live deadline of the case, except those this event starts.
    "withdrawn": None,
    "referred_back": None,
    "closed": None,
    "threshold_not_met": frozenset(
        {
            "agency_responses_in",
            "officer_allocated",
            "victim_contacted",
            "panel_held",
            "minutes_circulated",
            "outcome_sent",
        }
    ),
}
"""Events after which some open deadlines can no longer be met: they are waived."""


def _today() -> dt.date:
    return timezone.localdate()


def _responsible_for(case, role: str):
    """(user, agency) responsible under a procedure's ``responsible:`` value."""
    officer = case.case_officer
    if role == Responsible.ADMINISTERING_BODY:
        return officer, case.area.administering_agency
    if role == Responsible.CASE_OFFICER:
        return officer, getattr(officer, "agency", None) or case.area.administering_agency
    if role == Responsible.POLICE_SPOC:
        involvement = (
            case.involvements.filter(agency__kind=AgencyKind.POLICE)
            .select_related("agency")
            .first()
        )
        if involvement:
            return None, involvement.agency
        return None, case.area.agencies.filter(kind=AgencyKind.POLICE).first()
    return None, None


def _deadline_summary(deadline: Deadline) -> str:
    return f"{deadline.rule} (due {deadline.due:%d %B %Y})"


def _create(**fields) -> tuple[Deadline, bool]:
    """Create by natural key; a concurrent or repeated start returns the existing row."""
    try:
        with transaction.atomic():
            return Deadline.objects.create(**fields), True
    except IntegrityError:
        return Deadline.objects.get(key=fields["key"]), False


def _subject_key(subject) -> str:
    if subject is None:
        return ""
    ct, object_id = subject_type_and_id(subject)
    return f":{ct.app_label}.{ct.model}:{object_id}"


def _close(deadline: Deadline, *, on: dt.date) -> bool:
    """Mark a live deadline met (on time or late); False if it was not live any more."""
    state = DeadlineState.MET_ON_TIME if on <= deadline.due else DeadlineState.MET_LATE
    updated = Deadline.objects.filter(pk=deadline.pk, state__in=LIVE_STATES).update(
        state=state, met_on=on, updated_at=timezone.now()
    )
    if updated:
        deadline.state, deadline.met_on = state, on
    return bool(updated)


def record_event(
    *,
    case,
    event: str,
    on: dt.date | None = None,
    by=None,
    subject=None,
    timeline: bool = True,
) -> dict:
    """Something happened on a case: meet the deadlines it ends, start those it starts.

    Deadlines that end on ``event`` are met (on time if ``on`` is on or before the due
    date, late otherwise); procedure timescales that start on it get a due date from
    the area's working-day calendar. With ``subject`` (an action, an appeal), only
    deadlines on that subject are met, and started ones are attached to it.

    ``timeline=False`` (used by the case-workflow hook, whose transition entry already
    says what happened) writes no timeline entries for deadlines started, met or waived;
    the case page's Deadlines section shows them.
    """
    if event not in rules.EVENTS:
        raise ValueError(f"Unknown deadline event {event!r} (see docs/deadlines.md).")
    on = on or _today()
    subject_type, subject_id = subject_type_and_id(subject)
    live = case.deadlines.filter(state__in=LIVE_STATES)
    ending = live.filter(ends_event=event)
    ending = (
        ending.filter(subject_type=subject_type, subject_id=subject_id)
        if subject is not None
        else ending.filter(subject_type__isnull=True)
    )
    met = [d for d in ending if _close(d, on=on)]
    for deadline in met if timeline else ():
        timeline_record(
            case=case,
            kind=EventKind.DEADLINE,
            summary=f"Deadline {deadline.get_state_display().lower()}: {deadline.rule}",
            by=by,
            detail={
                "deadline": deadline.key,
                "due": deadline.due.isoformat(),
                "met_on": on.isoformat(),
            },
        )

    started = []
    calendar = calendar_for_area(case.area)
    for timescale in rules.timescales(case.procedure_version.data):
        if timescale.starts != event:
            continue
        user, agency = _responsible_for(case, timescale.responsible)
        due = calendar.due(on, timescale.amount, timescale.unit)
        deadline, created = _create(
            key=f"case:{case.pk}:{timescale.step}{_subject_key(subject)}",
            case=case,
            step=timescale.step,
            rule=timescale.rule,
            amount=timescale.amount,
            unit=timescale.unit,
            starts_event=timescale.starts,
            ends_event=timescale.ends,
            started_on=on,
            due=due,
            original_due=due,
            responsible_role=timescale.responsible,
            responsible_user=user,
            responsible_agency=agency,
            subject_type=subject_type,
            subject_id=subject_id,
        )
        if created:
            started.append(deadline)
    if started and timeline:
        timeline_record(
            case=case,
            kind=EventKind.DEADLINE,
            summary="Deadlines started: " + "; ".join(_deadline_summary(d) for d in started),
            by=by,
            detail={"event": event, "deadlines": [d.key for d in started]},
        )

    waived = []
    if event in MOOT_AFTER:
        ends = MOOT_AFTER[event]
        moot = case.deadlines.filter(state__in=LIVE_STATES).exclude(pk__in=[d.pk for d in started])
        if ends is not None:
            moot = moot.filter(ends_event__in=ends)
        reason = f"No longer needed: {rules.EVENTS[event].lower()}."
        for deadline in moot:
            if _waive(deadline, reason=reason):
                waived.append(deadline)
        if waived and timeline:
            timeline_record(
                case=case,
                kind=EventKind.DEADLINE,
                summary="Deadlines waived: " + "; ".join(d.rule for d in waived),
                by=by,
                reason=reason,
                detail={"event": event, "deadlines": [d.key for d in waived]},
            )
    return {"met": met, "started": started, "waived": waived}


def deadline_start(
    *,
    case,
    key: str,
    step: str,
    due: dt.date,
    rule: str,
    responsible_user=None,
    responsible_agency=None,
    responsible_role: str = "",
    subject=None,
    ends_event: str = "",
    started_on: dt.date | None = None,
    escalates: bool = False,
    by=None,
) -> Deadline:
    """Start an ad-hoc deadline (an action's due date, an appeal stage); idempotent by key.

    ``escalates=True`` walks the procedure's ``action_escalation`` ladder when it is
    overdue. Meet it with ``deadline_meet`` (or ``record_event`` with its ``ends_event``
    and the same ``subject``).
    """
    if ends_event and ends_event not in rules.EVENTS:
        raise ValueError(f"Unknown deadline event {ends_event!r} (see docs/deadlines.md).")
    subject_type, subject_id = subject_type_and_id(subject)
    deadline, created = _create(
        key=key,
        case=case,
        step=step,
        rule=rule,
        ends_event=ends_event,
        started_on=started_on or _today(),
        due=due,
        original_due=due,
        responsible_role=responsible_role,
        responsible_user=responsible_user,
        responsible_agency=responsible_agency or getattr(responsible_user, "agency", None),
        escalates=escalates,
        subject_type=subject_type,
        subject_id=subject_id,
    )
    if created:
        timeline_record(
            case=case,
            kind=EventKind.DEADLINE,
            summary=f"Deadline started: {_deadline_summary(deadline)}",
            by=by,
            detail={"deadline": key},
        )
    return deadline


def deadline_meet(*, deadline: Deadline, on: dt.date | None = None, by=None) -> Deadline:
    """The thing the deadline asked for is done (on time or late). No-op if not live."""
    on = on or _today()
    if _close(deadline, on=on):
        timeline_record(
            case=deadline.case,
            kind=EventKind.DEADLINE,
            summary=f"Deadline {deadline.get_state_display().lower()}: {deadline.rule}",
            by=by,
            detail={"deadline": deadline.key, "met_on": on.isoformat()},
        )
    deadline.refresh_from_db()
    return deadline


def deadlines_for_subject(subject):
    subject_type, subject_id = subject_type_and_id(subject)
    return Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id)


def _waive(deadline: Deadline, *, reason: str) -> bool:
    return bool(
        Deadline.objects.filter(pk=deadline.pk, state__in=LIVE_STATES).update(
            state=DeadlineState.WAIVED, waived_reason=reason, updated_at=timezone.now()
        )
    )


def _check(by, deadline: Deadline) -> None:
    if by is not None and not (by.is_superuser or by.has_perm(MANAGE, deadline.case)):
        raise PermissionDenied("You cannot change deadlines on this case.")


def _deadline_closed(deadline: Deadline, by) -> ConflictError:
    return _deadline_conflict(deadline, by, what="closed this deadline")


def _deadline_changed(deadline: Deadline, by) -> ConflictError:
    return _deadline_conflict(deadline, by, what="changed this deadline")


def _deadline_conflict(deadline: Deadline, by, *, what: str) -> ConflictError:
    """Who last met, waived or moved the deadline, and when (from the timeline)."""
    deadline.refresh_from_db()
    event = (
        TimelineEvent.objects.filter(case_id=deadline.case_id, detail__deadline=deadline.key)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return ConflictError("This deadline is already met or waived.")
    return conflict(what=what, at=event.at, actor=event.actor, by=by, outcome=event.summary)


def deadline_waive(*, deadline: Deadline, reason: str, by) -> Deadline:
    """Waive a deadline that no longer applies, with the reason (on the timeline)."""
    _check(by, deadline)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the deadline no longer applies."})
    with transaction.atomic():
        # The conditional update is the lock: of two waivers at once, one changes the row.
        if not _waive(deadline, reason=reason.strip()):
            raise _deadline_closed(deadline, by)
        timeline_record(
            case=deadline.case,
            kind=EventKind.DEADLINE,
            summary=f"Deadline waived: {deadline.rule}",
            by=by,
            reason=reason.strip(),
            detail={"deadline": deadline.key},
        )
    deadline.refresh_from_db()
    return deadline


def deadline_record_delay(
    *, deadline: Deadline, new_due: dt.date, reason: str, by, notify_applicant: bool = True
) -> Deadline:
    """Record why a timescale will be missed and the new date; tell the applicant.

    Staffordshire: "where timescales cannot be met, the applicant will be notified of
    the delay and the reason". The delay is on the timeline (shown to the applicant);
    the email goes through the outbox, and the letters app may add a delay letter.
    """
    from deadlines.notifications import delay_notification_queue

    _check(by, deadline)
    errors = {}
    if not reason.strip():
        errors["reason"] = "Give the reason for the delay."
    if new_due <= deadline.due:
        errors["new_due"] = (
            f"The new date must be after the current due date ({deadline.due:%d %B %Y})."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if not locked.is_live:
            raise _deadline_closed(locked, by)
        if locked.due != deadline.due or locked.delay_reason != deadline.delay_reason:
            # Someone else recorded a delay a moment ago: one new date, one notice.
            raise _deadline_changed(locked, by)
        previous = locked.due
        locked.due = new_due
        locked.delay_reason = reason.strip()
        if locked.state == DeadlineState.BREACHED and new_due >= _today():
            locked.state = DeadlineState.OPEN
        locked.save(update_fields=["due", "delay_reason", "state", "updated_at"])
        timeline_record(
            case=locked.case,
            kind=EventKind.DEADLINE,
            summary=f"Delay: {locked.rule} now expected by {long_date(new_due)}",
            by=by,
            reason=locked.delay_reason,
            detail={
                "deadline": locked.key,
                "previous_due": previous.isoformat(),
                "new_due": new_due.isoformat(),
                "applicant_notified": notify_applicant,
            },
            visible_to_applicant=True,
        )
        if notify_applicant:
            delay_notification_queue(deadline=locked, previous_due=previous)
    return locked


def _refresh_responsible(case) -> None:
    """A case officer was allocated: they own the open deadlines the procedure gives the
    administering body or the case officer and that have no named owner yet."""
    case.deadlines.filter(
        state__in=LIVE_STATES,
        responsible_user__isnull=True,
        responsible_role__in=[Responsible.ADMINISTERING_BODY, Responsible.CASE_OFFICER],
        subject_type__isnull=True,
    ).update(responsible_user=case.case_officer)


def _all_responses_in(case) -> bool:
    from cases.constants import InvolvementRole

    bodies = case.involvements.exclude(role=InvolvementRole.ADMINISTERING)
    return bodies.exists() and not bodies.filter(response_received_on__isnull=True).exists()


def on_case_transition(case, name: str, by) -> None:
    """The cases.hooks.after_transition hook: map workflow steps to deadline events."""
    if name == "receive":
        if case.forwarding_agency_received_on:
            record_event(
                case=case,
                event="received_by_partner",
                on=case.forwarding_agency_received_on,
                by=by,
                timeline=False,
            )
        record_event(case=case, event="received", on=case.received_on, by=by, timeline=False)
        return
    if name.startswith("agency_response:"):
        if _all_responses_in(case):
            record_event(case=case, event="agency_responses_in", by=by, timeline=False)
        return
    if name == "assign_officer" and case.case_officer_id:
        _refresh_responsible(case)
    for event in TRANSITION_EVENTS.get(name, ()):
        record_event(case=case, event=event, by=by, timeline=False)


def deadlines_backfill(*, case) -> int:
    """Start the deadlines of a case recorded before deadlines were tracked, by replaying
    its receipt and the transitions on its timeline (each on the day it happened)."""
    if case.deadlines.exists():
        return 0
    on_case_transition(case, "receive", None)
    for entry in case.timeline.filter(kind=EventKind.TRANSITION).order_by("at", "id"):
        name = (entry.detail or {}).get("transition", "")
        for event in TRANSITION_EVENTS.get(name, ()):
            record_event(case=case, event=event, on=timezone.localdate(entry.at), timeline=False)
    return case.deadlines.count()
