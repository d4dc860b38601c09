"""Delivery through GOV.UK Notify, when it is configured, and Notify's callbacks.

Console and SMTP email stay the default. With ``NOTIFY_API_KEY`` and
``NOTIFY_EMAIL_TEMPLATE_ID`` set, each outbox message (``deadlines.notifications``) is
sent as an email from that template, its subject and body as personalisation; with
``NOTIFY_LETTERS`` too, a letter sent by post is checked against Notify's rules for
precompiled letters and posted by Notify instead of waiting in the print queue. Each
one is a ``Delivery`` whose status Notify's callbacks keep up to date.
"""

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.constants import EventKind
from cases.services import timeline_record
from notify.client import NotifyClient
from notify.constants import FINAL_STATUSES, DeliveryKind, DeliveryStatus
from notify.letter_checks import address_lines, letter_problems
from notify.models import Delivery

logger = logging.getLogger(__name__)


class LetterNotPostable(Exception):
    """A letter Notify would refuse; each reason in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class CallbackInvalid(ValueError):
    """A callback body that is not one of Notify's delivery receipts."""


def sends_email() -> bool:
    return bool(settings.NOTIFY_API_KEY and settings.NOTIFY_EMAIL_TEMPLATE_ID)


def sends_sms() -> bool:
    return bool(settings.NOTIFY_API_KEY and settings.NOTIFY_SMS_TEMPLATE_ID)


def posts_letters() -> bool:
    return bool(settings.NOTIFY_API_KEY and settings.NOTIFY_LETTERS)


def client() -> NotifyClient:
    return NotifyClient(
        api_key=settings.NOTIFY_API_KEY,
        base_url=settings.NOTIFY_BASE_URL,
        timeout=settings.NOTIFY_TIMEOUT_SECONDS,
    )


def _record(*, kind: str, sent, **target) -> Delivery:
    return Delivery.objects.create(
        kind=kind, reference=sent.reference, notify_id=sent.notify_id, **target
    )


# -- outbox messages -----------------------------------------------------------------


def notification_send(*, notification) -> Delivery:
    """Send one outbox message as an email from the Notify template, once: a message
    already handed to Notify (a retry after a crash) is not sent again."""
    existing = Delivery.objects.filter(notification=notification).first()
    if existing is not None:
        return existing
    reference = f"notification-{notification.pk}"
    sent = client().send_email(
        email_address=notification.recipient_email,
        template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
        personalisation={
            "subject": notification.subject,
            "body": notification.body_text,
            "recipient_name": notification.recipient_name or notification.recipient_email,
        },
        reference=reference,
    )
    return _record(kind=DeliveryKind.EMAIL, sent=sent, notification=notification)


def sms_send(*, phone_number: str, body: str, reference: str) -> Delivery:
    """Send a text message from the Notify SMS template (its ((body)) personalised)."""
    sent = client().send_sms(
        phone_number=phone_number,
        template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
        personalisation={"body": body},
        reference=reference,
    )
    return _record(kind=DeliveryKind.SMS, sent=sent)


# -- letters ----------------------------------------------------------------------------


def letter_check(*, letter) -> list[str]:
    """Why Notify would refuse this letter (nothing: it can be posted)."""
    with letter.pdf.open("rb") as handle:
        pdf = handle.read()
    return letter_problems(
        pdf, address=address_lines(letter.recipient_name, letter.recipient_address)
    )


class LetterRefused(Exception):
    """Notify would refuse this letter (its checks say why): it is posted by hand."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def letter_post(*, letter) -> Delivery:
    """Post a letter through Notify as a precompiled PDF, once.

    Raises ``LetterRefused`` with the reasons when Notify's checks would refuse it: the
    letters app then puts it in the print queue (``letters.services``).
    """
    existing = Delivery.objects.filter(letter=letter).first()
    if existing is not None:
        return existing
    problems = letter_check(letter=letter)
    if problems:
        raise LetterRefused(problems)
    with letter.pdf.open("rb") as handle:
        pdf = handle.read()
    sent = client().send_precompiled_letter(
        pdf=pdf, reference=f"letter-{letter.pk}", postage=settings.NOTIFY_LETTER_POSTAGE
    )
    with transaction.atomic():
        delivery = _record(kind=DeliveryKind.LETTER, sent=sent, letter=letter)
        timeline_record(
            case=letter.case,
            kind=EventKind.LETTER,
            summary=f"{letter.reader_name} handed to GOV.UK Notify to print and post",
            detail={"letter": letter.pk, "notify_id": sent.notify_id},
        )
    return delivery


# -- callbacks ----------------------------------------------------------------------------

CALLBACK_STATUSES = {s.value for s in DeliveryStatus}
CALLBACK_KINDS = {k.value for k in DeliveryKind}


def _when(payload: dict) -> dt.datetime | None:
    for key in ("completed_at", "sent_at", "created_at"):
        value = payload.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > 40:
            raise CallbackInvalid(f"{key} is not a date and time.")
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise CallbackInvalid(f"{key} is not a date and time.")
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)
    return None


def callback_parse(payload) -> dict:
    """The parts of a Notify delivery receipt we use, each checked; anything else is
    refused with what is wrong."""
    if not isinstance(payload, dict):
        raise CallbackInvalid("The body must be a JSON object.")
    try:
        notify_id = uuid.UUID(str(payload.get("id", "")))
    except ValueError:
        raise CallbackInvalid("id is not a Notify notification id.") from None
    status = payload.get("status")
    if not isinstance(status, str) or status not in CALLBACK_STATUSES:
        raise CallbackInvalid("status is not one of Notify's delivery statuses.")
    reference = payload.get("reference")
    if reference is not None and (not isinstance(reference, str) or len(reference) > 100):
        raise CallbackInvalid("reference is not one of ours.")
    kind = payload.get("notification_type")
    if kind is not None and kind not in CALLBACK_KINDS:
        raise CallbackInvalid("notification_type is not email, sms or letter.")
    return {
        "notify_id": notify_id,
        "status": status,
        "reference": reference,
        "kind": kind,
        "at": _when(payload),
    }


def callback_record(*, payload) -> Delivery | None:
    """Record a delivery receipt on its delivery. None if no delivery has that id (and
    reference). A receipt older than the status held, or after a final status, changes
    nothing (Notify may send them out of order or twice)."""
    receipt = callback_parse(payload)
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .filter(notify_id=receipt["notify_id"])
            .select_related("letter__case")
            .first()
        )
        if delivery is None:
            return None
        if receipt["reference"] is not None and receipt["reference"] != delivery.reference:
            return None
        if receipt["kind"] is not None and receipt["kind"] != delivery.kind:
            return None
        delivery.callbacks += 1
        at = receipt["at"] or timezone.now()
        stale = delivery.status_at is not None and at < delivery.status_at
        final = delivery.status in FINAL_STATUSES
        changed = not stale and not final and receipt["status"] != delivery.status
        if changed:
            delivery.status = receipt["status"]
            delivery.status_at = at
        delivery.save(update_fields=["status", "status_at", "callbacks", "updated_at"])
        if changed and delivery.letter_id and delivery.status in FINAL_STATUSES:
            timeline_record(
                case=delivery.letter.case,
                kind=EventKind.LETTER,
                summary=f"GOV.UK Notify: {delivery.letter.reader_name} – "
                f"{delivery.get_status_display().lower()}",
                detail={"letter": delivery.letter_id, "notify_status": delivery.status},
            )
    return delivery
