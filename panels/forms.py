"""Staff forms for panels (GOV.UK Design System via crispy-forms-gds).

Forms check the shape of what was typed; the rules live in ``panels.services``.
"""

from django import forms

from asbcr.concurrency import VersionFormMixin
from asbcr.fields import DateInputField, column_length
from asbcr.forms import GDSForm, StaffForm
from panels.constants import (
    OWNER_SETTABLE_STATUSES,
    ActionStatus,
    ConsultationMethod,
    MemberRole,
    VictimAttendance,
    Vote,
)
from panels.models import Listing, Meeting
from partnerships.constants import PickPurpose
from partnerships.forms import AgencyChoiceField, StaffChoiceField
from partnerships.models import Agency
from partnerships.selectors import agencies_choosable_for, staff_choosable_for


class AdHocMeetingForm(GDSForm):
    day = DateInputField(label="Date of the meeting", error_name="the date of the meeting")
    time = forms.TimeField(label="Start time", help_text="For example, 14:00")
    location = forms.CharField(
        label="Where (room, or Teams)",
        required=False,
        max_length=column_length(Meeting, "location"),
    )
    purpose = forms.CharField(label="Why is an extra meeting needed?", widget=forms.Textarea)


class ReasonForm(GDSForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea)


class ListCaseForm(GDSForm):
    meeting = forms.ModelChoiceField(label="Meeting", queryset=None, empty_label=None)
    late_reason = forms.CharField(
        label="If the meeting is after the target date, why?",
        widget=forms.Textarea,
        required=False,
    )
    follow_up_reason = forms.CharField(
        label="For a follow-up: why (high risk, or circumstances changed)?",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].widget = forms.RadioSelect()
        self.fields["meeting"].widget.choices = self.fields["meeting"].choices


class MemberForm(GDSForm):
    user = StaffChoiceField(label="Person", queryset=None)
    role = forms.ChoiceField(label="Role", choices=MemberRole.choices, widget=forms.RadioSelect)
    agency = AgencyChoiceField(
        label="Agency (leave blank for the person's own)",
        queryset=Agency.objects.none(),
        required=False,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_choosable_for(
            case=case, purpose=PickPurpose.PANEL_MEMBER
        )
        self.fields["agency"].queryset = agencies_choosable_for(case=case)


class VictimPartForm(GDSForm):
    attendance = forms.ChoiceField(
        label="Who attended the first part of the meeting?",
        choices=[c for c in VictimAttendance.choices if c[0]],
        widget=forms.RadioSelect,
    )
    attendee_name = forms.CharField(
        label="Name (advocate or representative)",
        required=False,
        max_length=column_length(Listing, "victim_attendee_name"),
    )
    left_at = forms.TimeField(label="Time they left", required=False)
    left_point = forms.CharField(
        label="The point in the meeting when they left",
        required=False,
        max_length=column_length(Listing, "victim_left_point"),
    )
    statement = forms.CharField(
        label="What they said about the harm and impact (kept as their impact statement)",
        widget=forms.Textarea,
        required=False,
    )


class VoteForm(GDSForm):
    agency = AgencyChoiceField(label="Core partner", queryset=None, empty_label=None)
    vote = forms.ChoiceField(label="Vote", choices=Vote.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason", widget=forms.Textarea, required=False)

    def __init__(self, *args, core, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = core


class MinutesForm(VersionFormMixin, GDSForm):
    apologies = forms.CharField(
        label="Apologies (leave blank to use those recorded)", widget=forms.Textarea, required=False
    )
    summary = forms.CharField(label="Summary of the discussion", widget=forms.Textarea)
    decisions = forms.CharField(label="Decisions", widget=forms.Textarea)
    recommendations = forms.CharField(
        label="Recommendations", widget=forms.Textarea, required=False
    )


class ActionForm(GDSForm):
    what = forms.CharField(
        label="What is to be done",
        widget=forms.Textarea,
        help_text="The outcome letter shows this to the victim, unless it is withheld. "
        "Write it to them: “Fit a video doorbell at your front door”.",
    )
    why = forms.CharField(label="Why", widget=forms.Textarea)
    owner = StaffChoiceField(label="Named owner", queryset=None)
    agency = AgencyChoiceField(
        label="Owning agency (leave blank for the owner's own)",
        queryset=Agency.objects.none(),
        required=False,
    )
    due_on = DateInputField(label="Due date", error_name="the due date")
    withhold_from_victim = forms.BooleanField(
        label="Withhold from the victim (it would identify the perpetrator's protected data)",
        required=False,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_choosable_for(
            case=case, purpose=PickPurpose.ACTION_OWNER
        )
        self.fields["agency"].queryset = agencies_choosable_for(case=case)


class ConsultationForm(GDSForm):
    method = forms.ChoiceField(
        label="How was the victim consulted?",
        choices=ConsultationMethod.choices,
        widget=forms.RadioSelect,
    )
    consulted_on = DateInputField(label="When", error_name="the date the victim was consulted")
    what_they_said = forms.CharField(label="What they said", widget=forms.Textarea)


class ActionReasonForm(VersionFormMixin, ReasonForm):
    """Return a report or hand an action to business as usual, at the version seen."""


class ActionUpdateForm(VersionFormMixin, GDSForm):
    status = forms.ChoiceField(
        label="Progress",
        choices=[(s, ActionStatus(s).label) for s in OWNER_SETTABLE_STATUSES],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why it is delayed, or the outcome if it is no longer needed",
        widget=forms.Textarea,
        required=False,
    )
    completion_report = forms.CharField(
        label="Completion report: what was done", widget=forms.Textarea, required=False
    )


class ChosenMemberForm(StaffForm):
    """One member of this panel (to remove, or to record their attendance)."""

    member = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, listing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = listing.members.all()
