"""What the response area shows: nothing yet, a call in flight, a stream arriving, an answer,
or a problem.

Each call keeps its latest one per environment (`AnswerOf` names whose it is);
the desk publishes the selected call's, and the TUI's response view draws it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.core.workspace.model import ResponseType

if TYPE_CHECKING:
    from workbench.core.history.entry import HistoryEntry
    from workbench.core.sending.session import CallResult
    from workbench.core.sending.stream import StreamEvent
    from workbench.core.workspace.document import WorkspaceDocument

# `Answered.parsed_json` when the body was not parsed as JSON: the view parses what it shows.
UNPARSED: object = object()


@dataclass(frozen=True)
class AnswerOf:
    """Whose response it is: a call of a document, in an environment."""

    document: WorkspaceDocument
    provider: str
    call: str
    environment: str

    @property
    def name(self) -> str:
        return f"{self.provider}/{self.call}"


@dataclass(frozen=True)
class Idle:
    """No call selected."""


@dataclass(frozen=True)
class NotSent:
    """The selected call has no response yet in this environment."""

    name: str
    environment: str


@dataclass(frozen=True)
class InFlight:
    """A call on its way; `url` as written (placeholders unfilled)."""

    method: str
    url: str
    environment: str


@dataclass(frozen=True)
class Answered:
    """The outcome of a call: an exchange, answered or failed on the way."""

    result: CallResult
    environment: str

    @property
    def response_type(self) -> ResponseType:
        return self.result.call.response_type

    @property
    def wrapped_data(self) -> object:
        """The call's data when its options wrap the body (status, headers and `body`), which
        the JSON tab shows: its paths are then the ones chaining and the shape use, and the
        status and headers can be chained too. `UNPARSED` when the data is the body itself."""
        return self.result.data if self.result.wraps_body else UNPARSED

    @property
    def parsed_json(self) -> object:
        """The body as the session parsed it into data, when it parsed it as JSON; otherwise
        `UNPARSED`."""
        result = self.result
        if not result.has_data or result.call.response_type is not ResponseType.JSON:
            return UNPARSED
        # A text here may also be an error body kept as text (include_errors): parse it again.
        return UNPARSED if isinstance(result.body_data, str) else result.body_data


MAX_LIVE_EVENTS = 1_000_000
"""Events a live stream keeps for the screen; later ones are counted, not kept."""


@dataclass(eq=False)
class LiveStream:
    """The events of a streamed answer so far, appended as they arrive (on the event loop).

    A screen reads `events` and `count` when it redraws, as often as it likes, rather
    than being told of each event: thousands a second would otherwise flood it.
    `stopped`: the user stopped the stream; `started`: `time.monotonic()` when sending.
    """

    started: float = field(default_factory=time.monotonic)
    events: list[StreamEvent] = field(default_factory=list)
    count: int = 0
    stopped: bool = False

    def add(self, event: StreamEvent) -> None:
        self.count += 1
        if len(self.events) < MAX_LIVE_EVENTS:
            self.events.append(event)

    @property
    def elapsed(self) -> float:
        """Seconds since sending."""
        return time.monotonic() - self.started


@dataclass(frozen=True)
class Streaming:
    """A streamed answer arriving (or stopped by the user): its events so far."""

    live: LiveStream
    environment: str


@dataclass(frozen=True)
class Past:
    """A response from the history, as it was kept: masked, its body cut at the cap."""

    entry: HistoryEntry
    response_type: ResponseType


@dataclass(frozen=True)
class Cancelled:
    """The user cancelled the call in flight."""

    environment: str


@dataclass(frozen=True)
class Problem:
    """Nothing was sent, or the outcome could not be read: what happened and what to do."""

    text: str


ResponseState = Idle | NotSent | InFlight | Streaming | Answered | Past | Cancelled | Problem
