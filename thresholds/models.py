"""Threshold decisions, the bodies' views, and what the detection job finds.

Decisions and views are written once and never changed (``AppendOnlyModel``): a new
decision after an appeal is a new record, and the latest one is the case's decision.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from asbcr.models import AppendOnlyModel, TimeStampedModel
from thresholds.constants import DecidedBy, DetectionJob, SuggestionStatus, View


class ThresholdEvaluation(AppendOnlyModel):
    """One run of the engine on a case (shown on the case; feeds the decision)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    application_date = models.DateField()
    procedure_version = models.ForeignKey(
        "partnerships.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    met = models.BooleanField()
    explanation = models.JSONField()

    class Meta:
        ordering = ["-at", "-id"]


class BodyView(AppendOnlyModel):
    """A relevant body's view on the threshold (met, not met or abstain) with reasons.

    A body may record a fresh view (its latest counts) until the decision is taken;
    the views used are copied into the decision.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    view = models.CharField(max_length=10, choices=View.choices)
    reasons = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    round = models.PositiveIntegerField(
        default=1, help_text="1 for the first decision, 2 after the first appeal, and so on."
    )

    class Meta:
        ordering = ["at", "id"]


class ThresholdDecision(AppendOnlyModel):
    """The final threshold decision on a case: immutable; a later one supersedes it."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="threshold_decisions"
    )
    round = models.PositiveIntegerField()
    met = models.BooleanField()
    decided_by = models.CharField(max_length=20, choices=DecidedBy.choices)
    decision_rule = models.JSONField(help_text="The procedure's decision section applied.")
    explanation = models.JSONField(help_text="The engine's explanation at the time.")
    views = models.JSONField(help_text="Each body's view and reasons, as counted.")
    discretionary_factors = models.JSONField(default=dict, blank=True)
    senior_manager = models.JSONField(default=dict, blank=True)
    reasons_text = models.TextField(help_text="Plain-English reasons (for the letter).")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-round"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="one_decision_per_round")
        ]

    def __str__(self):
        return f"{'Met' if self.met else 'Not met'} (round {self.round})"


class ReviewSuggestion(TimeStampedModel):
    """A victim whose recorded complaints meet the area's threshold with no open case."""

    area = models.ForeignKey("partnerships.Area", on_delete=models.PROTECT, related_name="+")
    complainant_key = models.CharField(max_length=200)
    latest_incident_date = models.DateField(
        help_text="The latest incident counted: part of the natural key, so new incidents "
        "after a dismissal raise a fresh suggestion."
    )
    explanation = models.JSONField()
    incident_ids = models.JSONField(default=list)
    status = models.CharField(
        max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    status_reason = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "complainant_key", "latest_incident_date"],
                name="one_suggestion_per_victim_and_latest_incident",
            )
        ]


class SecondReportNotice(TimeStampedModel):
    """A victim's second report within six months: they must be told about the case review
    (2025 statutory guidance). One per second report (the natural key)."""

    area = models.ForeignKey("partnerships.Area", on_delete=models.PROTECT, related_name="+")
    complainant_key = models.CharField(max_length=200)
    first_incident = models.ForeignKey("cases.Incident", on_delete=models.PROTECT, related_name="+")
    second_incident = models.ForeignKey(
        "cases.Incident", on_delete=models.PROTECT, related_name="+"
    )
    told_on = models.DateField(null=True, blank=True)
    told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["second_incident"], name="one_notice_per_second_report")
        ]


class DetectionMark(models.Model):
    """How far a detection job has read an area's incident log (bookkeeping).

    Detection depends only on the incident log, the cases' states, the rules and the
    day. A run on the same day with the same rules needs to look again only at victims
    with an incident written or changed, or a case moved, since the last run began.
    """

    area = models.ForeignKey("partnerships.Area", on_delete=models.CASCADE, related_name="+")
    job = models.CharField(max_length=30, choices=DetectionJob.choices)
    procedure_version = models.ForeignKey(
        "partnerships.ProcedureVersion", null=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(help_text="The day the last run detected for.")
    checked_at = models.DateTimeField(help_text="When the last run began reading the log.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "job"], name="one_detection_mark_per_job")
        ]

    def __str__(self):
        return f"{self.get_job_display()} in {self.area}: read up to {self.checked_at}"


class LocationLink(models.Model):
    """Two incidents on a case whose locations an officer has linked (the same estate, a
    block and its car park), with the reason. A procedure's ``same_location`` condition
    counts them as one location when it lists ``officer`` among its links."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    first = models.ForeignKey("cases.Incident", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("cases.Incident", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="link_pair_in_order"
            ),
        ]

    def __str__(self):
        return f"Locations of incidents {self.first_id} and {self.second_id} linked"
