"""The client's address, for the sign-in lockout, the audit trail, the request log and
the metrics allow-list."""

import ipaddress

from django.conf import settings


def _trusted(address: str) -> bool:
    """Whether `address` is one of our own proxies (settings.TRUSTED_PROXIES)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES
    )


def client_ip(request) -> str | None:
    """The client's address: the connecting one, or, when that is one of our own proxies,
    the address our proxies saw.

    X-Forwarded-For is read only from a trusted proxy, and from the right: each trusted
    proxy appends the address that connected to it, so the first entry from the right
    that is not one of ours is the client. Anything further left came from the client
    itself, and a client that reaches the app directly cannot forge its address at all.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not remote or not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # not an address: the proxy chain is broken; use the proxy's
    return remote


# The longest user name Django's user model stores.
USERNAME_MAX_LENGTH = 150


def sign_in_name(request, credentials: dict | None = None) -> str | None:
    """The user name a sign-in attempt is counted and recorded under (django-axes): the one
    typed, cut to the longest a user name can be. A longer one is nobody's, and the
    database would refuse to record it."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    name = source.get("username")
    return name[:USERNAME_MAX_LENGTH] if isinstance(name, str) else name
