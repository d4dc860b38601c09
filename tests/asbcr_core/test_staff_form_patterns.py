"""The shared GOV.UK form patterns: messages from labels, the one choice chosen, dates in
one box still read, and "Error: " in the title of any page with an error summary."""

import re

from django import forms
from django.http import HttpResponse
from django.test import RequestFactory

from asbcr.fields import DateInputField, name_from_label
from asbcr.forms import StaffForm
from asbcr.middleware import ErrorTitleMiddleware


class Example(StaffForm):
    reason = forms.CharField(label="Reason for the delay")
    kind = forms.ChoiceField(label="Kind of meeting", choices=[("a", "A"), ("b", "B")])
    only = forms.ChoiceField(label="Agency", choices=[("", "Choose"), ("police", "Police")])
    arrive = forms.ChoiceField(label="How did it arrive?", choices=[("x", "X"), ("y", "Y")])
    count = forms.IntegerField(label="Number of incidents")
    due_on = DateInputField(label="Due date")


def test_each_field_has_a_message_written_from_its_label():
    form = Example({"kind": "nonsense", "count": "many"})
    assert not form.is_valid()
    assert form.errors["reason"] == ["Enter the reason for the delay"]
    assert form.errors["kind"] == ["Select the kind of meeting from the list"]
    assert form.errors["only"] == ["Select the agency"]
    assert form.errors["arrive"] == ["Select an answer to ‘How did it arrive?’"]
    assert form.errors["count"] == ["The number of incidents must be a whole number"]
    assert form.errors["due_on"] == ["Enter the due date"]
    assert name_from_label("Date of the meeting") == "the date of the meeting"


class Bounded(StaffForm):
    reason = forms.CharField(label="Reason for the delay", max_length=5000)
    code = forms.CharField(label="Reference", min_length=3, max_length=12)
    words = forms.CharField(label="What did they say?", max_length=200)
    why = forms.CharField(label="Why no case review is needed", max_length=10)


def test_a_length_limit_is_said_in_plain_words_and_the_text_is_kept():
    typed = {"reason": "x" * 5001, "code": "ab", "words": "y" * 201, "why": "z" * 11}
    form = Bounded(typed)
    assert not form.is_valid()
    assert form.errors["reason"] == ["The reason for the delay must be 5,000 characters or fewer"]
    assert form.errors["code"] == ["The reference must be 3 characters or more"]
    assert form.errors["words"] == [
        "Your answer to ‘What did they say?’ must be 200 characters or fewer"
    ]
    assert form.errors["why"] == [
        "Your answer to ‘Why no case review is needed’ must be 10 characters or fewer"
    ]
    assert form["reason"].value() == typed["reason"]  # kept, to shorten


def test_a_required_choice_with_one_option_is_already_chosen():
    form = Example()
    assert form["only"].value() == "police"
    assert form["kind"].value() is None


def test_a_date_in_one_box_is_read_into_the_three():
    form = Example({"due_on": "2026-04-01"})
    form.is_valid()
    assert "due_on" not in form.errors
    assert form.cleaned_data["due_on"].isoformat() == "2026-04-01"
    form = Example({"due_on": "31/02/2026"})
    form.is_valid()
    assert form.errors["due_on"] == ["The due date must be a real date"]
    form = Example({"due_on_0": "1", "due_on_1": "13", "due_on_2": "2026"})
    form.is_valid()
    assert form.errors["due_on"] == ["The due date must be a real date"]
    assert 'type="date"' not in str(form["due_on"])


def test_error_title_is_added_once_where_an_error_summary_shows():
    page = (
        '<html><head><title>Cases – ASB</title></head><body><div class="govuk-error-summary">'
        "</div></body></html>"
    )

    def view(_request, body=page):
        return HttpResponse(body, content_type="text/html; charset=utf-8")

    request = RequestFactory().get("/")
    out = ErrorTitleMiddleware(view)(request).content.decode()
    assert "<title>Error: Cases – ASB</title>" in out
    twice = ErrorTitleMiddleware(lambda r: view(r, out))(request).content.decode()
    assert twice.count("Error:") == 1
    clean = ErrorTitleMiddleware(lambda r: view(r, "<title>Cases</title>"))(request)
    assert b"Error" not in clean.content


class Choices(StaffForm):
    few = forms.ChoiceField(
        label="Risk", choices=[("", "---------"), ("low", "Low"), ("high", "High")]
    )
    optional = forms.ChoiceField(
        label="Seat", required=False, choices=[("", "---------"), ("chair", "Chair")]
    )
    many = forms.ChoiceField(label="Month", choices=[(str(m), str(m)) for m in range(1, 13)])
    grouped = forms.ChoiceField(label="Grouped", choices=[("Group", [("a", "A"), ("b", "B")])])


