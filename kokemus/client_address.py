"""The client's address as Kokemus sees it behind AXES_PROXY_COUNT reverse proxies.

Each proxy appends the address it got the request from to X-Forwarded-For, so behind N
proxies of our own the client is the Nth entry from the right; entries further left are what
the client claimed and are not trusted. Without proxies it is REMOTE_ADDR.

django-axes calls this for its lockouts (AXES_CLIENT_IP_CALLABLE: the django-ipware package
that axes would otherwise use is not installed, so AXES_PROXY_COUNT did nothing and every
client behind the proxy shared its address), and the public request form for its rate limit.
"""

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if len(addresses) < proxies:
        return remote  # it did not come through all our proxies: the nearest address known
    return addresses[-proxies]
