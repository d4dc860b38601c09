from django import forms

from appeals.constants import AppealOutcome, AuditAnswer, RecommendationKind
from asbcr.concurrency import VersionFormMixin
from asbcr.fields import DateInputField
from asbcr.forms import GDSForm
from cases.constants import Channel
from partnerships.forms import AgencyChoiceField, StaffChoiceField


class LodgeForm(GDSForm):
    grounds = forms.MultipleChoiceField(
        label="Grounds for the appeal", widget=forms.CheckboxSelectMultiple
    )
    applicant_words = forms.CharField(
        label="Why the applicant is appealing, in their own words",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    lodged_on = DateInputField(
        label="Date the appeal was made",
        help_text="For example, 27 3 2026",
        error_name="the date the appeal was made",
    )
    channel = forms.ChoiceField(
        label="How was the appeal made?", choices=Channel.choices, widget=forms.RadioSelect
    )
    accept_out_of_time_reason = forms.CharField(
        label="If it is out of time and you accept it anyway, the reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, grounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grounds"].choices = [(g["key"], g["label"]) for g in grounds]


class AssignReviewerForm(GDSForm):
    reviewer = StaffChoiceField(label="Reviewer", queryset=None)
    note = forms.CharField(label="Why this reviewer", required=False, max_length=500)

    def __init__(self, *args, reviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class DelayForm(GDSForm):
    reason = forms.CharField(
        label="Why the stage is late (the applicant is told)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class EvidenceNoteForm(VersionFormMixin, GDSForm):
    item = forms.ChoiceField(label="Evidence item")
    reason = forms.CharField(
        label="Why it is not available", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = list(items)


class ComplianceForm(VersionFormMixin, GDSForm):
    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in checklist:
            self.fields[f"{item.key}_answer"] = forms.ChoiceField(
                label=f"{item.heading}: {item.question}",
                help_text=f"The record suggests: {item.suggested_label}. {item.basis}",
                choices=AuditAnswer.choices,
                initial=item.answer or item.suggested,
                widget=forms.RadioSelect,
            )
            self.fields[f"{item.key}_note"] = forms.CharField(
                label="Your notes", required=False, initial=item.note, max_length=4000
            )


class DecideForm(GDSForm):
    outcome = forms.ChoiceField(
        label="Outcome", choices=AppealOutcome.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="Findings and reasons (the applicant is told)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    kind = forms.ChoiceField(
        label="Recommendation", choices=[("", "None")] + RecommendationKind.choices, required=False
    )
    text = forms.CharField(
        label="What the body is asked to do",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    body = AgencyChoiceField(label="Body it is made to", queryset=None, required=False)

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies


class ResponseForm(GDSForm):
    response = forms.CharField(
        label="The body's response", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class FollowUpForm(GDSForm):
    received_on = DateInputField(
        label="Date the update was received", error_name="the date the update was received"
    )
    note = forms.CharField(
        label="Summary of the update", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
