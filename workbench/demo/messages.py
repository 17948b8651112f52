"""Request and response values exchanged between the demo transport and the route handlers.

Handlers receive a parsed `Request` and return a `Response`; to answer with an
error they raise `HTTPError`, which the transport turns into the JSON error body
every demo endpoint uses: {"error": "...", "status": N}.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.demo.state import DemoState

JSON_TYPE = "application/json"


@dataclass
class Response:
    """What a handler answers.

    `body` is either bytes (sent with Content-Length) or an iterator of chunks,
    sent with Content-Length when `length` is known and chunked otherwise, so
    big or slow bodies are produced while they are sent instead of held in memory.
    """

    status: int = 200
    body: bytes | Iterator[bytes] = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    length: int | None = None


def json_response(
    data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    """A JSON response encoded as UTF-8."""
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(status, body, JSON_TYPE, list(headers or []))


class HTTPError(Exception):
    """Raised by handlers (or request helpers) to answer with a JSON error."""

    def __init__(
        self, status: int, message: str, headers: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers or [])

    def to_response(self) -> Response:
        return json_response(
            {"error": self.message, "status": self.status}, self.status, self.headers
        )


@dataclass(frozen=True)
class Request:
    """One parsed HTTP request, plus the route parameters and the server it arrived at."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    params: dict[str, str]
    state: DemoState
    stopping: threading.Event
    """Set when the server stops; slow handlers wait on it instead of sleeping."""
    scheme: str = "http"
    """"https" on a TLS port: part of the URL the client used (JWT audiences name it)."""
    peer_certificate: dict[str, Any] | None = None
    """The verified client certificate (as `ssl.SSLSocket.getpeercert()` gives it), if any."""

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower-case; "" when absent."""
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()

    def json_body(self) -> Any:
        """The body parsed as JSON; 415 when it is not declared JSON, 400 when it does not parse."""
        media_type = self.media_type
        if media_type != JSON_TYPE and not media_type.endswith("+json"):
            raise HTTPError(415, f"expected Content-Type {JSON_TYPE}, got {media_type or 'none'}")
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise HTTPError(400, f"request body is not valid JSON: {error}") from None

    def query_value(self, name: str) -> str | None:
        """The first value of a query parameter, or None when it is absent."""
        values = self.query.get(name)
        return values[0] if values else None

    def query_int(self, name: str, default: int, minimum: int, maximum: int) -> int:
        """An integer query parameter within [minimum, maximum]; 400 otherwise."""
        text = self.query_value(name)
        if text is None:
            return default
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if not minimum <= value <= maximum:
            raise HTTPError(
                400, f"query parameter {name!r} must be an integer from {minimum} to {maximum}"
            )
        return value

    def query_float(self, name: str, default: float, minimum: float, maximum: float) -> float:
        """A finite number query parameter within [minimum, maximum]; 400 otherwise."""
        text = self.query_value(name)
        if text is None:
            return default
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and minimum <= value <= maximum):
            raise HTTPError(
                400, f"query parameter {name!r} must be a number from {minimum} to {maximum}"
            )
        return value
