"""The Celery application.

Tasks are discovered in each app's ``tasks.py``; the periodic schedule lives in
``asbcr.schedules`` so that every scheduled job is defined in one place.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asbcr.settings.local")

QUEUES = ("celery", "mail", "pdf")
"""Every queue a task is routed to (``CELERY_TASK_ROUTES``): a worker meant to do
everything must consume all of them (``-Q celery,mail,pdf``)."""

app = Celery("asbcr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
