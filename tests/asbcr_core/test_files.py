"""The one check every upload goes through: content, not the name, decides; a size limit;
an optional virus scan over clamd's socket; random stored names; no public media URL."""

import io
import os
import re
import socket
import struct
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve

from asbcr.files import (
    EVIDENCE_KINDS,
    LOGO_KINDS,
    STATEMENT_KINDS,
    RandomUploadTo,
    UploadField,
    check_upload,
    clean_original_name,
    sniff,
)


def docx_bytes(*, macro=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


SAMPLES = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32,
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 16,
    "m4a": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 16,
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 8,
    "docx": docx_bytes(),
    "text": b"I have not slept properly since March.\nThe music is every night.\n",
}


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_allowed_kind_is_recognised_by_its_content(kind):
    assert sniff(SAMPLES[kind]).key == kind
    # The name plays no part: the same bytes under a misleading name are still what they are.
    checked = check_upload(upload("misleading.exe", SAMPLES[kind]), kinds=STATEMENT_KINDS)
    assert checked.kind.key == kind


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"\xef\xbb\xbf  <html><img src=x onerror=alert(1)>",
        b"Hello <script>fetch('/staff/')</script>",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows program
        b"MZ",
        b"#!/bin/sh\nrm -rf /\n",
        docx_bytes(macro=True),
        b"PK\x03\x04not really a zip",
        b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomavc1",  # a video
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ],
)
def test_a_web_page_named_pdf_and_other_files_are_refused(data):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("statement.pdf", data, "application/pdf"), kinds=STATEMENT_KINDS)
    assert "The file must be a PDF" in exc.value.messages[0]


def test_an_empty_or_oversized_file_is_refused_with_the_limit_in_words(settings):
    with pytest.raises(ValidationError, match="empty"):
        check_upload(upload("a.txt", b""))
    settings.FILES_MAX_UPLOAD_BYTES = 1024 * 1024
    with pytest.raises(ValidationError, match="smaller than 1 MB"):
        check_upload(upload("big.pdf", b"%PDF-" + b"0" * (1024 * 1024)))
    with pytest.raises(ValidationError, match="smaller than 200 KB"):
        check_upload(upload("logo.png", SAMPLES["png"] + b"0" * 200_000), max_bytes=200_000)


def test_logos_allow_a_plain_svg_but_not_a_pdf():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    assert check_upload(upload("logo.svg", svg), kinds=LOGO_KINDS).kind.key == "svg"
    with pytest.raises(ValidationError, match="JPEG photo, PNG image or SVG image"):
        check_upload(upload("logo.pdf", SAMPLES["pdf"]), kinds=LOGO_KINDS)
    with pytest.raises(ValidationError):
        check_upload(upload("logo.svg", svg), kinds=EVIDENCE_KINDS)


def test_an_accepted_file_gets_a_random_name_and_keeps_its_own_for_display():
    file = upload("../../Mrs Smith's diary; March.pdf", SAMPLES["pdf"])
    checked = check_upload(file)
    assert checked.original_name == "Mrs Smith's diary March.pdf"
    assert checked.content_type == "application/pdf"
    assert len(checked.sha256) == 64 and checked.size == len(SAMPLES["pdf"])
    assert "Smith" not in file.name and file.name.endswith(".pdf") and len(file.name) == 36
    path = RandomUploadTo("evidence")(None, file.name)
    assert path.startswith("evidence/") and "Smith" not in path
    assert re.fullmatch(
        r"evidence/\d{4}/\d{2}/[0-9a-f]{32}", RandomUploadTo("evidence")(None, "x.html")
    )
    assert clean_original_name('C:\\Users\\x\\"evil".txt') == "evil.txt"


def test_the_upload_field_refuses_with_a_message_at_the_field():
    field = UploadField(kinds=STATEMENT_KINDS)
    with pytest.raises(ValidationError):
        field.clean(upload("x.pdf", b"<html>hi</html>"))
    good = field.clean(upload("x.pdf", SAMPLES["pdf"]))
    assert good.checked.kind.key == "pdf"


# -- virus scanning -------------------------------------------------------------


class FakeClamd:
    """A clamd that speaks INSTREAM: FOUND for the EICAR test string, else OK."""

    def __init__(self, family=socket.AF_INET, address=("127.0.0.1", 0)):
        self.server = socket.socket(family, socket.SOCK_STREAM)
        self.server.bind(address)
        self.server.listen(4)
        self.address = self.server.getsockname()
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = self._read(conn, len(b"zINSTREAM\0"))
                assert command == b"zINSTREAM\0"
                body = b""
                while True:
                    (size,) = struct.unpack("!L", self._read(conn, 4))
                    if size == 0:
                        break
                    body += self._read(conn, size)
                self.received.append(body)
                found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in body
                conn.sendall(b"stream: Eicar-Signature FOUND\0" if found else b"stream: OK\0")

    def close(self):
        self.server.close()


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def clamd(settings):
    fake = FakeClamd()
    settings.CLAMD_HOST, settings.CLAMD_PORT = fake.address
    settings.CLAMD_SOCKET = ""
    yield fake
    fake.close()


def test_a_clean_file_passes_the_scanner_and_a_virus_is_refused(clamd):
    assert check_upload(upload("a.pdf", SAMPLES["pdf"])).kind.key == "pdf"
    assert clamd.received == [SAMPLES["pdf"]]
    with pytest.raises(ValidationError, match="contains a virus"):
        check_upload(upload("eicar.txt", EICAR))


def test_the_scanner_over_a_unix_socket(settings, tmp_path):
    path = str(tmp_path / "clamd.sock")
    fake = FakeClamd(socket.AF_UNIX, path)
    settings.CLAMD_SOCKET = path
    try:
        with pytest.raises(ValidationError, match="contains a virus"):
            check_upload(upload("eicar.txt", EICAR))
        assert len(fake.received) == 1
    finally:
        fake.close()
        os.unlink(path)


def test_a_configured_scanner_that_is_down_refuses_the_upload(settings, caplog):
    spare = socket.socket()
    spare.bind(("127.0.0.1", 0))
    settings.CLAMD_HOST, settings.CLAMD_PORT = spare.getsockname()
    spare.close()  # nothing listens there now
    with pytest.raises(ValidationError, match="could not be checked for viruses"):
        check_upload(upload("a.pdf", SAMPLES["pdf"]))
    assert "Virus scanner unavailable" in caplog.text


def test_without_a_scanner_the_scan_is_skipped_with_a_log_line(caplog):
    caplog.set_level("INFO", logger="asbcr.files")
    check_upload(upload("a.pdf", SAMPLES["pdf"]))
    assert "Virus scan skipped" in caplog.text


# -- never a public media URL ---------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_media_is_not_served_by_any_url_pattern(settings, debug):
    import importlib

    import asbcr.urls

    settings.DEBUG = debug
    importlib.reload(asbcr.urls)
    try:
        with pytest.raises(Resolver404):
            resolve("/media/impact-statements/2026/03/x.pdf")
    finally:
        settings.DEBUG = False
        importlib.reload(asbcr.urls)


@pytest.mark.django_db
def test_a_stored_file_cannot_be_fetched_from_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "x.txt").write_text("secret")
    assert Client().get("/media/evidence/x.txt").status_code == 404
