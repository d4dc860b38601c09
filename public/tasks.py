from celery import shared_task

from public import services


@shared_task
def purge_expired_drafts() -> int:
    """Delete online applications nobody finished within their 30 days."""
    return services.draft_purge_expired()
