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

# The deadline event a sent letter meets (deadlines.services.record_event), where one is.
# The acknowledgement and ``outcome_sent`` are met by their transitions; appeal events are
# recorded by the appeals app. Decision and outcome letters start the appeal window.
DEADLINE_EVENTS = {
    LetterKind.CR3: "decision_letter_sent",
    LetterKind.CR4: "decision_letter_sent",
    LetterKind.OUTCOME: "decision_letter_sent",
    LetterKind.WITHDRAWAL: "withdrawal_letter_sent",
}

CHAIRS_PACK_TEMPLATE = "letters/chairs_pack.html"
