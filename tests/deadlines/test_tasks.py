"""Tasks and delivery under failure: concurrent sweeps, a broker that is down, a real worker."""

import datetime as dt
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections

from asbcr.celery import app as celery_app
from deadlines import tasks
from deadlines.constants import NotificationKind, NotificationState
from deadlines.models import Notification
from deadlines.notifications import notification_deliver
from tests.factories import receive_case

D = dt.date
ROOT = Path(__file__).resolve().parents[2]


def _in_threads(n, fn):
    """Run fn in n threads released together; each thread closes its own connection."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db
def test_the_sweep_task_calls_the_sweep(area, officer):
    with time_machine.travel(dt.datetime(2026, 12, 22, 10), tick=False):
        receive_case(area=area, by=officer, received_on=D(2026, 12, 22))
    with time_machine.travel(dt.datetime(2026, 12, 30, 7), tick=False):
        result = tasks.sweep.delay().get()
    assert result["breached"] == 1


def test_the_beat_schedule_runs_the_sweep():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["deadlines-sweep"]
    assert entry["task"] == tasks.sweep.name
    assert entry["schedule"] <= dt.timedelta(minutes=15)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_message_once(area, officer):
    assert connection.vendor == "postgresql"
    cases = []
    with time_machine.travel(dt.datetime(2026, 12, 22, 10), tick=False):
        for _ in range(3):
            cases.append(receive_case(area=area, by=officer, received_on=D(2026, 12, 22)))
    mail.outbox.clear()
    from deadlines.sweep import deadlines_sweep

    with time_machine.travel(dt.datetime(2026, 12, 30, 7), tick=False):
        results = _in_threads(2, deadlines_sweep)
    assert sum(r.breached for r in results) == 3
    assert sum(r.breach_notices for r in results) == 3
    breach_mail = [m for m in mail.outbox if m.subject.startswith("Overdue")]
    assert len(breach_mail) == 3
    assert len({m.subject for m in breach_mail}) == 3
    assert Notification.objects.filter(kind=NotificationKind.BREACH, state="sent").count() == 3
    for case in cases:
        assert case.timeline.filter(summary__startswith="Deadline breached").count() == 1
        # Once each (the case's other emails, such as the new-work ones, are not counted).
        assert case.timeline.filter(kind="email", summary__contains="Overdue").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_one_message_send_it_once(area, officer):
    case = receive_case(area=area, by=officer)
    note = Notification.objects.create(
        key="test:once",
        kind=NotificationKind.BREACH,
        case=case,
        recipient_email="someone@example.org",
        subject="Once",
        body_text="Only once",
    )
    mail.outbox.clear()
    results = _in_threads(4, lambda: notification_deliver(notification_id=note.pk))
    assert sorted(results) == [False, False, False, True]
    assert len(mail.outbox) == 1


@pytest.fixture
def broker_down():
    """Point Celery at a port that refuses connections, with tasks no longer eager."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, celery_app._pool)
    conf.broker_url = "redis://127.0.0.1:1/0"
    conf.task_always_eager = False
    celery_app._pool = None
    yield
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    conf.broker_url, conf.task_always_eager, celery_app._pool = saved


@pytest.mark.django_db(transaction=True)
def test_a_request_succeeds_with_the_broker_down_and_the_sweep_catches_up(
    area, officer, client, broker_down
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
    assert response.status_code == 302, response.content[:2000]
    assert time.monotonic() - started < 10
    deadline.refresh_from_db()
    assert deadline.delay_reason == "Waiting for police records"
    note = Notification.objects.get(kind=NotificationKind.DELAY)
    assert note.state == NotificationState.PENDING
    assert not mail.outbox
    # Receiving the case also left its new-work emails waiting; none was lost.
    left_behind = Notification.objects.filter(state=NotificationState.PENDING).count()
    assert left_behind >= 1
    # The broker is back; the next sweep delivers everything that was left behind.
    celery_app.conf.task_always_eager = True
    from deadlines.sweep import deadlines_sweep

    assert deadlines_sweep().delivered == left_behind
    note.refresh_from_db()
    assert note.state == NotificationState.SENT
    assert not Notification.objects.filter(state=NotificationState.PENDING).exists()
    assert len(mail.outbox) == left_behind
    assert "Waiting for police records" in "".join(m.body for m in mail.outbox)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_consumes_a_task_from_redis_and_writes_to_postgresql(area, officer):
    assert connection.vendor == "postgresql"
    case = receive_case(area=area, by=officer)
    note = Notification.objects.create(
        key=f"test:worker:{uuid.uuid4()}",
        kind=NotificationKind.REMINDER,
        case=case,
        recipient_email="officer@example.org",
        subject="From a real worker",
        body_text="Delivered by a Celery worker",
    )
    queue = f"deadlines-test-{uuid.uuid4().hex[:12]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "asbcr.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": os.environ["REDIS_URL"],
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "asbcr",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, celery_app._pool)
    try:
        conf.broker_url = os.environ["REDIS_URL"]
        conf.task_always_eager = False
        celery_app._pool = None
        tasks.deliver_notification.apply_async((note.pk,), queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            note.refresh_from_db()
            if note.state == NotificationState.SENT or worker.poll() is not None:
                break
            time.sleep(0.5)
    finally:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        conf.broker_url, conf.task_always_eager, celery_app._pool = saved
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert note.state == NotificationState.SENT, output
    assert case.timeline.filter(kind="email", summary__contains="From a real worker").exists()
