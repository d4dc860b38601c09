"""Uploaded files: one check for every upload, random stored names, and one way out.

Every upload (the applicant's impact statement, staff evidence, an area's logo, an
agency's incident export) goes through :func:`check_upload` (or :class:`UploadField`):
its *content* is sniffed against a small allow-list (the name's extension is ignored, so
a web page named ``.pdf`` is refused), its size is limited, and it is scanned for viruses
when a clamd is configured. It is stored under a random name (:class:`RandomUploadTo`),
never the name the user gave it, and it leaves only through :func:`file_response`: as an
attachment, with the type found at upload, never sniffed by the browser, never cached.
``/media/`` is not served by any URL pattern.
"""

import hashlib
import io
import logging
import re
import socket
import struct
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MB = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    content_type: str
    extension: str


KINDS = {
    k.key: k
    for k in [
        FileKind("pdf", "PDF", "application/pdf", ".pdf"),
        FileKind("jpeg", "JPEG photo", "image/jpeg", ".jpg"),
        FileKind("png", "PNG image", "image/png", ".png"),
        FileKind("heic", "HEIC photo", "image/heic", ".heic"),
        FileKind(
            "docx",
            "Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        FileKind("text", "text file", "text/plain", ".txt"),
        FileKind("mp3", "MP3 recording", "audio/mpeg", ".mp3"),
        FileKind("m4a", "M4A recording", "audio/mp4", ".m4a"),
        FileKind("svg", "SVG image", "image/svg+xml", ".svg"),
    ]
}

STATEMENT_KINDS = frozenset({"pdf", "jpeg", "png", "heic", "docx", "text", "mp3", "m4a"})
"""An impact statement: a document, a photo of a written page, or a voice recording."""
EVIDENCE_KINDS = STATEMENT_KINDS
"""Staff evidence: photographs, diary sheets, letters from other bodies, recordings."""
LOGO_KINDS = frozenset({"png", "jpeg", "svg"})
TEXT_KINDS = frozenset({"text"})

_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
_MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|iframe|object|embed|svg|meta|link|\?xml)\b", re.I
)
_SVG_ROOT = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<svg\b", re.S | re.I)
_SVG_ACTIVE = re.compile(
    rb"<\s*script|<\s*foreignobject|<!entity|<!doctype|javascript:|\son[a-z]+\s*=", re.I
)
_SNIFF_BYTES = 64 * 1024
_PROGRAMS = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    # A macro-enabled document (vbaProject.bin) is not a plain Word document.
    return (
        "[Content_Types].xml" in names
        and "word/document.xml" in names
        and not any(n.lower().endswith("vbaproject.bin") for n in names)
    )


def _is_text(head: bytes) -> bool:
    sample = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if not sample.strip() or b"\x00" in sample:
        return False
    if _MARKUP.search(sample):
        return False  # a web page or script is not a plain text file
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(sample) // 100


def _is_mp3(head: bytes) -> bool:
    if head.startswith(b"ID3"):
        return True
    return (
        len(head) > 2
        and head[0] == 0xFF
        and head[1] & 0xE0 == 0xE0
        and (head[1] >> 1) & 0x03 != 0  # a layer is set
        and (head[2] >> 4) != 0x0F  # not a bad bitrate
    )


def sniff(data: bytes) -> FileKind | None:
    """What the bytes are, from their content alone (None if not on any allow-list)."""
    head = data[:_SNIFF_BYTES]
    if head.startswith(_PROGRAMS):
        return None  # a program or script, even one that looks like text
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return KINDS["heic"]
        if brand in _M4A_BRANDS:
            return KINDS["m4a"]
        return None
    if head.startswith(b"PK\x03\x04"):
        return KINDS["docx"] if _is_docx(data) else None
    if _is_mp3(head):
        return KINDS["mp3"]
    if _SVG_ROOT.match(head.lstrip(b"\xef\xbb\xbf")):
        return None if _SVG_ACTIVE.search(data) else KINDS["svg"]
    if _is_text(head):
        return KINDS["text"]
    return None


def describe(kinds) -> str:
    labels = [KINDS[k].label for k in sorted(kinds, key=list(KINDS).index)]
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]


def _size_words(max_bytes: int) -> str:
    if max_bytes >= MB:
        return f"{max_bytes / MB:g} MB"
    return f"{max_bytes // 1000} KB"


# -- virus scanning -------------------------------------------------------------


class ScanUnavailable(Exception):
    """The configured scanner could not be reached or did not answer."""


