from celery import shared_task

from appeals import services


@shared_task(name="appeals.notify_delays")
def notify_delays() -> list[int]:
    """Daily: tell applicants about appeal stages that slipped past their due date."""
    return services.appeal_notify_delays()
