"""Production's static storage: the hashed URL of each name, worked out once a process."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from whitenoise.storage import CompressedManifestStaticFilesStorage

from asbcr.static import StaticFilesStorage

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["govuk/css/govuk-frontend.css", "css/app.css", "js/reveal.js"]


@pytest.fixture
def storages(production_static, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "asbcr.static.StaticFilesStorage"},
    }
    return StaticFilesStorage(), CompressedManifestStaticFilesStorage()


def test_the_urls_are_whitenoises_hashed_names(storages):
    ours, theirs = storages
    for name in NAMES:
        assert ours.url(name) == ours.url(name) == theirs.url(name)
        assert ours.url(name) != f"/static/{name}"


def test_a_name_is_worked_out_once(storages, monkeypatch):
    ours, _ = storages
    first = ours.url("css/app.css")
    monkeypatch.setattr(ours, "stored_name", lambda name: pytest.fail("worked out again"))
    assert ours.url("css/app.css") == first


def test_a_name_the_manifest_does_not_know_raises_every_time(storages):
    ours, _ = storages
    for _ in range(2):
        with pytest.raises(ValueError):
            ours.url("css/not-collected.css")


def test_production_uses_it(storages):
    assert isinstance(staticfiles_storage, StaticFilesStorage)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND'])"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "asbcr.settings.production",
        "SECRET_KEY": "x",
        "ALLOWED_HOSTS": "example.org",
        "ASBCR_VAR_DIR": str(ROOT / "var"),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert done.stdout.strip() == "asbcr.static.StaticFilesStorage", done.stderr[-500:]
