"""Notify's delivery receipts: only with our bearer token (compared in constant time),
every field checked, recorded on the delivery of the letter or message, in order."""

import json
import uuid

import pytest
from django.urls import reverse

from cases.models import TimelineEvent
from deadlines.constants import NotificationKind
from deadlines.models import Notification
from letters import services as letter_services
from letters.constants import LetterChannel, LetterKind
from notify.constants import DeliveryKind
from notify.models import Delivery
from tests.factories import receive_case

pytestmark = pytest.mark.django_db

TOKEN = "callback-token-of-at-least-ten-characters"
URL = "/notify/callback/"


@pytest.fixture
def callbacks_on(settings):
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN


@pytest.fixture
def email_delivery(area, officer):
    case = receive_case(area=area, by=officer)
    note = Notification.objects.create(
        key="test:callback",
        kind=NotificationKind.BREACH,
        case=case,
        recipient_email="spoc@example.org",
        subject="s",
        body_text="b",
    )
    return Delivery.objects.create(
        kind=DeliveryKind.EMAIL,
        reference=f"notification-{note.pk}",
        notify_id=uuid.uuid4(),
        notification=note,
    )


def receipt(delivery, status="delivered", **extra):
    return {
        "id": str(delivery.notify_id),
        "reference": delivery.reference,
        "to": "spoc@example.org",
        "status": status,
        "created_at": "2026-12-01T10:00:00.000000Z",
        "completed_at": "2026-12-01T10:00:05.000000Z",
        "sent_at": "2026-12-01T10:00:01.000000Z",
        "notification_type": delivery.kind,
        "template_id": str(uuid.uuid4()),
        "template_version": 1,
        **extra,
    }


def post(client, body, token=TOKEN, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    data = raw if raw is not None else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def test_the_url_is_where_the_docs_say(db):
    assert reverse("notify:callback") == URL


def test_off_unless_a_token_is_configured(client, email_delivery):
    assert post(client, receipt(email_delivery)).status_code == 404


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN[:-1], TOKEN + "x", f"{TOKEN} extra"])
def test_without_the_token_nothing_is_recorded(client, callbacks_on, email_delivery, token):
    response = post(client, receipt(email_delivery), token=token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    email_delivery.refresh_from_db()
    assert email_delivery.status == "sending" and email_delivery.callbacks == 0


def test_a_receipt_is_recorded_on_the_delivery(client, callbacks_on, email_delivery):
    response = post(client, receipt(email_delivery))
    assert response.status_code == 200 and response.json() == {"status": "delivered"}
    email_delivery.refresh_from_db()
    assert email_delivery.status == "delivered"
    assert email_delivery.status_at.isoformat() == "2026-12-01T10:00:05+00:00"
    assert email_delivery.notification.notify_delivery == email_delivery


def test_receipts_out_of_order_or_after_the_end_change_nothing(
    client, callbacks_on, email_delivery
):
    post(client, receipt(email_delivery, status="sending", completed_at=None))
    post(client, receipt(email_delivery, status="temporary-failure"))
    post(client, receipt(email_delivery, status="delivered", completed_at="2026-12-01T11:00:00Z"))
    email_delivery.refresh_from_db()
    assert email_delivery.status == "temporary-failure"  # final: a later receipt does not undo it
    assert email_delivery.callbacks == 3


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"status": "lost-in-the-post"}, 400),
        ({"status": None}, 400),
        ({"status": ["delivered"]}, 400),
        ({"id": "not-a-uuid"}, 400),
        ({"id": None}, 400),
        ({"id": "\x00"}, 400),
        ({"reference": "x" * 101}, 400),
        ({"reference": 12}, 400),
        ({"notification_type": "pigeon"}, 400),
        ({"completed_at": "yesterday"}, 400),
        ({"completed_at": "2026-02-30T10:00:00Z"}, 400),
        ({"completed_at": 12}, 400),
        ({"id": str(uuid.uuid4())}, 404),
        ({"reference": "someone-elses"}, 404),
        ({"notification_type": "letter"}, 404),
    ],
)
def test_hostile_or_foreign_receipts_are_refused(
    client, callbacks_on, email_delivery, change, status
):
    response = post(client, receipt(email_delivery) | change)
    assert response.status_code == status
    assert "error" in response.json()
    email_delivery.refresh_from_db()
    assert email_delivery.status == "sending"


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '"delivered"', "null", "\udcff", "{" * 5000])
def test_a_body_that_is_not_a_receipt_is_refused(client, callbacks_on, email_delivery, raw):
    assert post(client, None, raw=raw.encode("utf-8", "surrogatepass")).status_code == 400


def test_a_huge_body_is_refused_unread(client, callbacks_on, email_delivery):
    body = receipt(email_delivery, padding="x" * 50_000)
    assert post(client, body).status_code == 413


def test_only_post(client, callbacks_on):
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_a_letters_final_status_goes_on_the_case_timeline(
    client, callbacks_on, area, officer, django_capture_on_commit_callbacks
):
    case = receive_case(area=area, by=officer)
    letter = letter_services.letter_send(
        case=case, kind=LetterKind.CR1, by=officer, channel=LetterChannel.POST
    )
    delivery = Delivery.objects.create(
        kind=DeliveryKind.LETTER,
        reference=f"letter-{letter.pk}",
        notify_id=uuid.uuid4(),
        letter=letter,
    )
    assert post(client, receipt(delivery, status="accepted")).status_code == 200
    assert (
        post(
            client, receipt(delivery, status="received", completed_at="2026-12-02T09:00:00Z")
        ).status_code
        == 200
    )
    delivery.refresh_from_db()
    assert delivery.status == "received" and letter.notify_delivery == delivery
    assert TimelineEvent.objects.filter(case=case, summary__contains="letter posted").exists()
