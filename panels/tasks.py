"""Celery tasks for panels: thin wrappers around services, each safe to run twice."""

from celery import shared_task

from panels import services


@shared_task(name="panels.escalate_overdue_actions")
def escalate_overdue_actions() -> int:
    """Daily: every overdue action climbs the procedure's escalation ladder."""
    return services.actions_escalate_overdue()


@shared_task(name="panels.notify_escalation")
def notify_escalation(escalation_id: int) -> bool:
    return services.escalation_notify(escalation_id=escalation_id)


@shared_task(name="panels.cancel_unused_meetings")
def cancel_unused_meetings() -> int:
    """Daily: standing meetings in the coming week with no case ready are cancelled."""
    return len(services.meetings_cancel_unused())
