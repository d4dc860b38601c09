"""The Notify client against a fake Notify on loopback: the token, the three calls, and
every kind of failure told apart (worth retrying or not)."""

import base64
import socket

import pytest

from notify.client import NotifyClient, NotifyConfigError, NotifyError, jwt_token, split_api_key
from tests.notify.fake_notify import API_KEY, SECRET, SERVICE_ID, token_problem

TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def test_the_api_key_gives_the_service_id_and_secret():
    assert split_api_key(API_KEY) == (SERVICE_ID, SECRET)
    for bad in ("", "nonsense", API_KEY[:-1], f"{SERVICE_ID}{SECRET}", "x" * 80):
        with pytest.raises(NotifyConfigError):
            split_api_key(bad)


def test_the_token_is_what_notify_checks():
    assert token_problem(f"Bearer {jwt_token(service_id=SERVICE_ID, secret=SECRET)}") is None
    assert (
        token_problem(f"Bearer {jwt_token(service_id=SERVICE_ID, secret='x')}") == "bad signature"
    )
    old = jwt_token(service_id=SERVICE_ID, secret=SECRET, now=1_000_000)
    assert token_problem(f"Bearer {old}") == "token expired"


def test_email_sms_and_precompiled_letter(fake_notify):
    client = NotifyClient(api_key=API_KEY, base_url=fake_notify.url, timeout=5)
    email = client.send_email(
        email_address="victim@example.org",
        template_id=TEMPLATE,
        personalisation={"subject": "Your case", "body": "Hello"},
        reference="notification-1",
    )
    sms = client.send_sms(
        phone_number="07700900123",
        template_id=TEMPLATE,
        personalisation={"body": "Hello"},
        reference="sms-1",
    )
    letter = client.send_precompiled_letter(pdf=b"%PDF-1.7 fake", reference="letter-1")
    assert len({email.notify_id, sms.notify_id, letter.notify_id}) == 3
    assert fake_notify.sent("/v2/notifications/email") == [
        {
            "email_address": "victim@example.org",
            "template_id": TEMPLATE,
            "personalisation": {"subject": "Your case", "body": "Hello"},
            "reference": "notification-1",
        }
    ]
    assert fake_notify.sent("/v2/notifications/sms")[0]["phone_number"] == "07700900123"
    sent_letter = fake_notify.sent("/v2/notifications/letter")[0]
    assert base64.b64decode(sent_letter["content"]) == b"%PDF-1.7 fake"
    assert sent_letter["reference"] == "letter-1" and sent_letter["postage"] == "second"


def test_a_refusal_says_why_and_is_not_retried(fake_notify):
    fake_notify.errors.append(
        (400, {"errors": [{"error": "BadRequestError", "message": "Template not found"}]})
    )
    client = NotifyClient(api_key=API_KEY, base_url=fake_notify.url, timeout=5)
    with pytest.raises(NotifyError, match="Template not found") as caught:
        client.send_sms(phone_number="0", template_id=TEMPLATE, personalisation={}, reference="r")
    assert caught.value.status == 400 and not caught.value.transient


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limits_and_server_faults_are_worth_retrying(fake_notify, status):
    fake_notify.errors.append((status, {"errors": []}))
    client = NotifyClient(api_key=API_KEY, base_url=fake_notify.url, timeout=5)
    with pytest.raises(NotifyError) as caught:
        client.send_email(
            email_address="a@b.org", template_id=TEMPLATE, personalisation={}, reference="r"
        )
    assert caught.value.transient and caught.value.status == status


def test_notify_unreachable_is_worth_retrying():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = NotifyClient(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(NotifyError, match="could not be reached") as caught:
        client.send_precompiled_letter(pdf=b"x", reference="r")
    assert caught.value.transient


def test_an_answer_that_is_not_notifys_is_an_error(fake_notify):
    fake_notify.errors.append((201, {"no": "id"}))
    client = NotifyClient(api_key=API_KEY, base_url=fake_notify.url, timeout=5)
    with pytest.raises(NotifyError, match="not understood"):
        client.send_precompiled_letter(pdf=b"x", reference="r")
