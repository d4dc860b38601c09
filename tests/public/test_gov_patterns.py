"""The public pages follow the GOV.UK Design System's patterns (issue 19, part 3)."""

import re

import pytest

from tests.public.helpers import apply

pytestmark = pytest.mark.django_db


def _start_buttons(body: str) -> int:
    return body.count("govuk-button--start")


def test_one_start_page(reference, client):
    """The site's root leads straight to the one start page; its "Start now" goes to the
    first question, not to a second start page."""
    r = client.get("/")
    assert r.status_code == 302 and r["Location"] == "/apply/"
    body = client.get("/apply/").content.decode()
    assert _start_buttons(body) == 1
    assert 'href="/apply/postcode/"' in body
    assert "Published case review figures" in body and "Staff sign in" in body
    assert _start_buttons(client.get("/apply/postcode/").content.decode()) == 0


def test_contact_question_asked_once_with_boxes_revealed_by_choice(reference, client):
    apply(client)
    body = client.get("/apply/contact/").content.decode()
    assert body.count("How would you like us to contact you?") == 2  # <title> and the h1
    assert "How should we contact you?" not in body
    assert re.search(r'<h1 class="govuk-fieldset__heading">\s*How would you like', body)
    assert 'data-module="govuk-radios"' in body
    email = re.search(r'id="conditional_preferred_contact_0"(.*?)</div>\s*</div>', body, re.S)
    assert email and 'name="email"' in email.group(1) and 'name="phone"' not in email.group(1)
    phone = re.search(r'id="conditional_preferred_contact_1"(.*?)</div>\s*</div>', body, re.S)
    assert phone and 'name="phone"' in phone.group(1)
    assert 'data-reveal="conditional_preferred_contact_0"' in body
    # The server still asks for the box that goes with the choice.
    r = client.post("/apply/contact/", {"preferred_contact": "phone", "email": "a@b.org"})
    assert r.status_code == 400 and "Enter a phone number" in r.content.decode()


def test_none_option_is_exclusive_in_the_page_and_on_the_server(reference, client):
    apply(client)
    body = client.get("/apply/involvement/").content.decode()
    assert 'data-module="govuk-checkboxes"' in body
    assert re.search(r'<div class="govuk-checkboxes__divider">or</div>', body)
    none = re.search(r'<input[^>]*value="neither"[^>]*>', body).group(0)
    assert 'data-behaviour="exclusive"' in none
    assert "I do not want to take part<" in body.replace("\n", "").replace("  ", "")
    assert body.count('data-behaviour="exclusive"') == 1
    r = client.post("/apply/involvement/", {"involvement": ["attend", "neither"]})
    assert r.status_code == 400
    assert "or that you do not want to take part" in r.content.decode()
    r = client.post("/apply/involvement/", {"involvement": ["neither"]})
    assert r.status_code == 302


def test_declaration_confirmed_once_on_check_your_answers(reference, client):
    body = apply(client).content.decode()
    assert client.get("/apply/declaration/").status_code == 404
    assert "Privacy notice" in body
    assert body.count("you confirm that") == 1
    assert 'type="checkbox"' not in body
    assert "Accept and send" in body


@pytest.mark.parametrize(
    "contact, says, never",
    [
        (
            {"preferred_contact": "email", "email": "v@example.org"},
            "We have sent you an email",
            "If you gave us an email address",
        ),
        (
            {"preferred_contact": "phone", "phone": "01234 567890"},
            "We will phone you",
            "We have sent you an email",
        ),
        ({"preferred_contact": "post"}, "send you a letter by post", "We have sent you an email"),
    ],
)
def test_confirmation_says_what_happens_by_the_channel_chosen(
    reference, client, contact, says, never
):
    apply(client)
    client.post("/apply/contact/", contact)
    client.post("/apply/check/", {"website": ""})
    body = client.get("/apply/sent/").content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    assert says in main
    assert never not in main
