"""Settings for the worker processes ``bench/fanout.py`` starts: the test settings
(local-memory mail, no second factor) with a real broker instead of eager tasks."""

from asbcr.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
