"""A fake GOV.UK Notify API: a real HTTP server in a thread on a free loopback port.

It checks each request's bearer token as Notify does (HS256 JWT signed with the API
key's secret, ``iss`` the service id, ``iat`` within 30 seconds), keeps what it was
sent, and answers like Notify (201 with an id), or with the error a test queues.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"asb_case_review_test-{SERVICE_ID}-{SECRET}"


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def token_problem(header: str) -> str | None:
    """Why Notify would refuse this Authorization header (None: it is good)."""
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer":
        return "no bearer token"
    try:
        head, body, signature = token.split(".")
        if json.loads(_unb64(head)) != {"typ": "JWT", "alg": "HS256"}:
            return "wrong header"
        expected = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            return "bad signature"
        claims = json.loads(_unb64(body))
    except ValueError:
        return "malformed token"
    if claims.get("iss") != SERVICE_ID:
        return "wrong issuer"
    if abs(time.time() - claims.get("iat", 0)) > 30:
        return "token expired"
    return None


class FakeNotify:
    def __init__(self):
        self.requests: list[dict] = []
        self.errors: list[tuple[int, dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                problem = token_problem(self.headers.get("Authorization", ""))
                if problem:
                    return self._answer(
                        403, {"errors": [{"error": "AuthError", "message": problem}]}
                    )
                data = json.loads(body)
                fake.requests.append(
                    {"path": self.path, "json": data, "headers": dict(self.headers)}
                )
                if fake.errors:
                    return self._answer(*fake.errors.pop(0))
                return self._answer(
                    201, {"id": str(uuid.uuid4()), "reference": data.get("reference")}
                )

            def _answer(self, status, payload):
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def sent(self, path: str) -> list[dict]:
        return [r["json"] for r in self.requests if r["path"] == path]
