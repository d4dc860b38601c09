"""The public forms' GOV.UK field markup (public/govuk.py, templates/public/fields/): labels
tied to their inputs, hints and errors described, the error summary landing on the field,
and everything typed kept when a page is sent back with an error."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.utils import timezone

from public import forms as f
from tests.public.helpers import apply

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """Every element's tag and attributes, in order."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.items = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, dict(attrs)))

    def by_id(self, ident):
        found = [a for _t, a in self.items if a.get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident!r}"
        return found[0]

    def named(self, name):
        return [(t, a) for t, a in self.items if a.get("name") == name]


def _check_wiring(html: str) -> Elements:
    """Every label names an element that exists, every aria-describedby id exists, ids are
    unique, and every error summary link lands on an element."""
    page = Elements(html)
    ids = [a["id"] for _t, a in page.items if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for tag, attrs in page.items:
        if tag == "label" and "for" in attrs:
            assert attrs["for"] in ids, f"label for a missing {attrs['for']!r}"
        for ident in (attrs.get("aria-describedby") or "").split():
            assert ident in ids, f"aria-describedby names a missing {ident!r}"
    for anchor in re.findall(r'<a href="#([^"]+)"', html):
        assert anchor == "main-content" or anchor in ids, f"summary link to a missing {anchor!r}"
    return page


def _summary_links(html: str) -> list[str]:
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    return re.findall(r'href="#([^"]+)"', summary.group(1)) if summary else []


def test_an_error_is_linked_from_the_summary_and_described_at_the_field(reference, client):
    r = client.post("/apply/postcode/", {"postcode": "!!"})
    html = r.content.decode()
    page = _check_wiring(html)
    assert r.status_code == 400 and _summary_links(html) == ["id_postcode"]
    box = page.by_id("id_postcode")
    assert box["aria-describedby"] == "id_postcode_hint id_postcode_1_error"
    assert box["aria-invalid"] == "true" and "govuk-input--error" in box["class"]
    assert "govuk-form-group--error" in page.by_id("div_id_postcode")["class"]
    assert page.by_id("id_postcode_1_error")["class"] == "govuk-error-message"
    assert box["value"] == "!!"  # what was typed, kept
    assert re.search(r'<h1 class="govuk-label-wrapper"><label [^>]*for="id_postcode"', html)


def test_the_summary_lands_on_the_first_radio(reference, client):
    """Radios are numbered from 1 everywhere, the revealing ones too: the summary's link
    to "How would you like us to contact you?" lands on the first choice, Email."""
    apply(client)
    html = client.post("/apply/contact/", {}).content.decode()
    page = _check_wiring(html)
    assert _summary_links(html) == ["id_preferred_contact_1"]
    assert page.by_id("id_preferred_contact_1")["value"] == "email"
    legend_group = re.search(r'<fieldset class="govuk-fieldset" aria-describedby="([^"]*)"', html)
    assert legend_group.group(1) == "id_preferred_contact_1_error"


def test_what_was_typed_is_kept_and_escaped(reference, client):
    apply(client)
    typed = {
        "name": 'Ann "Nan" <b>Lee</b>',
        "address_line_1": "",
        "town": "Elstree",
        "postcode": "!!",
    }
    html = client.post("/apply/your-details/", typed).content.decode()
    assert "<b>Lee</b>" not in html
    page = _check_wiring(html)
    assert page.by_id("id_name")["value"] == typed["name"]
    assert page.by_id("id_name")["autocomplete"] == "name"
    assert page.by_id("id_town")["value"] == "Elstree"
    assert page.by_id("id_postcode")["autocomplete"] == "postal-code"
    assert "value" not in page.by_id("id_address_line_1")  # left empty, shown empty
    assert _summary_links(html) == ["id_address_line_1", "id_postcode"]
    assert re.search(
        r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Address', html
    )


@time_machine.travel(dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC), tick=False)
def test_an_incident_sent_back_keeps_every_box(reference, client):
    apply(client, incidents=1)
    sent = {
        "description": "Shouting\nat night",
        "incident_date_0": "31",
        "incident_date_1": "2",
        "incident_date_2": "2026",
        "reported_to": "hertsmere-borough-council",
        "agency_reference": "R1",
        "postcode": "nope!",
    }
    r = client.post("/apply/incidents/1/", sent)
    html = r.content.decode()
    page = _check_wiring(html)
    assert r.status_code == 400
    assert _summary_links(html) == ["id_incident_date_0", "id_postcode"]
    assert "\nShouting\nat night</textarea>" in html
    description = page.by_id("id_description")
    assert description["aria-describedby"] == "id_description-info"
    assert description["maxlength"] == "2000"
    for part, value in (("0", "31"), ("1", "2"), ("2", "2026")):
        box = page.by_id(f"id_incident_date_{part}")
        assert box["value"] == value and "govuk-input--error" in box["class"]
        assert box["inputmode"] == "numeric"
    assert page.by_id("id_incident_date")["class"] == "govuk-date-input"
    chosen = re.search(r'<option value="hertsmere-borough-council"( selected)?>', html)
    assert chosen.group(1) == " selected"
    assert "govuk-textarea--error" not in html  # only the fields in error are marked


