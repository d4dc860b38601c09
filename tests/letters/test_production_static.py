"""Letters keep their stylesheet under the production static storage.

Production collects static files with ``CompressedManifestStaticFilesStorage``, so a
letter's ``{% static 'letters/letter.css' %}`` becomes ``letters/letter.<hash>.css``.
These tests collect the files for real into a temporary STATIC_ROOT and render a letter.
"""

import io
import logging

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from pypdf import PdfReader

from letters import rendering
from letters.constants import LetterKind
from letters.sample import sample_context
from letters.services import TEMPLATES
from tests.system import needs_liberation

A4_POINTS = (595, 842)


def _fonts(pdf: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].get_object().values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return fonts


def _render_cr1(area, caplog):
    fetcher = rendering.AppOnlyURLFetcher()
    html = rendering.render_to_string(
        TEMPLATES[LetterKind.CR1], sample_context(area=area, kind=LetterKind.CR1)
    )
    with caplog.at_level(logging.WARNING, logger="letters.rendering"):
        pdf = rendering.html_to_pdf(html, fetcher=fetcher)
    return html, pdf, fetcher


@needs_liberation
def test_a_letter_is_styled_with_the_hashed_stylesheet(area, production_static, caplog):
    hashed = staticfiles_storage.url("letters/letter.css")
    assert hashed != "/static/letters/letter.css"  # the manifest really is in use

    html, pdf, fetcher = _render_cr1(area, caplog)

    assert hashed in html
    assert f"{rendering.APP_ORIGIN}{hashed}" in fetcher.fetched
    assert fetcher.refused == []
    assert "Letter rendering refused" not in caplog.text
    # What only the stylesheet gives: A4 pages, Liberation Sans, the page-number footer.
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_POINTS
    assert any("Liberation-Sans" in font for font in _fonts(pdf))
    assert "Page 1 of" in page.extract_text()


def test_the_same_letter_without_the_stylesheet_would_look_different(area, caplog):
    """The checks above would fail on an unstyled letter (what production used to send)."""
    fetcher = rendering.AppOnlyURLFetcher()
    html = rendering.render_to_string(
        TEMPLATES[LetterKind.CR1], sample_context(area=area, kind=LetterKind.CR1)
    ).replace("letters/letter.css", "letters/not-a-file.css")
    pdf = rendering.html_to_pdf(html, fetcher=fetcher)
    assert fetcher.refused
    assert "Page 1 of" not in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert not any("Liberation-Sans" in font for font in _fonts(pdf))


@pytest.mark.parametrize(
    "name",
    ["letters/letter.missing0123.css", "../manage.py", "staticfiles.json"],
)
def test_only_files_the_manifest_maps_are_served(production_static, name):
    assert rendering.static_file(name) is None


def test_the_original_name_is_still_served_under_the_manifest(production_static):
    assert rendering.static_file("letters/letter.css").name == "letter.css"
    hashed = staticfiles_storage.stored_name("letters/letter.css")
    assert rendering.static_file(hashed).is_relative_to(production_static)
