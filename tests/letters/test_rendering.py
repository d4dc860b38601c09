import io
import socket
import time

import pytest
from pypdf import PdfReader

from letters import rendering


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_app_static_files_and_data_urls_are_fetched():
    fetcher = rendering.AppOnlyURLFetcher()
    html = (
        '<link rel="stylesheet" href="/static/letters/letter.css">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "<p>Hello</p>"
    )
    pdf = rendering.html_to_pdf(html, fetcher=fetcher)
    assert "Hello" in pdf_text(pdf)
    assert f"{rendering.APP_ORIGIN}/static/letters/letter.css" in fetcher.fetched
    assert "data:" in fetcher.fetched
    assert fetcher.refused == []


def test_remote_urls_are_refused_without_touching_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("WeasyPrint tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    fetcher = rendering.AppOnlyURLFetcher()
    html = (
        '<img src="https://tracker.example.com/pixel.png">'
        '<link rel="stylesheet" href="http://evil.example/x.css">'
        '<img src="file:///etc/passwd">'
        '<img src="/media/letters/someone-else.pdf">'
        '<img src="/static/../../settings.py">'
        "<p>Still rendered</p>"
    )
    pdf = rendering.html_to_pdf(html, fetcher=fetcher)
    assert "Still rendered" in pdf_text(pdf)
    assert set(fetcher.refused) == {
        "https://tracker.example.com/pixel.png",
        "http://evil.example/x.css",
        "file:///etc/passwd",
        f"{rendering.APP_ORIGIN}/media/letters/someone-else.pdf",
        f"{rendering.APP_ORIGIN}/settings.py",
    }
    assert fetcher.fetched == []


@pytest.mark.parametrize(
    "url",
    [
        "https://letters.app.invalid/static/letters/letter.css",
    ],
)
def test_static_path_for_finds_app_static(url):
    assert rendering.static_path_for(url).name == "letter.css"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/static/letters/letter.css",
        "https://letters.app.invalid/static/letters/../../manage.py",
        "https://letters.app.invalid/static/letters/missing.css",
        "https://letters.app.invalid/media/x.png",
    ],
)
def test_static_path_for_refuses_anything_else(url):
    assert rendering.static_path_for(url) is None


def test_rendered_wording_escapes_values(settings):
    from letters.placeholders import render_html

    html = render_html("((text))", {"text": "<b>bold</b> & <script>x</script>"})
    pdf = rendering.html_to_pdf(f"<html><body>{html}</body></html>")
    assert "<b>bold</b> & <script>x</script>" in pdf_text(pdf)


def test_median_render_time_of_a_two_page_letter_is_reported(capsys):
    paragraphs = "".join(f"<p>Paragraph {i} of a long letter. " * 6 + "</p>" for i in range(7))
    html = f'<link rel="stylesheet" href="/static/letters/letter.css">{paragraphs}'
    rendering.html_to_pdf(html)  # warm up
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        pdf = rendering.html_to_pdf(html)
        timings.append(time.perf_counter() - start)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    timings.sort()
    with capsys.disabled():
        print(f"\nmedian 2-page letter render: {timings[2] * 1000:.0f} ms")
    assert timings[2] < 5
