"""Shared fixtures: reference data from the one loader, users by role, and skips for
tests that need services or a browser that are not reachable."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=0.5
        ):
            return True
    except OSError:
        return False


def chromium_path() -> str | None:
    for candidate in (
        "/usr/lib/chromium/chromium",
        shutil.which("chromium") or "",
        shutil.which("chromium-browser") or "",
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    postgres = database_url.startswith("postgres") and _reachable(database_url, 5432)
    redis = bool(redis_url) and _reachable(redis_url, 6379)
    browser = chromium_path() is not None
    for item in items:
        if "services" in item.keywords and not (postgres and redis):
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (CI does)"
                )
            )
        if "browser" in item.keywords and not browser:
            item.add_marker(pytest.mark.skip(reason="needs chromium (apt-get install chromium)"))


@pytest.fixture
def reference(db):
    """The five seed areas, agencies, procedures and demo staff, as load_demo loads them."""
    from partnerships.reference import load_reference_data

    return load_reference_data(with_users=True)


@pytest.fixture
def area(reference):
    return reference["areas"]["hertsmere"]


@pytest.fixture
def users(reference):
    return reference["users"]


@pytest.fixture
def officer(users):
    return users["hertsmere.officer"]


PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "asbcr.static.StaticFilesStorage"},
}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """A STATIC_ROOT filled by collectstatic with the production storage (once a run)."""
    from django.core.management import call_command
    from django.test import override_settings

    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production_static(settings, collected_static):
    """Hashed, compressed static files as production serves them, and DEBUG off."""
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = PRODUCTION_STORAGES
    settings.DEBUG = False
    return collected_static
