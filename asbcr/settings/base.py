"""Settings shared by every environment. Everything comes from the environment.

With nothing set, the app runs on embedded defaults: a SQLite file under ``var/`` and a
Celery transport on the local filesystem, so worker and beat really run with no server.
Set ``DATABASE_URL`` and ``REDIS_URL`` to use PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("ASBCR_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = "ASB Case Review"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_fsm",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "partnerships",
    "cases",
    "thresholds",
    "deadlines",
    "letters",
    "panels",
    "appeals",
    "reporting",
    "public",
    "privacy",
    "audit",
    "rest_framework",
    "drf_spectacular",
    "api",
    "notify",
    "work",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "asbcr.middleware.RefuseNulMiddleware",
    "asbcr.middleware.ErrorTitleMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "asbcr.headers.PrivatePagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-in (asbcr/signin): a session ends when idle or too old; a user who has given
    # only a password is anonymous to every view until the second factor is given.
    "asbcr.signin.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "asbcr.signin.middleware.SecondFactorMiddleware",
    "asbcr.concurrency.ConflictMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "asbcr.audit_context.AuditContextMiddleware",
    # Last, so it sees a failed sign-in and answers with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "asbcr.urls"
# The service's own error pages (asbcr/errors.py; handler400-500 are in asbcr/urls.py).
CSRF_FAILURE_VIEW = "asbcr.errors.csrf_failure"
RATELIMIT_VIEW = "asbcr.errors.ratelimited"
WSGI_APPLICATION = "asbcr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "asbcr.context_processors.service",
                "work.context_processors.work_count",
            ],
            # Labels for stored codes and dates in words: {% load words %}; the layout's
            # parts rendered once a language: {% load layout %}.
            "libraries": {
                "words": "asbcr.templatetags.words",
                "layout": "asbcr.templatetags.layout",
            },
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'asbcr.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the Celery worker share the file without
    # "database is locked" errors under normal local use.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # Kept open between requests, as on PostgreSQL: opening the file, setting the
    # pragmas and closing it again (a WAL checkpoint when the last one closes) cost
    # about 3 ms of every public form request that touched the database.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The settings this workload expects (docs/deployment.md "PostgreSQL"): JIT off, as
    # its compilation cost more than it saved on every report, list and sweep query
    # measured (up to 1.2 s of a 2.5 s report); connections kept for a minute and
    # checked before reuse, so a request or task does not pay for a new connection.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", f"-c jit={'on' if env.bool('DATABASE_JIT', default=False) else 'off'}"
    )
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.str("DATABASE_REPLICA_URL", default=""):
    # A streaming replica for the statistics and monitoring reads (asbcr/db.py).
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL"),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["asbcr.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partnerships.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in for a locked-out username or address before any password
    # is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "partnerships.permissions.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's database sessions, written once for each change (asbcr/sessions.py).
SESSION_ENGINE = "asbcr.sessions"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- sign-in (asbcr/signin, docs/security.md "Sign-in") ---
# Five wrong passwords for one username, or from one client address, lock further tries
# for 30 minutes (django-axes). A partnership admin unlocks in the Django admin ("Access
# attempts") or with `manage.py axes_reset_username USERNAME`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "asbcr.net.client_ip"
AXES_LOCKOUT_CALLABLE = "asbcr.signin.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "token", "code"]
AXES_VERBOSE = False  # no banner on every manage.py command; failures are still logged
# Every staff account gives a second factor (TOTP app or a backup code) after the
# password. Turning that off is an explicit, logged choice: ASBCR_ALLOW_NO_SECOND_FACTOR
# logs a warning at start-up and fails `check --deploy --fail-level WARNING`.
ASBCR_ALLOW_NO_SECOND_FACTOR = env.bool("ASBCR_ALLOW_NO_SECOND_FACTOR", default=False)
ASBCR_REQUIRE_SECOND_FACTOR = not ASBCR_ALLOW_NO_SECOND_FACTOR
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ASB Case Review")
ASBCR_BACKUP_CODE_COUNT = 10
# A signed-in session ends after this long without a request, and this long after
# signing in whatever happens.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_ABSOLUTE_TIMEOUT_HOURS = env.int("SESSION_ABSOLUTE_TIMEOUT_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600

# --- headers (asbcr/headers.py, docs/security.md "Headers") ---
# No inline script or style anywhere: every page's JavaScript and CSS is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
ASBCR_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# Pages under these prefixes show personal data or a signed-in session: never stored by
# a browser or proxy (Cache-Control: no-store). Every download is no-store too.
ASBCR_NO_STORE_PREFIXES = ["/staff/", "/admin/", "/track/", "/apply/"]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads (asbcr/files.py): the size limit, and an optional clamd to scan them. Media is
# never served by a URL pattern: files leave only through permission-checked views.
FILES_MAX_UPLOAD_BYTES = env.int("FILES_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.int("CLAMD_TIMEOUT", default=10)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# GOV.UK Notify (docs/notify.md): optional. With an API key and an email template id,
# outbox emails go through Notify; with NOTIFY_LETTERS as well, posted letters do.
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env.str("NOTIFY_SMS_TEMPLATE_ID", default="")
NOTIFY_LETTERS = env.bool("NOTIFY_LETTERS", default=False)
NOTIFY_LETTER_POSTAGE = env.str("NOTIFY_LETTER_POSTAGE", default="second")
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", default="")
NOTIFY_TIMEOUT_SECONDS = env.float("NOTIFY_TIMEOUT_SECONDS", default=30.0)

# Email: console by default; set EMAIL_URL (smtp://user:pass@host:587/?tls=True) for SMTP.
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="asb-case-review@example.org")
# The local outbox (work.mail): kept as files and shown at /staff/work/outbox/. Only
# asbcr.settings.local turns it on (`make run` does); production refuses it.
LOCAL_OUTBOX = False
LOCAL_OUTBOX_DIR = VAR_DIR / "outbox"

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (CELERY_FILESYSTEM_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
# Three queues, so a burst of letters or mail never delays the sweep or detection:
# "celery" (the default: schedulers and per-area sweeps and detection), "mail" (outgoing
# email) and "pdf" (rendering; any task named *.render_*). A worker started without -Q
# consumes only "celery": `make run` and docker-compose name all three
# (asbcr.celery.QUEUES; docs/deployment.md).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "deadlines.deliver_notification": {"queue": "mail"},
    "deadlines.deliver_after": {"queue": "mail"},
    "deadlines.deliver_pending": {"queue": "mail"},
    "letters.tasks.deliver_letter_email": {"queue": "mail"},
    "letters.tasks.post_letter": {"queue": "mail"},
    "*.render_*": {"queue": "pdf"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How long publishing a task may block a web request when the broker is down; the
# outbox/sweep picks the work up later (see docs/decisions/0003-celery.md).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_MAX_RETRIES = 0

from asbcr.schedules import BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

VAR_DIR.mkdir(parents=True, exist_ok=True)

# Finding an address from its postcode (asbcr/addresses.py): off unless a function is named.
POSTCODE_LOOKUP = env.str("POSTCODE_LOOKUP", default="")
POSTCODE_LOOKUP_AREAS = env.list("POSTCODE_LOOKUP_AREAS", default=[])

# Published statistics show counts from 1 up to this number less one as "fewer than N".
REPORTING_SUPPRESSION_THRESHOLD = env.int("REPORTING_SUPPRESSION_THRESHOLD", default=5)

# --- deadlines ---
# Reminders go this many working days before a deadline (0: no reminders). The sweep's
# interval is DEADLINES_SWEEP_MINUTES, read in asbcr/schedules.py.
DEADLINES_REMINDER_LEAD_WORKING_DAYS = env.int("DEADLINES_REMINDER_LEAD_WORKING_DAYS", default=2)

# --- public ---
# Rate-limit counters (django-ratelimit), keyed by asbcr.net.ratelimit_key. Local memory
# is per process, fine for one development server; production never uses it (see
# production.py: CACHE_URL or a database table shared by every web process).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
PUBLIC_POST_RATE = env.str("PUBLIC_POST_RATE", default="300/h")
PUBLIC_SUBMIT_RATE = env.str("PUBLIC_SUBMIT_RATE", default="5/h")
PUBLIC_SAVE_RATE = env.str("PUBLIC_SAVE_RATE", default="5/h")
PUBLIC_DRAFTS_PER_IP_PER_HOUR = env.int("PUBLIC_DRAFTS_PER_IP_PER_HOUR", default=10)
PUBLIC_MAX_LIVE_DRAFTS = env.int("PUBLIC_MAX_LIVE_DRAFTS", default=5000)

# How many reverse proxies of ours (TLS terminators, load balancers) stand in front of the
# app. The client's address is read from X-Forwarded-For that many entries from the right
# (asbcr/net.py); 0 means the app is reached directly and REMOTE_ADDR is the client.
ASBCR_TRUSTED_PROXY_COUNT = env.int("ASBCR_TRUSTED_PROXY_COUNT", default=0)

# --- api (docs/api.md) ---
# Agencies' systems call /api/v1/ with a credential only: no session, so no CSRF.
API_CLIENT_RATE = env.str("API_CLIENT_RATE", default="600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ClientHas"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": API_CLIENT_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ASB Case Review: agency systems API",
    "DESCRIPTION": (
        "For the systems of the police, councils and housing providers in a partnership: "
        "submit incidents from their records, read the cases they are involved in, report "
        "their actions complete. See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
}
