"""Load on the start of the public form, through gunicorn with production settings.

    python bench/public_form_load.py [--workers 3] [--clients 6] [--journeys 120]
                                     [--limit 20] [--max-seconds 120] [--json]

What it does, all on the loopback interface and bounded in count and time:

1. Prepares a throw-away deployment in a temporary folder: a SQLite database (or the
   empty database in ``DATABASE_URL``, which it must be allowed to fill) migrated and
   loaded with the reference areas, and static files collected with the production
   (hashed, compressed) storage.
2. Starts gunicorn on 127.0.0.1 (a free port) with ``asbcr.settings.production`` (through
   ``bench/load_settings.py``, which adds one URL: ``/bench/bare/``, a bare Django view),
   ``--workers`` sync workers, ``ASBCR_TRUSTED_PROXY_COUNT=1`` and no ``CACHE_URL``
   (so the rate limits count in the database cache every worker shares; set
   ``CACHE_URL`` to measure another shared cache).
3. ``--clients`` threads each walk the start of the journey ``--journeys`` times in
   all, as browsers behind one TLS proxy would arrive: each journey from its own
   forwarded address. A journey is: the postcode page, the postcode sent, the "what a
   case review is" page and its button, and the "who is applying" page. It counts one
   submission per journey that reaches "who is applying".
4. The floor: the same client threads send the same number of requests to the bare
   view, once before the journeys and once after (the floor is the mean of the two, so
   a machine that slows during the run moves both). The result is the journeys'
   requests per second as a fraction of the bare view's (the target is at least half).
5. One more client, from one forwarded address, sends the postcode form
   ``--limit`` + 10 times from several threads at once, with a different forged
   ``X-Forwarded-For`` entry each time. The per-address limit (``PUBLIC_POST_RATE``
   set to ``--limit``/h) must let exactly ``--limit`` through and refuse the rest with
   429, however the requests were spread over the workers (read from gunicorn's access
   log, which records the worker's process id).

It prints submissions per second, requests per second against the floor, the median and 95th percentile of request times, the
error count, and the limit check; ``--json`` prints the same as one JSON object. It
exits non-zero if a request failed or the limit did not hold. Nothing here asserts a
time.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
POSTCODE = "WD6 1AA"  # Hertsmere, one of the reference areas
ACCESS_LOG_FORMAT = '%(p)s %(s)s "%(r)s" %({x-bench-client}i)s'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(folder: Path, *, limit: int) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST", "PUBLIC_", "ASBCR_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="load_settings",  # production, plus the bare view
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS=HOST,
        ASBCR_VAR_DIR=str(folder / "var"),
        MEDIA_ROOT=str(folder / "media"),
        STATIC_ROOT=str(folder / "static"),
        EMAIL_URL="consolemail://",
        CELERY_BROKER_URL="memory://",
        CELERY_TASK_ALWAYS_EAGER="true",
        ASBCR_TRUSTED_PROXY_COUNT="1",
        PUBLIC_POST_RATE=f"{limit}/h",
        PUBLIC_DRAFTS_PER_IP_PER_HOUR="1000",
        PUBLIC_MAX_LIVE_DRAFTS="100000",
        LOG_LEVEL="ERROR",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    return env


def prepare(env: dict) -> None:
    """Migrate, load the reference areas and collect static files, as a deployment does."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    run = {"env": env, "cwd": ROOT, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "--noinput", "--verbosity", "0"], **run)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from partnerships.reference import load_reference_data; "
            "load_reference_data(with_users=False)",
        ],
        **run,
    )
    subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], **run)


@contextmanager
def gunicorn(env: dict, *, workers: int, port: int, access_log: Path, max_seconds: float):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "asbcr.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "30",
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--error-logfile",
        str(access_log.with_name("error.log")),
    ]
    server_log = access_log.with_name("server.log").open("w")
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + min(60, max_seconds)
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    "gunicorn stopped: " + access_log.with_name("server.log").read_text()[-2000:]
                )
            try:
                status, _, _ = request(port, "GET", "/healthz", {})
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz in time")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server_log.close()


