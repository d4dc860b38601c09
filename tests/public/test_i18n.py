import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_public_pages_switch_to_welsh(reference, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    body = client.get("/apply/").content.decode()
    assert 'lang="cy"' in body
    assert "Dechrau nawr" in body  # "Start now", from locale/cy
    assert 'value="en"' in body  # the switch back to English


def test_language_switch_on_every_public_page(reference, client):
    client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    for url in ("/apply/", "/apply/postcode/", "/apply/case-review/", "/apply/who/"):
        assert "Cymraeg" in client.get(url).content.decode(), url
    r = client.post("/i18n/setlang/", {"language": "cy", "next": "/apply/who/"})
    assert r.status_code == 302
    assert "Parhau" in client.get("/apply/who/").content.decode()  # "Continue"
