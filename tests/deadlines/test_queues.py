"""Queues and fan-out: every routed queue has a consumer, the sweep runs per area, and
the outbox enqueues its deliveries by task name (tasks call services, never the reverse)."""

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from asbcr.celery import QUEUES
from asbcr.celery import app as celery_app
from deadlines import tasks
from deadlines.constants import DeadlineState
from deadlines.models import Deadline
from deadlines.notifications import DELIVER_TASK
from deadlines.sweep import deadlines_sweep
from tests.factories import receive_case

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def test_every_routed_queue_is_known_and_consumed_by_make_run_and_compose():
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= set(QUEUES)
    wanted = ",".join(QUEUES)
    assert re.search(rf"celery -A asbcr worker .*-Q {wanted}", (ROOT / "Makefile").read_text())
    assert f'"-Q", "{wanted}"' in (ROOT / "docker-compose.yml").read_text()


def test_mail_goes_to_the_mail_queue_and_the_sweep_stays_on_the_default():
    router = celery_app.amqp.router
    assert router.route({}, DELIVER_TASK)["queue"].name == "mail"
    assert router.route({}, "deadlines.deliver_pending")["queue"].name == "mail"
    assert router.route({}, "deadlines.sweep_area")["queue"].name == "celery"
    assert router.route({}, "letters.render_letter")["queue"].name == "pdf"
    assert DELIVER_TASK in celery_app.tasks


@pytest.mark.parametrize("module", ["deadlines/notifications.py", "deadlines/sweep.py"])
def test_services_do_not_import_the_tasks(module):
    tree = ast.parse((ROOT / module).read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "deadlines.tasks" not in imported


@pytest.mark.django_db
def test_the_scheduler_fans_out_one_sweep_per_area_and_they_add_up(reference, officer):
    areas = [reference["areas"]["hertsmere"], reference["areas"]["bedford"]]
    with time_machine.travel(dt.datetime(2026, 12, 22, 10), tick=False):
        for area in areas:
            receive_case(area=area, by=officer, received_on=D(2026, 12, 22))
    live = Deadline.objects.filter(state=DeadlineState.OPEN, due__lt=D(2027, 3, 1))
    by_area = {a.pk: live.filter(case__area=a).count() for a in areas}
    assert all(by_area.values())
    with time_machine.travel(dt.datetime(2027, 3, 1, 7), tick=False):
        one = deadlines_sweep(area_ids=[areas[0].pk], deliver=False)
        assert one.breached == by_area[areas[0].pk]  # only the first area's deadlines
        assert live.filter(case__area=areas[1]).count() == by_area[areas[1].pk]
        result = tasks.sweep.delay().get()
        again = tasks.sweep.delay().get()
    assert result["breached"] == by_area[areas[1].pk]  # the first area's were done
    assert again["breached"] == again["breach_notices"] == again["escalations"] == 0
    assert not live.exists()
