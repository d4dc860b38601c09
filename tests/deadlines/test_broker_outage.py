"""The broker really goes down: Redis is stopped, a state change still succeeds, Redis
comes back and the sweep delivers what was left behind.

This stops the machine's Redis, so it runs only when ASBCR_MAY_STOP_REDIS=1 (CI runs it
in a step of its own, after the PostgreSQL/Redis suite).
"""

import datetime as dt
import os
import shutil
import subprocess
import time
from urllib.parse import urlparse

import pytest
from django.core import mail

from asbcr.celery import app as celery_app
from deadlines.constants import NotificationKind, NotificationState
from deadlines.models import Notification
from deadlines.sweep import deadlines_sweep
from tests.factories import receive_case

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        os.environ.get("ASBCR_MAY_STOP_REDIS") != "1",
        reason="stops the machine's Redis: set ASBCR_MAY_STOP_REDIS=1 (CI does)",
    ),
]


def _redis(*args: str) -> subprocess.CompletedProcess:
    url = urlparse(os.environ["REDIS_URL"])
    return subprocess.run(
        ["redis-cli", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 6379), *args],
        capture_output=True,
        text=True,
        timeout=10,
    )


def _wait_for(up: bool) -> None:
    for _ in range(50):
        if (_redis("ping").stdout.strip() == "PONG") == up:
            return
        time.sleep(0.1)
    raise AssertionError(f"Redis did not come {'up' if up else 'down'}")


@pytest.fixture
def redis_stopped():
    assert shutil.which("redis-cli") and shutil.which("redis-server")
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, celery_app._pool)
    conf.broker_url = os.environ["REDIS_URL"]
    conf.task_always_eager = False
    celery_app._pool = None
    port = str(urlparse(os.environ["REDIS_URL"]).port or 6379)
    _redis("shutdown", "nosave")
    _wait_for(up=False)

    def restart():
        if _redis("ping").stdout.strip() != "PONG":
            subprocess.run(
                [
                    "redis-server",
                    "--daemonize",
                    "yes",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    port,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                check=True,
                capture_output=True,
                timeout=10,
            )
            _wait_for(up=True)

    try:
        yield restart
    finally:
        restart()
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        conf.broker_url, conf.task_always_eager, celery_app._pool = saved


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_a_delay_is_recorded_and_the_sweep_sends_it_later(
    area, officer, client, redis_stopped
):
    case = receive_case(area=area, by=officer)
    deadline = case.deadlines.get(step="threshold_decision")
    client.force_login(officer)
    started = time.monotonic()
    response = client.post(
        f"/staff/deadlines/{deadline.pk}/delay/",
        {
            "new_due": (deadline.due + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
            "reason": "Waiting for police records",
            "notify_applicant": "on",
        },
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 15, "the request must not hang on the broker"
    deadline.refresh_from_db()
    assert deadline.delay_reason == "Waiting for police records"
    note = Notification.objects.get(kind=NotificationKind.DELAY)
    assert note.state == NotificationState.PENDING and not mail.outbox
    # Receiving the case also left its new-work emails waiting; none was lost.
    left_behind = Notification.objects.filter(state=NotificationState.PENDING).count()

    redis_stopped()  # Redis is back
    celery_app.conf.task_always_eager = True
    assert deadlines_sweep().delivered == left_behind
    note.refresh_from_db()
    assert note.state == NotificationState.SENT
    assert not Notification.objects.filter(state=NotificationState.PENDING).exists()
    assert len(mail.outbox) == left_behind
