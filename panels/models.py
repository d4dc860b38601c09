"""Panel meetings, the cases listed at them, the panel for each case, and the action plan.

A ``Meeting`` is a date in an area's diary (a standing monthly meeting or an ad hoc
one). A case is heard at a meeting through a ``Listing``: the listing holds that case's
panel (``PanelMember``), the victim's part of the meeting, the minutes, the Merton
threshold vote, the victim's consultation on the draft plan, and the ``Action``s agreed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from asbcr.models import AuditedModel, TimeStampedModel
from asbcr.templatetags.words import long_datetime
from panels.constants import (
    ActionStatus,
    Attendance,
    ConsultationMethod,
    ListingKind,
    ListingStatus,
    MeetingKind,
    MeetingStatus,
    MemberRole,
    VictimAttendance,
    Vote,
)


class Meeting(AuditedModel):
    """A panel meeting in an area's diary."""

    area = models.ForeignKey("partnerships.Area", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(db_index=True)
    location = models.CharField(max_length=300, blank=True, help_text="Room, or 'Teams'.")
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    cancelled_reason = models.TextField(blank=True)
    purpose = models.TextField(blank=True, help_text="For an ad hoc meeting: why it is needed.")

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "starts_at"],
                condition=Q(kind="standing"),
                name="one_standing_meeting_per_slot",
            )
        ]
        permissions = [
            ("arrange_panel", "Can schedule meetings and list cases"),
            ("chair_panel", "Can chair a panel"),
            ("update_action", "Can update an action they own"),
            ("accept_action", "Can accept an action's completion report"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {long_datetime(self.starts_at)}"


class Listing(AuditedModel):
    """A case listed for a meeting: its panel, minutes and decisions."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="listings")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="panel_listings")
    kind = models.CharField(max_length=20, choices=ListingKind.choices, default=ListingKind.REVIEW)
    status = models.CharField(
        max_length=20, choices=ListingStatus.choices, default=ListingStatus.LISTED
    )
    target_date = models.DateField(
        null=True, blank=True, help_text="From the procedure's timescales.meeting."
    )
    late_reason = models.TextField(blank=True, help_text="Why the meeting is after the target.")
    follow_up_reason = models.TextField(blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    adjourned_reason = models.TextField(blank=True)

    # The victim's part of the meeting (the first part only).
    victim_attendance = models.CharField(
        max_length=20, choices=VictimAttendance.choices, blank=True
    )
    victim_attendee_name = models.CharField(max_length=200, blank=True)
    victim_left_at = models.TimeField(null=True, blank=True)
    victim_left_point = models.CharField(
        max_length=300, blank=True, help_text="The point in the agenda when they left."
    )

    # Structured minutes.
    apologies = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    minuted_at = models.DateTimeField(null=True, blank=True)
    minuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_due_on = models.DateField(null=True, blank=True)
    circulated_on = models.DateField(null=True, blank=True)
    plan_final_at = models.DateTimeField(null=True, blank=True)
    minutes_version = models.PositiveIntegerField(
        default=0, help_text="Goes up each time the minutes are saved; a stale form is refused."
    )

    class Meta:
        ordering = ["meeting__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="case_listed_once_per_meeting")
        ]

    def __str__(self):
        return f"{self.case} at {self.meeting}"

    @property
    def area(self):
        return self.case.area

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("panels:listing", args=[self.pk])


class PanelMember(TimeStampedModel):
    """One person on a case's panel, with their agency and role."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships"
    )
    agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )
    declared_at = models.DateTimeField(
        null=True, blank=True, help_text="Signed the information-sharing declaration."
    )
    declaration_text = models.TextField(blank=True)
    agreed_minutes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "user"], name="one_seat_per_person"),
            models.UniqueConstraint(
                fields=["listing"], condition=Q(role="chair"), name="one_chair_per_listing"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.agency}, {self.get_role_display()})"


class ThresholdVote(TimeStampedModel):
    """Merton: one core partner's vote on the threshold, cast at the meeting."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="votes")
    agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    vote = models.CharField(max_length=10, choices=Vote.choices)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "agency"], name="one_vote_per_partner")
        ]


class VictimConsultation(AuditedModel):
    """The victim was consulted on the draft action plan (2025 statutory guidance)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="consultations")
    method = models.CharField(max_length=20, choices=ConsultationMethod.choices)
    consulted_on = models.DateField()
    what_they_said = models.TextField()

    class Meta:
        ordering = ["consulted_on", "id"]


class Action(AuditedModel):
    """One action on a case's action plan, with a named owner and a due date."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="panel_actions")
    listing = models.ForeignKey(
        Listing,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        help_text="The meeting whose plan holds it (empty for an interim action not yet carried).",
    )
    what = models.TextField()
    why = models.TextField()
    agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_actions"
    )
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN, db_index=True
    )
    status_reason = models.TextField(
        blank=True, help_text="Why it is delayed, or the outcome if it is no longer needed."
    )
    withhold_from_victim = models.BooleanField(
        default=False,
        help_text="Would identify the perpetrator's protected personal or sensitive data.",
    )
    interim = models.BooleanField(
        default=False, help_text="Taken before the meeting for an immediate risk of harm."
    )
    completion_report = models.TextField(blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=0,
        help_text="Goes up on every change: a form loaded at an older version is refused.",
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.what[:60]

    @property
    def area(self):
        return self.case.area

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("panels:action", args=[self.pk])
