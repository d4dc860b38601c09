"""Production: only tightens the base settings. Secrets have no default here."""

from django.core.exceptions import ImproperlyConfigured

from asbcr.settings.base import *  # noqa: F403
from asbcr.settings.base import env

DEBUG = False
LOCAL_OUTBOX = False  # never: the local outbox shows every email to whoever signs in
if EMAIL_BACKEND == "work.mail.OutboxBackend":  # noqa: F405
    raise ImproperlyConfigured("The local outbox is for a developer's machine, not production.")
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "asbcr.static.StaticFilesStorage"},
}

# Rate limits (the public form, sign-in) must be counted in a cache that every web
# process shares: a per-process cache multiplies each limit by the number of workers.
# CACHE_URL (e.g. redis://redis:6379/1) is best; without it the counters live in a table
# of the service's own database, created by `migrate` (asbcr/cache.py).
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://asbcr_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # Ours increments atomically and keeps the expiry (Django's does neither).
    CACHES["default"]["BACKEND"] = "asbcr.cache.DatabaseCache"
_PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps counts per process",
    "django.core.cache.backends.dummy.DummyCache": "keeps no counts at all",
}
if CACHES["default"]["BACKEND"] in _PER_PROCESS_CACHES:
    raise ImproperlyConfigured(
        f"CACHE_URL gives a cache that {_PER_PROCESS_CACHES[CACHES['default']['BACKEND']]}, so "
        "rate limits would not hold across web processes. Set CACHE_URL to a shared cache "
        "(redis://...) or leave it unset to count in the database."
    )
