"""Staff forms for the case workflow (GOV.UK Design System via crispy-forms-gds).

Forms check the shape of what was typed; business rules live in ``cases.services`` and
come back as ``ValidationError``s that the views attach to the right field.
"""

from django import forms
from django.conf import settings

from asbcr.concurrency import VersionFormMixin
from asbcr.fields import DateInputField
from asbcr.files import EVIDENCE_KINDS, MB, UploadField, describe
from asbcr.forms import GDSForm, StaffForm
from cases.constants import (
    ApplicantType,
    Channel,
    ContactMethod,
    Exclusion,
    IncidentKind,
    PartyKind,
    Relationship,
    RiskSubject,
)
from cases.locations import BUILDING_MAX, PlaceField, PostcodeField, UPRNField
from cases.services import IncidentInput, PersonInput
from partnerships.forms import AgencyChoiceField, StaffChoiceField
from partnerships.models import Agency
from partnerships.selectors import agencies_choosable_for

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class ReceiptForm(GDSForm):
    reveals = {
        "channel": {
            Channel.OTHER_BODY: (
                "forwarded_by_agency",
                "forwarding_agency_received_on",
                "forwarded_on",
            )
        }
    }
    channel = forms.ChoiceField(
        label="How did the application arrive?", choices=Channel.choices, widget=forms.RadioSelect
    )
    received_on = DateInputField(
        label="Date received",
        help_text="For example, 27 3 2026",
        error_name="the date the application was received",
    )
    forwarded_by_agency = AgencyChoiceField(
        label="Which body passed it on?",
        queryset=Agency.objects.none(),
        required=False,
    )
    forwarding_agency_received_on = DateInputField(
        label="When did that body receive it?",
        required=False,
        error_name="the date that body received it",
    )
    forwarded_on = DateInputField(
        label="When did that body pass it on?",
        required=False,
        error_name="the date that body passed it on",
    )

    def __init__(self, *args, area=None, **kwargs):
        super().__init__(*args, **kwargs)
        if area is not None:
            self.fields["forwarded_by_agency"].queryset = agencies_choosable_for(area=area)

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.OTHER_BODY and not data.get("forwarded_by_agency"):
            self.add_error("forwarded_by_agency", "Say which body passed the application on.")
        return data


