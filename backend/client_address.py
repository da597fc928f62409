"""The caller's IP address, trusting X-Forwarded-For only as far as configured proxies go.

`TRUSTED_PROXY_COUNT` is the one place that says whom to trust. The ASGI server must therefore
pass the connecting peer through untouched: uvicorn's own proxy-header handling (on by default,
trusting 127.0.0.1) would otherwise rewrite the peer from a header anyone can send, before this
code sees it. `manage.py serve` runs uvicorn with `UVICORN_OPTIONS`, and the documented command
line carries the same setting as `UVICORN_FLAGS`.
"""

from django.conf import settings

# uvicorn must not interpret X-Forwarded-For / X-Forwarded-Proto itself: the settings decide.
# (The scheme behind a TLS proxy comes from SECURE_PROXY_SSL_HEADER in settings.)
UVICORN_OPTIONS = {"proxy_headers": False}
UVICORN_FLAGS = ("--no-proxy-headers",)

UNKNOWN = "unknown"


def _from_chain(peer: str | None, forwarded_for: str) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [part.strip() for part in forwarded_for.split(",")]
        hops = [hop for hop in hops if hop]
        # Each trusted proxy appends the address it saw; entries further left were written by
        # the caller and prove nothing.
        if len(hops) >= proxies:
            return hops[-proxies]
    return peer or UNKNOWN


def client_address(request) -> str:
    """The address of an HTTP request's caller."""
    if request is None:
        return UNKNOWN
    return _from_chain(request.META.get("REMOTE_ADDR"), request.headers.get("X-Forwarded-For", ""))


def scope_client_address(scope) -> str:
    """The address of an ASGI connection's caller (a WebSocket), by the same rule as HTTP."""
    if not scope:
        return UNKNOWN
    client = scope.get("client")
    peer = str(client[0]) if client else None
    forwarded = ", ".join(
        value.decode("latin1")
        for name, value in scope.get("headers", [])
        if name.lower() == b"x-forwarded-for"
    )
    return _from_chain(peer, forwarded)


def context_client_address(context) -> str:
    """The caller's address from a GraphQL context: its request over HTTP, its ASGI scope
    over a WebSocket (which has no request)."""
    request = getattr(context, "request", None)
    if request is not None:
        return client_address(request)
    return scope_client_address(getattr(context, "scope", None))
