"""Thin Celery tasks: each calls one service (safe to run twice)."""

from celery import shared_task

from partnerships.models import Area
from thresholds import services


@shared_task(name="thresholds.detect")
def detect() -> dict:
    """The scheduled detection job: review suggestions and second-report notices."""
    return services.detection_run()


@shared_task(name="thresholds.detect_area")
def detect_area(area_id: int) -> dict:
    area = Area.objects.select_related("procedure").get(pk=area_id)
    return {
        "review_suggestions": len(services.review_suggestions_detect(area=area)),
        "second_report_notices": len(services.second_report_notices_detect(area=area)),
    }
