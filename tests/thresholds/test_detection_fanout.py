"""Detection fanned out per area: overlapping runs of one area write each output once."""

import threading

import pytest
from django.db import connection, connections

from tests.thresholds.test_detection import TODAY, log
from thresholds import tasks
from thresholds.detection import detection_run_area
from thresholds.models import ReviewSuggestion, SecondReportNotice


def test_the_scheduler_runs_one_task_per_area_and_a_rerun_writes_nothing(reference):
    area = reference["areas"]["bedford"]
    log(area, "b1", 300, 200, 100)
    log(area, "b2", 60, 20)
    first = tasks.detect.run(TODAY.isoformat())
    again = tasks.detect.run(TODAY.isoformat())
    assert first == {"review_suggestions": 1, "second_report_notices": 1}
    assert again == {"review_suggestions": 0, "second_report_notices": 0}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_of_one_area_write_each_output_once(reference):
    assert connection.vendor == "postgresql"
    area = reference["areas"]["bedford"]
    for n in range(20):
        log(area, f"v{n}", 300, 200, 100)
        log(area, f"w{n}", 60, 20)
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(detection_run_area(area=area, today=TODAY))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(r["review_suggestions"] for r in results) == [0, 20]
    assert sorted(r["second_report_notices"] for r in results) == [0, 20]
    assert ReviewSuggestion.objects.filter(area=area).count() == 20
    assert SecondReportNotice.objects.filter(area=area).count() == 20
