"""Every periodic job, in one place (wired into Celery beat by settings)."""

from datetime import timedelta

BEAT_SCHEDULE: dict = {}
"""Name -> Celery beat entry. Apps add their jobs here, never in their own modules."""


def schedule_every(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)
