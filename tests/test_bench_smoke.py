"""The benchmarks run (small, on SQLite in memory) so they cannot rot; no time asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_bench_runs_every_job_and_prints_a_row_each():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--cases", "60", "--incidents", "600", "--repeat", "1"]
        + ["--json"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "asbcr.settings.test"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    jobs = {r["job"] for r in rows}
    assert {"sweep, first run (queued, not yet sent)", "sweep, rerun (nothing to do)"} <= jobs
    assert {"detection, first run of the day", "detection, rerun (nothing new)"} <= jobs
    assert {"statutory figures for a year", "statistics report, 3 years with extras"} <= jobs
    assert any(job.startswith("staff case list, first page") for job in jobs)
    for row in rows:
        assert row["seconds"] > 0 and row["floor"] > 0 and row["queries"] > 0, row
        assert "60 cases" in row["scale"]
