from celery import shared_task

from audit import retention


@shared_task(name="audit.retention")
def apply_retention() -> list[str]:
    """Erase the personal data of closed cases past their retention (daily)."""
    return [case.reference for case in retention.run()]
