"""Queue a Celery task by its name, so a service never imports the tasks that call it.

The house rule is that tasks call services, never the reverse: ``letters.tasks`` imports
``letters.services``, so ``letters.services`` cannot import ``letters.tasks`` back (the
import-linter contracts in ``pyproject.toml`` refuse the circle). A service that hands
work to a worker names the task instead: ``enqueue("letters.tasks.deliver_letter_email",
letter.pk)``. Behaviour is the task's own ``delay``: eager in tests, queued otherwise.
"""

import importlib

from celery import current_app


def task(task_name: str, *, module: str | None = None):
    """The task registered as ``task_name``, for ``apply_async``. Its module is
    ``module``, or the name without its last part (``letters.tasks.post_letter``)."""
    found = current_app.tasks.get(task_name)
    if found is None:  # its module has not been imported in this process yet
        importlib.import_module(module or task_name.rsplit(".", 1)[0])
        found = current_app.tasks[task_name]
    return found


def enqueue(task_name: str, *args, **kwargs):
    """``delay`` the task registered as ``task_name``."""
    return task(task_name).delay(*args, **kwargs)
