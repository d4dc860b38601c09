"""Forms for subject access requests and rectification (GOV.UK Design System).

Forms check the shape of what was typed; the rules live in ``privacy.services``. Fields
have no ``max_length`` here on purpose: the services say how long is too long, in words,
and the form keeps what was typed.
"""

from django import forms

from asbcr.fields import DateInputField
from asbcr.forms import GDSForm, StaffForm
from privacy.constants import RequesterKind


def _text(label, required=False, **kwargs):
    return forms.CharField(label=label, required=required, strip=False, **kwargs)


class SarOpenForm(GDSForm):
    bound_text = False  # privacy.services checks each length, in its own words
    requester_kind = forms.ChoiceField(
        label="Who made the request?",
        choices=RequesterKind.choices,
        initial=RequesterKind.SUBJECT,
        widget=forms.RadioSelect,
    )
    requester_name = _text("Name of the person who asked", required=True)
    requester_contact = _text(
        "Where to send the reply",
        help_text="An email address or postal address.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    received_on = DateInputField(
        label="Date received",
        help_text="For example, 27 3 2026",
        error_name="the date the request was received",
    )
    identity_checked = forms.BooleanField(
        label="Their identity (and any representative's authority) has been checked",
        required=False,
    )
    subject_name = _text(
        "The person's name", help_text="Matched whatever the capital letters or spacing."
    )
    subject_email = _text("Their email address")
    subject_phone = _text("Their phone number", help_text="Matched on the digits only.")
    subject_postcode = _text("Their postcode", help_text="Matched without spaces.")
    notes = _text("Notes (optional)", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester_name"].error_messages["required"] = (
            "Enter the name of the person who asked."
        )


class SarConfirmForm(StaffForm):
    matches = forms.MultipleChoiceField(
        label="Records about this person", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matches"].choices = choices


class SarCloseForm(GDSForm):
    bound_text = False  # privacy.services checks each length, in its own words
    reason = _text(
        "Why is the request closed?",
        required=True,
        help_text="For example: reply sent by email on 3 March; or withdrawn by the person.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RectifyForm(GDSForm):
    bound_text = False  # privacy.services checks each length, in its own words
    name = _text("Name", required=True)
    organisation_contact = _text("Named contact (for a business or group)")
    address = _text("Address", widget=forms.Textarea(attrs={"rows": 3}))
    postcode = _text("Postcode")
    phone = _text("Phone number")
    email = _text("Email address")
    reason = _text(
        "Why are these details being corrected?",
        required=True,
        help_text="For example: the person told us their new phone number on 2 March.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the corrected name."
        self.fields["reason"].error_messages["required"] = (
            "Say why the details are being corrected (for example, the person asked)."
        )
