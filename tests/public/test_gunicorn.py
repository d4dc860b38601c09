"""The per-address limit holds across gunicorn workers, with production settings.

Runs ``bench/public_form_load.py`` small: a real gunicorn with two workers on loopback,
``asbcr.settings.production``, hashed static files, one trusted proxy. The limited
client's posts are spread over both workers and the limit still counts them all.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "public_form_load.py"


def _run_bench(env_extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DATABASE_URL")}
    env.update(env_extra)
    # Its own process group: should it overrun, the script is killed with the gunicorn
    # it started (killed alone, its clean-up never runs and the server is left behind).
    with subprocess.Popen(
        [
            sys.executable,
            str(BENCH),
            "--workers",
            "2",
            "--clients",
            "3",
            "--journeys",
            "12",
            "--limit",
            "6",
            "--max-seconds",
            "60",
            "--json",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate()
            pytest.fail("the load script overran 180 s: " + stderr[-3000:])
    assert stdout, stderr[-3000:]
    return json.loads(stdout.strip().splitlines()[-1])


def _assert_limit_held_across_workers(report):
    assert report["errors"] == 0, report["first_errors"]
    assert report["journeys_done"] == 12
    assert report["static_hashed_and_served"]
    # Exactly the configured count got through, summed over the workers; the rest 429.
    assert report["limited_allowed"] == 6, report["limited_statuses"]
    assert report["limited_refused"] == 10
    assert report["limited_served_by_workers"] == 2


def test_the_limit_holds_across_workers_with_the_database_cache():
    """No CACHE_URL: production counts in the database (a SQLite file here)."""
    _assert_limit_held_across_workers(_run_bench({}))


@pytest.mark.services
def test_the_limit_holds_across_workers_with_redis():
    _assert_limit_held_across_workers(_run_bench({"CACHE_URL": os.environ["REDIS_URL"]}))
