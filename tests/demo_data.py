"""Loading the demo in tests: the records `manage.py load_demo` loads, with each demo
letter's PDF laid out once per test process.

The demo sends 47 letters, and WeasyPrint spends about a quarter of a second laying out
each: two thirds of a load. Loaded into an empty database within one process, the demo
gives the same HTML for every letter each time (the same dates, references and names), so
the PDF WeasyPrint made for that HTML the first time is handed back again: the bytes are
the ones WeasyPrint gives for that HTML, only not laid out twice. Nothing else is changed:
the letters, their files and the timeline are written as `load_demo` writes them, and
tests of rendering itself call the renderer directly.
"""

import hashlib
import io
from contextlib import contextmanager
from unittest import mock

from django.core.management import call_command

_PDFS: dict[bytes, bytes] = {}


@contextmanager
def pdfs_laid_out_once():
    """While open, a letter whose HTML was laid out before in this process is not again."""
    from letters import rendering

    original = rendering.html_to_pdf

    def html_to_pdf(html, *, fetcher=None):
        key = hashlib.sha256(html.encode("utf-8")).digest()
        if key not in _PDFS:
            _PDFS[key] = original(html, fetcher=fetcher)
        return _PDFS[key]

    with mock.patch.object(rendering, "html_to_pdf", html_to_pdf):
        yield


def load_demo(**options) -> str:
    """``manage.py load_demo``; returns what it printed."""
    out = io.StringIO()
    with pdfs_laid_out_once():
        call_command("load_demo", stdout=out, **options)
    return out.getvalue()
