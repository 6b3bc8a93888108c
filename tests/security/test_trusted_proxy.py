from django.http import HttpResponse
from django.test import RequestFactory

from zwk_portal.security import TrustedProxyMiddleware


def seen_address(settings, *, remote, real, trust=True):
    settings.ZWK_TRUST_X_REAL_IP = trust
    settings.ZWK_TRUSTED_PROXIES = ["127.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_REAL_IP=real)
    TrustedProxyMiddleware(lambda request: HttpResponse())(request)
    return request.META["REMOTE_ADDR"]


def test_the_proxy_names_the_visitor(settings):
    assert seen_address(settings, remote="127.0.0.1", real="203.0.113.7") == "203.0.113.7"


def test_the_header_is_ignored_unless_trusted(settings):
    assert (
        seen_address(settings, remote="127.0.0.1", real="203.0.113.7", trust=False) == "127.0.0.1"
    )


def test_a_visitor_cannot_claim_another_address(settings):
    assert seen_address(settings, remote="198.51.100.9", real="203.0.113.7") == "198.51.100.9"


def test_a_malformed_header_changes_nothing(settings):
    assert seen_address(settings, remote="127.0.0.1", real="evil, 1.2.3.4") == "127.0.0.1"
