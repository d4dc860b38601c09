"""The Debian packages some letter tests read PDFs with (docs/dependencies.md).

CI installs them (`.ci/run`), so these tests always run there. On a fresh machine with
only Python, `make test` skips them and says why, as it does the browser tests without
chromium.
"""

import shutil
import subprocess

import pytest


def _has_font(family: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, check=False)
    return family in listed.stdout.decode("utf-8", "replace")


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs poppler-utils (pdftotext, pdftoppm)",
)
needs_liberation = pytest.mark.skipif(
    not _has_font("Liberation Sans"), reason="needs fonts-liberation (Arial's metrics)"
)


def pdftotext(pdf: bytes, *options: str) -> str:
    """The PDF's text as poppler's ``pdftotext`` reads it with ``options``, such as
    ``-layout`` or ``-raw``; pages are separated by form feeds."""
    return subprocess.run(
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdf_words(pdf: bytes, *options: str) -> str:
    """The PDF's words (``pdftotext`` with ``options``) joined by single spaces, so a
    phrase can be looked for whatever lines and columns it was laid out on."""
    return " ".join(pdftotext(pdf, *options).split())
