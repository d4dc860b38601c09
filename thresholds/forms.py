from django import forms

from asbcr.files import MB, TEXT_KINDS, UploadField
from asbcr.forms import GDSForm, StaffForm
from partnerships.forms import AgencyChoiceField
from thresholds.constants import View
from thresholds.engine import DISCRETIONARY_FACTORS


class BodyViewForm(GDSForm):
    agency = AgencyChoiceField(label="Which body's view is this?", queryset=None)
    view = forms.ChoiceField(
        label="Does this body consider the threshold met?",
        choices=View.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="The body's reasons", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = bodies


class DecisionForm(GDSForm):
    """Discretionary factors (each with a rationale) and the senior-manager route."""

    confirm = forms.BooleanField(
        label="I confirm this records the decision; it cannot be edited afterwards",
        required=True,
    )

    def __init__(self, *args, threshold: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.factor_keys = list(threshold.get("discretionary_factors") or [])
        for key in self.factor_keys:
            self.fields[f"factor_{key}"] = forms.CharField(
                label=f"Rationale: {DISCRETIONARY_FACTORS.get(key, key)} (leave blank if not relied on)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
            )
        route = threshold.get("senior_manager_route")
        self.has_senior_route = bool(route)
        if route:
            self.fields["senior_role"] = forms.ChoiceField(
                label="Senior-manager route: who decided (leave blank if not used)",
                choices=[("", "Not used")] + [(w["key"], w["label"]) for w in route["who"]],
                required=False,
            )
            self.fields["senior_name"] = forms.CharField(
                label="Senior manager's name", required=False, max_length=200
            )
            self.fields["senior_rationale"] = forms.CharField(
                label="Why a review is needed to safeguard a vulnerable victim",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000,
            )
        self.order_fields([name for name in self.fields if name != "confirm"] + ["confirm"])

    def clean(self):
        data = super().clean()
        if self.has_senior_route and data.get("senior_role"):
            if not (data.get("senior_rationale") or "").strip():
                self.add_error("senior_rationale", "Give the senior manager's rationale.")
            if not (data.get("senior_name") or "").strip():
                self.add_error("senior_name", "Give the senior manager's name.")
        return data

    def discretionary(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"factor_{key}"].strip()
            for key in self.factor_keys
            if self.cleaned_data.get(f"factor_{key}", "").strip()
        }

    def senior_manager(self) -> dict | None:
        if not (self.has_senior_route and self.cleaned_data.get("senior_role")):
            return None
        return {
            "role": self.cleaned_data["senior_role"],
            "name": self.cleaned_data["senior_name"].strip(),
            "rationale": self.cleaned_data["senior_rationale"].strip(),
        }


IMPORT_MAX_BYTES = 20 * MB
"""An agency's export is read, never stored; it may be larger than a single document."""


class IncidentImportForm(GDSForm):
    agency = AgencyChoiceField(label="Whose records are these?", queryset=None)
    file = UploadField(
        label="CSV file exported from the agency's system",
        kinds=TEXT_KINDS,
        max_bytes=IMPORT_MAX_BYTES,
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class DismissForm(GDSForm):
    reason = forms.CharField(
        label="Why no case review is needed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Say why no case review is needed."},
    )


class SameIncidentForm(StaffForm):
    """Two of this case's incidents that are the same one, reported to two bodies."""

    first = forms.ModelChoiceField(
        queryset=None,
        error_messages={"invalid_choice": "Choose an incident recorded on this case."},
    )
    second = forms.ModelChoiceField(
        queryset=None,
        error_messages={"invalid_choice": "Choose an incident recorded on this case."},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = case.incidents.all()


class IncidentChoiceField(forms.ModelChoiceField):
    """An incident on the case, by its date and place (never a record id)."""

    def label_from_instance(self, obj):
        from asbcr.templatetags.words import long_date

        place = obj.location or obj.postcode or "no location recorded"
        return f"{long_date(obj.incident_date)}: {place}"


class LocationLinkForm(GDSForm):
    """Two incidents on the case whose locations are linked, and why."""

    first = IncidentChoiceField(
        label="First incident",
        queryset=None,
        empty_label="Choose an incident",
        error_messages={
            "required": "Choose the first incident.",
            "invalid_choice": "Choose an incident recorded on this case.",
        },
    )
    second = IncidentChoiceField(
        label="Second incident",
        queryset=None,
        empty_label="Choose an incident",
        error_messages={
            "required": "Choose the second incident.",
            "invalid_choice": "Choose an incident recorded on this case.",
        },
    )
    reason = forms.CharField(
        label="Why are these locations linked?",
        help_text="For example: the car park belongs to the same block of flats",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why these locations are linked."},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = case.incidents.order_by("incident_date", "id")
