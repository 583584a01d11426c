"""The client's address behind AXES_PROXY_COUNT proxies (lockouts, the request form's limit)."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from kokemus.client_address import client_address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "81.22.33.44", "10.0.0.1"),  # no proxy of ours: the header is the client's claim
        (1, "81.22.33.44", "81.22.33.44"),
        (1, "6.6.6.6, 81.22.33.44", "81.22.33.44"),  # the client claimed 6.6.6.6
        (2, "6.6.6.6, 81.22.33.44, 10.0.0.9", "81.22.33.44"),
        (2, "81.22.33.44", "10.0.0.1"),  # came past only one of two: not trusted
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_is_the_address_our_outermost_proxy_saw(settings, proxies, forwarded, expected):
    settings.AXES_IPWARE_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected
    assert get_client_ip_address(request) == expected  # django-axes sees the same
