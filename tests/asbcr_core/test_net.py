"""The client address: believed only as far as our own proxies vouch for it."""

import pytest
from django.test import RequestFactory

from asbcr.net import client_ip


@pytest.fixture
def rf():
    return RequestFactory()


def test_direct_connection_uses_the_peer_and_ignores_a_forged_header(rf, settings):
    settings.ASBCR_TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "203.0.113.9"


def test_one_proxy_reads_the_address_it_appended(rf, settings):
    settings.ASBCR_TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; our proxy appended the real one.
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_two_proxies(rf, settings):
    settings.ASBCR_TRUSTED_PROXY_COUNT = 2
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.0.2"
    )
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize("header", ["", "not-an-address", "\x00"])
def test_a_missing_or_garbage_header_falls_back_to_the_peer(rf, settings, header):
    settings.ASBCR_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == "10.0.0.2"


def test_the_rate_limit_key_counts_an_ipv6_slash_64_as_one_client(rf, settings):
    from asbcr.net import ratelimit_key

    settings.ASBCR_TRUSTED_PROXY_COUNT = 0
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9")
    assert ratelimit_key("g", one) == ratelimit_key("g", other) == "2001:db8:1:2::"
    assert ratelimit_key("g", rf.get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"
