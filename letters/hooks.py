"""What letters plugs into the case workflow (registered in ``LettersConfig.ready``)."""

from letters.constants import LetterKind
from letters.models import Letter


def outcome_evidence(case, since) -> list[str]:
    """The outcome is sent when the outcome letter is: sending it records the step, so
    there is no second "record that it was sent"."""
    sent = Letter.objects.filter(case=case, kind=LetterKind.OUTCOME)
    if since is not None:
        sent = sent.filter(sent_at__gte=since)
    if sent.exists():
        return []
    return ["The outcome letter has not been sent: sending it records that the outcome was sent."]
