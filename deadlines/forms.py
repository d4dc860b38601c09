from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms

from asbcr.fields import TypedDateField


class DelayForm(forms.Form):
    """Record why a step will be late, the new date, and tell the applicant."""

    new_due = TypedDateField(
        error_name="the new date",
        label="New date",
        help_text="For example, 27 1 2027. Write it as day month year: 27/01/2027.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"],
        error_messages={
            "required": "Enter the new date",
            "invalid": "Enter the new date as day/month/year, for example 27/01/2027",
        },
    )
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


class WaiveForm(forms.Form):
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


class MeetForm(forms.Form):
    """Record that the step was done, for steps no other page records (a phone call)."""

    met_on = TypedDateField(
        error_name="the date it was done",
        label="Date it was done",
        help_text="For example, 27/01/2027.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"],
        error_messages={
            "required": "Enter the date it was done",
            "invalid": "Enter the date as day/month/year, for example 27/01/2027",
        },
    )

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
