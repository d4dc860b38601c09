"""The notification outbox: queue a message once (by natural key), deliver it once.

A message is written as a ``Notification`` row inside the transaction that caused it;
its delivery is enqueued with ``transaction.on_commit``. If the broker is down the row
stays ``pending`` and the next sweep delivers it. Delivery claims the row with a
conditional UPDATE, so two workers (or two sweeps) never send the same message twice.
"""

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from asbcr import collector
from asbcr.bulk import any_of, insert_rows
from asbcr.converters import CaseReferenceConverter
from asbcr.queue import task
from cases.constants import ContactMethod, EventKind
from cases.services import timeline_record, timeline_record_many
from deadlines.constants import NotificationKind, NotificationState
from deadlines.email_render import EmailRenderer
from deadlines.models import Deadline, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
CHUNK = 5000
DELIVERY_BATCH = 500
_REFERENCE = re.compile(CaseReferenceConverter.regex)
DELIVER_TASK = "deadlines.deliver_notification"
"""The task that delivers one message (``deadlines.tasks``), routed to the mail queue."""


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


class _Links:
    """Where messages send their readers, for many messages at once: the case page's
    address is reversed once and each case reference (letters, digits and hyphens,
    ``asbcr.converters``, so nothing to quote) put in its place."""

    _SAMPLE = "REF0"

    def __init__(self):
        self._around: list[str] | None = None

    def case_url(self, reference: str) -> str:
        if self._around is None:
            url = reverse("cases:detail", args=[self._SAMPLE])
            self._around = url.split(self._SAMPLE) if url.count(self._SAMPLE) == 1 else []
        if self._around and _REFERENCE.fullmatch(reference):
            return reference.join(self._around)
        return reverse("cases:detail", args=[reference])

    def for_message(self, *, case, deadline) -> dict:
        """The deadline's subject (an action's own page, where its owner can update it)
        when it has one, otherwise the case."""
        subject = deadline.subject if deadline is not None else None
        if subject is not None and hasattr(subject, "get_absolute_url"):
            label = f"Open {subject._meta.verbose_name}"
            return {"link": subject.get_absolute_url(), "link_label": label}
        if case is None:
            return {"link": "", "link_label": ""}
        return {
            "link": self.case_url(case.reference),
            "link_label": f"Open case {case.reference}",
        }


def _link_for(*, case, deadline: Deadline | None) -> dict:
    """Where the message sends its reader (``_Links.for_message``)."""
    return _Links().for_message(case=case, deadline=deadline)


@dataclass
class Message:
    """One message the outbox should hold: the arguments of ``notification_queue``.

    ``case``, ``deadline`` and ``recipient_user`` are what the templates and the digest
    read: model instances, or (the sweep) light rows with the same attributes.
    """

    key: str
    kind: str
    template: str
    context: dict
    recipient_email: str
    recipient_name: str = ""
    recipient_user: object = None
    case: object = None
    deadline: object = None


def _render(message: Message, *, link: dict, renderer: EmailRenderer | None = None) -> dict:
    """The outbox row for a message, as field values (not saved): its three templates
    rendered."""
    context = {
        "site_url": _site_url(),
        "service_name": settings.SERVICE_NAME,
        **link,
        **message.context,
    }
    name = f"deadlines/email/{message.template}"
    subject, body_text, body_html = (renderer or EmailRenderer()).render(
        [f"{name}_subject.txt", f"{name}.txt", f"{name}.html"], context
    )
    email = message.recipient_email or ""
    return {
        "key": message.key[:255],
        "kind": message.kind,
        "case_id": getattr(message.case, "pk", None),
        "deadline_id": getattr(message.deadline, "pk", None),
        "recipient_user_id": getattr(message.recipient_user, "pk", None),
        "recipient_name": message.recipient_name[:200],
        "recipient_email": email,
        "subject": " ".join(subject.split())[:300],
        "body_text": body_text,
        "body_html": body_html,
        "state": NotificationState.PENDING if email else NotificationState.SKIPPED,
        "last_error": "" if email else "No email address for the recipient.",
    }