def test_a_choice_of_a_few_options_is_radios_and_a_long_one_stays_a_select():
    form = Choices()
    few = str(form["few"])
    assert 'type="radio"' in few and "<select" not in few
    # Required radios start with nothing chosen and have no empty option.
    assert 'value=""' not in few and "---------" not in few and "checked" not in few
    optional = str(form["optional"])
    assert 'type="radio"' in optional and "None" in optional and "---------" not in optional
    assert "<select" in str(form["many"])
    assert "<select" in str(form["grouped"])
    # What was chosen is kept when the form comes back with an error elsewhere.
    bound = Choices({"few": "high", "many": "99"})
    assert not bound.is_valid()
    assert bound.cleaned_data["few"] == "high"
    assert re.search(r'value="high"[^>]*checked', str(bound["few"]))


def test_a_short_pick_list_from_the_database_is_radios_without_an_empty_option(db):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for name in ("ann", "bob"):
        User.objects.create(username=name)

    class PickOfficer(StaffForm):
        officer = forms.ModelChoiceField(label="Officer", queryset=User.objects.order_by("pk"))

    html = str(PickOfficer()["officer"])
    assert html.count('type="radio"') == 2 and "---------" not in html
    for n in range(4):
        User.objects.create(username=f"user{n}")
    assert "<select" in str(PickOfficer()["officer"])  # six officers: a select again


def test_a_text_box_is_no_longer_than_the_column_it_is_saved_to():
    """Past a CharField column's length PostgreSQL refuses the row (a 500, the text lost;
    SQLite stores it): the form refuses it first, in words, with the text kept."""
    from letters.forms import AreaLetterSettingsForm
    from letters.models import AreaLetterSettings
    from panels.forms import AdHocMeetingForm, VictimPartForm
    from panels.models import Listing, Meeting

    boxes = [
        (AdHocMeetingForm, "location", Meeting, "location"),
        (VictimPartForm, "attendee_name", Listing, "victim_attendee_name"),
        (VictimPartForm, "left_point", Listing, "victim_left_point"),
        *(
            (AreaLetterSettingsForm, name, AreaLetterSettings, name)
            for name in ("sender_organisation", "sender_name", "sender_title", "sender_phone")
        ),
        (AreaLetterSettingsForm, "logo_alt", AreaLetterSettings, "logo_alt"),
    ]
    for form_class, name, model, column in boxes:
        limit = model._meta.get_field(column).max_length
        box = form_class.base_fields[name]
        assert box.max_length is not None and box.max_length <= limit, (form_class, name)
    form = VictimPartForm({"attendance": "none", "attendee_name": "x" * 201})
    assert not form.is_valid()
    assert form.errors["attendee_name"] == [
        "The name (advocate or representative) must be 200 characters or fewer"
    ]
    assert form["attendee_name"].value() == "x" * 201


def test_a_text_box_with_no_limit_of_its_own_is_bounded_in_plain_words():
    """Sizes capped: a staff box whose form sets no length (minutes, reasons, notes) takes
    at most ``TEXT_MAX`` characters, said in plain words with the text kept; a box with a
    limit of its own keeps it, and the form class is not changed by an instance."""
    from asbcr.fields import TEXT_MAX

    class Minutes(StaffForm):
        minutes = forms.CharField(label="Minutes of the meeting", widget=forms.Textarea)
        note = forms.CharField(label="Note", max_length=200)

    typed = "x" * (TEXT_MAX + 1)
    form = Minutes({"minutes": typed, "note": "fine"})
    assert not form.is_valid()
    assert form.errors["minutes"] == [
        f"The minutes of the meeting must be {TEXT_MAX:,} characters or fewer"
    ]
    assert f'maxlength="{TEXT_MAX}"' in str(form["minutes"])
    assert typed in str(form["minutes"])
    assert Minutes({"minutes": "x" * TEXT_MAX, "note": "fine"}).is_valid()
    assert Minutes().fields["note"].max_length == 200
    assert Minutes.base_fields["minutes"].max_length is None


def test_a_time_and_an_email_are_refused_in_plain_words():
    class Meeting(StaffForm):
        time = forms.TimeField(label="Start time")
        email = forms.EmailField(label="Email address")

    form = Meeting({"time": "quarter past", "email": "not-an-address"})
    assert not form.is_valid()
    assert form.errors["time"] == ["The start time must be a real time, like 14:30"]
    assert form.errors["email"] == [
        "Enter the email address in the correct format, like name@example.com"
    ]
