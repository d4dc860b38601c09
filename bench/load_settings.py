"""Settings for the gunicorn ``bench/public_form_load.py`` starts: production exactly,
with one more URL, ``/bench/bare/``, the floor the public form is measured against."""

from asbcr.settings.production import *  # noqa: F403

ROOT_URLCONF = "load_urls"
