"""The periodic sweep: breaches, reminders, the escalation ladder, and outbox catch-up.

Safe to run twice and to run concurrently: state changes are made on rows locked for
the purpose, and every message has a natural key (``Notification.key``), so each is
written and sent once.

The work is set-based, so the number of queries does not grow with the number of
deadlines: each step reads what it needs in one query, works out in Python which
messages are due, asks the outbox in one query which of those it already holds, and
only for the rest locks the deadlines (in batches), renders and bulk-inserts. A rerun
with nothing new to do reads and writes nothing per deadline.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from asbcr import collector
from asbcr.bulk import any_of
from asbcr.calendar import WorkingCalendar
from asbcr.templatetags.words import long_date
from cases.constants import EventKind
from cases.models import Case
from cases.services import timeline_record_many
from deadlines import rules
from deadlines.constants import LIVE_STATES, DeadlineState, LadderRung, NotificationKind
from deadlines.models import Deadline, Notification
from deadlines.notifications import Message, notifications_deliver_pending, notifications_queue_many
from deadlines.selectors import calendars_by_area
from partnerships.models import Agency, EscalationContact, ProcedureVersion, User

logger = logging.getLogger(__name__)

LOCK_BATCH = 2000
"""Deadlines locked, rendered and inserted per transaction."""

# What the sweep reads of a locked deadline: a values() row, not a model instance (the
# sweep's first run locks tens of thousands; building each one's case, area, owner and
# agencies as model instances cost more than writing its messages).
_FIELDS = (
    "pk",
    "key",
    "rule",
    "due",
    "state",
    "escalates",
    "responsible_user_id",
    "responsible_agency_id",
    "subject_type_id",
    "subject_id",
    "case_id",
)
# ... and of its case, in a second query: joined to the deadlines, PostgreSQL hashed the
# whole cases table for each batch (a sequential scan of 100,000 cases for 2,000 rows);
# on their own, the batch's cases are read by their primary key.
_CASE_FIELDS = (
    "pk",
    "reference",
    "area_id",
    "procedure_version_id",
    "area__administering_agency_id",
)


@dataclass(slots=True)
class _Area:
    pk: int
    administering_agency: object


@dataclass(slots=True)
class _Case:
    """The case of a swept deadline: what its messages and timeline entries read."""

    pk: int
    reference: str
    area_id: int
    procedure_version_id: int
    area: _Area

    def __str__(self):
        return self.reference


@dataclass(slots=True)
class _Deadline:
    """A locked deadline as the sweep reads it: its own fields, its case, and its owner
    and agencies as model instances (few, loaded once per run, ``_Run.people``)."""

    pk: int
    key: str
    rule: str
    due: dt.date
    state: str
    escalates: bool
    case: _Case
    responsible_user: object
    responsible_agency: object
    subject: object


@dataclass
class SweepResult:
    breached: int = 0
    reminders: int = 0
    breach_notices: int = 0
    escalations: int = 0
    delivered: int = 0


def reminder_lead_working_days() -> int:
    return int(getattr(settings, "DEADLINES_REMINDER_LEAD_WORKING_DAYS", 2))


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Run:
    """What one sweep loads once and shares between its steps."""

    today: dt.date
    area_ids: list[int] | None = None
    calendars: dict[int, WorkingCalendar] = field(default_factory=calendars_by_area)
    _contacts: dict | None = None
    _ladders: dict[int, list[rules.Rung]] = field(default_factory=dict)
    _dates: dict = field(default_factory=dict)
    _users: dict = field(default_factory=dict)
    _agencies: dict = field(default_factory=dict)

    def deadlines(self):
        """The deadlines this run sweeps: every area's, or only those of ``area_ids``."""
        qs = Deadline.objects.all()
        if self.area_ids is not None:
            qs = qs.filter(case__area_id__in=self.area_ids)
        return qs

    def calendar(self, area_id: int) -> WorkingCalendar:
        if area_id not in self.calendars:  # an area added while the sweep runs
            self.calendars = calendars_by_area()
        return self.calendars[area_id]

    def remind_from(self, area_id: int, due: dt.date, lead: int) -> dt.date:
        """The first day a reminder is due: ``lead`` working days before the due date."""
        key = ("remind", area_id, due, lead)
        if key not in self._dates:
            self._dates[key] = self.calendar(area_id).subtract_working_days(due, lead)
        return self._dates[key]

    def rung_day(self, area_id: int, due: dt.date, rung: rules.Rung) -> dt.date:
        key = ("rung", area_id, due, rung.amount, rung.unit)
        if key not in self._dates:
            self._dates[key] = self.calendar(area_id).due(due, rung.amount, rung.unit)
        return self._dates[key]

    def ladder(self, version_id: int) -> list[rules.Rung]:
        if version_id not in self._ladders:
            data = ProcedureVersion.objects.get(pk=version_id).data
            self._ladders[version_id] = rules.ladder(data)
        return self._ladders[version_id]

    def load_ladders(self, version_ids: Iterable[int]) -> None:
        wanted = set(version_ids) - set(self._ladders)
        for pk, data in ProcedureVersion.objects.filter(pk__in=wanted).values_list("pk", "data"):
            self._ladders[pk] = rules.ladder(data)

    def people(self, user_ids: set, agency_ids: set) -> tuple[dict, dict]:
        """The users (with their agency and line manager) and agencies named, as model
        instances, each loaded once per run."""
        missing = user_ids - set(self._users) - {None}
        if missing:
            self._users.update(
                User.objects.select_related("agency", "line_manager").in_bulk(missing)
            )
        missing = agency_ids - set(self._agencies) - {None}
        if missing:
            self._agencies.update(Agency.objects.in_bulk(missing))
        return self._users, self._agencies

    def locked(self, pks: list[int]) -> list[_Deadline]:
        """Lock these deadlines (in id order) and read them as the sweep's messages need."""
        rows = list(
            Deadline.objects.select_for_update()
            .filter(any_of("pk", pks))
            .order_by("pk")
            .values_list(*_FIELDS)
        )
        case_rows = {
            row[0]: row
            for row in Case.objects.filter(any_of("pk", {row[10] for row in rows}))
            .order_by()
            .values_list(*_CASE_FIELDS)
        }
        users, agencies = self.people(
            {row[6] for row in rows},
            {row[7] for row in rows} | {row[4] for row in case_rows.values()},
        )
        subjects = _subjects({(row[8], row[9]) for row in rows if row[8] and row[9]})
        out = []
        for row in rows:
            (pk, key, rule, due, state, escalates, user_id, agency_id, type_id, subject_id) = row[
                :10
            ]
            case_id, reference, area_id, version_id, administering_id = case_rows[row[10]]
            area = _Area(pk=area_id, administering_agency=agencies.get(administering_id))
            out.append(
                _Deadline(
                    pk=pk,
                    key=key,
                    rule=rule,
                    due=due,
                    state=state,
                    escalates=escalates,
                    case=_Case(case_id, reference, area_id, version_id, area),
                    responsible_user=users.get(user_id),
                    responsible_agency=agencies.get(agency_id),
                    subject=subjects.get((type_id, subject_id)),
                )
            )
        return out

    @property
    def contacts(self) -> dict[int, dict[str, EscalationContact]]:
        """Every agency's escalation contacts by level, in one query."""
        if self._contacts is None:
            self._contacts = defaultdict(dict)
            for contact in EscalationContact.objects.all():
                self._contacts[contact.agency_id][contact.level] = contact
        return self._contacts


