from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    """The letter series (Hertsmere's CR numbers, plus the letters other areas need)."""

    CR1 = "CR1", "CR1 Acknowledgement"
    CR3 = "CR3", "CR3 Threshold not met"
    CR3A = "CR3a", "CR3a Appeal received"
    CR4 = "CR4", "CR4 Threshold met"
    CR5 = "CR5", "CR5 Agency response form"
    OFFICER = "officer", "Case officer allocation"
    DELAY = "delay", "Delay notification"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    OUTCOME = "outcome", "Outcome"
    APPEAL_OUTCOME = "appeal_outcome", "Appeal outcome"


# Each letter's name in words, for the people who receive it (the tracking page, email
# subjects, the timeline they can see). Staff pages keep the series codes.
READER_NAMES = {
    LetterKind.CR1: _("Letter confirming we received your application"),
    LetterKind.CR3: _("Letter explaining why your case cannot have a review"),
    LetterKind.CR3A: _("Letter confirming we received your appeal"),
    LetterKind.CR4: _("Letter confirming your case will have a review"),
    LetterKind.CR5: _("Form asking a local service what it knows"),
    LetterKind.OFFICER: _("Letter telling you who your case officer is"),
    LetterKind.DELAY: _("Letter telling you about a delay"),
    LetterKind.WITHDRAWAL: _("Letter confirming your case review has stopped"),
    LetterKind.OUTCOME: _("Letter telling you the result of your case review"),
    LetterKind.APPEAL_OUTCOME: _("Letter telling you the result of your appeal"),
}


def reader_name(kind: str) -> str:
    """'Letter confirming we received your application' for CR1."""
    try:
        return str(READER_NAMES[LetterKind(kind)])
    except ValueError:
        return str(_("Letter"))


class LetterChannel(models.TextChoices):
    """How a letter reached its recipient; the applicant's preferred contact decides."""

    POST = "post", "Post"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone note"


# The template for each letter, under templates/letters/.
TEMPLATES = {kind: f"letters/{kind.value.lower()}.html" for kind in LetterKind}

# The deadline events a sent letter records (deadlines.services.record_event): the letter
# is the evidence that the applicant was told. The CR1 meets the acknowledgement, the
# CR3/CR4 the threshold decision; decision and outcome letters start the appeal window.
# Appeal events are recorded by the appeals app.
DEADLINE_EVENTS = {
    LetterKind.CR1: ("acknowledged",),
    LetterKind.CR3: ("threshold_decided", "decision_letter_sent"),
    LetterKind.CR4: ("threshold_decided", "decision_letter_sent"),
    LetterKind.OUTCOME: ("decision_letter_sent",),
    LetterKind.WITHDRAWAL: ("withdrawal_letter_sent",),
}

# The case step a letter completes when the case is waiting for it: sending the CR1
# acknowledges a received application, sending the outcome letter records that the
# outcome was sent. (case state the letter moves on, transition)
LETTER_TRANSITIONS = {
    LetterKind.CR1: ("received", "acknowledge"),
    LetterKind.OUTCOME: ("reviewed", "send_outcome"),
}

CHAIRS_PACK_TEMPLATE = "letters/chairs_pack.html"
