"""What a transport failure means for the user: refused, DNS, TLS (which side), timeout, proxy.

Token requests (`workbench.core.auth.oauth`) and calls (`client`) both
describe their failures here, so they say the same thing for the same fault.
"""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

import httpx

from workbench.core.sending.exchange import FailureKind, SentRequest
from workbench.core.sending.proxies import PROVIDER_PROXY
from workbench.core.sending.proxy_transport import ProxyFailure
from workbench.core.sending.url import scheme_problem

# What sending can raise when the network or the peer fails. httpcore lets an
# ssl.SSLError raised while *reading* through unwrapped: with TLS 1.3 that is
# how a server's "certificate required" alert arrives (after the handshake).
TRANSPORT_ERRORS = (httpx.HTTPError, ssl.SSLError)

# TLS alerts and errors (OpenSSL reason codes) -> what they mean for the user.
_CLIENT_CERTIFICATE_WANTED = ("CERTIFICATE_REQUIRED", "HANDSHAKE_FAILURE")
_CLIENT_CERTIFICATE_REFUSED = (
    "UNKNOWN_CA",
    "BAD_CERTIFICATE",
    "CERTIFICATE_UNKNOWN",
    "CERTIFICATE_EXPIRED",
    "CERTIFICATE_REVOKED",
    "UNSUPPORTED_CERTIFICATE",
    "DECRYPT_ERROR",
)


def describe_transport_error(
    error: httpx.HTTPError | ssl.SSLError,
    sent: SentRequest,
    timeout: float,
    *,
    answered: bool = False,
) -> tuple[FailureKind, str]:
    """Classify an httpx (or raw TLS) error and say what the user can do about it.

    httpx chains the original OS or SSL error as `__cause__`; that is where
    "refused" and "unknown host" can be told apart reliably. `answered`: the
    error came while reading a response body, not before any answer.
    """
    parts = urlsplit(sent.url)
    host = parts.hostname or "the server"
    where = f"{host}:{parts.port}" if parts.port else host
    causes = list(_cause_chain(error))
    tls_error = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
    if isinstance(error, ProxyFailure) and tls_error is None:
        return _describe_proxy_failure(where, host, error, causes)
    if isinstance(error, httpx.TimeoutException):
        phase = "connect to" if isinstance(error, httpx.ConnectTimeout) else "get an answer from"
        return FailureKind.TIMEOUT, (
            f"Timed out after {timeout:g} s trying to {phase} {where}. "
            "Raise the call's timeout option (or `timeout` in your config file), or check "
            "that the server is up."
        )
    if isinstance(error, httpx.UnsupportedProtocol):
        # Raised before connecting (a token URL; a redirect's Location, where httpx's own
        # words name the scheme): nothing was sent, no connection was closed.
        return FailureKind.PROTOCOL, f"Nothing was sent. {scheme_problem(sent.url) or error}"
    if tls_error is not None or "SSL" in str(error):
        return FailureKind.TLS, _describe_tls_error(where, tls_error, error)
    if isinstance(error, httpx.ConnectError):
        text = " ".join(str(c) for c in causes)
        if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text:
            return FailureKind.REFUSED, (
                f"Connection refused by {where}: nothing is listening there. "
                "Is the server running, and are the host and port right?"
            )
        if any(isinstance(c, socket.gaierror) for c in causes) or "name resolution" in text:
            return FailureKind.DNS, (
                f"Cannot resolve the host name {host!r}. Check the URL (or the provider's "
                "base URL) and your network or DNS."
            )
        return FailureKind.REFUSED, f"Cannot connect to {where}: {error}."
    reset = any(isinstance(c, ConnectionResetError | BrokenPipeError) for c in causes)
    if reset and parts.scheme == "https" and not answered:
        # A server that requires a client certificate sends a TLS alert and
        # closes; when our request is still unread there, its kernel resets
        # the connection and the alert is lost. A reset before any answer on
        # HTTPS is most often that.
        return FailureKind.TLS, (
            f"TLS failed with {where}: the server reset the connection before answering "
            f"({_deepest_message(causes)}). Servers that require a client certificate do this "
            "when none (or one they do not accept) is sent: check the provider's "
            "'Client-side SSL certificate' authentication."
        )
    return FailureKind.PROTOCOL, (
        f"The connection to {where} broke: {_deepest_message(causes)}. "
        "The server closed it or answered with something that is not HTTP."
    )