def notification_queue(
    *,
    key: str,
    kind: str,
    template: str,
    context: dict,
    recipient_email: str,
    recipient_name: str = "",
    recipient_user=None,
    case=None,
    deadline: Deadline | None = None,
) -> tuple[Notification, bool]:
    """Write a message to the outbox once; enqueue its delivery after commit.

    Returns (notification, created). A second call with the same key returns the
    existing row and enqueues nothing.
    """
    existing = Notification.objects.filter(key=key[:255]).first()
    if existing is not None:
        return existing, False
    notification = Notification(
        **_render(
            Message(
                key=key,
                kind=kind,
                template=template,
                context=context,
                recipient_email=recipient_email,
                recipient_name=recipient_name,
                recipient_user=recipient_user,
                case=case,
                deadline=deadline,
            ),
            link=_link_for(case=case, deadline=deadline),
        )
    )
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        return Notification.objects.get(key=key[:255]), False
    if recipient_email:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification, True


def existing_keys(keys) -> set[str]:
    """Which of these natural keys are already in the outbox (one query per 5,000 keys)."""
    keys = [k[:255] for k in keys]
    found = set()
    for start in range(0, len(keys), CHUNK):
        found.update(
            Notification.objects.filter(any_of("key", keys[start : start + CHUNK])).values_list(
                "key", flat=True
            )
        )
    return found


# Kinds a person who chose a daily digest hears about in it rather than one by one: a
# deadline due soon, overdue or escalated. Who chose it is the work app's to say.
DIGESTIBLE = {NotificationKind.REMINDER, NotificationKind.BREACH, NotificationKind.ESCALATION}
_digest_route: Callable[[list[tuple[Message, object, str]]], set[str]] | None = None


def register_digest(route: Callable[[list[tuple[Message, object, str]]], set[str]]):
    """``route`` is given (message, outbox row, link) for each digestible message about to
    be written to a member of staff, puts those whose reader chose a daily digest in it,
    and returns their keys. Those rows are kept in the outbox as DIGESTED (so the message
    is still written once only) and are never sent on their own (``work.apps``)."""
    global _digest_route
    _digest_route = route


def notifications_queue_many(messages: list[Message]) -> list:
    """Write many messages to the outbox at once; those whose key is already there are
    skipped before anything is rendered. Delivery is left to the caller (the sweep
    delivers its own messages in bulk at the end of the run). Returns the rows written
    (their field values as attributes, not model instances).

    The caller must stop a concurrent writer of the same keys (the sweep holds the
    deadline rows locked); the unique key still backs that up (``ignore_conflicts``).
    """
    there = existing_keys(m.key for m in messages)
    fresh, seen, digestible = [], set(), []
    renderer, links = EmailRenderer(), _Links()
    for message in messages:
        if message.key[:255] in there or message.key[:255] in seen:
            continue
        seen.add(message.key[:255])
        link = links.for_message(case=message.case, deadline=message.deadline)
        notification = SimpleNamespace(**_render(message, link=link, renderer=renderer))
        fresh.append(notification)
        if message.kind in DIGESTIBLE and message.recipient_user is not None:
            digestible.append((message, notification, link["link"]))
    if _digest_route is not None and digestible:
        digested = _digest_route(digestible)
        for notification in fresh:
            if notification.key in digested:
                notification.state = NotificationState.DIGESTED
    for start in range(0, len(fresh), CHUNK):
        insert_rows(
            Notification, [vars(n) for n in fresh[start : start + CHUNK]], ignore_conflicts=True
        )
    return fresh


