from django.db import models


class DeadlineState(models.TextChoices):
    OPEN = "open", "Open"
    MET_ON_TIME = "met_on_time", "Met on time"
    MET_LATE = "met_late", "Met late"
    BREACHED = "breached", "Breached"
    WAIVED = "waived", "Waived"


LIVE_STATES = frozenset({DeadlineState.OPEN, DeadlineState.BREACHED})
"""Deadlines still waiting for the event that ends them."""


class Responsible(models.TextChoices):
    """Who a procedure timescale makes responsible (``responsible:`` in the YAML)."""

    ADMINISTERING_BODY = "administering_body", "Administering body"
    CASE_OFFICER = "case_officer", "Case officer"
    RELEVANT_BODIES = "relevant_bodies", "Relevant bodies"
    POLICE_SPOC = "police_spoc", "Police SPOC"
    APPLICANT = "applicant", "Applicant"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    APPEAL_REVIEWER = "appeal_reviewer", "Appeal reviewer"
    ACTION_OWNER = "action_owner", "Action owner"


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", "Reminder before the due date"
    BREACH = "breach", "Deadline breached"
    ESCALATION = "escalation", "Escalation of an overdue item"
    DELAY = "delay", "Delay notified to the applicant"
    WORK = "work", "New work for a member of staff"
    DIGEST = "digest", "Daily digest of new work"


class NotificationState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (will be retried)"
    SKIPPED = "skipped", "Not sent (no address)"
    DIGESTED = "digested", "In the recipient's daily digest (not sent on its own)"


class LadderRung(models.TextChoices):
    """Who an overdue item climbs to (``action_escalation[].to`` in the YAML)."""

    OWNER = "owner", "Owner"
    LINE_MANAGER = "line_manager", "Owner's line manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
