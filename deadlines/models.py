"""Deadlines on cases, actions and appeals; closure days; the notification outbox."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from asbcr.models import TimeStampedModel
from asbcr.templatetags.words import long_date
from deadlines.constants import (
    LIVE_STATES,
    DeadlineState,
    NotificationKind,
    NotificationState,
    Responsible,
)
from partnerships.constants import Nation


class Deadline(TimeStampedModel):
    """A dated obligation on a case, or on something of the case (an action, an appeal).

    Procedure timescales start and end on events (``deadlines.services.record_event``);
    ad-hoc deadlines (actions, appeal stages) are started with ``deadline_start``.
    ``key`` is the natural key: starting the same deadline twice changes nothing.
    """

    key = models.CharField(max_length=200, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(max_length=100, help_text="The timescale's key, e.g. acknowledge.")
    rule = models.CharField(max_length=300, help_text="The procedure's words for the rule.")
    amount = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    starts_event = models.CharField(max_length=60, blank=True)
    ends_event = models.CharField(max_length=60, blank=True)
    started_on = models.DateField()
    due = models.DateField(db_index=True)
    original_due = models.DateField(help_text="The due date before any recorded delay.")
    # Not indexed on its own: (state, due) below leads with it, and every query on state
    # also filters or orders on due, the case or the owner (docs/deployment.md). Each
    # index on the table is written again for every deadline the sweep marks breached.
    state = models.CharField(
        max_length=20, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    met_on = models.DateField(null=True, blank=True)
    breached_on = models.DateField(null=True, blank=True)
    waived_reason = models.TextField(blank=True)
    delay_reason = models.TextField(blank=True)
    responsible_role = models.CharField(max_length=40, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deadlines",
    )
    responsible_agency = models.ForeignKey(
        "partnerships.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deadlines",
    )
    escalates = models.BooleanField(
        default=False, help_text="Walks the procedure's action_escalation ladder when overdue."
    )
    # No index of its own: (subject_type, subject_id) below leads with it (deadlines 0006).
    subject_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    class Meta:
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["state", "due"]),
            models.Index(fields=["subject_type", "subject_id"]),
            # The live steps named as someone's (their work queue, and the count beside
            # "Your work" on every staff page), with their cases, from the index alone.
            models.Index(
                fields=["responsible_user", "case"],
                condition=models.Q(state__in=[DeadlineState.BREACHED, DeadlineState.OPEN]),
                name="deadlines_deadline_live_user",
            ),
        ]
        permissions = [("manage_deadline", "Can waive deadlines and record delays")]

    def __str__(self):
        return f"{self.case} {self.step} due {long_date(self.due)}"

    @property
    def responsible_label(self) -> str:
        """Who must act, in words: the named person and agency, else the procedure's role."""
        named = [str(x) for x in (self.responsible_user, self.responsible_agency) if x]
        if named:
            return ", ".join(named)
        if self.responsible_role in Responsible.values:
            return Responsible(self.responsible_role).label
        return self.responsible_role.replace("_", " ").capitalize()

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    def is_overdue(self, today=None) -> bool:
        return self.is_live and self.due < (today or timezone.localdate())


class ClosureDay(TimeStampedModel):
    """A one-off day the offices are shut (an extra bank holiday): not a working day.

    With an area it applies to that area only; without, to every area in the nation.
    """

    date = models.DateField()
    name = models.CharField(max_length=200)
    nation = models.CharField(max_length=20, choices=Nation.choices, blank=True)
    area = models.ForeignKey(
        "partnerships.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.name}"


class Notification(TimeStampedModel):
    """One message to one person, written before it is sent (the outbox).

    ``key`` is the natural key (e.g. ``breach:<deadline>:<due>``): a second sweep, or a
    concurrent one, finds the row already there and sends nothing new.
    """

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    state = models.CharField(
        max_length=20,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient_email or '(no address)'}"


def subject_type_and_id(subject) -> tuple[ContentType | None, str]:
    if subject is None:
        return None, ""
    return ContentType.objects.get_for_model(subject), str(subject.pk)
