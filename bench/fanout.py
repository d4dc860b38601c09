"""The sweep and detection fanned out over 1, 2 and 4 worker processes (Redis, PostgreSQL).

    DATABASE_URL=postgres://.../scratch REDIS_URL=redis://127.0.0.1:6379/8 \\
        python bench/fanout.py [--workers 1 2 4]

Needs the scratch database filled by ``bench/run.py`` (or ``manage.py bench_data``) and
not in use. For each worker count it copies that database (``CREATE DATABASE ... TEMPLATE``,
so every run starts from the same data), starts ``celery worker -Q celery,mail,pdf
--concurrency N`` on it, sends one ``deadlines.sweep`` (breaches, reminders, escalations,
then delivery on the mail queue) and, when that is done, one ``thresholds.detect``, each
for the benchmark's fixed day, and times each until the broker is quiet: no message
waiting in any queue and none delivered but unacknowledged (tasks acknowledge when they
finish). Then it stops its worker and drops its copy. The Redis database given is
flushed. Nothing here asserts a time.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common import TODAY  # noqa: E402


def _psql(base: dict, sql: str) -> None:
    subprocess.run(
        ["psql", "-h", base["host"], "-p", base["port"], "-U", base["user"], "-d", "postgres"]
        + ["-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def _quiet(redis) -> bool:
    from asbcr.celery import QUEUES

    return not any(redis.llen(q) for q in QUEUES) and not redis.hlen("unacked")


def _wait_quiet(redis, limit: float) -> float:
    started = time.perf_counter()
    time.sleep(0.05)
    calm = 0
    while time.perf_counter() - started < limit:
        calm = calm + 1 if _quiet(redis) else 0
        if calm >= 3:
            return time.perf_counter() - started - 0.1  # the two confirming polls
        time.sleep(0.05)
    raise TimeoutError("the workers did not finish in time")


def run(workers: int, *, db_url: str, redis_url: str, limit: float) -> dict:
    import redis as redis_lib
    from celery import Celery

    url = urlparse(db_url)
    base = {
        "host": url.hostname or "127.0.0.1",
        "port": str(url.port or 5432),
        "user": url.username or "postgres",
    }
    template = url.path.lstrip("/")
    copy = f"{template}_fan{workers}"
    _psql(base, f'DROP DATABASE IF EXISTS "{copy}"')
    _psql(base, f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
    redis = redis_lib.Redis.from_url(redis_url)
    redis.flushdb()
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'bench'}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "worker_settings",
        "DATABASE_URL": url._replace(path=f"/{copy}").geturl(),
        "CELERY_BROKER_URL": redis_url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "asbcr", "worker", "-Q", "celery,mail,pdf"]
        + [f"--concurrency={workers}", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        app = Celery(broker=redis_url)
        app.conf.task_routes = {"*": {"queue": "celery"}}
        # A ping task round trip would need a result backend: wait until the worker has
        # taken a harmless message instead (the area list of a day with no areas' work).
        time.sleep(2)
        app.send_task("deadlines.deliver_pending", queue="mail")
        _wait_quiet(redis, 120)
        timings = {}
        for job, name in (("sweep", "deadlines.sweep"), ("detection", "thresholds.detect")):
            started = time.perf_counter()
            app.send_task(name, args=(TODAY.isoformat(),), queue="celery")
            _wait_quiet(redis, limit)
            timings[job] = time.perf_counter() - started
        if worker.poll() is not None:
            raise RuntimeError(worker.stderr.read()[-2000:])
        return timings
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        redis.flushdb()
        _psql(base, f'DROP DATABASE IF EXISTS "{copy}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--max-seconds", type=float, default=300)
    args = parser.parse_args()
    db_url = os.environ["DATABASE_URL"]
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8")
    results = {
        n: run(n, db_url=db_url, redis_url=redis_url, limit=args.max_seconds) for n in args.workers
    }
    one = results[args.workers[0]]
    print("| worker processes | sweep (to the last email sent) | speed-up | detection | speed-up |")
    print("|---|---|---|---|---|")
    for n, t in results.items():
        print(
            f"| {n} | {t['sweep']:.2f} s | {one['sweep'] / t['sweep']:.2f}x "
            f"| {t['detection']:.2f} s | {one['detection'] / t['detection']:.2f}x |"
        )


if __name__ == "__main__":
    main()
