"""Celery tasks for letters: thin wrappers that load the record and call one service."""

from celery import shared_task

from letters.models import Letter
from letters.services import letter_email_deliver, letter_to_print_queue


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def deliver_letter_email(letter_id: int) -> None:
    letter_email_deliver(letter=Letter.objects.select_related("case").get(pk=letter_id))


@shared_task(bind=True, max_retries=8)
def post_letter(self, letter_id: int) -> bool:
    """Post a letter through Notify; retried with back-off while Notify is unreachable,
    then, or if Notify refuses it, left in the print queue with the reason."""
    from notify.client import NotifyError
    from notify.services import LetterRefused, letter_post

    letter = Letter.objects.select_related("case").get(pk=letter_id)
    try:
        letter_post(letter=letter)
        return True
    except LetterRefused as exc:
        letter_to_print_queue(letter=letter, problems=exc.problems)
        return False
    except NotifyError as exc:
        if exc.transient and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc
        letter_to_print_queue(letter=letter, problems=[str(exc)])
        return False