def _describe_proxy_failure(
    where: str, host: str, error: ProxyFailure, causes: list[BaseException]
) -> tuple[FailureKind, str]:
    """The proxy could not be reached (in time), or it would not connect to the server."""
    proxy = f"the proxy {error.route.shown} ({error.route.source})"
    if error.route.source == PROVIDER_PROXY:
        fix = "change or remove the provider's proxy (`proxy` in the workspace file)"
    else:
        fix = f"fix or unset {error.route.source}, or name {host} in NO_PROXY"
    cause = error.__cause__
    if isinstance(cause, httpx.ProxyError):
        return FailureKind.REFUSED, (
            f"{proxy[0].upper()}{proxy[1:]} did not connect to {where}: "
            f"{_deepest_message(causes)}. Check that the proxy may reach that server, "
            f"and the user and password it wants; or {fix}."
        )
    if isinstance(cause, httpx.TimeoutException):
        return FailureKind.TIMEOUT, (
            f"Timed out trying to connect to {proxy}, on the way to {where}. "
            f"Check that the proxy is up and its address; or {fix}."
        )
    refused = any(isinstance(c, ConnectionRefusedError) for c in causes)
    reason = "connection refused" if refused else _deepest_message(causes)
    return FailureKind.REFUSED, (
        f"Cannot reach {proxy}, on the way to {where}: {reason}. "
        f"Check that the proxy is running and its address; or {fix}."
    )


def _describe_tls_error(where: str, tls_error: ssl.SSLError | None, error: BaseException) -> str:
    """Say which side of the TLS handshake balked, from OpenSSL's reason code."""
    reason = (tls_error.reason if tls_error is not None else None) or ""
    detail = str(tls_error or error)
    if any(code in reason for code in _CLIENT_CERTIFICATE_WANTED):
        return (
            f"TLS failed with {where}: the server asked for a client certificate and got none "
            f"it accepts ({detail}). Use the provider's 'Client-side SSL certificate' "
            "authentication with a certificate the server trusts."
        )
    if any(code in reason for code in _CLIENT_CERTIFICATE_REFUSED):
        return (
            f"TLS failed with {where}: the server refused the client certificate ({detail}). "
            "Check that it is signed by a CA the server trusts, not expired, and that the "
            "private key belongs to it."
        )
    if isinstance(tls_error, ssl.SSLCertVerificationError):
        return (
            f"TLS failed with {where}: the server's certificate is not trusted "
            f"({tls_error.verify_message or detail}). For a server with a private CA give that "
            "CA's PEM file as the provider's ca_bundle (or in SSL_CERT_FILE), or turn off the "
            "call's verify_tls option."
        )
    if "WRONG_VERSION_NUMBER" in reason:
        return (
            f"TLS failed with {where}: the server does not speak TLS there ({detail}). "
            "Check the URL's scheme (http or https) and port."
        )
    return (
        f"TLS failed with {where}: {detail}. Check the URL's scheme and port; for a "
        "self-signed server give its CA bundle or turn off the call's verify_tls option."
    )


def _deepest_message(causes: list[BaseException]) -> str:
    """The most specific non-empty message in the chain (httpx's own are often empty)."""
    for cause in reversed(causes):
        text = (cause.strerror if isinstance(cause, OSError) else None) or str(cause)
        if text:
            return text
    return type(causes[0]).__name__


def _cause_chain(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain
