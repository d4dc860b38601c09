from django.db import models


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


class LetterChannel(models.TextChoices):
    """How a letter reached its recipient; the applicant's preferred contact decides."""

    POST = "post", "Post"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone note"


# The template for each letter, under templates/letters/.
TEMPLATES = {kind: f"letters/{kind.value.lower()}.html" for kind in LetterKind}

# The deadline event a sent letter meets (deadlines.services.record_event), where one is.
# Outcome letters are met by the ``send_outcome`` transition, not by the letter.
DEADLINE_EVENTS = {
    LetterKind.CR1: "acknowledgement_sent",
    LetterKind.CR3: "decision_letter_sent",
    LetterKind.CR4: "decision_letter_sent",
    LetterKind.OFFICER: "officer_allocated",
    LetterKind.WITHDRAWAL: "withdrawal_letter_sent",
    LetterKind.CR3A: "appeal_acknowledged",
    LetterKind.APPEAL_OUTCOME: "appeal_outcome_sent",
}

CHAIRS_PACK_TEMPLATE = "letters/chairs_pack.html"