def _subjects(keys: set[tuple[int, str]]) -> dict:
    """(content type id, object id) -> the object a deadline is about (an action), as its
    generic foreign key would give it; one query per kind of subject."""
    by_type = defaultdict(list)
    for type_id, object_id in keys:
        by_type[type_id].append(object_id)
    found = {}
    for type_id, object_ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for obj in model._base_manager.filter(pk__in=object_ids):
            found[(type_id, str(obj.pk))] = obj
    return found


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


def _owner_message(deadline: Deadline, *, kind: str, prefix: str) -> Message:
    email, name, user = _owner_address(deadline)
    return Message(
        key=f"{prefix}:{deadline.pk}:{deadline.due.isoformat()}",
        kind=kind,
        template=kind,
        context=_context(deadline, recipient_name=name),
        recipient_email=email,
        recipient_name=name,
        recipient_user=user,
        case=deadline.case,
        deadline=deadline,
    )


def _queue_for(
    run: _Run,
    pks: Iterable[int],
    build: Callable[[_Deadline], list[Message]],
    timeline: Callable[[object], dict] | None = None,
) -> int:
    """Lock these deadlines (in batches, in id order so concurrent sweeps never deadlock),
    build their messages from the locked rows and write those not yet in the outbox.

    A concurrent sweep waits for the lock and then finds the messages already written.
    Returns how many messages this call wrote.
    """
    written = 0
    for batch in _chunks(sorted(set(pks)), LOCK_BATCH):
        with transaction.atomic():
            deadlines = run.locked(batch)
            messages = [message for deadline in deadlines for message in build(deadline)]
            fresh = notifications_queue_many(messages)
            if timeline is not None and fresh:
                timeline_record_many([timeline(n) for n in fresh])
        written += len(fresh)
    return written


