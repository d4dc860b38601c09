from django import forms

from asbcr.forms import GDSForm


class LegalHoldForm(GDSForm):
    reference = forms.CharField(
        label="Case reference", max_length=20, help_text="For example, HER-2026-0001."
    )
    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=[("set", "Place a legal hold"), ("clear", "Lift the legal hold")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The claim, complaint or request that means the case must be kept, "
        "or why it no longer needs to be.",
    )
