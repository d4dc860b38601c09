"""Every periodic job, in one place (wired into Celery beat by settings)."""

from datetime import timedelta

import environ
from celery.schedules import crontab

_env = environ.Env()


def schedule_every(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


BEAT_SCHEDULE: dict = {
    # Breaches, reminders, the overdue-action ladder, and delivery of any message the
    # broker could not take when it was queued. Idempotent, so a short interval is safe.
    "deadlines-sweep": {
        "task": "deadlines.sweep",
        "schedule": schedule_every(_env.float("DEADLINES_SWEEP_MINUTES", default=1)),
        "options": {"expires": 50},
    },
    # Unfinished online applications past their expiry are deleted (public).
    "public-purge-expired-drafts": {
        "task": "public.tasks.purge_expired_drafts",
        "schedule": schedule_every(24 * 60),
        "options": {"expires": 3600},
    },
    # Cancel standing panel meetings in the coming week with no case ready (panels).
    "panels-cancel-unused-meetings": {
        "task": "panels.cancel_unused_meetings",
        "schedule": schedule_every(24 * 60),
        "options": {"expires": 3600},
    },
    # Tell applicants once when an appeal stage slips (appeals).
    "appeals-notify-delays": {
        "task": "appeals.notify_delays",
        "schedule": schedule_every(24 * 60),
        "options": {"expires": 3600},
    },
    # Erase the personal data of closed cases past their procedure's retention (audit).
    "audit-retention": {
        "task": "audit.retention",
        "schedule": schedule_every(24 * 60),
        "options": {"expires": 3600},
    },
    # Review suggestions and second-report notices from the incident log (thresholds).
    "thresholds-detect": {
        "task": "thresholds.detect",
        "schedule": schedule_every(_env.float("THRESHOLDS_DETECT_MINUTES", default=60)),
        "options": {"expires": 3000},
    },
    # Each person who chose a daily digest gets one email listing their new work (work).
    "work-send-digests": {
        "task": "work.send_digests",
        "schedule": crontab(hour=_env.int("WORK_DIGEST_HOUR", default=7), minute=0),
        "options": {"expires": 3600},
    },
}
"""Name -> Celery beat entry. Apps add their jobs here, never in their own modules."""
