import pytest

from tests.notify.fake_notify import API_KEY, FakeNotify


@pytest.fixture
def fake_notify():
    with FakeNotify() as fake:
        yield fake


@pytest.fixture
def notify_on(settings, fake_notify):
    """Notify configured for email and letters, against the fake server."""
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = fake_notify.url
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    settings.NOTIFY_SMS_TEMPLATE_ID = "289eb3e0-3f2a-4ea3-9f5e-5b8bd8b4e3b1"
    settings.NOTIFY_LETTERS = True
    settings.NOTIFY_TIMEOUT_SECONDS = 5
    return fake_notify
