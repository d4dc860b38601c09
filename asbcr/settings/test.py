"""Settings for the test suite: safe, fast, deterministic.

SQLite in memory unless ``DATABASE_URL`` points at a real database (the CI run against
PostgreSQL). Tasks run eagerly unless a test asks for a real worker.
"""

import atexit
import os
import shutil
import tempfile

# Uploaded files, letters, the local outbox and the Celery folders go to a folder of this
# test process (and the workers it starts), never to the var/ that `make run` uses, and
# each parallel test worker has its own.
# A process this one starts (a Celery worker, gunicorn) inherits the folder.
_OWNER = os.environ.get("PYTEST_XDIST_WORKER", "main")
if os.environ.get("ASBCR_TEST_VAR_OWNER") != _OWNER:
    os.environ["ASBCR_VAR_DIR"] = tempfile.mkdtemp(prefix=f"asbcr-test-{_OWNER}-")
    os.environ["ASBCR_TEST_VAR_OWNER"] = _OWNER
    atexit.register(shutil.rmtree, os.environ["ASBCR_VAR_DIR"], True)

from asbcr.settings.base import *  # noqa: E402, F403
from asbcr.settings.base import DATABASES, env  # noqa: E402

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if not env.str("DATABASE_URL", default=""):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "TEST": {"NAME": ":memory:"},
    }
RATELIMIT_ENABLE = True
CLAMD_SOCKET = CLAMD_HOST = ""  # a test that wants a scanner starts a fake one
LOGGING = {"version": 1, "disable_existing_loggers": False}
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
# Tests sign in with force_login, which gives no second factor and no request for axes:
# both are off here, and the sign-in tests (tests/asbcr_core/test_signin.py) turn them on.
ASBCR_REQUIRE_SECOND_FACTOR = False
AXES_ENABLED = False

# The append-only audit trail may be wiped by `manage.py flush` only here (audit app).
AUDIT_ALLOW_FLUSH = True

# Notify is off in tests unless a test turns it on against its fake server.
NOTIFY_API_KEY = ""
NOTIFY_LETTERS = False
NOTIFY_CALLBACK_TOKEN = ""
