from django import forms

from api.constants import ApiPermission
from asbcr.forms import GDSForm
from partnerships.forms import AgencyChoiceField


class ApiClientForm(GDSForm):
    agency = AgencyChoiceField(label="Which agency's system is it?", queryset=None)
    name = forms.CharField(
        label="Name of the system",
        help_text="So you can tell its credentials apart, for example 'Niche RMS'.",
        max_length=100,
    )
    permissions = forms.MultipleChoiceField(
        label="What may it do?",
        choices=ApiPermission.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing the system may do."},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class RevokeForm(GDSForm):
    pass
