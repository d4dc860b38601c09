"""A small client for the GOV.UK Notify API (v2): email, text message, precompiled letter.

Written on the standard library rather than notifications-python-client: that client
brings requests, PyJWT and docopt into the production environment for four POSTs and
an HS256 token, which take a few dozen lines here and are tested against a fake Notify
server on loopback (tests/notify/). The wire format follows Notify's API documentation:

- the API key is ``{key name}-{service id}-{secret}``; the service id and secret are
  the last two 36-character UUIDs;
- every request carries ``Authorization: Bearer <JWT>``, a token signed with HS256 by
  the secret, with claims ``iss`` (the service id) and ``iat`` (now, in seconds);
- ``POST /v2/notifications/email`` and ``/sms`` take ``template_id``,
  ``personalisation`` and ``reference``; ``POST /v2/notifications/letter`` with
  ``content`` (the PDF in base64) and ``reference`` sends a precompiled letter.
"""

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"
USER_AGENT = "asb-case-review-notify/1"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
KEY_PATTERN = re.compile(rf"^.+-({UUID})-({UUID})$")


class NotifyError(Exception):
    """Notify refused a request or could not be reached. ``transient`` says whether
    trying again later may work (a network fault, a 429 or a 5xx)."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False):
        super().__init__(message)
        self.status = status
        self.transient = transient


class NotifyConfigError(ValueError):
    """The API key is not in Notify's format."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_token(*, service_id: str, secret: str, now: float | None = None) -> str:
    """The HS256 token Notify expects on every request."""
    header = _b64url(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"iss": service_id, "iat": int(now if now is not None else time.time())}
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


def split_api_key(api_key: str) -> tuple[str, str]:
    """(service id, secret) from a Notify API key."""
    api_key = (api_key or "").strip()
    if not KEY_PATTERN.match(api_key):
        raise NotifyConfigError("NOTIFY_API_KEY is not a GOV.UK Notify API key.")
    return api_key[-73:-37], api_key[-36:]


@dataclass(frozen=True)
class Sent:
    """What Notify said when it accepted a message: its id, and our reference back."""

    notify_id: str
    reference: str


@dataclass
class NotifyClient:
    api_key: str
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0

    def __post_init__(self):
        self.service_id, self.secret = split_api_key(self.api_key)
        self.base_url = self.base_url.rstrip("/")

    def _post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(body).encode("utf-8"),
            method="POST",
            headers={
                "Authorization": f"Bearer {jwt_token(service_id=self.service_id, secret=self.secret)}",
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(1_000_000)
        except urllib.error.HTTPError as exc:
            detail = _errors(exc.read(100_000))
            raise NotifyError(
                f"Notify refused the request ({exc.code}): {detail}",
                status=exc.code,
                transient=exc.code == 429 or exc.code >= 500,
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise NotifyError(f"Notify could not be reached: {exc}", transient=True) from exc
        try:
            data = json.loads(raw)
            notify_id = str(data["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise NotifyError("Notify's answer was not understood.", transient=True) from exc
        return data | {"id": notify_id}

    def send_email(
        self, *, email_address: str, template_id: str, personalisation: dict, reference: str
    ) -> Sent:
        data = self._post(
            "/v2/notifications/email",
            {
                "email_address": email_address,
                "template_id": template_id,
                "personalisation": personalisation,
                "reference": reference,
            },
        )
        return Sent(data["id"], reference)

    def send_sms(
        self, *, phone_number: str, template_id: str, personalisation: dict, reference: str
    ) -> Sent:
        data = self._post(
            "/v2/notifications/sms",
            {
                "phone_number": phone_number,
                "template_id": template_id,
                "personalisation": personalisation,
                "reference": reference,
            },
        )
        return Sent(data["id"], reference)

    def send_precompiled_letter(
        self, *, pdf: bytes, reference: str, postage: str = "second"
    ) -> Sent:
        data = self._post(
            "/v2/notifications/letter",
            {
                "reference": reference,
                "content": base64.b64encode(pdf).decode("ascii"),
                "postage": postage,
            },
        )
        return Sent(data["id"], reference)


def _errors(raw: bytes) -> str:
    """Notify's error messages from an error response, or a short fallback."""
    try:
        errors = json.loads(raw).get("errors") or []
        return "; ".join(str(e.get("message", ""))[:300] for e in errors[:5]) or "no detail"
    except (ValueError, AttributeError):
        return "no detail"
