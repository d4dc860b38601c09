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
    email = re.search(r'id="conditional_preferred_contact_1"(.*?)</div>\s*</div>', body, re.S)
    assert email and 'name="email"' in email.group(1) and 'name="phone"' not in email.group(1)
    phone = re.search(r'id="conditional_preferred_contact_2"(.*?)</div>\s*</div>', body, re.S)
    assert phone and 'name="phone"' in phone.group(1)
    assert 'data-reveal="conditional_preferred_contact_1"' in body
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


# -- tracking and appeals --------------------------------------------------------------


@pytest.fixture
def tracked(area, officer):
    from public import services
    from tests.factories import receive_case

    case = receive_case(area=area, by=officer)
    return case, services.tracking_link_issue(case=case, by=officer)


def _not_met(case, officer):
    from cases import services as case_services

    for name in ("acknowledge", "start_gathering", "record_threshold_not_met"):
        case = case_services.case_transition(case=case, name=name, by=officer, reason="Two")
    return case


def test_tracking_page_gives_a_contact_and_the_applicants_own_words(client, tracked, officer):
    from cases.services import impact_statement_add

    case, token = tracked
    body = client.get(f"/track/{token}/").content.decode()
    agency = case.area.administering_agency
    assert "Contact us" in body and agency.name in body
    assert agency.spoc_phone in body and agency.spoc_email in body
    impact_statement_add(case=case, by=None, text="Sleepless nights", source="written_online")
    body = client.get(f"/track/{token}/").content.decode()
    assert "You sent an impact statement" in body
    assert "tracking page)" not in body


def test_appeal_offers_only_what_is_possible_now(client, tracked, users):
    from public import selectors

    case, token = tracked
    case = _not_met(case, users["hertsmere.officer"])
    body = client.get(f"/track/{token}/").content.decode()
    assert body.count("Last day to ask for an appeal") == 1
    assert "Ask for an appeal</a>" in body
    window = selectors.appeal_window(case=case)
    assert not any("outcome" in label.lower() for _, label in window["grounds"])
    form = client.get(f"/track/{token}/appeal/").content.decode()
    assert "outcome of the review" not in form
    r = client.post(
        f"/track/{token}/appeal/", {"grounds": [window["grounds"][0][0]], "details": "Ignored."}
    )
    assert r.status_code == 302
    body = client.get(f"/track/{token}/").content.decode()
    assert "You have asked for an appeal" in body  # the status says where it stands
    assert "Ask for an appeal</a>" not in body
    assert "Last day to ask for an appeal" not in body
    # The timeline, in the applicant's words (lodged in the appeals app, or kept as a request).
    assert "We received your appeal" in body or "You asked for an appeal" in body
    assert "Appeal received" not in body
    # The form is not offered again: the page says why before anything is typed.
    r = client.get(f"/track/{token}/appeal/")
    assert r.status_code == 302


def test_no_review_outcome_ground_without_a_review():
    from public.selectors import _ground_fits

    outcome = {"key": "outcome", "label": "I disagree with the outcome of the review"}
    threshold = {"key": "threshold_decision", "label": "I disagree with the threshold decision"}
    process = {"key": "process", "label": "The process was not followed"}
    assert not _ground_fits(outcome, "threshold_decision")
    assert _ground_fits(threshold, "threshold_decision") and _ground_fits(process, "outcome")
    assert not _ground_fits(threshold, "outcome") and _ground_fits(outcome, "outcome")


def test_an_address_is_asked_for_in_the_gov_uk_address_pattern(reference, client):
    from cases.models import Case
    from public.forms import PersonDetailsForm

    apply(client)
    body = client.get("/apply/your-details/").content.decode()
    for name, autocomplete in (
        ("address_line_1", "address-line1"),
        ("address_line_2", "address-line2"),
        ("town", "address-level2"),
        ("county", "address-level1"),
        ("postcode", "postal-code"),
    ):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*autocomplete="{autocomplete}"', body) or (
            re.search(rf'<input[^>]*autocomplete="{autocomplete}"[^>]*name="{name}"', body)
        ), name
    assert re.search(r"<legend[^>]*>\s*Address\s*</legend>", body)
    assert "<textarea" not in body  # no single free-text box for the address
    # Each box missing is named at that box, and what was typed stays.
    r = client.post("/apply/your-details/", {"name": "Alex Applicant", "county": "Herts"})
    page = r.content.decode()
    assert "Enter address line 1, typically the building and street" in page
    assert "Enter town or city" in page and "Enter the postcode" in page
    assert 'value="Herts"' in page
    client.post(
        "/apply/your-details/",
        {
            "name": "Alex Applicant",
            "address_line_1": "Flat 2, 10 High Street",
            "address_line_2": "Shenley",
            "town": "Radlett",
            "postcode": "wd7 9aa",
        },
    )
    check = client.get("/apply/check/").content.decode()
    assert "Flat 2, 10 High Street" in check and "Radlett" in check
    client.post("/apply/check/", {"declaration": "on"})
    case = Case.objects.get()
    assert case.applicant.address == "Flat 2, 10 High Street\nShenley\nRadlett"
    assert case.applicant.postcode == "WD7 9AA"
    # An answer saved before the address had its boxes comes back in them.
    old = PersonDetailsForm(initial={"name": "A", "address": "1 High St\nElstree\nBorehamwood"})
    assert old["address_line_1"].value() == "1 High St"
    assert old["address_line_2"].value() == "Elstree"
    assert old["town"].value() == "Borehamwood"
