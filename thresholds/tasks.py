"""Thin Celery tasks: each calls one service (safe to run twice).

Beat runs ``thresholds.detect``, which fans out one ``thresholds.detect_area`` per area
(a Celery group), so more worker processes finish sooner; each area's run holds an
advisory lock, so overlapping runs of one area write everything once.
"""

import datetime as dt

from celery import group, shared_task

from partnerships.models import Area
from thresholds.detection import detection_run_area


@shared_task(name="thresholds.detect", bind=True)
def detect(self, today: str | None = None) -> dict:
    """The scheduled detection job: review suggestions and second-report notices.

    Returns the summed counts when the group ran in this process (eager, as in tests);
    on a real broker, how many area runs it started.
    """
    areas = list(Area.objects.order_by("pk").values_list("pk", flat=True))
    fanned = group(detect_area.si(area_id, today) for area_id in areas).apply_async()
    if not self.app.conf.task_always_eager:
        return {"areas": len(areas)}
    totals = {"review_suggestions": 0, "second_report_notices": 0}
    for part in (r.result for r in fanned.results):  # eager: each has run already
        for name, value in part.items():
            totals[name] += value
    return totals


@shared_task(name="thresholds.detect_area")
def detect_area(area_id: int, today: str | None = None) -> dict:
    area = Area.objects.select_related("procedure").get(pk=area_id)
    return detection_run_area(area=area, today=dt.date.fromisoformat(today) if today else None)
