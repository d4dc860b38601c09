"""Run two requests or service calls at the same moment, each on its own connection."""

import os
import threading

from django.db import connections
from django.test import Client

# How many times each race is run; CONCURRENCY_TRIALS=20 to run it harder.
TRIALS = int(os.environ.get("CONCURRENCY_TRIALS", "3"))


def race(*calls, timeout: float = 60):
    """Start every call at once (a barrier), each in its own thread and database
    connection; return [(result, exception)] in the order given."""
    barrier = threading.Barrier(len(calls))
    outcomes = [(None, None)] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout)
            outcomes[i] = (call(), None)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcomes[i] = (None, exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a racing call did not finish"
    return outcomes


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    return response.content.decode()
