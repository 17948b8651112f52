"""The httpx transport that sends each request along its route (`proxies.route_of`).

One connection pool per proxy (and one for direct connections), so a client per TLS setup
and provider proxy serves every route; HTTP/2 is offered to servers that speak it (ALPN).
A failure on the way through a proxy comes back as `ProxyFailure`, naming the proxy.
"""

from __future__ import annotations

import importlib
import importlib.util
import ssl
from urllib.parse import urlsplit

import httpx

from workbench.core.errors import ConnectionSetupError
from workbench.core.sending.proxies import Route, route_of, url_problem


class ProxyFailure(httpx.ProxyError):
    """A request through a proxy failed before the server answered: the proxy could not be
    reached (in time), or it did not connect to the server. `route` names the proxy; the
    error of httpx is the cause."""

    def __init__(self, message: str, *, request: httpx.Request, route: Route) -> None:
        super().__init__(message, request=request)
        self.route = route


class ProxyRouter(httpx.AsyncBaseTransport):
    """Sends each request along its `route_of`, one pooled transport per proxy (and one for
    direct connections), HTTP/2 offered to servers that speak it."""

    def __init__(self, ssl_context: ssl.SSLContext, provider_proxy: str | None) -> None:
        self.ssl_context = ssl_context
        self.provider_proxy = provider_proxy
        self._transports: dict[str | None, httpx.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        route = route_of(str(request.url), self.provider_proxy)
        transport = self._transport(route)
        try:
            return await transport.handle_async_request(request)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError) as error:
            if route.proxy is None:
                raise
            raise ProxyFailure(str(error), request=request, route=route) from error

    def _transport(self, route: Route) -> httpx.AsyncHTTPTransport:
        transport = self._transports.get(route.proxy)
        if transport is None:
            if route.proxy is not None:
                _check_usable(route)
            transport = httpx.AsyncHTTPTransport(
                verify=self.ssl_context,
                # Offered by ALPN over TLS; without h2 (a trimmed install) HTTP/1.1 only.
                http2=importlib.util.find_spec("h2") is not None,
                proxy=route.proxy,
                trust_env=False,
            )
            self._transports[route.proxy] = transport
        return transport

    async def aclose(self) -> None:
        transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            await transport.aclose()


def _check_usable(route: Route) -> None:
    """Raise `ConnectionSetupError` for a proxy httpx cannot use, rather than its traceback."""
    assert route.proxy is not None
    problem = url_problem(route.proxy)
    if problem is not None:
        raise ConnectionSetupError(
            f"The proxy {route.shown} ({route.source}) cannot be used: {problem}."
        )
    if urlsplit(route.proxy).scheme.lower().startswith("socks"):
        try:
            importlib.import_module("socksio")
        except ImportError:
            raise ConnectionSetupError(
                f"The proxy {route.shown} ({route.source}) is a SOCKS proxy, which needs the "
                "socksio package: install it into workbench's environment with "
                "`pip install 'httpx[socks]'` (or reinstall workbench, which depends on it)."
            ) from None