def enqueue_delivery(notification_id: int) -> bool:
    """Hand delivery to Celery (by task name: tasks call services, never the reverse);
    if the broker is unreachable, leave it for the sweep."""
    try:
        # The task itself, looked up by name (not a bare signature, which Celery would send
        # by name even in eager mode, so tests and `make run` would never deliver it).
        task(DELIVER_TASK, module="deadlines.tasks").apply_async((notification_id,), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure must not fail the request
        logger.warning(
            "Could not enqueue notification %s (%s); the next sweep will send it.",
            notification_id,
            exc,
        )
        return False
    return True


def notification_deliver(*, notification_id: int, now: dt.datetime | None = None) -> bool:
    """Send one queued message, once. True if this call sent it."""
    now = now or timezone.now()
    claimable = Q(state__in=[NotificationState.PENDING, NotificationState.FAILED]) | Q(
        state=NotificationState.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    claimed = (
        Notification.objects.filter(pk=notification_id, attempts__lt=MAX_ATTEMPTS)
        .filter(claimable)
        .update(state=NotificationState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("case").get(pk=notification_id)
    if not _send(notification):
        return False
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            state=NotificationState.SENT, sent_at=timezone.now(), last_error=""
        )
        if notification.case_id:
            entry = _sent_entry(notification)
            del entry["case_id"]
            timeline_record(case=notification.case, **entry)
    return True


def _send(notification: Notification, *, connection=None) -> bool:
    """Hand one claimed message to the mail server, or to GOV.UK Notify when it is
    configured (``notify.services``); on failure record why (it is retried)."""
    if _notify_sends_email():
        return _send_by_notify(notification)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient_email],
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - SMTP errors of every kind are retried later
        logger.warning("Sending notification %s failed: %s", notification.key, exc)
        Notification.objects.filter(pk=notification.pk).update(
            state=NotificationState.FAILED, last_error=str(exc)[:2000]
        )
        return False
    return True


def _notify_sends_email() -> bool:
    try:
        from notify.services import sends_email
    except ImportError:
        return False
    return sends_email()


def _send_by_notify(notification: Notification) -> bool:
    from notify.client import NotifyError
    from notify.services import notification_send

    try:
        notification_send(notification=notification)
    except NotifyError as exc:
        logger.warning("Notify refused notification %s: %s", notification.key, exc)
        Notification.objects.filter(pk=notification.pk).update(
            state=NotificationState.FAILED, last_error=str(exc)[:2000]
        )
        return False
    return True


def _sent_entry(notification: Notification) -> dict:
    """The case timeline entry that says a message went."""
    return {
        "case_id": notification.case_id,
        "kind": EventKind.EMAIL,
        "summary": f"Email sent to {notification.recipient_name or notification.recipient_email}: "
        f"{notification.subject}",
        "detail": {
            "notification": notification.key,
            "kind": notification.kind,
            "to": notification.recipient_email,
        },
    }


def _waiting(now: dt.datetime) -> Q:
    return Q(attempts__lt=MAX_ATTEMPTS) & (
        Q(state__in=[NotificationState.PENDING, NotificationState.FAILED])
        | Q(state=NotificationState.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    )


def _claim(ids: list[int], now: dt.datetime) -> list[Notification]:
    """Claim what is still waiting among ``ids``: rows another worker holds are skipped,
    and a row another worker has just claimed is no longer waiting."""
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(_waiting(now), pk__in=ids)
            .order_by("pk")
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(
            state=NotificationState.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return claimed


def notifications_deliver_pending(*, now: dt.datetime | None = None) -> int:
    """Catch up: deliver every message still waiting (broker was down, SMTP failed, or
    just queued by the sweep), claimed and recorded in batches over one mail connection."""
    now = now or timezone.now()
    waiting = list(
        Notification.objects.filter(_waiting(now)).order_by("id").values_list("pk", flat=True)
    )
    if not waiting:
        return 0
    sent_total = 0
    mail_connection = get_connection()
    mail_connection.open()
    try:
        with collector.paused():  # many short-lived MIME parts (asbcr.collector)
            for start in range(0, len(waiting), DELIVERY_BATCH):
                claimed = _claim(waiting[start : start + DELIVERY_BATCH], now)
                sent = []
                for notification in claimed:
                    if _send(notification, connection=mail_connection):
                        sent.append(notification)
                with transaction.atomic():
                    Notification.objects.filter(pk__in=[n.pk for n in sent]).update(
                        state=NotificationState.SENT, sent_at=timezone.now(), last_error=""
                    )
                    timeline_record_many([_sent_entry(n) for n in sent if n.case_id])
                sent_total += len(sent)
    finally:
        mail_connection.close()
    return sent_total


def delay_notification_queue(*, deadline: Deadline, previous_due: dt.date):
    """Tell the applicant that a step will be late, why, and the new date."""
    case = deadline.case
    applicant = case.applicant
    email = applicant.email if applicant.preferred_contact == ContactMethod.EMAIL else ""
    return notification_queue(
        key=f"delay:{deadline.pk}:{deadline.due.isoformat()}",
        kind=NotificationKind.DELAY,
        template="delay",
        context={
            "deadline": deadline,
            "case": case,
            "previous_due": previous_due,
            "recipient_name": applicant.name,
        },
        recipient_email=email,
        recipient_name=applicant.name,
        case=case,
        deadline=deadline,
    )
