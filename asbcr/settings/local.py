"""Settings for a developer's machine and ``make run``."""

from asbcr.settings.base import *  # noqa: F403
from asbcr.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# `manage.py flush` may empty the append-only audit tables on a developer machine only.
AUDIT_ALLOW_FLUSH = env.bool("AUDIT_ALLOW_FLUSH", default=True)

# `make run` keeps every email in a local outbox a newcomer can open (/staff/work/outbox/)
# instead of printing thousands of lines of demo emails to the console. An EMAIL_URL
# given explicitly (SMTP, say) still wins.
LOCAL_OUTBOX = env.bool("LOCAL_OUTBOX", default=False)
if LOCAL_OUTBOX and not env.str("EMAIL_URL", default=""):
    EMAIL_BACKEND = "work.mail.OutboxBackend"
