"""Thin Celery tasks: each calls one service."""

from celery import shared_task


@shared_task(name="work.send_digests")
def send_digests() -> int:
    """Beat runs this once a day (asbcr.schedules): each person's digest of new work."""
    from work.notifications import digests_send

    return digests_send()