def breaches_unnotified(deadlines):
    """Those of ``deadlines`` breached with no breach notice in the outbox for their due
    date (those that escalate excepted: the ladder speaks for them)."""
    return (
        deadlines.filter(state=DeadlineState.BREACHED, escalates=False)
        .annotate(
            notice_key=Concat(
                Value("breach:"),
                Cast("pk", CharField()),
                Value(":"),
                Cast("due", CharField()),
                output_field=CharField(),
            )
        )
        .exclude(Exists(Notification.objects.filter(key=OuterRef("notice_key"))))
    )


def _breach(run: _Run, result: SweepResult) -> None:
    today = run.today
    with transaction.atomic():
        moved = list(
            run.deadlines()
            .select_for_update(of=("self",))
            .filter(state=DeadlineState.OPEN, due__lt=today)
            .order_by("pk")
            .values_list("pk", "case_id", "key", "rule", "due")
        )
        now = timezone.now()
        for batch in _chunks([row[0] for row in moved], LOCK_BATCH):
            Deadline.objects.filter(any_of("pk", batch)).update(
                state=DeadlineState.BREACHED, breached_on=today, updated_at=now
            )
        written = {}  # a due date in words, once per date (tens of thousands share a few)
        for due in {row[4] for row in moved}:
            written[due] = long_date(due)
        timeline_record_many(
            [
                {
                    "case_id": case_id,
                    "kind": EventKind.DEADLINE,
                    "summary": f"Deadline breached: {rule} (was due {written[due]})",
                    "detail": {"deadline": key, "due": due.isoformat()},
                }
                for _, case_id, key, rule, due in moved
            ]
        )
    result.breached += len(moved)

    # Breach notices (the escalation ladder speaks for deadlines that escalate). A notice
    # is keyed by the deadline and its due date, so one delayed and breached again is
    # reported again, once.
    def build(deadline: _Deadline) -> list[Message]:
        if deadline.state != DeadlineState.BREACHED or deadline.escalates:
            return []
        return [_owner_message(deadline, kind=NotificationKind.BREACH, prefix="breach")]

    pks = list(breaches_unnotified(run.deadlines()).values_list("pk", flat=True))
    if pks:
        result.breach_notices += _queue_for(run, pks, build)


def _remind(run: _Run, result: SweepResult) -> None:
    today = run.today
    lead = reminder_lead_working_days()
    if lead <= 0:
        return
    horizon = today + dt.timedelta(days=lead * 2 + 14)  # generous: holidays stretch the lead
    soon = run.deadlines().filter(state=DeadlineState.OPEN, due__gte=today, due__lte=horizon)

    def due_now(area_id: int, due: dt.date) -> bool:
        return today >= run.remind_from(area_id, due, lead)

    wanted = {
        f"reminder:{pk}:{due.isoformat()}": pk
        for pk, due, area_id in soon.values_list("pk", "due", "case__area_id")
        if due_now(area_id, due)
    }
    if not wanted:
        return
    there = set(
        Notification.objects.filter(
            kind=NotificationKind.REMINDER, deadline__in=soon.values("pk")
        ).values_list("key", flat=True)
    )
    missing = [pk for key, pk in wanted.items() if key not in there]

    def build(deadline: _Deadline) -> list[Message]:
        if (
            deadline.state != DeadlineState.OPEN
            or not today <= deadline.due <= horizon
            or not due_now(deadline.case.area_id, deadline.due)
        ):
            return []
        return [_owner_message(deadline, kind=NotificationKind.REMINDER, prefix="reminder")]

    if missing:
        result.reminders += _queue_for(run, missing, build)


