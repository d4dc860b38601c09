"""The periodic sweep: breaches, reminders, the escalation ladder, and outbox catch-up.

Safe to run twice and to run concurrently: state changes are conditional UPDATEs and
every message has a natural key (``Notification.key``), so each is written and sent once.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from asbcr.calendar import calendar_for_area
from asbcr.templatetags.words import long_date
from cases.constants import EventKind
from cases.services import timeline_record
from deadlines import rules
from deadlines.constants import LIVE_STATES, DeadlineState, LadderRung, NotificationKind
from deadlines.models import Deadline, Notification
from deadlines.notifications import notification_queue, notifications_deliver_pending
from partnerships.models import EscalationContact

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    breached: int = 0
    reminders: int = 0
    breach_notices: int = 0
    escalations: int = 0
    delivered: int = 0


def reminder_lead_working_days() -> int:
    return int(getattr(settings, "DEADLINES_REMINDER_LEAD_WORKING_DAYS", 2))


def _owner_address(deadline: Deadline) -> tuple[str, str, object]:
    """(email, name, user) of whoever answers for a deadline: its owner, else the agency SPOC."""
    user = deadline.responsible_user
    if user is not None and user.email:
        return user.email, str(user), user
    agency = deadline.responsible_agency or deadline.case.area.administering_agency
    if agency is not None and agency.spoc_email:
        return agency.spoc_email, agency.spoc_name or str(agency), None
    return "", str(user or agency or "No named owner"), user


def _context(deadline: Deadline, **extra) -> dict:
    return {"deadline": deadline, "case": deadline.case, **extra}


def _breach(today: dt.date, result: SweepResult) -> None:
    for deadline in Deadline.objects.filter(state=DeadlineState.OPEN, due__lt=today).select_related(
        "case"
    ):
        moved = Deadline.objects.filter(
            pk=deadline.pk, state=DeadlineState.OPEN, due__lt=today
        ).update(state=DeadlineState.BREACHED, breached_on=today, updated_at=timezone.now())
        if moved:
            result.breached += 1
            timeline_record(
                case=deadline.case,
                kind=EventKind.DEADLINE,
                summary=f"Deadline breached: {deadline.rule} (was due {long_date(deadline.due)})",
                detail={"deadline": deadline.key, "due": deadline.due.isoformat()},
            )
    # Breach notices (the escalation ladder speaks for deadlines that escalate).
    unnotified = Deadline.objects.filter(state=DeadlineState.BREACHED, escalates=False).exclude(
        Exists(Notification.objects.filter(deadline=OuterRef("pk"), kind=NotificationKind.BREACH))
    )
    for deadline in unnotified.select_related("case", "responsible_user", "responsible_agency"):
        email, name, user = _owner_address(deadline)
        _, created = notification_queue(
            key=f"breach:{deadline.pk}:{deadline.due.isoformat()}",
            kind=NotificationKind.BREACH,
            template="breach",
            context=_context(deadline, recipient_name=name),
            recipient_email=email,
            recipient_name=name,
            recipient_user=user,
            case=deadline.case,
            deadline=deadline,
        )
        result.breach_notices += created


def _remind(today: dt.date, result: SweepResult) -> None:
    lead = reminder_lead_working_days()
    if lead <= 0:
        return
    horizon = today + dt.timedelta(days=lead * 2 + 14)  # generous: holidays stretch the lead
    soon = Deadline.objects.filter(state=DeadlineState.OPEN, due__gte=today, due__lte=horizon)
    for deadline in soon.select_related("case__area", "responsible_user", "responsible_agency"):
        calendar = calendar_for_area(deadline.case.area)
        if today < calendar.subtract_working_days(deadline.due, lead):
            continue
        email, name, user = _owner_address(deadline)
        _, created = notification_queue(
            key=f"reminder:{deadline.pk}:{deadline.due.isoformat()}",
            kind=NotificationKind.REMINDER,
            template="reminder",
            context=_context(deadline, recipient_name=name),
            recipient_email=email,
            recipient_name=name,
            recipient_user=user,
            case=deadline.case,
            deadline=deadline,
        )
        result.reminders += created


def ladder_recipient(deadline: Deadline, rung: str) -> tuple[str, str, object, str]:
    """(email, name, user, level) for one rung of the ladder for this deadline's owner.

    Hertsmere: head of service after 2 months, "or chief executive if the line manager
    is the head of service".
    """
    owner = deadline.responsible_user
    agency = getattr(owner, "agency", None) or deadline.responsible_agency
    if rung == LadderRung.OWNER:
        email, name, user = _owner_address(deadline)
        return email, name, user, rung
    if rung == LadderRung.LINE_MANAGER:
        manager = getattr(owner, "line_manager", None)
        if manager is None:
            return "", "No line manager recorded", None, rung
        return manager.email, str(manager), manager, rung
    contacts = (
        {c.level: c for c in EscalationContact.objects.filter(agency=agency)} if agency else {}
    )
    level = rung
    if rung == LadderRung.HEAD_OF_SERVICE:
        head = contacts.get(LadderRung.HEAD_OF_SERVICE)
        manager = getattr(owner, "line_manager", None)
        if head and manager and manager.email and manager.email.lower() == head.email.lower():
            level = LadderRung.CHIEF_EXECUTIVE
    contact = contacts.get(level)
    if contact is None:
        return "", f"No {LadderRung(level).label.lower()} recorded for {agency}", None, level
    return contact.email, contact.name, None, level


def _escalate(today: dt.date, result: SweepResult) -> None:
    overdue = Deadline.objects.filter(state__in=LIVE_STATES, escalates=True, due__lte=today)
    for deadline in overdue.select_related(
        "case__area",
        "case__procedure_version",
        "responsible_user__line_manager",
        "responsible_agency",
    ):
        calendar = calendar_for_area(deadline.case.area)
        for rung in rules.ladder(deadline.case.procedure_version.data):
            if today < calendar.due(deadline.due, rung.amount, rung.unit):
                break
            email, name, user, level = ladder_recipient(deadline, rung.to)
            _, created = notification_queue(
                key=f"escalation:{deadline.pk}:{deadline.due.isoformat()}:{rung.index}",
                kind=NotificationKind.ESCALATION,
                template="escalation",
                context=_context(
                    deadline,
                    recipient_name=name,
                    level=LadderRung(level).label,
                    rung=rung,
                    days_overdue=(today - deadline.due).days,
                ),
                recipient_email=email,
                recipient_name=name,
                recipient_user=user,
                case=deadline.case,
                deadline=deadline,
            )
            if created:
                result.escalations += 1
                timeline_record(
                    case=deadline.case,
                    kind=EventKind.DEADLINE,
                    summary=f"Escalated to {LadderRung(level).label.lower()} ({name}): {deadline.rule}",
                    detail={"deadline": deadline.key, "rung": rung.index, "level": level},
                )


def deadlines_sweep(*, today: dt.date | None = None) -> SweepResult:
    """Mark breaches, send reminders and breach notices, climb the ladder, deliver the outbox."""
    today = today or timezone.localdate()
    result = SweepResult()
    _breach(today, result)
    _remind(today, result)
    _escalate(today, result)
    result.delivered = notifications_deliver_pending()
    logger.info("Deadline sweep for %s: %s", today, result)
    return result