class PersonForm(GDSForm):
    kind = forms.ChoiceField(
        label="Is this a person, a business or a community group?",
        choices=PartyKind.choices,
        initial=PartyKind.PERSON,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Full name (or name of the business or group)", max_length=200)
    address = forms.CharField(
        label="Address", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    phone = forms.CharField(label="Phone number", max_length=50, required=False)
    email = forms.EmailField(label="Email address", required=False)
    preferred_contact = forms.ChoiceField(
        label="How do they want to be contacted?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        initial=ContactMethod.EMAIL,
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    language = forms.CharField(
        label="Preferred language, if not English (optional)", required=False, max_length=50
    )
    health_vulnerability = forms.BooleanField(
        label="They have health-related vulnerabilities", required=False
    )

    def clean(self):
        data = super().clean()
        method = data.get("preferred_contact")
        if method == ContactMethod.EMAIL and not data.get("email"):
            self.add_error(
                "email", "Enter an email address, or choose another way to be contacted."
            )
        if method == ContactMethod.POST and not data.get("address"):
            self.add_error("address", "Enter an address, or choose another way to be contacted.")
        if method == ContactMethod.PHONE and not data.get("phone"):
            self.add_error("phone", "Enter a phone number, or choose another way to be contacted.")
        return data

    def to_input(self) -> PersonInput:
        d = self.cleaned_data
        return PersonInput(
            kind=d["kind"],
            name=d["name"],
            address=d.get("address", ""),
            postcode=d.get("postcode", "").upper(),
            phone=d.get("phone", ""),
            email=d.get("email", ""),
            preferred_contact=d["preferred_contact"],
            accessibility_needs=d.get("accessibility_needs", ""),
            language=d.get("language", ""),
            health_vulnerability=d.get("health_vulnerability", False),
        )


class ApplicationForm(GDSForm):
    reveals = {
        "applicant_type": {
            ApplicantType.THIRD_PARTY: ("relationship", "victim_consent", "consent_missing_reason")
        }
    }
    applicant_type = forms.ChoiceField(
        label="Who is applying?", choices=ApplicantType.choices, widget=forms.RadioSelect
    )
    relationship = forms.ChoiceField(
        label="How do they know the victim?",
        choices=[("", "Not applicable")] + list(Relationship.choices),
        required=False,
    )
    victim_consent = forms.ChoiceField(
        label="Has the victim given consent?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    consent_missing_reason = forms.CharField(
        label="If not, why could consent not be obtained?",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    summary = forms.CharField(
        label="What is the problem? (in the applicant's words)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    impact = forms.CharField(
        label="How is it affecting them?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )
    wants_to_attend = forms.ChoiceField(
        label="Do they want to attend the first part of the review meeting?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    wants_to_send_statement = forms.ChoiceField(
        label="Do they want to send an impact statement?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    perpetrator_description = forms.CharField(
        label="Who is causing the problem, if known (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    perpetrator_under_18 = forms.BooleanField(label="They are under 18", required=False)

    def clean(self):
        data = super().clean()
        if data.get("applicant_type") == ApplicantType.THIRD_PARTY:
            if not data.get("relationship"):
                self.add_error("relationship", "Say how the applicant knows the victim.")
            if (
                data.get("victim_consent") != "yes"
                and not data.get("consent_missing_reason", "").strip()
            ):
                self.add_error(
                    "victim_consent",
                    "Record the victim's consent, or give the reason it could not be obtained.",
                )
        return data

    @property
    def consent(self):
        return _yes_no(self.cleaned_data.get("victim_consent"))

    @property
    def attend(self):
        return _yes_no(self.cleaned_data.get("wants_to_attend"))

    @property
    def statement(self):
        return _yes_no(self.cleaned_data.get("wants_to_send_statement"))


class IncidentForm(GDSForm):
    incident_date = DateInputField(
        label="When did it happen?", error_name="the date the incident happened"
    )
    reported_date = DateInputField(
        label="When was it reported?", required=False, error_name="the date it was reported"
    )
    reported_to = AgencyChoiceField(
        label="Who was it reported to?", queryset=Agency.objects.none(), required=False
    )
    agency_reference = forms.CharField(
        label="Their reference, if known", required=False, max_length=100
    )
    description = forms.CharField(
        label="What happened?", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    issue = forms.CharField(
        label="Short name of the problem (e.g. noise, drug dealing)", required=False, max_length=200
    )
    location = PlaceField(
        label="Where? (the address or place name)",
        help_text="For example, 12 High Street, or the play area on Park Road",
    )
    postcode = PostcodeField(label="Postcode (if known)", help_text="For example, WD6 1AB")
    building = PlaceField(label="Building or block (if it is one)", max_length=BUILDING_MAX)
    uprn = UPRNField(
        label="UPRN (if known)",
        help_text="The Unique Property Reference Number: up to 12 digits",
    )
    hate_motivated = forms.BooleanField(label="Hate-motivated", required=False)
    kind = forms.ChoiceField(
        label="Kind of record",
        choices=IncidentKind.choices,
        initial=IncidentKind.REPORT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, area=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if area is not None or case is not None:
            self.fields["reported_to"].queryset = agencies_choosable_for(case=case, area=area)

    def clean(self):
        data = super().clean()
        if data.get("incident_date") and data.get("reported_date"):
            if data["reported_date"] < data["incident_date"]:
                self.add_error("reported_date", "It cannot have been reported before it happened.")
        return data

    def to_input(self) -> IncidentInput:
        d = self.cleaned_data
        return IncidentInput(
            incident_date=d["incident_date"],
            reported_date=d.get("reported_date"),
            reported_to=d.get("reported_to"),
            agency_reference=d.get("agency_reference", ""),
            description=d["description"],
            issue=d.get("issue", ""),
            location=d.get("location", ""),
            postcode=d.get("postcode", ""),
            building=d.get("building", ""),
            uprn=d.get("uprn", ""),
            hate_motivated=d.get("hate_motivated", False),
            kind=d.get("kind") or IncidentKind.REPORT,
        )


class BaseIncidentFormSet(forms.BaseFormSet):
    def __init__(self, *args, area=None, **kwargs):
        self.area = area
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "area": self.area}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            area=self.area,
        )
        self.add_fields(form, None)
        return form

    def filled_forms(self):
        return [f for f in self.forms if f.has_changed() and f.is_valid()]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not [f for f in self.forms if f.has_changed()]:
            raise forms.ValidationError(
                "Add at least one incident: a case review is about incidents of ASB."
            )


IncidentFormSet = forms.formset_factory(
    IncidentForm, formset=BaseIncidentFormSet, extra=3, max_num=30
)


class ReasonForm(GDSForm):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    recommended_course = forms.CharField(
        label="Recommended course of action",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)


class CaseEditForm(GDSForm):
    summary = forms.CharField(
        label="The problem", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    impact = forms.CharField(
        label="Impact", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000
    )
    asb_persists = forms.ChoiceField(
        label="Does the ASB still persist?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(GDSForm):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    contact_attempt = forms.BooleanField(
        label="This records an attempt to contact the victim", required=False
    )


class VictimContactForm(GDSForm):
    text = forms.CharField(
        label="What you talked about",
        help_text="Attending the meeting, an impact statement, further incidents, risk.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": "Write what you talked about."},
    )


class ExclusionsForm(GDSForm):
    def __init__(self, *args, exclusions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key in exclusions:
            label = Exclusion(key).label
            self.fields[f"{key}_applies"] = forms.ChoiceField(
                label=label, choices=YES_NO, widget=forms.RadioSelect
            )
            self.fields[f"{key}_notes"] = forms.CharField(
                label=f"Notes: {label.lower()}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.exclusions = list(exclusions)

    def checks(self) -> dict[str, tuple[bool, str]]:
        return {
            key: (self.cleaned_data[f"{key}_applies"] == "yes", self.cleaned_data[f"{key}_notes"])
            for key in self.exclusions
        }


class RiskForm(GDSForm):
    subject = forms.ChoiceField(
        label="Who is assessed?", choices=RiskSubject.choices, widget=forms.RadioSelect
    )
    assessed_on = DateInputField(
        label="Date of the assessment", error_name="the date of the assessment"
    )
    notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args, matrix=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        for question in matrix["questions"]:
            self.fields[f"q_{question['key']}"] = forms.ChoiceField(
                label=question["text"],
                choices=[(o, o) for o in question["options"]],
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, str]:
        return {q["key"]: self.cleaned_data[f"q_{q['key']}"] for q in self.matrix["questions"]}


class AgencyResponseForm(VersionFormMixin, GDSForm):
    agency = AgencyChoiceField(label="Agency", queryset=Agency.objects.none())
    reports_held = forms.CharField(
        label="Reports this body holds about the ASB",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    actions_taken = forms.CharField(
        label="Actions this body has taken",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class AssignOfficerForm(VersionFormMixin, GDSForm):
    officer = StaffChoiceField(label="Case officer", queryset=None)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


class CaseFilterForm(StaffForm):
    radios_for_few_choices = False  # filters in a column stay compact
    q = forms.CharField(
        label="Search",
        help_text="A reference, anyone's name, an address or postcode, or words from an "
        "incident or a note",
        required=False,
        max_length=100,
    )
    area = forms.ChoiceField(label="Area", required=False)
    state = forms.ChoiceField(label="State", required=False)
    officer = forms.ChoiceField(label="Case officer", required=False)
    agency = forms.ChoiceField(label="Agency involved", required=False)
    risk = forms.ChoiceField(label="Risk", required=False)
    overdue = forms.BooleanField(label="Only cases with an overdue deadline", required=False)
    received_from = DateInputField(
        label="Received on or after",
        help_text="For example, 1 4 2026",
        required=False,
        error_name="the first date received",
    )
    received_to = DateInputField(
        label="Received on or before",
        help_text="For example, 30 4 2026",
        required=False,
        error_name="the last date received",
    )


class EvidenceForm(GDSForm):
    """Attach a file to the case, or to one of its incidents."""

    file = UploadField(
        label="File",
        kinds=EVIDENCE_KINDS,
        error_messages={"required": "Choose a file to attach."},
    )
    description = forms.CharField(
        label="What is it?",
        help_text="For example: photo of the damaged door; diary sheet for March; letter "
        "from the housing provider.",
        max_length=500,
        error_messages={"required": "Say what the file is."},
    )
    incident = forms.ModelChoiceField(
        label="Which incident is it evidence of? (optional)",
        queryset=None,
        required=False,
        empty_label="The case as a whole",
        error_messages={"invalid_choice": "Choose an incident from the list."},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        limit = getattr(settings, "FILES_MAX_UPLOAD_BYTES", 5 * MB)
        self.fields["file"].help_text = f"A {describe(EVIDENCE_KINDS)}, up to {limit / MB:g} MB."
        self.fields["incident"].queryset = case.incidents.order_by("incident_date", "id")
        self.fields["incident"].label_from_instance = lambda i: (
            f"{i.incident_date:%-d %B %Y}: {i.description[:60]}"
        )
