"""The client's address, as far as it can be trusted.

Behind a TLS proxy every request arrives from the proxy's address, so ``REMOTE_ADDR``
alone would make a per-address limit a service-wide one. ``X-Forwarded-For`` is a list
that each proxy appends to; only the entries added by proxies we run can be believed,
because a client can send the header with anything in it. ``ASBCR_TRUSTED_PROXY_COUNT``
says how many proxies of ours stand in front of the app (0, the default, when the app
is reached directly): the address is then the entry that many places from the right.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    address = address.strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client that sent ``request``, never one a client could forge.

    With N trusted proxies, the N-th entry from the right of ``X-Forwarded-For`` is the
    address the outermost of our proxies saw. If the header is missing, too short or not
    an address, the request did not come through all of our proxies, and the address of
    the peer we can see (``REMOTE_ADDR``) is used instead.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"
    trusted = int(getattr(settings, "ASBCR_TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < trusted:
        return remote
    return _valid(forwarded[-trusted]) or remote


def ratelimit_key(group, request) -> str:
    """The key django-ratelimit counts under: the client's address (``client_ip``).

    An IPv6 client is usually given a whole /64, so it is counted as one: otherwise it
    could take a fresh address for every request.
    """
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