def test_ticked_boxes_are_kept(reference, client):
    apply(client)
    html = client.post(
        "/apply/involvement/", {"involvement": ["attend", "neither"]}
    ).content.decode()
    page = _check_wiring(html)
    ticked = [a["value"] for _t, a in page.named("involvement") if "checked" in a]
    assert ticked == ["attend", "neither"]
    assert "govuk-form-group--error" in page.by_id("div_id_involvement")["class"]
    fieldset = re.search(r'<fieldset class="govuk-fieldset" aria-describedby="([^"]*)"', html)
    assert fieldset.group(1) == "id_involvement_hint id_involvement_1_error"


def test_every_public_form_page_is_wired(reference, client):
    """Each page of the application, empty and sent empty: labels, hints and errors all
    name elements that exist."""
    assert _check_wiring(client.get("/apply/area/").content.decode())
    apply(client, third_party=True, incidents=1)
    for key in ("who", "relationship", "consent", "victim-type", "victim-details", "contact"):
        _check_wiring(client.get(f"/apply/{key}/").content.decode())
        _check_wiring(client.post(f"/apply/{key}/", {}).content.decode())
    for path in ("needs", "problem", "impact", "involvement", "incidents/1", "save"):
        _check_wiring(client.get(f"/apply/{path}/").content.decode())
        _check_wiring(client.post(f"/apply/{path}/", {}).content.decode())


def test_one_field_renders_on_its_own():
    """Any template can show one public field with Django's own ``as_field_group``."""
    form = f.ContactForm({"preferred_contact": "email", "email": "not an address"})
    assert not form.is_valid()
    html = str(form["email"].as_field_group())
    assert 'type="email"' in html and 'value="not an address"' in html
    assert 'aria-describedby="id_email_hint id_email_1_error"' in html
    assert "govuk-input--error" in html


def test_an_answer_over_its_limit_is_told_in_plain_words_in_english_and_welsh():
    from django.utils import translation

    typed = "x" * (f.LONG + 1)
    form = f.ProblemForm({"summary": typed})
    assert not form.is_valid()
    assert form.errors["summary"] == ["Your answer must be 5,000 characters or fewer"]
    assert form["summary"].value() == typed  # kept, to shorten
    with translation.override("cy"):
        form = f.ProblemForm({"summary": typed})
        assert not form.is_valid()
        assert form.errors["summary"] == ["Rhaid i’ch ateb fod yn 5,000 nod neu lai"]


def test_every_public_text_box_over_its_limit_is_told_at_the_field_and_kept(
    client, area, officer, settings
):
    """Each text box on each public page, sent one character over its ``maxlength`` (1 MB
    where it has none), comes back with a plain message at the field and in the error
    summary, never Django's "Ensure this value has at most...", with the text kept."""

    from cases import services as case_services
    from public import flow, services
    from tests.factories import receive_case
    from tests.fuzz.walker import forms_on, overlong, overlong_problems, post_rolled_back

    settings.PUBLIC_POST_RATE = settings.PUBLIC_SAVE_RATE = "1000000/h"
    apply(client, third_party=True, incidents=1)
    case = receive_case(area=area, by=officer)
    for name in ("acknowledge", "start_gathering"):
        case_services.case_transition(case=case, name=name, by=officer)
    case_services.case_transition(
        case=case, name="record_threshold_not_met", by=officer, reason="Only two qualify"
    )
    token = services.tracking_link_issue(case=case, by=officer)
    pages = [
        "/apply/postcode/",
        *(f"/apply/{step.key}/" for step in flow.STEPS if step.form_class is not None),
        "/apply/incidents/0/",
        "/apply/save/",
        *(f"/track/{token}/{page}/" for page in ("statement", "contact", "appeal")),
    ]
    problems, exercised = {}, {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for form in forms_on(page, response.content.decode()):
            for field, typed, data in overlong(form, timezone.localdate()):
                reply = post_rolled_back(client, form.action, data)
                exercised.setdefault(form.action, set()).add(field.name)
                found = overlong_problems(reply, field, typed, ["This field is required."])
                if found:
                    problems[f"POST {form.action} {field.name} ({field.max_length})"] = found
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
    fields = sum(len(names) for names in exercised.values())
    assert len(exercised) >= 12 and fields >= 20, exercised


def test_an_email_address_in_the_wrong_format_is_told_in_plain_words_in_english_and_welsh():
    from django.utils import translation

    for form_class, data in (
        (f.ContactForm, {"preferred_contact": "email", "email": "not an address"}),
        (f.SaveForLaterForm, {"email": "not an address"}),
    ):
        form = form_class(data)
        assert not form.is_valid()
        assert form.errors["email"] == [
            "Enter an email address in the correct format, like name@example.com"
        ]
        with translation.override("cy"):
            form = form_class(data)
            assert not form.is_valid()
            assert "enw@enghraifft.com" in form.errors["email"][0]
