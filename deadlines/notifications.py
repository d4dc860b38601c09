"""The notification outbox: queue a message once (by natural key), deliver it once.

A message is written as a ``Notification`` row inside the transaction that caused it;
its delivery is enqueued with ``transaction.on_commit``. If the broker is down the row
stays ``pending`` and the next sweep delivers it. Delivery claims the row with a
conditional UPDATE, so two workers (or two sweeps) never send the same message twice.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.constants import ContactMethod, EventKind
from cases.services import timeline_record
from deadlines.constants import NotificationKind, NotificationState
from deadlines.models import Deadline, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def _link_for(*, case, deadline: Deadline | None) -> dict:
    """Where the message sends its reader: the deadline's subject (an action's own page,
    where its owner can update it) when it has one, otherwise the case."""
    subject = deadline.subject if deadline is not None else None
    if subject is not None and hasattr(subject, "get_absolute_url"):
        label = f"Open {subject._meta.verbose_name}"
        return {"link": subject.get_absolute_url(), "link_label": label}
    if case is None:
        return {"link": "", "link_label": ""}
    return {
        "link": reverse("cases:detail", args=[case.reference]),
        "link_label": f"Open case {case.reference}",
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
    context = {
        "site_url": _site_url(),
        "service_name": settings.SERVICE_NAME,
        **_link_for(case=case, deadline=deadline),
        **context,
    }
    subject = render_to_string(f"deadlines/email/{template}_subject.txt", context).strip()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key[:255],
                kind=kind,
                case=case,
                deadline=deadline,
                recipient_user=recipient_user,
                recipient_name=recipient_name[:200],
                recipient_email=recipient_email or "",
                subject=" ".join(subject.split())[:300],
                body_text=render_to_string(f"deadlines/email/{template}.txt", context),
                body_html=render_to_string(f"deadlines/email/{template}.html", context),
                state=NotificationState.PENDING if recipient_email else NotificationState.SKIPPED,
                last_error="" if recipient_email else "No email address for the recipient.",
            )
    except IntegrityError:
        return Notification.objects.get(key=key[:255]), False
    if recipient_email:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification, True


def enqueue_delivery(notification_id: int) -> bool:
    """Hand delivery to Celery; if the broker is unreachable, leave it for the sweep."""
    from deadlines.tasks import deliver_notification

    try:
        deliver_notification.apply_async((notification_id,), retry=False)
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
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient_email],
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
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            state=NotificationState.SENT, sent_at=timezone.now(), last_error=""
        )
        if notification.case_id:
            timeline_record(
                case=notification.case,
                kind=EventKind.EMAIL,
                summary=f"Email sent to {notification.recipient_name or notification.recipient_email}: "
                f"{notification.subject}",
                detail={
                    "notification": notification.key,
                    "kind": notification.kind,
                    "to": notification.recipient_email,
                },
            )
    return True


def notifications_deliver_pending(*, now: dt.datetime | None = None) -> int:
    """Catch up: deliver every message still waiting (broker was down, SMTP failed)."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(attempts__lt=MAX_ATTEMPTS)
        .filter(
            Q(state__in=[NotificationState.PENDING, NotificationState.FAILED])
            | Q(state=NotificationState.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
        )
        .order_by("id")
        .values_list("pk", flat=True)
    )
    return sum(notification_deliver(notification_id=pk, now=now) for pk in list(waiting))


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
