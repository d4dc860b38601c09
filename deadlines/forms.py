from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms

from asbcr.fields import DateInputField
from asbcr.forms import StaffForm


class DelayForm(StaffForm):
    """Record why a step will be late, the new date, and tell the applicant."""

    new_due = DateInputField(label="New date", help_text="For example, 27 1 2027")
    reason = forms.CharField(
        label="Reason for the delay",
        help_text="The applicant sees this reason.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for the delay"},
    )
    notify_applicant = forms.BooleanField(
        label="Tell the applicant about the delay now", required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL


class WaiveForm(StaffForm):
    reason = forms.CharField(
        label="Why does this deadline no longer apply?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason the deadline no longer applies"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL


class MeetForm(StaffForm):
    """Record that the step was done, for steps no other page records (a phone call)."""

    met_on = DateInputField(label="Date it was done", help_text="For example, 27 1 2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL

    def clean_met_on(self):
        from django.utils import timezone

        value = self.cleaned_data["met_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date it was done cannot be in the future")
        return value