def _clamd_connect() -> socket.socket | None:
    timeout = getattr(settings, "CLAMD_TIMEOUT", 10)
    path = getattr(settings, "CLAMD_SOCKET", "")
    host = getattr(settings, "CLAMD_HOST", "")
    try:
        if path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(path)
            return sock
        if host:
            return socket.create_connection(
                (host, getattr(settings, "CLAMD_PORT", 3310)), timeout=timeout
            )
    except OSError as exc:
        raise ScanUnavailable(str(exc)) from exc
    return None


def virus_scan(data: bytes) -> str | None:
    """Send the bytes to clamd (INSTREAM) when ``CLAMD_SOCKET`` or ``CLAMD_HOST`` is set.

    Returns the signature's name if a virus is found, None if clean or not configured
    (logged), and raises :class:`ScanUnavailable` if the scanner does not answer.
    """
    sock = _clamd_connect()
    if sock is None:
        logger.info("Virus scan skipped: neither CLAMD_SOCKET nor CLAMD_HOST is set.")
        return None
    try:
        with sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), 64 * 1024):
                chunk = data[start : start + 64 * 1024]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith((b"\0", b"\n")):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise ScanUnavailable(str(exc)) from exc
    answer = reply.rstrip(b"\0\n").decode("utf-8", "replace")
    if answer.endswith("FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        logger.warning("Virus scan refused an upload: %s", signature)
        return signature or "unknown"
    if answer.endswith("OK"):
        return None
    raise ScanUnavailable(answer or "no answer")


# -- the one check --------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUpload:
    """What the check found: kept with the stored file."""

    kind: FileKind
    original_name: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def clean_original_name(name: str) -> str:
    """The user's file name, for display and for the download's name only (never a path)."""
    base = PurePath(str(name).replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f\"<>:|?*;]", "", base).strip(" .")
    return base[:200] or "file"


def check_upload(upload, *, kinds=EVIDENCE_KINDS, max_bytes: int | None = None) -> CheckedUpload:
    """Refuse an upload that is too big, is not one of ``kinds`` by its content, or carries
    a virus; rename it to a random name with the extension of what it really is."""
    max_bytes = max_bytes or getattr(settings, "FILES_MAX_UPLOAD_BYTES", 5 * MB)
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file must be smaller than %(size)s") % {"size": _size_words(max_bytes)}
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file must be smaller than %(size)s") % {"size": _size_words(max_bytes)}
        )
    if not data:
        raise ValidationError(_("The file is empty"))
    kind = sniff(data)
    if kind is None or kind.key not in kinds:
        raise ValidationError(
            _("The file must be a %(kinds)s: this file is not one of those")
            % {"kinds": describe(kinds)}
        )
    try:
        found = virus_scan(data)
    except ScanUnavailable as exc:
        logger.error("Virus scanner unavailable, upload refused: %s", exc)
        raise ValidationError(
            _("The file could not be checked for viruses just now. Try again later")
        ) from exc
    if found:
        raise ValidationError(_("The file was refused because it contains a virus"))
    checked = CheckedUpload(
        kind=kind,
        original_name=clean_original_name(upload.name or ""),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    upload.name = f"{uuid.uuid4().hex}{kind.extension}"
    upload.checked = checked
    return checked


class UploadField(forms.FileField):
    """A file field that runs :func:`check_upload`; the result is on ``upload.checked``."""

    def __init__(self, *args, kinds=EVIDENCE_KINDS, max_bytes: int | None = None, **kwargs):
        self.kinds = frozenset(kinds)
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and not hasattr(upload, "checked"):
            check_upload(upload, kinds=self.kinds, max_bytes=self.max_bytes)
        return upload


@deconstructible
class RandomUploadTo:
    """``upload_to`` that stores every file under a random name in ``prefix/YYYY/MM/``,
    keeping only an extension from the allow-list (never the user's name)."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        ext = PurePath(filename).suffix.lower()
        allowed = {k.extension for k in KINDS.values()} | {".jpeg", ".csv"}
        ext = ext if ext in allowed else ""
        now = timezone.now()
        return f"{self.prefix}/{now:%Y/%m}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other):
        return isinstance(other, RandomUploadTo) and other.prefix == self.prefix


def content_type_of(field_file, stored: str = "") -> str:
    """The stored type, or (for files kept before types were recorded) the sniffed one."""
    if stored:
        return stored
    try:
        with field_file.open("rb") as handle:
            kind = sniff(handle.read(_SNIFF_BYTES))
    except (OSError, ValueError):
        kind = None
    return kind.content_type if kind else "application/octet-stream"


def file_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    """The only way a stored file leaves: as a download, typed, unsniffed, uncached."""
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=clean_original_name(filename),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
