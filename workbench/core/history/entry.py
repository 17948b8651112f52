"""One exchange as the history keeps it: every private value masked, the response body cut.

The history lives in the user's data directory, not in a workspace, but it is a file all the
same: a private value the process knows (a key, a token, a private parameter, and the same
value echoed back by a server) is masked in the request, the response headers, the body and
the messages before the entry is made, in every encoding `Masker` knows. The body is masked
first and cut afterwards, so a cut never keeps the first half of a private value.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from workbench.core.secrets.masking import Masker
from workbench.core.sending.exchange import Exchange, Failure, SentRequest

BODY_CAP = 1024 * 1024  # bytes of a response body kept in an entry


@dataclass(frozen=True)
class Where:
    """Which call of which workspace an exchange belongs to, and in which environment.

    `workspace_path` (absolute) finds the entries of a file without an id (it gets a new id
    at each load until it is saved) and names the file a re-send loads."""

    workspace_id: str
    workspace_name: str
    provider: str
    call: str
    environment: str
    workspace_path: str = ""

    @property
    def name(self) -> str:
        """`Provider/Call`."""
        return f"{self.provider}/{self.call}"


@dataclass(frozen=True)
class HistoryEntry:
    """One kept exchange. `exchange` is masked and its body cut at the cap (`cut`: only its
    first part was kept); `body_size` is the size of the whole body received. `id` is given
    by the store (None until kept)."""

    where: Where
    sent_at: float  # seconds since the epoch
    exchange: Exchange
    body_size: int
    cut: bool = False
    id: int | None = None


@dataclass(frozen=True)
class HistorySummary:
    """A line of the history list: an entry without its request, headers and body."""

    id: int
    where: Where
    sent_at: float
    method: str
    url: str
    status: int | None
    reason: str
    total_time: float
    failure: str  # the failure's kind, "" when there was none


def local_time(seconds: float) -> str:
    """When an entry was sent, as the lists show it: `2026-12-05 11:40:03`, local time."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))


def kept_entry(
    where: Where, sent_at: float, exchange: Exchange, masker: Masker, body_cap: int = BODY_CAP
) -> HistoryEntry:
    """The entry for `exchange`: everything `masker` knows masked, the body cut at
    `body_cap` bytes."""
    request = exchange.request
    text = masker.text
    masked_request = SentRequest(
        method=request.method,
        url=text(request.url),
        headers=_masked_headers(request.headers, masker),
        body=masker.bytes(request.body)[:body_cap],
        parameters=tuple((name, text(value)) for name, value in request.parameters),
    )
    failure = exchange.failure
    body = masker.bytes(exchange.body)
    kept = replace(
        exchange,
        request=masked_request,
        reason=text(exchange.reason),
        headers=_masked_headers(exchange.headers, masker),
        body=body[:body_cap],
        failure=None if failure is None else Failure(failure.kind, text(failure.message)),
        redirects=tuple((status, text(url)) for status, url in exchange.redirects),
        url=text(exchange.url),
        cookies=tuple(text(cookie) for cookie in exchange.cookies),
    )
    return HistoryEntry(
        where, sent_at, kept, body_size=len(exchange.body), cut=len(body) > body_cap
    )


def _masked_headers(
    headers: tuple[tuple[str, str], ...], masker: Masker
) -> tuple[tuple[str, str], ...]:
    return tuple((masker.text(name), masker.text(value)) for name, value in headers)
