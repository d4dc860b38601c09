"""Pure PDF rendering: a template and a context in, PDF bytes out. No database, no I/O
beyond reading the app's own static files.

WeasyPrint may only fetch the app's own static files and ``data:`` URLs. Anything else
(a remote image in user-entered text, a file path) is refused and logged, and the PDF
still renders without it.

A letter links its stylesheet with ``{% static %}``, so the URL is whatever the static
storage makes of it: ``letters/letter.css`` in development, ``letters/letter.<hash>.css``
under the manifest storage of production. Both are resolved through the same storage:
with a manifest, exactly the files it maps (original or hashed name) are served, from the
collected copy; without one, the staticfiles finders.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Relative URLs in a letter resolve against this made-up origin; only its /static/ path
# is served, from the app's own static files.
APP_ORIGIN = "https://letters.app.invalid"
BASE_URL = APP_ORIGIN + "/"


class AppOnlyURLFetcher(URLFetcher):
    """Serves ``data:`` URLs and the app's static files; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            self.fetched.append("data:")
            return super().fetch(url, headers)
        path = static_path_for(url)
        if path is None:
            self.refused.append(url)
            logger.warning("Letter rendering refused to fetch %s", url[:200])
            raise ValueError(f"Letters may not fetch {url[:200]}")
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def static_path_for(url: str) -> Path | None:
    """The file behind an app static URL, or None if the URL is not one."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != APP_ORIGIN:
        return None
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or ".." in path.split("/"):
        return None
    return static_file(path[len(settings.STATIC_URL) :])


def static_file(name: str) -> Path | None:
    """The file the static storage serves as ``name``, or None if it serves none."""
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        return _manifest_file(staticfiles_storage, name)
    found = finders.find(name)
    if not found:
        return None
    return Path(found if isinstance(found, str) else found[0])


def _manifest_file(storage, name: str) -> Path | None:
    """A file the manifest maps, by its original or its hashed name; nothing else."""
    hashed_files = storage.hashed_files
    if name in hashed_files:
        original = name
    else:
        original = next((k for k, v in hashed_files.items() if v == name), None)
        if original is None:
            return None
    # The collected copy: under its hashed name its url()s are rewritten to hashed names.
    collected = Path(storage.path(name))
    if collected.is_file():
        return collected
    found = finders.find(original)
    return Path(found) if isinstance(found, str) else None


def html_to_pdf(html: str, *, fetcher: AppOnlyURLFetcher | None = None) -> bytes:
    """Lay out HTML as a PDF with the restricted fetcher."""
    fetcher = fetcher or AppOnlyURLFetcher()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template (autoescaped) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
