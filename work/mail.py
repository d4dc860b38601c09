"""The local outbox: under ``make run`` every email is kept as a file a page can show.

Not for production (``asbcr.settings.production`` refuses it): the files hold whatever
the emails held. Each message is one ``.eml`` file in ``LOCAL_OUTBOX_DIR``, so the web
server and the Celery worker, separate processes, write to the same outbox.
"""

import email
import email.parser
import email.policy
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


def outbox_dir() -> Path:
    return Path(settings.LOCAL_OUTBOX_DIR)


class OutboxBackend(BaseEmailBackend):
    """Writes each message to the local outbox folder instead of sending it."""

    def send_messages(self, email_messages):
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
            sent += 1
        return sent


@dataclass
class OutboxMessage:
    id: str
    to: str
    subject: str
    sent: str
    text: str
    attachments: list[str]


NAME_CHARS = set("0123456789abcdef-.eml")


def _read(path: Path) -> OutboxMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    attachments = [part.get_filename() or "attachment" for part in parsed.iter_attachments()]
    return OutboxMessage(
        id=path.name,
        to=str(parsed.get("To", "")),
        subject=str(parsed.get("Subject", "")),
        sent=str(parsed.get("Date", "")),
        text=body.get_content() if body is not None else "",
        attachments=[a for a in attachments if a],
    )


HEAD_BYTES = 4 * 1024


def _recipients(path: Path) -> str:
    """The To header, read from the top of the file only: the demo writes thousands of
    messages with PDFs attached, and the list must not parse every attachment."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES).split(b"\n\n", 1)[0]
    parsed = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(head)
    return str(parsed.get("To", ""))


def outbox_messages(*, to: str | None = None, limit: int = 200) -> list[OutboxMessage]:
    """The newest messages first (only those to ``to`` when given)."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        if to is not None and to.lower() not in _recipients(path).lower():
            continue
        found.append(_read(path))
        if len(found) >= limit:
            break
    return found


def outbox_message(name: str) -> OutboxMessage | None:
    if not name.endswith(".eml") or not set(name) <= NAME_CHARS or "/" in name:
        return None
    path = outbox_dir() / name
    return _read(path) if path.is_file() else None
