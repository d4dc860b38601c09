"""Celery tasks for letters: thin wrappers that load the record and call one service."""

from celery import shared_task

from letters.models import Letter
from letters.services import letter_email_deliver


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def deliver_letter_email(letter_id: int) -> None:
    letter_email_deliver(letter=Letter.objects.select_related("case").get(pk=letter_id))
