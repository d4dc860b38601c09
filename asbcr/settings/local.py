"""Settings for a developer's machine and ``make run``."""

from asbcr.settings.base import *  # noqa: F403
from asbcr.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# `manage.py flush` may empty the append-only audit tables on a developer machine only.
AUDIT_ALLOW_FLUSH = env.bool("AUDIT_ALLOW_FLUSH", default=True)
