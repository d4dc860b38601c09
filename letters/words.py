"""How letter events read in words (registered in ``LettersConfig.ready``)."""

from asbcr.templatetags.words import long_date


def download_summary(event) -> str | None:
    """ "The applicant downloaded the outcome letter of 3 October 2026 from the tracking
    page" for an event that stored only the letter's number."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    letter_id = detail.get("letter_id")
    if not letter_id or not event.summary.startswith("The applicant downloaded letter "):
        return None
    from letters.models import Letter

    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is None:
        return None
    return (
        f"The applicant downloaded the {letter.get_kind_display().lower()} letter of "
        f"{long_date(letter.sent_at)} from the tracking page"
    )


def register() -> None:
    from asbcr import words

    words.register_summary(download_summary)
