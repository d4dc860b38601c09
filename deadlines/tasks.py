"""Thin Celery tasks: each loads by primary key and calls one service."""

from celery import shared_task


@shared_task(name="deadlines.sweep")
def sweep() -> dict:
    """Beat runs this (asbcr.schedules): breaches, reminders, escalations, outbox catch-up."""
    from dataclasses import asdict

    from deadlines.sweep import deadlines_sweep

    return asdict(deadlines_sweep())


@shared_task(name="deadlines.deliver_notification")
def deliver_notification(notification_id: int) -> bool:
    from deadlines.notifications import notification_deliver

    return notification_deliver(notification_id=notification_id)
