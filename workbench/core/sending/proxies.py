"""Which proxy a request goes through, and how a proxy is named in messages.

A provider's `proxy` carries every request of its calls and token requests. Without one, the
standard variables decide, as for curl: `HTTPS_PROXY` / `HTTP_PROXY` by the target's scheme,
else `ALL_PROXY` (lower case wins over upper case), unless `NO_PROXY` names the host; without
any of them, the system's proxy settings (macOS, Windows) as urllib reads them.

`route_of` decides; `proxy_transport.ProxyRouter` follows it for every request. A proxy URL
may carry a user and password (from the environment); messages show it through `shown_proxy`,
without them. No httpx here: workspaces check a provider's proxy when they load.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

# The schemes httpx takes for a proxy URL (SOCKS through socksio).
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
PROVIDER_PROXY = "the provider's proxy"
SYSTEM_PROXY = "the system's proxy settings"


@dataclass(frozen=True)
class Route:
    """How one request leaves: through `proxy` (a URL, maybe with credentials), or direct."""

    proxy: str | None
    source: str = ""  # where the proxy was named: PROVIDER_PROXY, "ALL_PROXY", ...

    @property
    def shown(self) -> str:
        return shown_proxy(self.proxy or "")


DIRECT = Route(None)


def route_of(url: str, provider_proxy: str | None) -> Route:
    """The route of a request to `url`: the provider's proxy, else the environment's."""
    if provider_proxy:
        return Route(with_scheme(provider_proxy), PROVIDER_PROXY)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    scheme = parts.scheme.lower()
    named = _environment_proxy(scheme)
    if named is not None:
        proxy, source = named
        no_proxy = os.environ.get("no_proxy", os.environ.get("NO_PROXY", ""))
    else:
        # The environment's are read above: here, the system's (urllib is slow to import).
        from urllib.request import getproxies

        system = getproxies()
        proxy, source = system.get(scheme) or system.get("all") or "", SYSTEM_PROXY
        no_proxy = system.get("no", "")
    if not proxy or not host or bypassed(host, no_proxy):
        return DIRECT
    return Route(with_scheme(proxy), source)


def _environment_proxy(scheme: str) -> tuple[str, str] | None:
    """(proxy URL, variable) for a target's scheme from the environment; None when unset."""
    for key in (scheme, "all"):
        for name in (f"{key}_proxy", f"{key.upper()}_PROXY"):
            value = os.environ.get(name, "").strip()
            if value:
                return value, name
    return None


def bypassed(host: str, no_proxy: str) -> bool:
    """Whether NO_PROXY exempts `host`, by curl's rules: `*` for every host, a name for itself
    and its subdomains (a leading dot changes nothing), an address or a network (CIDR) for
    the addresses in it."""
    address = _address(host)
    for entry in (e.strip().lower().lstrip(".").strip("[]") for e in no_proxy.split(",")):
        if entry == "*":
            return True
        if not entry:
            continue
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass  # a name: an address is never under one
        elif host == entry or host.endswith(f".{entry}"):
            return True
    return False


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a proxy URL; None when it can."""
    try:
        parts = urlsplit(with_scheme(url))
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname:
        return (
            "expected a proxy URL like http://proxy.example:3128 or socks5://127.0.0.1:1080 "
            f"(schemes: {', '.join(PROXY_SCHEMES)})"
        )
    return None


def proxy_problem(url: str) -> str | None:
    """Why `url` cannot be a provider's proxy in a workspace file; None when it can."""
    problem = url_problem(url)
    if problem is not None:
        return problem
    if urlsplit(with_scheme(url)).password is not None:
        return (
            "a proxy password must not be in the workspace file (it would reach git); give "
            "that proxy with its password in HTTPS_PROXY / HTTP_PROXY / ALL_PROXY instead"
        )
    return None


def shown_proxy(url: str) -> str:
    """A proxy URL as messages show it: scheme, host and port, never a user or password."""
    parts = urlsplit(with_scheme(url))
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return urlunsplit((parts.scheme, f"{host}:{port}" if port else host, "", "", ""))


def with_scheme(url: str) -> str:
    """A proxy given as `host:port` is an HTTP proxy, as for curl and httpx."""
    url = url.strip()
    return url if "://" in url else f"http://{url}"