def request(port, method, path, cookies, *, form=None, forwarded="", client="", timeout=10):
    """One request as our TLS proxy would pass it on. Returns (status, headers, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"X-Forwarded-Proto": "https", "X-Bench-Client": client or "-"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"https://{HOST}:{port}{path}"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), content
    finally:
        connection.close()


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.timings: list[float] = []
        self.errors: list[str] = []
        self.journeys = 0
        self.limited = Counter()

    def timed(self, *args, expect, **kwargs):
        start = time.perf_counter()
        try:
            status, headers, body = request(*args, **kwargs)
        except OSError as exc:
            with self.lock:
                self.errors.append(f"{args[1]} {args[2]}: {exc}")
            return None
        with self.lock:
            self.timings.append(time.perf_counter() - start)
            if status != expect:
                self.errors.append(f"{args[1]} {args[2]}: {status} (expected {expect})")
                return None
        return body


def journey(port: int, number: int, results: Results) -> bool:
    """The start of the application, from one browser with its own forwarded address."""
    forwarded = f"198.18.{number // 250}.{number % 250 + 1}"
    cookies: dict[str, str] = {}
    kw = {"forwarded": forwarded, "client": f"journey-{number}"}
    if results.timed(port, "GET", "/apply/postcode/", cookies, expect=200, **kw) is None:
        return False
    csrf = cookies.get("csrftoken", "")
    form = {"csrfmiddlewaretoken": csrf, "postcode": POSTCODE}
    steps = [
        ("POST", "/apply/postcode/", form, 302),
        ("GET", "/apply/case-review/", None, 200),
        ("POST", "/apply/case-review/", {"csrfmiddlewaretoken": csrf}, 302),
        ("GET", "/apply/who/", None, 200),
    ]
    for method, path, data, expect in steps:
        if results.timed(port, method, path, cookies, form=data, expect=expect, **kw) is None:
            return False
    with results.lock:
        results.journeys += 1
    return True


def bare_requests(port: int, number: int, results: Results) -> bool:
    """The floor: as many requests as a journey makes, to the bare view, from the same
    kind of client (its own forwarded address, the same proxy headers)."""
    kw = {"forwarded": f"198.51.{number // 250}.{number % 250 + 1}", "client": "bare"}
    for _ in range(REQUESTS_PER_JOURNEY):
        if results.timed(port, "GET", "/bench/bare/", {}, expect=200, **kw) is None:
            return False
    with results.lock:
        results.journeys += 1
    return True


REQUESTS_PER_JOURNEY = 5  # the postcode page, its post, "what a case review is", its post, "who"


def drive(
    port: int,
    *,
    clients: int,
    journeys: int,
    deadline: float,
    results: Results,
    walk=journey,
):
    numbers = iter(range(journeys))
    numbers_lock = threading.Lock()

    def worker():
        while time.monotonic() < deadline:
            with numbers_lock:
                number = next(numbers, None)
            if number is None:
                return
            walk(port, number, results)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1, deadline - time.monotonic()))
    return time.perf_counter() - start


def limited_client(port: int, *, limit: int, threads: int, deadline: float) -> Counter:
    """One address sends the postcode form limit + 10 times, several requests at once."""
    # A fresh documentation-range IPv6 /64 each run, so counts left in a shared cache by
    # an earlier run (for up to an hour) do not count against this one.
    address = f"2001:db8:{secrets.randbelow(65536):x}:{secrets.randbelow(65536):x}::7"
    cookies: dict[str, str] = {}
    request(port, "GET", "/apply/postcode/", cookies, forwarded=address, client="limited")
    attempts = iter(range(limit + 10))
    lock = threading.Lock()
    statuses: Counter = Counter()

    def send():
        while time.monotonic() < deadline:
            with lock:
                attempt = next(attempts, None)
            if attempt is None:
                return
            # The client forges an entry; our proxy appends the address it really saw.
            forged = f"192.0.2.{attempt % 250 + 1}, {address}"
            form = {"csrfmiddlewaretoken": cookies.get("csrftoken", ""), "postcode": ""}
            try:
                status, _, _ = request(
                    port,
                    "POST",
                    "/apply/postcode/",
                    dict(cookies),
                    form=form,
                    forwarded=forged,
                    client="limited",
                )
            except OSError:
                status = "error"
            with lock:
                statuses[status] += 1

    pool = [threading.Thread(target=send) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=max(1, deadline - time.monotonic()))
    return statuses


def workers_of_limited_client(access_log: Path) -> Counter:
    """Which worker (process id) served each of the limited client's form posts."""
    served: Counter = Counter()
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if parts and parts[-1] == "limited" and '"POST' in line:
            served[parts[0]] += 1
    return served


