"""Thin Celery tasks: each loads by primary key and calls one service."""

from celery import shared_task

from notify.client import NotifyError


@shared_task(bind=True, max_retries=8)
def post_letter(self, letter_id: int) -> bool:
    """Post a letter through Notify; retried with back-off while Notify is unreachable,
    then, or if Notify refuses it, left in the print queue with the reason."""
    from letters.models import Letter
    from notify.services import letter_post, letter_to_print_queue

    letter = Letter.objects.select_related("case").get(pk=letter_id)
    try:
        return letter_post(letter=letter) is not None
    except NotifyError as exc:
        if exc.transient and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc
        letter_to_print_queue(letter=letter, problems=[str(exc)])
        return False
