"""The one-page annual report as a PDF: a pure function from a context to bytes.

Prefers the letters app's renderer so there is one safe way to make PDFs. Either way
WeasyPrint may only fetch ``data:`` URLs and the app's own static files: anything
else is refused (and logged) and the PDF renders without it.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

ORIGIN = "https://reports.app.invalid"


def _static_file(url: str) -> Path | None:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or ".." in path.split("/"):
        return None
    found = finders.find(path[len(settings.STATIC_URL) :])
    if not found:
        return None
    return Path(found if isinstance(found, str) else found[0])


def _html_to_pdf(html: str) -> bytes:
    try:
        from letters.rendering import html_to_pdf
    except ImportError:
        html_to_pdf = None
    if html_to_pdf is not None:
        return html_to_pdf(html)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_file(url)
            if path is None:
                logger.warning("Annual report rendering refused to fetch %s", url[:200])
                raise ValueError(f"Reports may not fetch {url[:200]}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return HTML(string=html, base_url=ORIGIN + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_annual_report(context: dict) -> bytes:
    """Render templates/reporting/annual_report_pdf.html to PDF bytes."""
    return _html_to_pdf(render_to_string("reporting/annual_report_pdf.html", context))
