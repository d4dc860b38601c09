"""The static files storage production serves: hashed, compressed names (WhiteNoise),
each name's URL worked out once a process.

The manifest of hashed names is read once, when the storage starts, and does not change
while the process runs, so a name's URL does not either; Django's storage works it out
again for every ``{% static %}`` on every page (six on each page of the layout).
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed storage, each name's URL kept once worked out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            # A name the manifest does not know raises here, every time, as before.
            url = self._urls[name] = super().url(name)
            return url
