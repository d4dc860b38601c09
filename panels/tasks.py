"""Celery tasks for panels: thin wrappers around services, each safe to run twice.

Overdue actions are escalated by the deadlines sweep (each action's due date is a
deadline with ``escalates=True``), so there is no separate ladder task here.
"""

from celery import shared_task

from panels import services


@shared_task(name="panels.cancel_unused_meetings")
def cancel_unused_meetings() -> int:
    """Daily: standing meetings in the coming week with no case ready are cancelled."""
    return len(services.meetings_cancel_unused())
