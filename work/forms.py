from django import forms

from asbcr.concurrency import VersionFormMixin
from asbcr.forms import GDSForm
from thresholds.constants import View
from work.constants import Frequency

LONG = 10000
SHORT = 5000


class PreferenceForm(VersionFormMixin, GDSForm):
    frequency = forms.ChoiceField(
        label="How do you want to hear about new work?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you want to hear about new work"},
    )


class AgencyResponseForm(VersionFormMixin, GDSForm):
    """The CR5 response, given in the system by the agency's SPOC."""

    reports_held = forms.CharField(
        label="Reports your agency holds about this anti-social behaviour",
        help_text="For each report: its date, your reference and what was reported. "
        "Write ‘None’ if you hold none.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=LONG,
        error_messages={"required": "Enter the reports your agency holds, or ‘None’"},
    )
    actions_taken = forms.CharField(
        label="What your agency has done about it",
        help_text="With dates. Write ‘None’ if it has done nothing yet.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=LONG,
        error_messages={"required": "Enter what your agency has done, or ‘None’"},
    )
    view = forms.ChoiceField(
        label="In your agency's view, is the threshold for a case review met?",
        choices=View.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose met, not met or abstain"},
    )
    view_reasons = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT,
        error_messages={"required": "Give your agency's reasons"},
    )
    risk_known = forms.CharField(
        label="Risk your agency knows of",
        help_text="To the victim or anyone else. Write ‘None known’ if there is none.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT,
        error_messages={"required": "Enter the risk your agency knows of, or ‘None known’"},
    )
