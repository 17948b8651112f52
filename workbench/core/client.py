"""Sending: long-lived HTTP clients per TLS/proxy configuration, streamed bodies, size cap.

`send` turns a `BuiltRequest` into an `Exchange`. Transport failures do not
raise: they come back as `Exchange.failure` with a kind and a message a user
can act on. Cancelling the awaiting task closes the response and re-raises,
as asyncio expects.
"""

from __future__ import annotations

import socket
import ssl
import time
from urllib.parse import urlsplit

import httpx

from workbench.core.exchange import Exchange, Failure, FailureKind, SentRequest, format_size
from workbench.core.request import BuiltRequest
from workbench.core.transport import TransportConfig

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

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


class ClientPool:
    """Keeps one `httpx.AsyncClient` per `TransportConfig`, reused for every request.

    Reusing clients keeps connections alive between calls; making a client per
    request would redo TCP and TLS handshakes every time.
    """

    def __init__(self) -> None:
        self._clients: dict[TransportConfig, httpx.AsyncClient] = {}

    def client_for(self, config: TransportConfig) -> httpx.AsyncClient:
        client = self._clients.get(config)
        if client is None:
            # Timeouts are per request (in the request's extensions); no default here.
            client = httpx.AsyncClient(verify=config.ssl_context(), timeout=None)
            self._clients[config] = client
        return client

    def __len__(self) -> int:
        return len(self._clients)

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    async def __aenter__(self) -> ClientPool:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def send(
    built: BuiltRequest,
    pool: ClientPool,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    transport: TransportConfig | None = None,
) -> Exchange:
    """Send `built` and return the exchange; the body is streamed and cut at `max_bytes`."""
    sent = built.sent()
    options = built.options
    config = transport or TransportConfig(verify=options.verify_tls)
    client = pool.client_for(config)
    started = time.perf_counter()

    def failed(kind: FailureKind, message: str) -> Exchange:
        return Exchange(
            request=sent,
            failure=Failure(kind, message),
            total_time=time.perf_counter() - started,
        )

    try:
        response = await client.send(
            built.request, stream=True, follow_redirects=options.follow_redirects
        )
    except TRANSPORT_ERRORS as error:
        kind, message = describe_transport_error(error, sent, options.timeout)
        return failed(kind, message)
    time_to_headers = time.perf_counter() - started

    chunks: list[bytes] = []
    received = 0
    failure: Failure | None = None
    try:
        async for chunk in response.aiter_bytes():
            if received + len(chunk) > max_bytes:
                chunks.append(chunk[: max_bytes - received])
                received = max_bytes
                failure = Failure(FailureKind.TOO_LARGE, too_large_message(max_bytes))
                break
            chunks.append(chunk)
            received += len(chunk)
    except TRANSPORT_ERRORS as error:
        kind, message = describe_transport_error(error, sent, options.timeout, answered=True)
        failure = Failure(kind, message)
    finally:
        await response.aclose()

    return Exchange(
        request=sent,
        status=response.status_code,
        reason=response.reason_phrase,
        http_version=response.http_version,
        # `raw` keeps the header names as the server wrote them.
        headers=tuple(
            (name.decode(response.headers.encoding), value.decode(response.headers.encoding))
            for name, value in response.headers.raw
        ),
        body=b"".join(chunks),
        time_to_headers=time_to_headers,
        total_time=time.perf_counter() - started,
        failure=failure,
    )


def too_large_message(max_bytes: int) -> str:
    return (
        f"The response is larger than the {format_size(max_bytes)} cap; only the first "
        f"{format_size(max_bytes)} were kept. Raise max_response_bytes in the workspace "
        "[settings] (or pass --max-bytes) to receive it all."
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
    if isinstance(error, httpx.TimeoutException):
        phase = "connect to" if isinstance(error, httpx.ConnectTimeout) else "get an answer from"
        return FailureKind.TIMEOUT, (
            f"Timed out after {timeout:g} s trying to {phase} {where}. "
            "Raise the call's timeout option, or check that the server is up."
        )
    tls_error = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
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
    if isinstance(error, httpx.TooManyRedirects):
        return FailureKind.PROTOCOL, (
            f"Too many redirects from {where}. Turn off follow_redirects in the call's "
            "options to see the first answer."
        )
    return FailureKind.PROTOCOL, (
        f"The connection to {where} broke: {_deepest_message(causes)}. "
        "The server closed it or answered with something that is not HTTP."
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
            "CA's bundle (ca_bundle of the 'Client-side SSL certificate' authentication), or "
            "turn off the call's verify_tls option."
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