def static_is_hashed_and_served(port: int) -> bool:
    """The page links hashed, collected static files, and the server serves them."""
    _, _, body = request(port, "GET", "/apply/", {})
    page = body.decode()
    marker = "/static/govuk/css/govuk-frontend."
    start = page.find(marker)
    if start < 0:
        return False
    url = page[start : page.find('"', start)]
    if url.endswith("govuk-frontend.css"):
        return False  # not the hashed name
    status, _, _ = request(port, "GET", url, {})
    return status == 200


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--journeys", type=int, default=120)
    parser.add_argument("--limit", type=int, default=20, help="per-address posts an hour")
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    args.journeys = max(1, min(args.journeys, 5000))
    args.clients = max(1, min(args.clients, 32))
    args.max_seconds = max(10, min(args.max_seconds, 600))

    folder = Path(tempfile.mkdtemp(prefix="asbcr-bench-"))
    try:
        env = server_environment(folder, limit=args.limit)
        started = time.monotonic()
        prepare(env)
        prepared = time.monotonic() - started
        port = free_port()
        access_log = folder / "access.log"
        with gunicorn(
            env,
            workers=args.workers,
            port=port,
            access_log=access_log,
            max_seconds=args.max_seconds,
        ):
            deadline = time.monotonic() + args.max_seconds
            static_ok = static_is_hashed_and_served(port)

            # Warm every worker, then the floor, then the product, then the floor again:
            # the floor is the mean of its two runs, so a machine that slows or speeds up
            # during the run moves both.
            def run(journeys, walk):
                measured = Results()
                seconds = drive(
                    port,
                    clients=args.clients,
                    journeys=journeys,
                    deadline=deadline,
                    results=measured,
                    walk=walk,
                )
                return measured, seconds

            run(args.clients * 4, bare_requests)
            floor_before = run(args.journeys, bare_requests)
            results, elapsed = run(args.journeys, journey)
            floor_after = run(args.journeys, bare_requests)
            floor_runs = [floor_before[0], floor_after[0]]
            floor_elapsed = [floor_before[1], floor_after[1]]
            statuses = limited_client(
                port, limit=args.limit, threads=min(args.clients, 8), deadline=deadline
            )
            time.sleep(0.5)  # let gunicorn write the last access-log lines
        served = workers_of_limited_client(access_log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    allowed = sum(n for status, n in statuses.items() if status != 429)
    floor_rates = [
        len(run.timings) / seconds
        for run, seconds in zip(floor_runs, floor_elapsed, strict=True)
        if seconds
    ]
    floor_rate = statistics.mean(floor_rates) if floor_rates else 0.0
    rate = len(results.timings) / elapsed if elapsed else 0.0
    floor_timings = [t for run in floor_runs for t in run.timings]
    report = {
        "workers": args.workers,
        "clients": args.clients,
        "journeys_asked": args.journeys,
        "journeys_done": results.journeys,
        "requests": len(results.timings),
        "seconds": round(elapsed, 2),
        "submissions_per_second": round(results.journeys / elapsed, 1) if elapsed else 0,
        "median_ms": round(statistics.median(results.timings) * 1000, 1)
        if results.timings
        else None,
        "p95_ms": round(percentile(results.timings, 0.95) * 1000, 1) if results.timings else None,
        "requests_per_second": round(rate, 1),
        "floor_requests_per_second": round(floor_rate, 1),
        "floor_p95_ms": round(percentile(floor_timings, 0.95) * 1000, 1) if floor_timings else None,
        "rate_to_floor": round(rate / floor_rate, 2) if floor_rate else None,
        "errors": len(results.errors) + sum(len(run.errors) for run in floor_runs),
        "first_errors": results.errors[:5],
        "limit": args.limit,
        "limited_statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "limited_allowed": allowed,
        "limited_refused": statuses.get(429, 0),
        "limited_served_by_workers": len(served),
        "limit_held": allowed == args.limit and statuses.get(429, 0) == 10,
        "static_hashed_and_served": static_ok,
        "cache": "CACHE_URL" if os.environ.get("CACHE_URL") else "database (no CACHE_URL)",
        "prepare_seconds": round(prepared, 1),
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"{report['journeys_done']} journeys ({report['requests']} requests) in "
            f"{report['seconds']} s through {args.workers} gunicorn workers, "
            f"{args.clients} client threads, cache: {report['cache']}\n"
            f"submissions per second: {report['submissions_per_second']}\n"
            f"requests per second: {report['requests_per_second']}, against "
            f"{report['floor_requests_per_second']} to a bare Django view on the same "
            f"workers in the same run (p95 {report['floor_p95_ms']} ms): "
            f"{report['rate_to_floor']} of the floor (the target is at least 0.5)\n"
            f"request time: median {report['median_ms']} ms, p95 {report['p95_ms']} ms\n"
            f"errors: {report['errors']} {report['first_errors'] or ''}\n"
            f"per-address limit {args.limit}/h: {allowed} allowed, "
            f"{report['limited_refused']} refused with 429, over "
            f"{report['limited_served_by_workers']} workers: "
            f"{'held' if report['limit_held'] else 'DID NOT HOLD'}\n"
            f"hashed static files served: {'yes' if static_ok else 'NO'}"
        )
    ok = report["errors"] == 0 and report["limit_held"] and static_ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
