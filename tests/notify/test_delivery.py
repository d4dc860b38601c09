"""GOV.UK Notify as the delivery backend, against the fake Notify on loopback: outbox
emails from the template, letters posted as precompiled PDFs (or kept for the print
queue when Notify would refuse them), and the defaults untouched when it is off."""

import base64

import pytest
from django.core import mail

from cases.models import TimelineEvent
from deadlines.constants import NotificationKind, NotificationState
from deadlines.models import Notification
from deadlines.notifications import notification_deliver, notifications_deliver_pending
from letters import services as letter_services
from letters.constants import LetterChannel, LetterKind
from letters.models import PrintJob
from notify.constants import DeliveryKind
from notify.models import Delivery
from notify.services import sms_send
from tests.factories import receive_case
from tests.system import needs_poppler

pytestmark = pytest.mark.django_db

EMAIL = "/v2/notifications/email"
LETTER = "/v2/notifications/letter"


@pytest.fixture
def case(area, officer):
    case = receive_case(area=area, by=officer)
    case.applicant.address = "Flat 3\n12 Station Road\nBorehamwood"
    case.applicant.postcode = "WD6 1AA"
    case.applicant.save()
    return case


def message(case, key="test:notify"):
    return Notification.objects.create(
        key=key,
        kind=NotificationKind.BREACH,
        case=case,
        recipient_email="spoc@example.org",
        recipient_name="Owen Pryce",
        subject="A deadline has passed",
        body_text="The acknowledgement was due yesterday.",
    )


def test_without_notify_the_outbox_uses_the_mail_server(case, fake_notify):
    note = message(case)
    mail.outbox.clear()
    assert notification_deliver(notification_id=note.pk)
    assert len(mail.outbox) == 1 and fake_notify.requests == []
    assert not Delivery.objects.exists()


def test_an_outbox_email_goes_through_notify_from_the_template(case, notify_on, settings):
    note = message(case)
    mail.outbox.clear()
    assert notification_deliver(notification_id=note.pk)
    assert mail.outbox == []
    [sent] = notify_on.sent(EMAIL)
    assert sent == {
        "email_address": "spoc@example.org",
        "template_id": settings.NOTIFY_EMAIL_TEMPLATE_ID,
        "personalisation": {
            "subject": "A deadline has passed",
            "body": "The acknowledgement was due yesterday.",
            "recipient_name": "Owen Pryce",
        },
        "reference": f"notification-{note.pk}",
    }
    note.refresh_from_db()
    assert note.state == NotificationState.SENT
    delivery = Delivery.objects.get(notification=note)
    assert delivery.kind == DeliveryKind.EMAIL and delivery.status == "sending"
    # Delivered again (a retry after a crash): Notify is not asked twice.
    Notification.objects.filter(pk=note.pk).update(state=NotificationState.PENDING)
    notification_deliver(notification_id=note.pk)
    assert len(notify_on.sent(EMAIL)) == 1


def test_notify_refusing_leaves_the_message_failed_for_the_next_sweep(case, notify_on):
    note = message(case)
    notify_on.errors.append((500, {"errors": [{"message": "Internal server error"}]}))
    assert not notification_deliver(notification_id=note.pk)
    note.refresh_from_db()
    assert note.state == NotificationState.FAILED and "500" in note.last_error
    assert notifications_deliver_pending() == 1
    note.refresh_from_db()
    assert note.state == NotificationState.SENT
    assert Delivery.objects.filter(notification=note).count() == 1


def test_a_text_message_from_the_sms_template(notify_on, settings):
    delivery = sms_send(
        phone_number="07700900123", body="Your review is on Tuesday", reference="sms-7"
    )
    [sent] = notify_on.sent("/v2/notifications/sms")
    assert sent["template_id"] == settings.NOTIFY_SMS_TEMPLATE_ID
    assert sent["personalisation"] == {"body": "Your review is on Tuesday"}
    assert delivery.kind == DeliveryKind.SMS and delivery.reference == "sms-7"


@needs_poppler
def test_a_posted_letter_goes_to_notify_not_the_print_queue(
    case, officer, notify_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_services.letter_send(
            case=case, kind=LetterKind.CR1, by=officer, channel=LetterChannel.POST
        )
    [sent] = notify_on.sent(LETTER)
    with letter.pdf.open("rb") as handle:
        assert base64.b64decode(sent["content"]) == handle.read()
    assert sent["reference"] == f"letter-{letter.pk}"
    assert not PrintJob.objects.filter(letter=letter).exists()
    delivery = letter.notify_delivery
    assert delivery.kind == DeliveryKind.LETTER
    assert TimelineEvent.objects.filter(
        case=case, summary__contains="handed to GOV.UK Notify"
    ).exists()


@needs_poppler
def test_a_letter_notify_would_refuse_goes_to_the_print_queue_with_the_reasons(
    case, officer, notify_on, django_capture_on_commit_callbacks
):
    case.applicant.address = "Somewhere"
    case.applicant.postcode = ""
    case.applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_services.letter_send(
            case=case, kind=LetterKind.CR1, by=officer, channel=LetterChannel.POST
        )
    assert notify_on.requests == []
    assert PrintJob.objects.filter(letter=letter).exists()
    entry = TimelineEvent.objects.get(case=case, summary__contains="print queue to post by hand")
    assert "Notify needs 3 to 7" in entry.reason


def test_without_notify_letters_a_posted_letter_waits_in_the_print_queue(
    case, officer, fake_notify, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_services.letter_send(
            case=case, kind=LetterKind.CR1, by=officer, channel=LetterChannel.POST
        )
    assert PrintJob.objects.filter(letter=letter).exists()
    assert fake_notify.requests == []


@needs_poppler
def test_a_letter_notify_refuses_is_left_in_the_print_queue_with_its_answer(
    case, officer, notify_on, django_capture_on_commit_callbacks
):
    notify_on.errors.append((400, {"errors": [{"message": "Letter content is not a valid PDF"}]}))
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_services.letter_send(
            case=case, kind=LetterKind.CR1, by=officer, channel=LetterChannel.POST
        )
    assert PrintJob.objects.filter(letter=letter).exists()
    entry = TimelineEvent.objects.get(case=case, summary__contains="print queue to post by hand")
    assert "not a valid PDF" in entry.reason
    assert not Delivery.objects.exists()


def test_with_the_task_queue_down_a_letter_is_not_lost(
    case, officer, notify_on, django_capture_on_commit_callbacks, monkeypatch
):
    from letters import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.post_letter, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_services.letter_send(
            case=case, kind=LetterKind.CR1, by=officer, channel=LetterChannel.POST
        )
    assert PrintJob.objects.filter(letter=letter).exists()
    assert notify_on.requests == []
