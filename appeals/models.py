"""Appeals (escalations) against a threshold decision or a review outcome.

An appeal is lodged within the procedure's window, routed to an independent reviewer,
runs through the procedure's stages, and ends with an outcome: the decision upheld, or
the case referred back with recommendations that each body answers.
"""

from django.conf import settings
from django.db import models

from appeals.constants import (
    AppealAgainst,
    AppealOutcome,
    AppealStatus,
    AuditAnswer,
    RecommendationKind,
)
from asbcr.models import AuditedModel, TimeStampedModel
from asbcr.templatetags.words import long_date
from cases.constants import Channel


class Appeal(AuditedModel):
    """One request by the applicant to have a decision or a review looked at again."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="appeals")
    against = models.CharField(max_length=30, choices=AppealAgainst.choices)
    decision_on = models.DateField(help_text="Date of the decision or outcome appealed against.")
    window_ends_on = models.DateField()
    lodged_on = models.DateField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    grounds = models.JSONField(default=list, help_text="Keys of the procedure's grounds.")
    applicant_words = models.TextField()
    in_time = models.BooleanField()
    out_of_time_accepted_reason = models.TextField(blank=True)
    out_of_time_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.TextField(blank=True)
    status = models.CharField(max_length=30, choices=AppealStatus.choices, db_index=True)

    reviewing_body = models.CharField(max_length=300, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_to_review",
    )
    routing_note = models.TextField(
        blank=True, help_text="Why this reviewer, or why no reviewer could be assigned yet."
    )

    outcome = models.CharField(max_length=30, choices=AppealOutcome.choices, blank=True)
    outcome_summary = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_reopened = models.BooleanField(default=False)
    follow_up_due_on = models.DateField(
        null=True, blank=True, help_text="Devon & Cornwall: update to the OPCC after 3 months."
    )
    follow_up_received_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-lodged_on", "-id"]
        permissions = [
            ("manage_appeal", "Can record appeals and refer cases back"),
            ("review_appeal", "Can review appeals routed to them"),
        ]

    def __str__(self):
        return f"Appeal on {self.case} lodged {long_date(self.lodged_on)}"

    @property
    def is_open(self) -> bool:
        return self.status in (AppealStatus.RECEIVED, AppealStatus.UNDER_REVIEW)

    def grounds_labels(self) -> list[str]:
        section = self.case.procedure_version.section("appeal")
        labels = {g["key"]: g["label"] for g in section.get("grounds", [])}
        return [labels.get(key, key) for key in self.grounds]


class AppealStage(TimeStampedModel):
    """One stage of the procedure's appeal timetable, with its due date and completion."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=50)
    rule = models.CharField(max_length=300)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=20)
    runs_from = models.CharField(
        max_length=20,
        default="previous",
        help_text="previous: from the end of the stage before; received: from the appeal's receipt.",
    )
    starts_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delay_reason = models.TextField(blank=True)
    delay_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["appeal", "order"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "key"], name="one_stage_per_key"),
        ]

    def __str__(self):
        return self.rule

    def status_on(self, today) -> str:
        """met / late / breached / due (the words the evidence bundle uses)."""
        if self.completed_on:
            return "met" if self.due_on is None or self.completed_on <= self.due_on else "late"
        if self.due_on and today > self.due_on:
            return "breached"
        return "due" if self.due_on else "waiting"


class Recommendation(TimeStampedModel):
    """A recommendation to one body. Not binding: the body records its response."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="recommendations")
    kind = models.CharField(max_length=30, choices=RecommendationKind.choices)
    text = models.TextField()
    body = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["appeal", "id"]


class EvidenceNote(AuditedModel):
    """The officer's reason an Appendix A item is not available (or a note on it)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence_notes")
    item = models.CharField(max_length=40)
    missing_reason = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "item"], name="one_note_per_item"),
        ]


class ComplianceAnswer(AuditedModel):
    """The reviewer's answer to one Appendix B compliance question."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="compliance")
    item = models.CharField(max_length=40)
    answer = models.CharField(max_length=10, choices=AuditAnswer.choices)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "item"], name="one_answer_per_item"),
        ]
