"""Thin Celery tasks: each loads by primary key and calls one service.

Tasks call services, never the reverse: the outbox enqueues its deliveries by task name
(``deadlines.notifications.enqueue_delivery``), so nothing in ``deadlines`` imports this
module except Celery.

The sweep fans out: beat runs ``deadlines.sweep`` once, which starts one
``deadlines.sweep_area`` per area (a Celery group, on the default queue), so more worker
processes finish sooner. Each area's sweep locks the deadline rows it changes, so two
overlapping sweeps of one area still write everything once. Delivery of what they queued
runs on the ``mail`` queue (``CELERY_TASK_ROUTES``), so a burst of mail never holds up a
sweep.
"""

import datetime as dt
from dataclasses import asdict

from celery import group, shared_task

from deadlines.notifications import notification_deliver, notifications_deliver_pending
from deadlines.selectors import area_ids_with_live_deadlines
from deadlines.sweep import SweepResult, deadlines_sweep


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@shared_task(name="deadlines.sweep", bind=True)
def sweep(self, today: str | None = None) -> dict:
    """Beat runs this (asbcr.schedules): one sweep per area, and an outbox catch-up.

    Returns the summed results when the group ran in this process (eager, as in tests);
    on a real broker, how many area sweeps it started (their results are not kept).
    """
    areas = area_ids_with_live_deadlines()
    fanned = group(sweep_area.si(area_id, today) for area_id in areas).apply_async()
    if not self.app.conf.task_always_eager:
        deliver_pending.delay()  # messages the broker could not take when queued
        return {"areas": len(areas)}
    total = SweepResult()
    for part in (r.result for r in fanned.results):  # eager: each has run already
        for name, value in part.items():
            setattr(total, name, getattr(total, name) + value)
    total.delivered += notifications_deliver_pending()
    return asdict(total)


@shared_task(name="deadlines.sweep_area")
def sweep_area(area_id: int, today: str | None = None) -> dict:
    """One area's breaches, reminders and escalations; their delivery goes to the mail
    queue, so a burst of mail never holds up the next area's sweep."""
    result = deadlines_sweep(today=_day(today), area_ids=[area_id], deliver=False)
    if result.reminders or result.breach_notices or result.escalations:
        deliver_pending.delay()
    return asdict(result)


@shared_task(name="deadlines.deliver_pending")
def deliver_pending() -> int:
    """Deliver every message still waiting in the outbox (safe on many workers at once)."""
    return notifications_deliver_pending()


@shared_task(name="deadlines.deliver_notification")
def deliver_notification(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)
