"""Letters sent on a case (immutable records), the print queue, and per-area wording.

A ``Letter`` is what was sent: to whom, on which channel, when, by whom, the PDF itself
and its SHA-256. It is written once; re-sending makes a new record. The print queue is
the only thing that changes after sending (a letter for post is printed later).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from asbcr.models import AppendOnlyModel, TimeStampedModel
from letters.constants import LetterChannel, LetterKind


class Letter(AppendOnlyModel):
    """One letter as sent. Never edited, never deleted."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.TextField(blank=True)
    recipient_email = models.EmailField(blank=True)
    recipient_phone = models.CharField(max_length=50, blank=True)
    agency = models.ForeignKey(
        "partnerships.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a CR5 agency response form: the relevant body it went to.",
    )
    channel = models.CharField(max_length=10, choices=LetterChannel.choices)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(upload_to="letters/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(default=1)
    wording = models.CharField(
        max_length=20, default="standard", help_text="standard, or the area's own wording."
    )
    note = models.TextField(blank=True, help_text="For a phone note: what was said.")
    context_summary = models.JSONField(default=dict, blank=True)
    erased_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="PDF and recipient erased under retention."
    )

    class Meta:
        ordering = ["-sent_at", "-id"]

    @property
    def reader_name(self) -> str:
        """The letter's name in words, for the person who received it."""
        from letters.constants import reader_name

        return reader_name(self.kind)

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient_name} ({self.sent_at:%d %b %Y})"

    @property
    def filename(self) -> str:
        return f"{self.case.reference}-{self.kind}-{self.pk}.pdf"


class PrintJob(TimeStampedModel):
    """A letter waiting to be printed and posted by the case officer."""

    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="print_job")
    printed_at = models.DateTimeField(null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]


class AreaLetterSettings(TimeStampedModel):
    """An area's branding and the facts its letters quote, set by the area admin."""

    area = models.OneToOneField(
        "partnerships.Area", on_delete=models.CASCADE, related_name="letter_settings"
    )
    sender_name = models.CharField(max_length=200, blank=True)
    sender_title = models.CharField(max_length=200, blank=True)
    sender_organisation = models.CharField(max_length=200, blank=True)
    sender_address = models.TextField(blank=True)
    sender_phone = models.CharField(max_length=50, blank=True)
    sender_email = models.EmailField(blank=True)
    logo = models.FileField(upload_to="letter-logos/", blank=True)
    logo_alt = models.CharField(max_length=200, blank=True)
    brand_colour = models.CharField(max_length=7, default="#1d70b8")
    support_services = models.JSONField(
        default=list,
        blank=True,
        help_text="[{name, contact}]; empty means the procedure's support services.",
    )
    appeal_route = models.TextField(
        blank=True, help_text="How to appeal, in the area's words; empty means the procedure's."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "area letter settings"

    def __str__(self):
        return f"Letter settings for {self.area}"


class LetterWording(TimeStampedModel):
    """An area's own wording for the body of one letter: plain text with ((placeholders))
    (``letters.placeholders``), never a template."""

    area = models.ForeignKey(
        "partnerships.Area", on_delete=models.CASCADE, related_name="letter_wordings"
    )
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conversion_report = models.TextField(
        blank=True,
        help_text="What could not be converted when the wording moved from template code "
        "to placeholders; shown to the area admin until the wording is saved again.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "kind"], name="one_wording_per_letter")
        ]
