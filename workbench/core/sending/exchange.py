"""An exchange: one sent request (masked) and its response or the reason there is none."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.core.sending.stream import StreamEvent, StreamKind


class FailureKind(StrEnum):
    """Why a call got no (complete) response."""

    REFUSED = "refused"
    DNS = "dns"
    TLS = "tls"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    CANCELLED = "cancelled"
    PROTOCOL = "protocol"  # the server broke the connection or spoke bad HTTP
    REDIRECT_REFUSED = "redirect_refused"  # following it would resend a private value elsewhere


@dataclass(frozen=True)
class Failure:
    """A transport failure with a message a user can act on."""

    kind: FailureKind
    message: str


@dataclass(frozen=True)
class SentRequest:
    """The request exactly as sent, with every private value replaced by a mask."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    # The values of the call's parameters that are not private, as the request was built
    # with them: the history re-sends a past request with these (and today's private values).
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Exchange:
    """One request and what came back.

    `status` is None when no response arrived (see `failure`). A response cut
    short by the size cap has its status and headers, the bytes read so far
    and a `TOO_LARGE` failure.
    """

    request: SentRequest
    status: int | None = None
    reason: str = ""
    http_version: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    time_to_headers: float | None = None  # seconds from sending until the status line arrived
    total_time: float = 0.0  # seconds from sending until the last byte (or the failure)
    failure: Failure | None = None
    # Redirects followed before this answer, in order: (status, the URL that answered it,
    # masked). `url` is where the answer came from (masked); "" when no answer came.
    redirects: tuple[tuple[int, str], ...] = ()
    url: str = ""
    # The cookies the provider holds for this environment after the exchange, as
    # `name (domain/path, ...)`: never their values (see `sending.cookies`).
    cookies: tuple[str, ...] = ()
    # A streamed answer (SSE, NDJSON, chunked text: see `sending.stream`): its kind, its first
    # events (at most `stream.MAX_KEPT_EVENTS`) and how many there were. `body` holds it all.
    stream: StreamKind | None = None
    events: tuple[StreamEvent, ...] = ()
    event_count: int = 0

    @property
    def size(self) -> int:
        """Bytes of response body received."""
        return len(self.body)

    @property
    def ok(self) -> bool:
        """A complete 2xx or 3xx answer."""
        return self.failure is None and self.status is not None and self.status < 400

    def header(self, name: str) -> str | None:
        """The first response header called `name` (any case), or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()


def format_size(size: int) -> str:
    """Bytes as a short human figure: 512 B, 1.5 KB, 50 MB."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "B" or value >= 100 else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
