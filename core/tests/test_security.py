"""The client's address: believed from X-Forwarded-For only as far as our own proxies."""

import pytest
from django.test import RequestFactory

from core.security import client_ip


def request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.fixture
def proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "::1"]


def test_without_trusted_proxies_the_connecting_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "127.0.0.1")) == "203.0.113.9"


@pytest.mark.usefixtures("proxies")
class TestBehindProxies:
    def test_a_client_reaching_the_app_directly_cannot_forge_its_address(self):
        assert client_ip(request("203.0.113.9", "127.0.0.1")) == "203.0.113.9"

    def test_through_one_proxy(self):
        assert client_ip(request("10.0.0.2", "198.51.100.7")) == "198.51.100.7"

    def test_through_two_proxies_the_forged_left_part_is_ignored(self):
        chain = "127.0.0.1, 198.51.100.7, 10.0.0.3"
        assert client_ip(request("10.0.0.2", chain)) == "198.51.100.7"

    def test_a_proxy_without_the_header_is_the_client(self):
        assert client_ip(request("10.0.0.2")) == "10.0.0.2"

    def test_garbage_in_the_header_falls_back_to_the_proxy(self):
        assert client_ip(request("10.0.0.2", "not-an-address")) == "10.0.0.2"
