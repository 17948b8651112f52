"""Sending: long-lived HTTP clients per TLS/proxy configuration, streamed bodies, size cap.

`send` turns a `BuiltRequest` into an `Exchange`. Transport failures do not
raise: they come back as `Exchange.failure` with a kind and a message a user
can act on. Cancelling the awaiting task closes the response and re-raises,
as asyncio expects.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from urllib.parse import urlsplit

import httpx

from workbench.core.secrets.masking import Masker
from workbench.core.secrets.trust import origin_of
from workbench.core.sending.cookies import ProviderCookies, masked_cookie_header, refusing_jar
from workbench.core.sending.exchange import (
    Exchange,
    Failure,
    FailureKind,
    SentRequest,
    format_size,
)
from workbench.core.sending.failures import TRANSPORT_ERRORS, describe_transport_error
from workbench.core.sending.proxy_transport import ProxyRouter
from workbench.core.sending.request import BuiltRequest
from workbench.core.sending.stream import OnEvent, StreamKind, StreamParser, stream_kind
from workbench.core.sending.transport import TransportConfig
from workbench.core.workspace.model import DEFAULT_SIZE_CAP, DEFAULT_STREAM_IDLE_TIMEOUT


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
            # Cookies are kept per provider (`send`'s `cookies`), never client-wide.
            # The router picks each request's proxy (the environment's are read there).
            client = httpx.AsyncClient(
                transport=ProxyRouter(config.ssl_context(), config.proxy),
                timeout=None,
                cookies=refusing_jar(),
            )
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
    max_bytes: int = DEFAULT_SIZE_CAP,
    transport: TransportConfig | None = None,
    cookies: ProviderCookies | None = None,
    on_event: OnEvent | None = None,
    idle_timeout: float = DEFAULT_STREAM_IDLE_TIMEOUT,
) -> Exchange:
    """Send `built` and return the exchange; the body is streamed and cut at `max_bytes`.

    With `cookies` (the provider's jar for the environment), the request carries the
    cookies its origin set before, and the answers' cookies are kept there.

    The call's `timeout` is a deadline for the whole exchange, redirects and body included
    (httpx's own timeouts are per read: a server dripping a byte a second never trips them).
    Redirects are followed here, not by httpx, so that one to another origin drops every
    credential the provider added (see `_next_hop`).

    A streamed answer (`stream.stream_kind`: SSE, NDJSON, chunked text) is parsed into events
    as it arrives, each passed to `on_event` at once. The deadline then covers only the wait
    for its headers: a stream may run as long as it keeps sending, and ends when nothing
    arrives for `idle_timeout` seconds (a TIMEOUT failure saying so), at the size cap, or
    when the caller cancels (the connection is closed).
    """
    options = built.options
    config = transport or TransportConfig(verify=options.verify_tls)
    reading = _Reading(built, pool.client_for(config), max_bytes, cookies)
    reading.on_event, reading.idle_timeout = on_event, idle_timeout
    try:
        async with asyncio.timeout(built.timeout) as deadline:
            reading.deadline = deadline
            await reading.run()
    except TimeoutError:
        where = _where(reading.current_url)
        reading.failure = Failure(
            FailureKind.TIMEOUT,
            f"Timed out: no complete answer from {where} within the call's {built.timeout:g} s "
            "deadline. Raise the call's timeout option (or `timeout` in your config file), or "
            "check that the server is up.",
        )
    return reading.exchange()


MAX_REDIRECTS = 20
HOLD_SECONDS = 0.01  # the longest a body's reading keeps the event loop before a pause


class _Reading:
    """One exchange in progress: what has come back so far, kept when the deadline cuts it."""

    def __init__(
        self,
        built: BuiltRequest,
        client: httpx.AsyncClient,
        max_bytes: int,
        cookies: ProviderCookies | None,
    ) -> None:
        self.built = built
        self.client = client
        self.max_bytes = max_bytes
        self.masker = Masker(built.private_values)
        self.cookies = cookies
        self.sent = built.sent()
        if cookies is not None and cookies.add_header(built.request):
            self.sent = _with_cookie_header(self.sent, built.request.headers["cookie"])
        self.started = time.perf_counter()
        self.current_url = str(built.request.url)
        self.response: httpx.Response | None = None
        self.redirects: list[tuple[int, str]] = []
        self.time_to_headers: float | None = None
        self.chunks: list[bytes] = []
        self.failure: Failure | None = None
        self.deadline: asyncio.Timeout | None = None
        self.on_event: OnEvent | None = None
        self.idle_timeout = DEFAULT_STREAM_IDLE_TIMEOUT
        self.parser: StreamParser | None = None

    async def run(self) -> None:
        request = self.built.request
        origin = origin_of(str(request.url))
        timeout = self.built.timeout
        for _ in range(MAX_REDIRECTS + 1):
            self.current_url = str(request.url)
            try:
                response = await self.client.send(request, stream=True, follow_redirects=False)
            except TRANSPORT_ERRORS as error:
                kind, message = describe_transport_error(error, self.sent, timeout)
                self.failure = Failure(kind, message)
                return
            self.response = response
            self.time_to_headers = time.perf_counter() - self.started
            if self.cookies is not None:
                self.cookies.take(response)
            hop = response.next_request if self.built.options.follow_redirects else None
            if hop is None:
                await self._read_body(response)
                return
            await response.aclose()
            self.redirects.append((response.status_code, self.masker.text(self.current_url)))
            request, refusal = _next_hop(self.built, hop, origin)
            if self.cookies is not None and origin_of(str(request.url)) == origin:
                # What the redirect answer set too (a login's 302 to the start page).
                self.cookies.add_header(request)
            if refusal is not None:
                # Show the redirect itself, and say why it was not followed.
                self.failure = Failure(FailureKind.REDIRECT_REFUSED, refusal)
                self.redirects.pop()
                return
        self.failure = Failure(
            FailureKind.PROTOCOL,
            f"Too many redirects (more than {MAX_REDIRECTS}) from {_where(self.current_url)}. "
            "Turn off follow_redirects in the call's options to see the first answer.",
        )

    async def _read_body(self, response: httpx.Response) -> None:
        kind = stream_kind(response.headers.get("content-type", ""), _has_length(response))
        parser = self._start_stream(response, kind) if kind is not None else None
        loop = asyncio.get_running_loop()
        # Only a stream has an idle timeout; a plain body has the deadline alone.
        quiet = asyncio.timeout(self.idle_timeout if parser is not None else None)
        received = 0
        resting = loop.time()  # when this task last let the event loop run others
        try:
            async with quiet:
                async for chunk in response.aiter_bytes():
                    if loop.time() - resting > HOLD_SECONDS:
                        # A socket that always has bytes ready never makes this loop wait:
                        # without a pause now and then it would hold the event loop (and
                        # the screen) for as long as a fast stream lasts.
                        await asyncio.sleep(0)
                        resting = loop.time()
                    if parser is not None:
                        quiet.reschedule(loop.time() + self.idle_timeout)
                    if received + len(chunk) > self.max_bytes:
                        chunk = chunk[: self.max_bytes - received]
                        self.failure = Failure(
                            FailureKind.TOO_LARGE, too_large_message(self.max_bytes)
                        )
                    self.chunks.append(chunk)
                    received += len(chunk)
                    if parser is not None:
                        parser.feed(chunk)
                    if self.failure is not None:
                        break
                else:
                    if parser is not None:
                        parser.close()
        except TimeoutError:
            if not quiet.expired():
                raise
            self.failure = Failure(FailureKind.TIMEOUT, self._idle_message())
        except TRANSPORT_ERRORS as error:
            timeout = self.built.timeout
            kind_, message = describe_transport_error(error, self.sent, timeout, answered=True)
            self.failure = Failure(kind_, message)
        finally:
            await response.aclose()

    def _start_stream(self, response: httpx.Response, kind: StreamKind) -> StreamParser:
        """A stream's events are parsed as they come, and the deadline stops at its headers."""
        if self.deadline is not None:
            self.deadline.reschedule(None)
        # httpcore reads the request's read timeout (the call's) when the body starts: between
        # events a stream waits for the idle timeout instead.
        extensions = response.request.extensions
        extensions["timeout"] = {**extensions.get("timeout", {}), "read": None}
        content_type = response.headers.get("content-type", "")
        self.parser = StreamParser(kind, content_type, self.started, self.on_event)
        return self.parser

    def _idle_message(self) -> str:
        count = self.parser.count if self.parser is not None else 0
        return (
            f"The stream went quiet: nothing arrived from {_where(self.current_url)} for "
            f"{self.idle_timeout:g} s, so it was ended after {count} event"
            f"{'' if count == 1 else 's'}. Raise stream_idle_timeout in your config file to "
            "wait longer."
        )

    def exchange(self) -> Exchange:
        response = self.response
        total = time.perf_counter() - self.started
        if response is None:
            return Exchange(request=self.sent, failure=self.failure, total_time=total)
        encoding = response.headers.encoding
        return Exchange(
            request=self.sent,
            status=response.status_code,
            reason=response.reason_phrase,
            http_version=response.http_version,
            # `raw` keeps the header names as the server wrote them.
            headers=tuple(
                (name.decode(encoding), value.decode(encoding))
                for name, value in response.headers.raw
            ),
            body=b"".join(self.chunks),
            time_to_headers=self.time_to_headers,
            total_time=total,
            failure=self.failure,
            redirects=tuple(self.redirects),
            url=self.masker.text(str(response.url)),
            cookies=tuple(c.describe() for c in self.cookies.kept()) if self.cookies else (),
            stream=self.parser.kind if self.parser is not None else None,
            events=tuple(self.parser.events) if self.parser is not None else (),
            event_count=self.parser.count if self.parser is not None else 0,
        )


def _with_cookie_header(sent: SentRequest, value: str) -> SentRequest:
    """`sent` with the `Cookie` header the jar added, its values masked (they are credentials,
    but not private values the masker knows)."""
    headers = tuple((n, v) for n, v in sent.headers if n.lower() != "cookie")
    return replace(sent, headers=(*headers, ("Cookie", masked_cookie_header(value))))


def _next_hop(
    built: BuiltRequest, hop: httpx.Request, origin: str | None
) -> tuple[httpx.Request, str | None]:
    """The redirect's request as it may be sent, or why it must not be.

    httpx has already applied the HTTP rules (303 and POST-302 become GET without a body,
    `Authorization` dropped across origins). To another origin, every credential the
    provider added goes too: authentication headers and query keys, private headers and
    query parameters, cookies; and a body holding a private value is not sent again.
    """
    if origin_of(str(hop.url)) == origin:
        return hop, None
    for name in (*built.credential_headers, "authorization", "proxy-authorization", "cookie"):
        hop.headers.pop(name, None)
    url = hop.url
    for name in built.credential_query:
        url = url.copy_remove_param(name)
    hop.url = url
    body = hop.read()
    if body and any(value.encode() in body for value in built.private_values):
        target = origin_of(str(url)) or str(url)
        return hop, (
            f"Not followed: the server redirected to {target}, another origin, and the "
            "request body holds a private value that would be sent there again. The "
            "redirect answer is shown as it came."
        )
    return hop, None


def _has_length(response: httpx.Response) -> bool:
    return "content-length" in response.headers


def _where(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "the server"
    return f"{host}:{parts.port}" if parts.port else host


def too_large_message(max_bytes: int) -> str:
    return (
        f"The response is larger than the {format_size(max_bytes)} cap; only the first "
        f"{format_size(max_bytes)} were kept. Raise max_response_bytes in the workspace "
        "[settings] or size_cap in your config file (or pass --max-bytes) to receive it all."
    )
