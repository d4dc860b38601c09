"""The client address of the request being handled, for the audit rows it writes.

``AuditContextMiddleware`` sets it from ``asbcr.net.client_ip`` for each request, so
``cases.services.timeline_record`` and ``access_log_record`` record where a change came
from without every view passing it down. Outside a request (tasks, commands) it is
empty; a caller that knows better passes ``ip=`` itself.
"""

import contextvars

from asbcr.net import client_ip

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_client_ip", default=None
)


def current_ip() -> str | None:
    return _client_ip.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