def ladder_recipient(
    deadline: Deadline, rung: str, *, contacts: dict | None = None
) -> tuple[str, str, object, str]:
    """(email, name, user, level) for one rung of the ladder for this deadline's owner.

    Hertsmere: head of service after 2 months, "or chief executive if the line manager
    is the head of service". ``contacts`` (agency id -> level -> contact) saves a query
    when the caller has loaded them all.
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
    if agency is None:
        by_level = {}
    elif contacts is not None:
        by_level = contacts.get(agency.pk, {})
    else:
        by_level = {c.level: c for c in EscalationContact.objects.filter(agency=agency)}
    level = rung
    if rung == LadderRung.HEAD_OF_SERVICE:
        head = by_level.get(LadderRung.HEAD_OF_SERVICE)
        manager = getattr(owner, "line_manager", None)
        if head and manager and manager.email and manager.email.lower() == head.email.lower():
            level = LadderRung.CHIEF_EXECUTIVE
    contact = by_level.get(level)
    if contact is None:
        return "", f"No {LadderRung(level).label.lower()} recorded for {agency}", None, level
    return contact.email, contact.name, None, level


def _escalate(run: _Run, result: SweepResult) -> None:
    today = run.today
    overdue = run.deadlines().filter(state__in=LIVE_STATES, escalates=True, due__lte=today)
    rows = list(overdue.values_list("pk", "due", "case__area_id", "case__procedure_version_id"))
    if not rows:
        return
    run.load_ladders(row[3] for row in rows)

    def reached(area_id: int, version_id: int, due: dt.date) -> list[rules.Rung]:
        out = []
        for rung in run.ladder(version_id):
            if today < run.rung_day(area_id, due, rung):
                break
            out.append(rung)
        return out

    wanted = {
        f"escalation:{pk}:{due.isoformat()}:{rung.index}": pk
        for pk, due, area_id, version_id in rows
        for rung in reached(area_id, version_id, due)
    }
    if not wanted:
        return
    there = set(
        Notification.objects.filter(
            kind=NotificationKind.ESCALATION, deadline__in=overdue.values("pk")
        ).values_list("key", flat=True)
    )
    missing = [pk for key, pk in wanted.items() if key not in there]
    if not missing:
        return
    entries: dict[str, dict] = {}

    def build(deadline: _Deadline) -> list[Message]:
        if deadline.state not in LIVE_STATES or deadline.due > today or not deadline.escalates:
            return []
        case = deadline.case
        messages = []
        for rung in reached(case.area_id, case.procedure_version_id, deadline.due):
            email, name, user, level = ladder_recipient(deadline, rung.to, contacts=run.contacts)
            key = f"escalation:{deadline.pk}:{deadline.due.isoformat()}:{rung.index}"
            entries[key] = {
                "case_id": case.pk,
                "kind": EventKind.DEADLINE,
                "summary": f"Escalated to {LadderRung(level).label.lower()} ({name}): {deadline.rule}",
                "detail": {"deadline": deadline.key, "rung": rung.index, "level": level},
            }
            messages.append(
                Message(
                    key=key,
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
                    case=case,
                    deadline=deadline,
                )
            )
        return messages

    result.escalations += _queue_for(run, missing, build, timeline=lambda n: entries[n.key])


def deadlines_sweep(
    *, today: dt.date | None = None, area_ids: list[int] | None = None, deliver: bool = True
) -> SweepResult:
    """Mark breaches, send reminders and breach notices, climb the ladder, deliver the outbox.

    ``area_ids`` limits the run to those areas' deadlines (``deadlines.tasks.sweep_area``,
    one task per area); ``deliver=False`` leaves delivery to the mail queue.
    """
    run = _Run(today=today or timezone.localdate(), area_ids=area_ids)
    result = SweepResult()
    with collector.paused():  # the steps' many short-lived rows (asbcr.collector)
        _breach(run, result)
        _remind(run, result)
        _escalate(run, result)
    if deliver:
        result.delivered = notifications_deliver_pending()
    logger.info("Deadline sweep for %s: %s", run.today, result)
    return result
