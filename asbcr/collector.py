"""Python's cycle collector, paused while a batch job builds many short-lived objects.

The deadline sweep and the outbox's delivery allocate hundreds of thousands of
short-lived, acyclic objects (rows, messages, rendered text, MIME parts), which keep
triggering full collections over everything the worker holds: about a quarter of the
sweep's CPU at 10,000 open deadlines and an eighth of delivery's. Reference counting
still frees them; the collector runs again as soon as the job is done.
"""

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
